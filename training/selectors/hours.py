"""Credited training hours: the evidence for continuing education (继续教育).

Certification (re-registration), reports and the worker's own page read hours through these
functions, so the rule "what counts" lives in one place.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from trainees.models import Trainee, TraineeStatus
from trainees.selectors import trainee_scope, trainee_search_q

from ..models import Attendance, Enrolment
from .ce_period import ce_period_for


def _attendances(*, start: dt.date, end: dt.date, ce_only: bool) -> QuerySet[Attendance]:
    qs = Attendance.objects.filter(
        sitting__date__gte=start, sitting__date__lte=end, credited_hours__gt=0
    )
    if ce_only:
        qs = qs.filter(event__counts_as_ce=True)
    return qs


def training_hours(
    *, trainee_id: int, start: dt.date, end: dt.date, ce_only: bool = False
) -> Decimal:
    """Hours credited to one worker for sittings dated start..end (inclusive)."""
    total = (
        _attendances(start=start, end=end, ce_only=ce_only)
        .filter(trainee_id=trainee_id)
        .aggregate(h=Sum("credited_hours"))["h"]
    )
    return total or Decimal("0")


def training_hours_subquery(*, start: dt.date, end: dt.date, ce_only: bool = True) -> Coalesce:
    """An annotation for a Trainee queryset: hours credited in start..end (one query overall).

    Use as `Trainee.objects.annotate(ce_hours=training_hours_subquery(start=..., end=...))`.
    For other models, `training_hours_subquery_for(trainee_ref="trainee_id", start=OuterRef(...))`
    takes expressions as bounds (e.g. a registration period's start and end).
    """
    return training_hours_subquery_for(trainee_ref="pk", start=start, end=end, ce_only=ce_only)


def training_hours_subquery_for(*, trainee_ref: str, start, end, ce_only: bool = True) -> Coalesce:
    qs = Attendance.objects.filter(
        trainee_id=OuterRef(trainee_ref),
        sitting__date__gte=start,
        sitting__date__lte=end,
        credited_hours__gt=0,
    )
    if ce_only:
        qs = qs.filter(event__counts_as_ce=True)
    hours = qs.values("trainee_id").annotate(h=Sum("credited_hours")).values("h")[:1]
    return Coalesce(
        Subquery(hours, output_field=DecimalField(max_digits=7, decimal_places=1)),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=7, decimal_places=1),
    )


# --- per worker, per year and per registration period --------------------------------------


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def hours_per_worker(*, user: User, year: int, search: str = "") -> QuerySet[Trainee]:
    """Workers in scope with credited hours in the year (all training, and continuing
    education only): one query of correlated subqueries."""
    start, end = year_bounds(year)
    qs = (
        trainee_scope(user)
        .exclude(status=TraineeStatus.LEFT)
        .select_related("subdistrict", "neighbourhood")
        .annotate(
            hours=training_hours_subquery(start=start, end=end, ce_only=False),
            ce_hours=training_hours_subquery(start=start, end=end, ce_only=True),
        )
    )
    if search:
        qs = qs.filter(trainee_search_q(search))
    return qs


def my_trainings(*, trainee: Trainee, today: dt.date | None = None) -> dict:
    """A worker's own enrolments and hours: this year, and the CE hours of the registration
    period in force (certification's Registration rows, `ce_period`; None without one)."""
    today = today or timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(trainee=trainee)
        .select_related("event", "sitting", "attendance")
        .prefetch_related("leave_requests")
        .order_by("-sitting__date", "-pk")
    )
    for e in enrolments:
        e.leave = next(iter(e.leave_requests.all()), None)  # newest first (model ordering)
        e.can_ask_leave = (
            e.sitting_id is not None
            and e.sitting.date >= today
            and not hasattr(e, "attendance")
            and (e.leave is None or e.leave.state == e.leave.State.REJECTED)
        )
    start, end = year_bounds(today.year)
    return {
        "enrolments": enrolments,
        "year": today.year,
        "year_hours": training_hours(trainee_id=trainee.pk, start=start, end=end),
        "year_ce_hours": training_hours(trainee_id=trainee.pk, start=start, end=end, ce_only=True),
        "ce_period": ce_period_for(trainee=trainee, on=today),
    }
