"""Reads of training: events, rosters, figures, the arrival board, hours. Scoping lives here.

Who sees what (one place, used by every view):

- district administrator, leadership: every event and every worker's attendance (leadership
  read-only: the views never offer it a write);
- subdistrict administrator: district-wide events and its own subdistrict's events, and in them
  only its own subdistrict's workers; another subdistrict's events do not exist for it (404);
- supervisor: read-only, the events its current trainees are enrolled in and only those
  trainees' rows (a supervisor follows up absences with a trainee; it never marks);
- community worker: only its own enrolments.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from neighbourhoods.models import HousingType
from supervisors.selectors import supervised_trainee_ids
from trainees.models import Trainee, TraineeStatus
from trainees.selectors import trainee_scope, trainee_search_q

from .models import Attendance, AttendanceStatus, Enrolment, Sitting, TrainingEvent, TrainingKind
from .training_hours import training_hours, training_hours_subquery

# Present, late and left early all mean the worker was there (the credited hours differ).
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
ATTENDED_Q = Q(attendance__status__in=ATTENDED)
# Continuing education is counted per 3-year registration period (DOMAIN.md).
REGISTRATION_YEARS = 3


# --- scope ------------------------------------------------------------------------------------


def event_scope(user: User) -> QuerySet[TrainingEvent]:
    qs = TrainingEvent.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.sees_whole_district:
        return qs
    if user.is_subdistrict_admin:
        return qs.filter(Q(organiser__isnull=True) | Q(organiser_id=user.subdistrict_id))
    if user.is_supervisor or user.is_worker:
        return qs.filter(pk__in=enrolment_scope(user).values("event_id"))
    return qs.none()


def enrolment_scope(user: User) -> QuerySet[Enrolment]:
    """The enrolments (and so the attendance) this user may see."""
    qs = Enrolment.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.sees_whole_district:
        return qs
    if user.is_subdistrict_admin:
        return qs.filter(
            Q(event__organiser__isnull=True) | Q(event__organiser_id=user.subdistrict_id),
            trainee__subdistrict_id=user.subdistrict_id,
        )
    if user.is_supervisor:
        return qs.filter(trainee_id__in=supervised_trainee_ids(user))
    if user.is_worker:
        return qs.filter(trainee__user=user)
    return qs.none()


def can_manage_event(user: User, event: TrainingEvent) -> bool:
    """District events belong to the district; a subdistrict runs its own."""
    if user.is_district_admin:
        return True
    return user.is_subdistrict_admin and event.organiser_id == user.subdistrict_id


def can_mark(user: User) -> bool:
    return user.is_district_admin or user.is_subdistrict_admin


def get_event_for_user(user: User, pk: int, *, manage: bool = False) -> TrainingEvent:
    event = event_scope(user).select_related("organiser").filter(pk=pk).first()
    if event is None:
        raise Http404
    if manage and not can_manage_event(user, event):
        raise PermissionDenied(_("只有主办方管理员可以修改这次培训。"))
    return event


def get_sitting_for_user(
    user: User, pk: int, *, mark: bool = False, manage: bool = False
) -> Sitting:
    """The sitting if its event is in scope; 404 otherwise, 403 when the role may not mark."""
    sitting = (
        Sitting.objects.select_related("event__organiser")
        .filter(pk=pk, event__in=event_scope(user))
        .first()
    )
    if sitting is None:
        raise Http404
    if mark and not can_mark(user):
        raise PermissionDenied(_("只有区或街道（镇）管理员可以登记出勤。"))
    if manage and not can_manage_event(user, sitting.event):
        raise PermissionDenied(_("只有主办方管理员可以修改这次培训。"))
    return sitting


def get_enrolment_for_user(user: User, pk: int) -> Enrolment:
    enrolment = (
        enrolment_scope(user)
        .select_related("event", "sitting", "trainee__subdistrict", "attendance")
        .filter(pk=pk)
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


# --- lists ------------------------------------------------------------------------------------


def event_list(*, user: User) -> QuerySet[TrainingEvent]:
    """Events in scope with their first sitting date and head counts (one query)."""
    from django.db.models import Min

    enrolled = Q(enrolments__in=enrolment_scope(user))
    return (
        event_scope(user)
        .select_related("organiser")
        .annotate(
            first_date=Min("sittings__date"),
            sitting_count=Count("sittings", distinct=True),
            enrolled=Count("enrolments", filter=enrolled, distinct=True),
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


def event_figures(*, user: User, event: TrainingEvent) -> dict:
    """Attended ÷ enrolled overall, by subdistrict and by housing type; for an all-staff event
    also attended ÷ active workers. Database aggregates: four queries, whatever the size."""
    base = enrolment_scope(user).filter(event=event)
    total = base.aggregate(**_counts(), hours=Sum("attendance__credited_hours"))
    total["rate"] = _rate(total["attended"], total["enrolled"])
    all_staff = event.kind == TrainingKind.ALL_STAFF
    active = trainee_scope(user).filter(status=TraineeStatus.ACTIVE)
    by_sub = list(
        base.values("trainee__subdistrict_id", "trainee__subdistrict__name")
        .annotate(**_counts())
        .order_by("trainee__subdistrict__code")
    )
    by_housing = list(
        base.values("trainee__neighbourhood__housing_type")
        .annotate(**_counts())
        .order_by("trainee__neighbourhood__housing_type")
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
        row["label"] = row["trainee__subdistrict__name"]
        row["rate"] = _rate(row["attended"], row["enrolled"])
        if all_staff:
            row["active"] = active_by_sub.get(row["trainee__subdistrict_id"], 0)
            row["active_rate"] = _rate(row["attended"], row["active"])
    for row in by_housing:
        key = row["trainee__neighbourhood__housing_type"]
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


# --- hours ------------------------------------------------------------------------------------


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


def _certificate_model():
    """certification.Certificate when that app provides it (issue 5), else None."""
    try:
        return apps.get_model("certification", "Certificate")
    except LookupError:
        return None


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    from_certificate: bool


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def registration_period(*, trainee: Trainee, today: dt.date | None = None) -> Period:
    """The 3-year period in which continuing-education hours are counted.

    With a certificate: consecutive 3-year periods from the latest certificate's pass date (the
    registration runs 3 years and is renewed every 3 years, DOMAIN.md). Without one: the three
    calendar years ending this year.
    """
    today = today or timezone.localdate()
    model = _certificate_model()
    if model is not None:
        cert = model.objects.filter(trainee=trainee).order_by("-date_passed").first()
        if cert is not None and cert.date_passed and cert.date_passed <= today:
            start = cert.date_passed
            while _add_years(start, REGISTRATION_YEARS) <= today:
                start = _add_years(start, REGISTRATION_YEARS)
            end = _add_years(start, REGISTRATION_YEARS) - dt.timedelta(days=1)
            return Period(start, end, from_certificate=True)
    return Period(
        dt.date(today.year - REGISTRATION_YEARS + 1, 1, 1),
        dt.date(today.year, 12, 31),
        from_certificate=False,
    )


def my_trainings(*, trainee: Trainee, today: dt.date | None = None) -> dict:
    """A worker's own enrolments and hours: this year and in the current registration period."""
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
    period = registration_period(trainee=trainee, today=today)
    return {
        "enrolments": enrolments,
        "year": today.year,
        "year_hours": training_hours(trainee_id=trainee.pk, start=start, end=end),
        "year_ce_hours": training_hours(trainee_id=trainee.pk, start=start, end=end, ce_only=True),
        "period": period,
        "period_ce_hours": training_hours(
            trainee_id=trainee.pk, start=period.start, end=period.end, ce_only=True
        ),
    }


def pending_leave(*, user: User):
    """Leave requests waiting for this administrator's decision."""
    from .models import LeaveRequest

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


def get_leave_request_for_user(user: User, pk: int):
    """A leave request of an enrolment in scope, whatever its state; 404 otherwise."""
    from .models import LeaveRequest

    leave = (
        LeaveRequest.objects.filter(pk=pk, enrolment__in=enrolment_scope(user))
        .select_related("enrolment__trainee", "enrolment__event", "enrolment__sitting")
        .first()
    )
    if leave is None:
        raise Http404
    return leave


def attendance_for_trainee(*, user: User, trainee: Trainee) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        trainee=trainee, enrolment__in=enrolment_scope(user)
    ).select_related("event", "sitting")
