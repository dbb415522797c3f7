"""Queue again or fail the report and import runs whose worker died (core/sweeper.py).

Beat runs the same sweep every five minutes; this is for an operator after an outage, or a
deployment without beat: `manage.py sweep_runs --stale-minutes 2`.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandParser

from core.sweeper import runs_sweep, sweep_names


class Command(BaseCommand):
    help = "Queue again or mark failed the report and import runs left running by a dead worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stale-minutes",
            type=float,
            default=None,
            help="No heartbeat for this long means the worker died (default DUDAO_RUN_STALE_MINUTES).",
        )

    def handle(self, *args, stale_minutes: float | None = None, **options) -> None:
        stale_after = None if stale_minutes is None else dt.timedelta(minutes=stale_minutes)
        result = runs_sweep(stale_after=stale_after)
        self.stdout.write(
            "; ".join(
                f"{name}: {result.get(f'{name}_requeued', 0)} queued again, "
                f"{result.get(f'{name}_failed', 0)} failed"
                for name in sweep_names()
            )
        )
