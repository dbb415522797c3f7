"""`manage.py seed_demo`: the demo district (see demo/seed.py for the rules)."""

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.context import DEMO_PASSWORD, DEMO_SEED
from demo.seed import seed_demo


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Fill an empty database with Changning's 10 subdistricts, 185 committees, about 2,000 "
        "community workers, six demo logins and 18 months of history up to today. "
        "Deterministic for a given --seed, --scale and --today; does nothing when community "
        "workers already exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEMO_SEED, help=f"random seed (default {DEMO_SEED})"
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="multiply committees and workers (50 gives about 100,000 workers)",
        )
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help="the demo's today, YYYY-MM-DD: history ends the day before (default: the "
            "local date; pin it for reproducible runs)",
        )
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"password of the demo logins (default {DEMO_PASSWORD})",
        )
        parser.add_argument(
            "--without-activity",
            action="store_true",
            help="only structure, workers, logins and pairings; no certification history, "
            "supervision logs or training",
        )

    def handle(
        self,
        *args: Any,
        seed: int,
        scale: int,
        today: dt.date | None,
        password: str,
        without_activity: bool,
        **options: Any,
    ) -> None:
        if scale < 1:
            raise CommandError("--scale must be at least 1")
        seed_demo(
            seed=seed,
            scale=scale,
            today=today,
            password=password,
            stdout=self.stdout,
            activity=not without_activity,
        )
