"""`manage.py seed_demo`: the demo district (see neighbourhoods.demo for the rules)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from neighbourhoods.demo import DEMO_PASSWORD, DEMO_SEED, seed_demo


class Command(BaseCommand):
    help = (
        "Fill an empty database with Changning's 10 subdistricts, 185 committees, about 2,000 "
        "community workers and six demo logins. Deterministic for a given --seed; does nothing "
        "when community workers already exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEMO_SEED, help="random seed (default 2019)"
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="multiply committees and workers (50 gives about 100,000 workers)",
        )
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"password of the demo logins (default {DEMO_PASSWORD})",
        )

        parser.add_argument(
            "--without-activity",
            action="store_true",
            help="only structure, workers, logins and pairings; no supervision logs",
        )

    def handle(
        self,
        *args: Any,
        seed: int,
        scale: int,
        password: str,
        without_activity: bool,
        **options: Any,
    ) -> None:
        if scale < 1:
            raise CommandError("--scale must be at least 1")
        seed_demo(
            seed=seed,
            scale=scale,
            password=password,
            stdout=self.stdout,
            activity=not without_activity,
        )
