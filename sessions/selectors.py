"""Reads of supervision logs. Every query a user sees starts from `session_scope`."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can_write_logs, scope_by_subdistrict, sees_whole_district
from accounts.models import User
from supervisors.models import Assignment, SupervisionMode, Supervisor
from trainees.models import Trainee

from .models import (
    CadencePolicy,
    Competency,
    DrillScore,
    SessionAttendee,
    SessionStatus,
    SupervisionSession,
)
from .services import cadence_policy, month_end, month_start, session_is_locked

# A log counts towards cadence once the supervisor has submitted it.
COUNTED = ~Q(status=SessionStatus.DRAFT)


def session_scope(user: User) -> QuerySet[SupervisionSession]:
    """The logs this user may see: the one place where the scoping rule for logs lives."""
    qs = SupervisionSession.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_supervisor:
        return qs.filter(supervisor__user=user)
    if user.is_worker:
        # A worker never sees a colleague's draft: only logs submitted to them.
        return qs.filter(
            pk__in=SessionAttendee.objects.filter(trainee__user=user).values("session_id")
        ).exclude(status=SessionStatus.DRAFT)
    if sees_whole_district(user):
        return qs
    # A log belongs to the subdistricts of its attendees (a supervisor may come from elsewhere).
    attended = scope_by_subdistrict(SessionAttendee.objects.all(), user, "trainee__subdistrict")
    return qs.filter(pk__in=attended.values("session_id"))


def session_list(*, user: User) -> QuerySet[SupervisionSession]:
    """Logs in scope with supervisor and attendees: three queries for a page, whatever its size.

    The head counts are per-row subqueries, not a join grouped by log: grouped, the database
    aggregated every log in scope before taking a page of 30 (4–7 s at 1.6 million logs,
    issue 13); as subqueries they are computed for the page's rows only.
    """
    attendees = SessionAttendee.objects.select_related("trainee").order_by("pk")

    def count(rows: QuerySet[SessionAttendee]) -> Coalesce:
        grouped = rows.filter(session=OuterRef("pk")).order_by().values("session")
        counted = grouped.annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return (
        session_scope(user)
        .select_related("supervisor")
        .prefetch_related(Prefetch("attendees", queryset=attendees))
        .annotate(
            attendee_count=count(SessionAttendee.objects.all()),
            confirmed_count=count(SessionAttendee.objects.filter(confirmed_at__isnull=False)),
        )
        .order_by("-date", "-start_time", "-pk")
    )


def get_session_for_user(user: User, pk: int, *, write: bool = False) -> SupervisionSession:
    """The log if this user may see it; 404 out of scope, 403 when they may not change it."""
    session = session_scope(user).select_related("supervisor").filter(pk=pk).first()
    if session is None:
        raise Http404
    if write:
        if not can_write_logs(user) or session.supervisor.user_id != user.pk:
            raise PermissionDenied(_("只有填写该记录的督导师可以修改。"))
        if session_is_locked(session):
            raise PermissionDenied(_("该月督导记录已锁定，不能再修改。"))
    return session


def session_detail(session: SupervisionSession, *, user: User) -> dict:
    """Attendees, a scores table (trainee × competency), actions and versions of one log.

    A worker's scores table holds their own row only: a drill log is shared by its attendees,
    but each one's assessment is between them and the supervisor (and the administrators).
    """
    attendees = list(session.attendees.select_related("trainee").order_by("pk"))
    drill_scores = DrillScore.objects.filter(session=session)
    scored = attendees
    if user.is_worker:
        drill_scores = drill_scores.filter(trainee__user=user)
        scored = [a for a in attendees if a.trainee.user_id == user.pk]
    scores = {(s.trainee_id, s.competency): s for s in drill_scores}
    score_rows = [
        {
            "trainee": a.trainee,
            "cells": [scores.get((a.trainee_id, c)) for c in Competency.values],
        }
        for a in scored
    ]
    return {
        "attendees": attendees,
        "score_rows": score_rows if scores else [],
        "competencies": Competency.choices,
        "action_items": list(session.action_items.order_by("pk")),
        "versions": list(session.versions.select_related("changed_by").order_by("-number")),
        "locked": session_is_locked(session),
    }


# --- cadence ----------------------------------------------------------------------------------


def _required_case(policy: CadencePolicy) -> Case:
    return Case(
        When(mode=SupervisionMode.DRILL, then=Value(policy.drill_min_per_month)),
        default=Value(policy.mentor_min_per_month),
        output_field=IntegerField(),
    )


def _attended(month: dt.date) -> Subquery:
    """Logs (submitted or later) with this pairing's supervisor that the trainee attended."""
    rows = (
        SessionAttendee.objects.filter(
            trainee_id=OuterRef("trainee_id"),
            session__supervisor_id=OuterRef("supervisor_id"),
            session__date__gte=month_start(month),
            session__date__lte=month_end(month),
        )
        .exclude(session__status=SessionStatus.DRAFT)
        .order_by()
        .values("trainee_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def cadence_rows(
    assignments: QuerySet[Assignment], *, month: dt.date, policy: CadencePolicy | None = None
) -> QuerySet[Assignment]:
    """Active pairings annotated with `attended`, `required` and `last_session_on`.

    Each figure is a correlated subquery, so the whole table is one query at any size.
    """
    policy = policy or cadence_policy()
    last = (
        SessionAttendee.objects.filter(
            trainee_id=OuterRef("trainee_id"), session__supervisor_id=OuterRef("supervisor_id")
        )
        .exclude(session__status=SessionStatus.DRAFT)
        .order_by()
        .values("trainee_id")
        .annotate(last=Max("session__date"))
        .values("last")
    )
    unconfirmed = (
        SessionAttendee.objects.filter(
            trainee_id=OuterRef("trainee_id"),
            session__supervisor_id=OuterRef("supervisor_id"),
            session__status=SessionStatus.SUBMITTED,
            confirmed_at__isnull=True,
        )
        .order_by()
        .values("trainee_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return assignments.filter(ended_on__isnull=True).annotate(
        attended=_attended(month),
        required=_required_case(policy),
        last_session_on=Subquery(last),
        unconfirmed=Coalesce(Subquery(unconfirmed, output_field=IntegerField()), Value(0)),
    )


def supervisor_home(*, supervisor: Supervisor, today: dt.date | None = None) -> dict:
    """My trainees with cadence this month, my drafts and my logs awaiting confirmation."""
    today = today or timezone.localdate()
    policy = cadence_policy()
    rows = list(
        cadence_rows(
            Assignment.objects.filter(supervisor=supervisor).select_related(
                "trainee", "trainee__neighbourhood"
            ),
            month=today,
            policy=policy,
        ).order_by("mode", "trainee__name", "pk")
    )
    pending = list(
        SupervisionSession.objects.filter(
            supervisor=supervisor, status__in=[SessionStatus.DRAFT, SessionStatus.SUBMITTED]
        )
        .annotate(
            attendee_count=Count("attendees", distinct=True),
            confirmed_count=Count(
                "attendees", filter=Q(attendees__confirmed_at__isnull=False), distinct=True
            ),
        )
        .order_by("-date", "-pk")[:20]
    )
    return {
        "month": month_start(today),
        "policy": policy,
        "rows": rows,
        "behind": sum(1 for r in rows if r.attended < r.required),
        "drafts": [s for s in pending if s.status == SessionStatus.DRAFT],
        "unconfirmed": [s for s in pending if s.status == SessionStatus.SUBMITTED],
    }


@dataclass
class BehindSupervisor:
    supervisor: Supervisor
    rows: list[Assignment] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(r.required - r.attended for r in self.rows)


def assignments_in_scope(user: User) -> QuerySet[Assignment]:
    return scope_by_subdistrict(
        Assignment.objects.filter(ended_on__isnull=True), user, "trainee__subdistrict"
    )


def supervisors_behind(*, user: User, month: dt.date) -> list[BehindSupervisor]:
    """Supervisors with at least one trainee below the month's cadence, in the user's scope.

    One query: pairings below cadence with supervisor and trainee, grouped here for display.
    """
    rows = (
        cadence_rows(
            assignments_in_scope(user).select_related(
                "supervisor", "supervisor__home_subdistrict", "trainee", "trainee__subdistrict"
            ),
            month=month,
        )
        .filter(attended__lt=F("required"))
        .order_by(
            "supervisor__home_subdistrict__code",
            "supervisor__name",
            "supervisor_id",
            "trainee__name",
        )
    )
    grouped: dict[int, BehindSupervisor] = {}
    for row in rows:
        grouped.setdefault(row.supervisor_id, BehindSupervisor(row.supervisor)).rows.append(row)
    return list(grouped.values())


def pairings_behind(*, month: dt.date) -> QuerySet[Assignment]:
    """Active pairings in the whole district below the month's cadence (for reminders)."""
    return (
        cadence_rows(
            Assignment.objects.filter(supervisor__user__is_active=True).select_related(
                "supervisor__user", "trainee"
            ),
            month=month,
        )
        .filter(attended__lt=F("required"))
        .order_by("supervisor_id", "trainee__name", "pk")
    )


def workers_to_confirm() -> QuerySet[User]:
    """Logins of workers with at least one submitted log they have not confirmed."""
    return (
        User.objects.filter(
            is_active=True,
            trainee__session_attendances__confirmed_at__isnull=True,
            trainee__session_attendances__session__status=SessionStatus.SUBMITTED,
        )
        .annotate(to_confirm=Count("trainee__session_attendances"))
        .order_by("pk")
    )


# --- workers ----------------------------------------------------------------------------------


def worker_home(*, trainee: Trainee, user: User) -> dict:
    """My supervisor, my recent logs, logs to confirm and my drill scores by month."""
    assignment = (
        Assignment.objects.filter(trainee=trainee, ended_on__isnull=True)
        .select_related("supervisor")
        .first()
    )
    sessions = list(
        session_scope(user)
        .select_related("supervisor")
        .annotate(
            my_confirmed=Max(
                Case(
                    When(
                        attendees__trainee=trainee,
                        attendees__confirmed_at__isnull=False,
                        then=Value(1),
                    ),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        )
        .order_by("-date", "-pk")[:12]
    )
    to_confirm = list(
        session_scope(user)
        .filter(
            status=SessionStatus.SUBMITTED,
            attendees__trainee=trainee,
            attendees__confirmed_at__isnull=True,
        )
        .select_related("supervisor")
        .order_by("date", "pk")
    )
    averages = (
        DrillScore.objects.filter(trainee=trainee)
        .exclude(session__status=SessionStatus.DRAFT)
        .annotate(month=TruncMonth("session__date"))
        .values("month", "competency")
        .annotate(avg=Avg("score"))
        .order_by("month", "competency")
    )
    months: list[dt.date] = []
    values: dict[str, dict[dt.date, float]] = {c: {} for c in Competency.values}
    for row in averages:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        if month not in months:
            months.append(month)
        values[row["competency"]][month] = round(row["avg"], 2)
    series = [(label, [values[code].get(m) for m in months]) for code, label in Competency.choices]
    return {
        "assignment": assignment,
        "sessions": sessions,
        "to_confirm": to_confirm,
        "progress_months": months,
        "progress_series": series,
    }
