"""Credited training hours: the evidence for continuing education (继续教育).

Certification (re-registration) and the worker's own page read hours through these
functions, so the rule "what counts" lives in one place.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import Attendance


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
