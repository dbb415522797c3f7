"""The sweeper: report and import runs whose worker died end retried or failed, never stuck.

Tasks are acknowledged late and rejected when their worker is lost (CELERY_TASK_ACKS_LATE,
CELERY_TASK_REJECT_ON_WORKER_LOST), so a prefork child killed mid-task has its message put
back on the queue. That does not cover everything: a whole worker killed leaves its message
unacknowledged in Redis until the visibility timeout (an hour), a machine restart can lose it,
a message sent while the broker was down never arrives, and a redelivered build finds its run
"running" and, not knowing that the first build is dead, leaves it alone. So the sweeper looks
at the rows, not at the queue: a run with no heartbeat (claim or progress) for
DUDAO_RUN_STALE_MINUTES is queued again while it has been started fewer than
DUDAO_RUN_MAX_ATTEMPTS times, and marked failed with the reason otherwise.

Each app that has runs registers its own sweep here from its AppConfig.ready() (imports,
reports, trainees): this module knows no app, so the layers stay one-way.

Files kept only for a short time (a large roster export, a day) are removed here too, by an
expiry registered with `expiry_register`: every five minutes is often enough for them, and
the daily jobs of reports and imports are for periods counted in months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import override


class Sweep(Protocol):
    def __call__(
        self, *, now: dt.datetime, cutoff: dt.datetime, max_attempts: int
    ) -> tuple[int, int]: ...


_SWEEPS: dict[str, Callable[..., tuple[int, int]]] = {}
_EXPIRIES: dict[str, Callable[..., int]] = {}


def sweep_register(name: str, sweep: Sweep) -> None:
    """`sweep` returns (queued again, failed) for its runs; `name` prefixes the counts."""
    _SWEEPS[name] = sweep


def expiry_register(name: str, expire: Callable[..., int]) -> None:
    """`expire(now=...)` removes the files past their time and returns how many."""
    _EXPIRIES[name] = expire


class SweepResult(dict):
    """{"reports_requeued": 1, "imports_failed": 2, …}: the counts that are not zero."""

    def __init__(self, **counts: int) -> None:
        super().__init__({key: n for key, n in counts.items() if n})


def stale_runs(queryset: QuerySet, cutoff: dt.datetime) -> QuerySet:
    # A run never claimed has no heartbeat yet: its age counts from the request.
    # skip_locked: a second sweeper (beat and the command at once) passes over these rows.
    return (
        queryset.select_for_update(skip_locked=True)
        .annotate(last_seen=Coalesce("heartbeat_at", "created_at"))
        .filter(last_seen__lt=cutoff)
        .order_by("pk")
    )


@transaction.atomic
def runs_sweep(
    *,
    now: dt.datetime | None = None,
    stale_after: dt.timedelta | None = None,
    max_attempts: int | None = None,
) -> SweepResult:
    """Queue again, or fail, every run whose worker stopped giving signs of life, and remove
    the short-lived files past their time. Messages are sent and files deleted after commit.
    Runs done, failed, previewed or recently active are left alone."""
    now = now or timezone.now()
    if stale_after is None:
        stale_after = dt.timedelta(minutes=settings.DUDAO_RUN_STALE_MINUTES)
    if max_attempts is None:
        max_attempts = settings.DUDAO_RUN_MAX_ATTEMPTS
    cutoff = now - stale_after
    counts: dict[str, int] = {}
    with override("zh-hans"):  # the reasons stored on failed runs
        for name, sweep in sorted(_SWEEPS.items()):
            requeued, failed = sweep(now=now, cutoff=cutoff, max_attempts=max_attempts)
            counts[f"{name}_requeued"], counts[f"{name}_failed"] = requeued, failed
        for name, expire in sorted(_EXPIRIES.items()):
            counts[f"{name}_removed"] = expire(now=now)
    return SweepResult(**counts)


def sweep_names() -> list[str]:
    return sorted(_SWEEPS)
