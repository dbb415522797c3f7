"""Reads of training: event lists, rosters, figures, absentees, the arrival board and the
leave waiting for a decision. Every read starts from the scope in scope.py."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from neighbourhoods.models import HousingType
from trainees.models import ON_BOOKS_STATES, Trainee, WorkerPeriod
from trainees.populations import period_covers_q
from trainees.selectors import period_scope, trainee_search_q

from ..models import AttendanceStatus, Enrolment, LeaveRequest, Sitting, TrainingEvent, TrainingKind
from .scope import ATTENDED_Q, enrolment_scope, event_scope

# --- lists ------------------------------------------------------------------------------------


def event_list(*, user: User) -> QuerySet[TrainingEvent]:
    """Events in scope with their first sitting date and head counts (one query).

    The enrolments in scope are counted per event in a grouped subquery, not joined: joined
    with the sittings they multiplied into every (sitting, enrolment) pair, and the scope's
    `IN` became a subplan re-scanning all enrolments for each — at 700,000 enrolments the
    page did not answer (issue 13).
    """
    enrolled = (
        enrolment_scope(user)
        .filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        event_scope(user)
        .select_related("organiser")
        .annotate(
            first_date=Min("sittings__date"),
            sitting_count=Count("sittings", distinct=True),
            enrolled=Coalesce(Subquery(enrolled, output_field=IntegerField()), Value(0)),
        )
        .order_by("-first_date", "-pk")
    )


def event_sittings(*, user: User, event: TrainingEvent) -> list[Sitting]:
    """Sittings with placed and marked head counts in the user's scope (one query)."""
    mine = enrolment_scope(user).filter(event=event)
    return list(
        event.sittings.annotate(
            placed=Count("enrolments", filter=Q(enrolments__in=mine), distinct=True),
            marked=Count(
                "enrolments",
                filter=Q(enrolments__in=mine, enrolments__attendance__isnull=False),
                distinct=True,
            ),
        ).order_by("date", "start_time", "pk")
    )


def enrolment_list(
    *, user: User, event: TrainingEvent, sitting_id: int | None = None, search: str = ""
) -> QuerySet[Enrolment]:
    qs = (
        enrolment_scope(user)
        .filter(event=event)
        .select_related("trainee__subdistrict", "trainee__neighbourhood", "sitting", "attendance")
        .order_by("trainee__subdistrict__code", "trainee__neighbourhood__name", "trainee__name")
    )
    if sitting_id == 0:
        qs = qs.filter(sitting__isnull=True)
    elif sitting_id:
        qs = qs.filter(sitting_id=sitting_id)
    if search:
        qs = qs.filter(trainee_id__in=Trainee.objects.filter(trainee_search_q(search)).values("pk"))
    return qs


@dataclass
class RosterRow:
    enrolment: Enrolment
    group: str

    @property
    def status(self) -> str:
        attendance = getattr(self.enrolment, "attendance", None)
        return attendance.status if attendance else ""


def sitting_roster(*, user: User, sitting: Sitting) -> list[RosterRow]:
    """The sitting's workers in scope, ordered and labelled by committee: one query."""
    rows = (
        enrolment_scope(user)
        .filter(sitting=sitting)
        .select_related("trainee__subdistrict", "trainee__neighbourhood", "attendance")
        .order_by(
            "trainee__subdistrict__code", "trainee__neighbourhood__name", "trainee__name", "pk"
        )
    )
    return [RosterRow(e, f"{e.trainee.subdistrict.name} · {e.trainee.workplace}") for e in rows]


# --- figures ----------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _counts() -> dict:
    return {
        "enrolled": Count("pk"),
        "attended": Count("pk", filter=ATTENDED_Q),
        "late": Count("pk", filter=Q(attendance__status=AttendanceStatus.LATE)),
        "left_early": Count("pk", filter=Q(attendance__status=AttendanceStatus.LEFT_EARLY)),
        "absent": Count("pk", filter=Q(attendance__status=AttendanceStatus.ABSENT)),
        "excused": Count("pk", filter=Q(attendance__status=AttendanceStatus.EXCUSED)),
        "unmarked": Count("pk", filter=Q(attendance__isnull=True)),
    }


def _served_event(user: User, first, last) -> QuerySet[WorkerPeriod]:
    """One row per worker in the user's scope who was 在册 on some day from `first` to `last`
    (date expressions): their last period on the books in those days, so where they were
    placed when the event ended (leaving does not change a placement)."""
    during = Q(starts_on__lte=last) & (Q(ends_on__isnull=True) | Q(ends_on__gte=first))
    later = WorkerPeriod.objects.filter(
        during,
        state__in=ON_BOOKS_STATES,
        trainee_id=OuterRef("trainee_id"),
        starts_on__gt=OuterRef("starts_on"),
    )
    return period_scope(user).filter(during).exclude(Exists(later))


def event_figures(*, user: User, event: TrainingEvent) -> dict:
    """Attended ÷ enrolled overall, by subdistrict and by housing type; for an all-staff event
    also attended ÷ workers 在册 on the event's dates. Database aggregates: four queries,
    whatever the size.

    Each worker is in the row of where they were placed on the event's last day (the period
    of their history covering it; today while the event has no sittings), not where they are
    today."""
    base = enrolment_scope(user).filter(event=event)
    total = base.aggregate(**_counts(), hours=Sum("attendance__credited_hours"))
    total["rate"] = _rate(total["attended"], total["enrolled"])
    all_staff = event.kind == TrainingKind.ALL_STAFF
    # The base of the all-staff rate: workers 在册 on the event's dates (on the books on any
    # day from its first sitting to its last), not today's roster (DOMAIN.md). The dates are
    # subqueries, so this stays one query.
    sittings = Sitting.objects.filter(event=event).order_by()
    first = Subquery(sittings.values("event").annotate(d=Min("date")).values("d")[:1])
    last = Subquery(sittings.values("event").annotate(d=Max("date")).values("d")[:1])
    active = _served_event(user, first, last)
    # Through the period covering that day: one row per enrolment of anyone who had joined by
    # then.
    ended = Coalesce(last, Value(timezone.localdate()), output_field=DateField())
    placed = base.filter(period_covers_q(ended, "trainee__periods__"))
    by_sub = list(
        placed.values(
            sub_id=F("trainee__periods__subdistrict_id"),
            sub_name=F("trainee__periods__subdistrict__name"),
        )
        .annotate(**_counts())
        .order_by("trainee__periods__subdistrict__code")
    )
    by_housing = list(
        placed.values(housing=F("trainee__periods__neighbourhood__housing_type"))
        .annotate(**_counts())
        .order_by("housing")
    )
    active_by_sub: dict[int, int] = {}
    active_by_housing: dict[str | None, int] = {}
    if all_staff:
        for row in active.values("subdistrict_id", "neighbourhood__housing_type").annotate(
            n=Count("pk")
        ):
            active_by_sub[row["subdistrict_id"]] = (
                active_by_sub.get(row["subdistrict_id"], 0) + row["n"]
            )
            key = row["neighbourhood__housing_type"]
            active_by_housing[key] = active_by_housing.get(key, 0) + row["n"]
        total["active"] = sum(active_by_sub.values())
        total["active_rate"] = _rate(total["attended"], total["active"])
    labels = dict(HousingType.choices)
    for row in by_sub:
        row["label"] = row["sub_name"]
        row["rate"] = _rate(row["attended"], row["enrolled"])
        if all_staff:
            row["active"] = active_by_sub.get(row["sub_id"], 0)
            row["active_rate"] = _rate(row["attended"], row["active"])
    for row in by_housing:
        key = row["housing"]
        row["label"] = labels.get(key, _("街道社区办"))
        row["rate"] = _rate(row["attended"], row["enrolled"])
        if all_staff:
            row["active"] = active_by_housing.get(key, 0)
            row["active_rate"] = _rate(row["attended"], row["active"])
    return {"total": total, "by_subdistrict": by_sub, "by_housing": by_housing}


def event_absentees(
    *, user: User, event: TrainingEvent, today: dt.date | None = None
) -> QuerySet[Enrolment]:
    """Marked absent, or never marked for a sitting that has already taken place."""
    today = today or timezone.localdate()
    return (
        enrolment_scope(user)
        .filter(event=event)
        .filter(
            Q(attendance__status=AttendanceStatus.ABSENT)
            | Q(attendance__isnull=True, sitting__date__lt=today)
        )
        .select_related("trainee__subdistrict", "trainee__neighbourhood", "sitting", "attendance")
        .order_by("trainee__subdistrict__code", "trainee__neighbourhood__name", "trainee__name")
    )


# --- the arrival board ------------------------------------------------------------------------


def sitting_board(*, user: User, sitting: Sitting, subdistrict_id: int | None = None) -> dict:
    """Who is expected and not yet here, per subdistrict: two queries, for polling."""
    base = enrolment_scope(user).filter(sitting=sitting)
    if subdistrict_id:
        base = base.filter(trainee__subdistrict_id=subdistrict_id)
    groups = list(
        base.values("trainee__subdistrict_id", "trainee__subdistrict__name")
        .annotate(
            expected=Count("pk", filter=~Q(attendance__status=AttendanceStatus.EXCUSED)),
            arrived=Count("pk", filter=ATTENDED_Q),
        )
        .order_by("trainee__subdistrict__code")
    )
    waiting = (
        base.exclude(ATTENDED_Q)
        .exclude(attendance__status=AttendanceStatus.EXCUSED)
        .order_by("trainee__subdistrict__code", "trainee__neighbourhood__name", "trainee__name")
        .values("pk", "trainee__name", "trainee__subdistrict_id", "trainee__neighbourhood__name")
    )
    by_sub: dict[int, list[dict]] = {}
    for row in waiting:
        by_sub.setdefault(row["trainee__subdistrict_id"], []).append(
            {
                "id": row["pk"],
                "name": row["trainee__name"],
                "committee": row["trainee__neighbourhood__name"] or _("街道社区办"),
            }
        )
    return {
        "subdistricts": [
            {
                "id": g["trainee__subdistrict_id"],
                "name": g["trainee__subdistrict__name"],
                "expected": g["expected"],
                "arrived": g["arrived"],
                "waiting": by_sub.get(g["trainee__subdistrict_id"], []),
            }
            for g in groups
        ],
        "expected": sum(g["expected"] for g in groups),
        "arrived": sum(g["arrived"] for g in groups),
    }


def pending_leave(*, user: User):
    """Leave requests waiting for this administrator's decision."""
    return (
        LeaveRequest.objects.filter(
            state=LeaveRequest.State.PENDING, enrolment__in=enrolment_scope(user)
        )
        .select_related(
            "enrolment__trainee__subdistrict",
            "enrolment__trainee__neighbourhood",
            "enrolment__event",
            "enrolment__sitting",
        )
        .order_by("enrolment__sitting__date", "created_at")
    )
