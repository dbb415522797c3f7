"""Snapshots of the dashboard's figures for complete periods (issue 13): a district dashboard
counts years of history (35 queries, 7–12 s of SQL at 100,000 workers), and the figures of a
period that is over change only when someone writes data dated on or before its last day.

`reports.figures.dashboard_figures` stays the definition: a snapshot (`ReportSnapshot`) is its
output, kept by period, scope and language, and only ever a copy.

- Which periods: those over (last day before today). The current period changes with every
  write and is always computed live (the form lets a user ask for it).
- Filling: lazily on read (`dashboard_snapshot`) and in the background after a change
  (`reports.tasks.refresh_report_snapshots`). The reader first commits a claim (a row without
  figures), then computes, then writes the figures into *that* row by id. A write that commits
  meanwhile deletes the claim, so the figures, perhaps counted before it, are not kept (the
  reader still shows them, as computed at that moment); a new claim gets a new id.
- Dropping (`report_snapshots_drop(from_day=…)`): every snapshot whose period ends on or after
  the first day the write changes. Recorded at once for the writer's transaction (a read in it
  drops them before looking: no query is added to the write itself) and carried out when the
  transaction commits (which also catches a fill that counted before the commit). Receivers
  below see every save and delete of the rows the figures read; periods written in bulk by
  `trainees.history` send `trainees.signals.periods_changed`; a committee's population and
  the staffing norm drop from their effective date; policies, targets, certificate levels and
  the committee structure drop everything.
- Rows inserted in bulk past the signals (a worker's first period, `assignments_bulk_create`,
  a log's attendees, attendance marks inserted by `training.services.attendance`): each snapshot
  keeps the highest ids it counted, and a read that finds newer rows drops the periods from the
  first day they cover (one range scan of each primary key, as certification/snapshots.py).
  Marks corrected in bulk by `attendance_mark` are seen through the audit event it records on the
  sitting; hours re-credited in bulk follow a save of their training event.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Min, Q, Subquery
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from django.utils import timezone, translation

from audit.models import AuditEvent
from certification.models import Certificate, Level, RateTarget, Registration
from neighbourhoods.models import Neighbourhood, ResidentPopulation, StaffingNorm, Subdistrict
from sessions.models import CadencePolicy, SessionAttendee, SupervisionSession
from supervisors.models import Assignment, SupervisionPolicy, Supervisor
from trainees.models import Trainee, WorkerPeriod
from trainees.signals import periods_changed
from training.models import Attendance, CreditPolicy, Sitting, TrainingEvent

from .figures import dashboard_figures
from .models import ReportSnapshot
from .periods import Period, PeriodKind, latest_complete_period

logger = logging.getLogger(__name__)

EVERYTHING = dt.date.min
REFRESH_LOCK = "reports:snapshot-refresh"
# Writes come in bursts (an import, a day's logs): one refresh after the burst settles.
REFRESH_DELAY_SECONDS = 60

# The tables some services insert into in bulk (no signal): field of the snapshot, model, and
# the date of a row from which the figures it touches change.
BULK_INSERTED: tuple[tuple[str, type[models.Model], str], ...] = (
    ("periods_upto", WorkerPeriod, "starts_on"),
    ("assignments_upto", Assignment, "started_on"),
    ("attendees_upto", SessionAttendee, "session__date"),
    ("attendance_upto", Attendance, "sitting__date"),
)


def storable(period: Period, today: dt.date | None = None) -> bool:
    """Only a period that is over is kept: the current one changes with every write."""
    return period.end < (today or timezone.localdate())


def _key(period: Period, subdistrict_id: int | None, language: str) -> Q:
    return Q(
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        language=language,
        subdistrict_id=subdistrict_id,
    )


def _latest_ids() -> dict[str, Subquery]:
    return {
        f"latest_{field}": Subquery(model.objects.order_by("-pk").values("pk")[:1])
        for field, model, _day in BULK_INSERTED
    }


def dashboard_snapshot(
    *, period: Period, subdistrict_id: int | None, language: str, refresh: bool = False
) -> tuple[dict, dt.datetime]:
    """The dashboard's figures of a complete period and when they were computed: the snapshot
    when it is still true (one query; a few more on the first read after rows were inserted in
    bulk), else computed live and kept (five queries more than the live figures). `refresh`
    computes live and replaces the snapshot. A period not over is computed, never kept."""
    if not storable(period):
        return dashboard_figures(period=period, subdistrict_id=subdistrict_id), timezone.now()
    _drop_pending_here()
    row = (
        ReportSnapshot.objects.filter(_key(period, subdistrict_id, language))
        .annotate(**_latest_ids())
        .first()
    )
    if row is not None and row.figures is not None and _still_true(row):
        if not refresh:
            return row.figures, row.computed_at
    elif row is not None and row.figures is not None:
        row = None  # dropped as stale
    claim = row.pk if row is not None else _claim(period, subdistrict_id, language)
    figures = dashboard_figures(period=period, subdistrict_id=subdistrict_id)
    computed_at = timezone.now()
    # Into the claim by id: a write that committed meanwhile deleted it (module docstring).
    ReportSnapshot.objects.filter(pk=claim).update(figures=figures, computed_at=computed_at)
    return figures, computed_at


def _still_true(row: ReportSnapshot) -> bool:
    """No rows inserted in bulk since the snapshot was counted change its period (else the
    snapshots from their first day are dropped)."""
    behind = {
        field: getattr(row, field)
        for field, _model, _day in BULK_INSERTED
        if getattr(row, field) < (getattr(row, f"latest_{field}") or 0)
    }
    if not behind:
        return True
    first = _first_day_added(behind)
    if first is not None:
        _delete(first)
        if first <= row.period_end:
            return False
    # The rows added since change only later periods: the snapshots counted with the same ids
    # (this one among them) are still true with them.
    latest = {field: getattr(row, f"latest_{field}") or 0 for field, _m, _d in BULK_INSERTED}
    ReportSnapshot.objects.filter(
        **{field: getattr(row, field) for field, _m, _d in BULK_INSERTED}
    ).update(**latest)
    return True


def _first_day_added(behind: dict[str, int]) -> dt.date | None:
    """The first day covered by rows inserted past the given ids (a range scan of each primary
    key): one query per table that grew, only on the first read after a bulk insert."""
    days = [
        model.objects.filter(pk__gt=behind[field]).aggregate(first=Min(day))["first"]
        for field, model, day in BULK_INSERTED
        if field in behind
    ]
    known = [day for day in days if day is not None]
    return min(known) if known else None


def _claim(period: Period, subdistrict_id: int | None, language: str) -> int:
    """The id of a new row for the figures, committed before counting (outside a transaction;
    figures empty) so that a write committing meanwhile finds it and deletes it. It keeps the
    highest ids of the bulk-inserted rows before counting: rows added while counting are
    checked on the next read. Another reader's claim made at the same moment is shared."""
    ops = connection.ops
    picks = ", ".join(
        f"(SELECT MAX({ops.quote_name(model._meta.pk.column)}) "
        f"FROM {ops.quote_name(model._meta.db_table)})"
        for _field, model, _day in BULK_INSERTED
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {picks}")  # noqa: S608 (table names from the models)
        latest = cursor.fetchone()
    ids = {field: n or 0 for (field, _model, _day), n in zip(BULK_INSERTED, latest, strict=True)}
    row = ReportSnapshot(
        subdistrict_id=subdistrict_id,
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        language=language,
        period_end=period.end,
        **ids,
    )
    ReportSnapshot.objects.bulk_create([row], ignore_conflicts=True)
    claim = (
        ReportSnapshot.objects.filter(_key(period, subdistrict_id, language))
        .values_list("pk", flat=True)
        .first()
    )
    return claim or 0  # dropped already by a write: the figures are shown, not kept


# --- dropping ----------------------------------------------------------------------------------


def _pending(which: str) -> dict[str, Any]:
    """The drops recorded on this connection and not yet carried out: `here` for this
    transaction's own reads (carried out by the first), `commit` for when it commits."""
    conn = transaction.get_connection()
    if not hasattr(conn, "_report_snapshots_pending"):
        conn._report_snapshots_pending = {"here": {}, "commit": {}}  # type: ignore[attr-defined]
    return conn._report_snapshots_pending[which]  # type: ignore[attr-defined]


def _delete(from_day: dt.date) -> int:
    return ReportSnapshot.objects.filter(period_end__gte=from_day).delete()[0]


def _first_pending_day(pending: dict[str, Any]) -> dt.date | None:
    """The first day the recorded writes change; sittings and training events are looked up
    here, once, rather than in the receivers (a query added to every mark saved)."""
    days = [pending["from"]] if "from" in pending else []
    sittings, events = pending.get("sittings", set()), pending.get("events", set())
    if sittings or events:
        first = Sitting.objects.filter(Q(pk__in=sittings) | Q(event_id__in=events)).aggregate(
            first=Min("date")
        )["first"]
        if first is not None:
            days.append(first)
    return min(days) if days else None


def _carry_out(which: str) -> int:
    pending = _pending(which)
    if not pending:
        return 0
    day = _first_pending_day(pending)
    pending.clear()
    return _delete(day) if day is not None else 0


def _drop_pending_here() -> None:
    """A read in a transaction that wrote: drop what it changed before looking (a fill after
    it counts the write; everything is dropped again, for everyone, when it commits). Left
    over from a transaction rolled back, it drops once too many: harmless."""
    _carry_out("here")


def _flush() -> None:
    if _carry_out("commit"):
        refresh_soon()


def _record(**what: Any) -> None:
    conn = transaction.get_connection()
    places = ["commit"]
    if conn.in_atomic_block:
        places.append("here")  # outside a transaction, on_commit carries it out at once
    for place in places:
        pending = _pending(place)
        if "from_day" in what:
            day = what["from_day"]
            pending["from"] = min(day, pending.get("from", day))
        for name in ("sittings", "events"):
            if name in what:
                pending.setdefault(name, set()).add(what[name])
    # Once per transaction, not once per row saved (a seed saves millions): Django starts a new
    # list of hooks at each commit or rollback (of a savepoint too), so a new list means ours
    # is not in it.
    if getattr(conn, "_report_snapshots_hooks", None) is not conn.run_on_commit:
        transaction.on_commit(_flush, robust=True)  # logged, never failing the writer
        conn._report_snapshots_hooks = conn.run_on_commit  # type: ignore[attr-defined]


def report_snapshots_drop(*, from_day: dt.date) -> None:
    """The figures of every period ending on or after `from_day` are no longer true: for this
    transaction's own reads now, for everyone when it commits."""
    _record(from_day=from_day)


def report_snapshots_clear() -> None:
    """Forget every snapshot (after seeding a district from scratch)."""
    _pending("here").clear()
    _pending("commit").clear()
    ReportSnapshot.objects.all().delete()


def refresh_soon() -> None:
    """Queue one refresh of the default dashboards after a burst of writes settles (one at a
    time: the lock is taken until the task starts). With tasks run eagerly (tests, a
    development server without a worker) the next read computes them instead: a refresh inside
    the writer's request would cost it seconds."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    from .tasks import refresh_report_snapshots

    # After the writer's commit: a cache or broker down must not fail its request (the next
    # read fills the snapshots instead).
    try:
        if not cache.add(REFRESH_LOCK, 1, timeout=REFRESH_DELAY_SECONDS * 10):
            return
        refresh_report_snapshots.apply_async(countdown=REFRESH_DELAY_SECONDS)
    except Exception:
        logger.exception("could not queue the refresh of the report snapshots")


def report_snapshots_refresh(today: dt.date | None = None) -> int:
    """Fill the snapshots of the dashboards opened first (the latest complete month, the
    district and each subdistrict, in Simplified Chinese) that a write dropped; returns how
    many were computed. Writes made while it runs queue the next refresh (the lock is released
    first)."""
    try:
        cache.delete(REFRESH_LOCK)
    except Exception:  # the lock expires by itself
        logger.exception("could not release the refresh lock of the report snapshots")
    period = latest_complete_period(PeriodKind.MONTH, today or timezone.localdate())
    scopes = [None, *Subdistrict.objects.order_by("code").values_list("pk", flat=True)]
    kept = set(
        ReportSnapshot.objects.filter(
            period_kind=period.kind,
            year=period.year,
            number=period.number,
            language="zh-hans",
            figures__isnull=False,
        ).values_list("subdistrict_id", flat=True)
    )
    computed = 0
    with translation.override("zh-hans"):
        for subdistrict_id in scopes:
            if subdistrict_id not in kept:
                dashboard_snapshot(period=period, subdistrict_id=subdistrict_id, language="zh-hans")
                computed += 1
    return computed


# --- receivers ---------------------------------------------------------------------------------

# Models whose rows carry the days from which they change the figures. The days as loaded are
# kept too (no query): a row moved later drops from where it was, and a row whose end alone
# changes (a pairing ended) drops from the earlier of its old and new ends, not from its start.
DATED: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (WorkerPeriod, ("starts_on", "ends_on")),
    (Certificate, ("date_issued",)),
    (Registration, ("starts_on", "ends_on")),
    (SupervisionSession, ("date",)),
    (Assignment, ("started_on", "ended_on")),
    (Sitting, ("date",)),
    # The staffing panel: a committee's population, and the norm, count from their date.
    (ResidentPopulation, ("effective_from",)),
    (StaffingNorm, ("effective_from",)),
)
# Every figure may read these: a change drops all.
EVERYWHERE: tuple[type[models.Model], ...] = (
    Subdistrict,
    Neighbourhood,
    SupervisionPolicy,
    CadencePolicy,
    CreditPolicy,
    RateTarget,
    Level,
)


def _days(instance: models.Model) -> dict[str, dt.date | None]:
    # From the instance's dict: a field deferred by `.only()` is not loaded (a query per row)
    # and, not loaded, cannot have been changed.
    loaded = instance.__dict__
    return {field: loaded.get(field) for field in dict(DATED)[type(instance)]}


def _dated_loaded(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    instance._report_days = _days(instance)  # type: ignore[attr-defined]


def _first_day_changed(instance: models.Model, *, whole: bool) -> dt.date:
    now = _days(instance)
    before = getattr(instance, "_report_days", now)
    if whole:  # created or deleted: every day it covers
        moved = [*now.values(), *before.values()]
    else:
        changed = [field for field in now if now[field] != before[field]]
        moved = [d for field in changed for d in (now[field], before[field])]
        if not changed:  # another field changed (a log's status, a pairing's mode)
            moved = list(now.values())
    days = [d for d in moved if isinstance(d, dt.date)]
    return min(days) if days else EVERYTHING


def _dated_saved(sender: Any, instance: models.Model, created: bool = False, **kwargs: Any) -> None:
    report_snapshots_drop(from_day=_first_day_changed(instance, whole=created))
    instance._report_days = _days(instance)  # type: ignore[attr-defined]


def _dated_deleted(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    report_snapshots_drop(from_day=_first_day_changed(instance, whole=True))


def _attendance_written(sender: Any, instance: Attendance, **kwargs: Any) -> None:
    _record(sittings=instance.sitting_id)


def _event_written(
    sender: Any, instance: TrainingEvent, created: bool = False, **kwargs: Any
) -> None:
    # Its hours re-credited to every mark in bulk (training.services.events): from its first
    # sitting. A new event has none yet.
    if not created:
        _record(events=instance.pk)


def _audited(sender: Any, instance: AuditEvent, created: bool = False, **kwargs: Any) -> None:
    # attendance_mark corrects marks with one UPDATE per status and records the corrections on
    # the sitting: the only trace of that bulk write.
    if created and instance.object_type == Sitting._meta.label_lower:
        try:
            _record(sittings=int(instance.object_id))
        except ValueError:
            return


def _everything(sender: Any, **kwargs: Any) -> None:
    report_snapshots_drop(from_day=EVERYTHING)


def _periods_changed(sender: Any, from_day: dt.date, **kwargs: Any) -> None:
    report_snapshots_drop(from_day=from_day)


def connect_receivers() -> None:
    """Called once from ReportsConfig.ready."""
    uid = "reports.snapshots"
    periods_changed.connect(_periods_changed, dispatch_uid=f"{uid}.periods")
    # A worker deleted: their periods, logs and marks go with them, whatever their days.
    pre_delete.connect(_everything, sender=Trainee, dispatch_uid=f"{uid}.worker")
    pre_delete.connect(_everything, sender=Supervisor, dispatch_uid=f"{uid}.supervisor")
    post_save.connect(_audited, sender=AuditEvent, dispatch_uid=f"{uid}.audit")
    for model, _fields in DATED:
        name = model._meta.label_lower
        post_init.connect(_dated_loaded, sender=model, dispatch_uid=f"{uid}.{name}.init")
    for signal in (post_save, post_delete):
        kind = "save" if signal is post_save else "delete"
        for model, _fields in DATED:
            name = model._meta.label_lower
            receiver = _dated_saved if signal is post_save else _dated_deleted
            signal.connect(receiver, sender=model, dispatch_uid=f"{uid}.{name}.{kind}")
        signal.connect(_attendance_written, sender=Attendance, dispatch_uid=f"{uid}.att.{kind}")
        signal.connect(_event_written, sender=TrainingEvent, dispatch_uid=f"{uid}.event.{kind}")
        for model in EVERYWHERE:
            name = model._meta.label_lower
            signal.connect(_everything, sender=model, dispatch_uid=f"{uid}.{name}.{kind}")
