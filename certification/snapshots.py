"""Monthly snapshots of the rate figures (issue 13): each past month end counted once, kept in
`RateSnapshotRow` by subdistrict, housing type and post (the rate dashboard's scopes and
filters), so that the 24-month trend adds up a few thousand rows instead of counting two years
of history per request.

The live count (`certification.selectors.rate`) stays the definition: a day is counted with
its predicates (`snapshot_count`) and stored; a snapshot is only ever a copy. A single
committee's trend (a filter the dashboard's form does not offer) is always counted live.

- Which days: month ends before today. Today and later days change with every write and are
  counted live.
- Filling: lazily on read (`ready_days`), and in the background after a write dropped past
  month ends (`certification.tasks.refresh_rate_snapshots`, once per burst). The reader claims a day (an incomplete marker,
  committed before counting), then counts and completes it holding the marker's row lock, so
  a write that drops the day meanwhile either waits for the fill and drops it after, or drops
  the claim first and the fill skips the day (the response counts it live).
- Dropping (`rate_snapshots_drop(from_day=…)`): every day on or after the first day a write
  changes, in the writer's transaction and again once it commits (a fill that counted before
  the commit is dropped too). Writes: worker periods (`trainees.history.apply_plans`, through
  `trainees.signals.periods_changed`), certificates and registrations (their services save the
  rows; the receivers below see every save and delete, the admin's and the factories' too), a
  worker deleted (their periods go with them), and `seed_demo` (clears all). Only the markers
  are deleted: a day's rows are replaced by its next fill, so a reader that found the day
  complete a moment before still sums the figures as they were before the write.
- A period created in bulk outside `apply_plans` (a new worker's first period) sends no
  signal: each marker keeps the highest period id it counted; when newer periods exist, the
  days from the first day they cover are stale (one range scan of the primary key).
- A committee's housing type changed (the rows keep it as counted): every day is dropped.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Min, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from neighbourhoods.models import Neighbourhood
from trainees.models import Trainee, WorkerPeriod
from trainees.populations import periods_on
from trainees.signals import periods_changed

from .models import Certificate, RateSnapshot, RateSnapshotRow, Registration
from .selectors.population import held_on_q, registered_on_q

logger = logging.getLogger(__name__)

GRAIN = ("subdistrict_id", "housing_type", "post")
REFRESH_LOCK = "certification:rate-snapshot-refresh"
# Writes come in bursts (an import, a day's certificates): one refresh after the burst settles.
REFRESH_DELAY_SECONDS = 60
COUNTS = ("active", "certified", "registered")


def is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def storable(days: Iterable[dt.date], today: dt.date | None = None) -> list[dt.date]:
    """The days a snapshot may keep: month ends before today."""
    today = today or timezone.localdate()
    return [day for day in days if day < today and is_month_end(day)]


def snapshot_count(day: dt.date) -> QuerySet[WorkerPeriod]:
    """The whole district on `day` by subdistrict, housing type and post: the rate dashboard's
    counts (`rate_overall`) at the grain of a snapshot row."""
    return (
        periods_on(day)
        .values(
            "subdistrict_id",
            "post",
            housing_type=Coalesce("neighbourhood__housing_type", Value(RateSnapshotRow.OFFICE)),
        )
        .annotate(
            active=Count("pk"),
            certified=Count("pk", filter=held_on_q(day)),
            registered=Count("pk", filter=registered_on_q(day)),
        )
        .order_by()
    )


def _insert_counts(day: dt.date) -> None:
    """INSERT … SELECT: the rows never pass through Python (about 20,000 a day at 100,000)."""
    sql, params = snapshot_count(day).query.sql_with_params()
    table = connection.ops.quote_name(RateSnapshotRow._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("day", *GRAIN, *COUNTS))
    picked = ", ".join(f"g.{connection.ops.quote_name(c)}" for c in (*GRAIN, *COUNTS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT %s, {picked} FROM ({sql}) g",  # noqa: S608
            [connection.ops.adapt_datefield_value(day), *params],
        )


def ready_days(days: Iterable[dt.date]) -> set[dt.date]:
    """Of `days` (month ends before today), those whose rows are complete, counting the missing
    and stale ones first. A day another reader is counting, or a write dropped meanwhile, is
    left out (the caller counts it live). Queries: one when all are ready; else about four plus
    one per day counted."""
    days = sorted(set(days))
    if not days:
        return set()
    latest = Subquery(WorkerPeriod.objects.order_by("-pk").values("pk")[:1])
    markers = list(
        RateSnapshot.objects.filter(day__in=days, complete=True)
        .annotate(latest=latest)
        .values_list("day", "periods_upto", "latest")
    )
    ready = {day for day, _upto, _latest in markers}
    behind = [(day, upto) for day, upto, latest in markers if upto < (latest or 0)]
    if behind:
        # Periods written since some day was counted: the first day any of them covers (a range
        # of the primary key, given as a constant so that the index is used).
        since = min(upto for _day, upto in behind)
        first = WorkerPeriod.objects.filter(pk__gt=since).aggregate(first=Min("starts_on"))
        if first["first"] is not None and first["first"] <= max(day for day, _upto in behind):
            rate_snapshots_drop(from_day=first["first"])
            ready = {day for day in ready if day < first["first"]}
        # The days before it are still true with those periods: move their mark past them.
        RateSnapshot.objects.filter(day__in=ready, periods_upto__lt=markers[0][2]).update(
            periods_upto=markers[0][2]
        )
    missing = [day for day in days if day not in ready]
    if missing:
        ready |= _fill(missing)
    return ready


def _fill(days: list[dt.date]) -> set[dt.date]:
    # The claim is committed before counting (outside a transaction) so that a write which
    # commits while we count finds it and drops it (see the module docstring).
    RateSnapshot.objects.bulk_create([RateSnapshot(day=day) for day in days], ignore_conflicts=True)
    with transaction.atomic():
        claimed = list(
            RateSnapshot.objects.select_for_update()
            .filter(day__in=days, complete=False)
            .values_list("day", flat=True)
        )
        if not claimed:
            return set()
        upto = WorkerPeriod.objects.aggregate(upto=Max("pk"))["upto"] or 0
        RateSnapshotRow.objects.filter(day__in=claimed).delete()
        for day in claimed:
            _insert_counts(day)
        RateSnapshot.objects.filter(day__in=claimed).update(complete=True, periods_upto=upto)
    return set(claimed)


# --- dropping ----------------------------------------------------------------------------------


def _drop(from_day: dt.date) -> None:
    RateSnapshot.objects.filter(day__gte=from_day).delete()


def _drop_committed(from_day: dt.date) -> None:
    _drop(from_day)
    if from_day < timezone.localdate():
        refresh_soon()


def rate_snapshots_drop(*, from_day: dt.date) -> None:
    """Every snapshot on or after `from_day` is no longer true: drop it now (this transaction's
    own reads) and again when the transaction commits (a fill that counted before the commit),
    then queue a refresh."""
    _drop(from_day)
    transaction.on_commit(lambda: _drop_committed(from_day))


def refresh_soon() -> None:
    """Queue one refresh of the trend's month ends after a burst of writes settles (one at a
    time: the lock is held until the task starts). With tasks run eagerly (tests, a development
    server without a worker) the next read counts them instead: a refresh inside the writer's
    request would cost it seconds at city scale."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    if not cache.add(REFRESH_LOCK, 1, timeout=REFRESH_DELAY_SECONDS * 10):
        return
    from .tasks import refresh_rate_snapshots  # the tasks module imports this one

    try:
        refresh_rate_snapshots.apply_async(countdown=REFRESH_DELAY_SECONDS)
    except Exception:  # the broker is down: the next read counts them
        cache.delete(REFRESH_LOCK)
        logger.exception("could not queue the refresh of the rate snapshots")


def rate_snapshots_refresh(today: dt.date | None = None) -> int:
    """Count the month ends the dashboard's trend shows as of today that are not kept; returns
    how many are kept now. Writes made while it runs queue the next refresh (the lock is
    released first)."""
    from .selectors.rate import month_ends  # the selectors import this module

    cache.delete(REFRESH_LOCK)
    today = today or timezone.localdate()
    return len(ready_days(storable(month_ends(today), today)))


def rate_snapshots_clear() -> None:
    """Forget every snapshot (after seeding a district from scratch)."""
    RateSnapshot.objects.all().delete()
    RateSnapshotRow.objects.all().delete()


def _periods_changed(sender: Any, from_day: dt.date, **kwargs: Any) -> None:
    rate_snapshots_drop(from_day=from_day)


def _period_saved(sender: Any, instance: WorkerPeriod, **kwargs: Any) -> None:
    # Only trainees.history writes periods, in bulk (its signal above); a period saved one by one
    # (a test's factory, a data fix) changes at most its own days.
    rate_snapshots_drop(from_day=instance.starts_on)


def _worker_deleted(sender: Any, instance: Trainee, **kwargs: Any) -> None:
    rate_snapshots_drop(from_day=dt.date.min)  # their periods go with them, whatever their days


def _committee_saved(sender: Any, instance: Neighbourhood, **kwargs: Any) -> None:
    # The rows keep each committee's housing type as it is when counted.
    if instance.pk and RateSnapshot.objects.exists():
        stored = Neighbourhood.objects.filter(pk=instance.pk).values_list("housing_type", flat=True)
        if list(stored) not in ([], [instance.housing_type]):
            rate_snapshots_drop(from_day=dt.date.min)


def _certificate_written(sender: Any, instance: Certificate, **kwargs: Any) -> None:
    rate_snapshots_drop(from_day=instance.date_issued)


def _registration_written(sender: Any, instance: Registration, **kwargs: Any) -> None:
    rate_snapshots_drop(from_day=instance.starts_on)


def connect_receivers() -> None:
    """Called once from CertificationConfig.ready."""
    uid = "certification.snapshots"
    periods_changed.connect(_periods_changed, dispatch_uid=f"{uid}.periods")
    post_save.connect(_period_saved, sender=WorkerPeriod, dispatch_uid=f"{uid}.period")
    pre_delete.connect(_worker_deleted, sender=Trainee, dispatch_uid=f"{uid}.worker")
    pre_save.connect(_committee_saved, sender=Neighbourhood, dispatch_uid=f"{uid}.committee")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_certificate_written, sender=Certificate, dispatch_uid=f"{uid}.cert.{name}")
        signal.connect(_registration_written, sender=Registration, dispatch_uid=f"{uid}.reg.{name}")
