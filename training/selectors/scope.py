"""Scoping and access for training, in one place used by every view and service.

Who sees what:

- district administrator, leadership: every event and every worker's attendance (leadership
  read-only: the views never offer it a write);
- subdistrict administrator: district-wide events and its own subdistrict's events, and in them
  only its own subdistrict's workers; another subdistrict's events do not exist for it (404);
- supervisor: read-only, the events its current trainees are enrolled in and only those
  trainees' rows (a supervisor follows up absences with a trainee; it never marks);
- community worker: only its own enrolments.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.capabilities import (
    can_mark_attendance,
    manages_subdistrict,
    scope_by_subdistrict,
    scoped_subdistrict_id,
)
from accounts.models import User
from supervisors.selectors import supervised_trainee_ids
from trainees.models import Trainee

from ..models import Attendance, AttendanceStatus, Enrolment, LeaveRequest, Sitting, TrainingEvent

# Present, late and left early all mean the worker was there (the credited hours differ).
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
ATTENDED_Q = Q(attendance__status__in=ATTENDED)


# --- scope ------------------------------------------------------------------------------------


def event_scope(user: User) -> QuerySet[TrainingEvent]:
    qs = TrainingEvent.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_supervisor or user.is_worker:
        return qs.filter(pk__in=enrolment_scope(user).values("event_id"))
    own = scoped_subdistrict_id(user)
    if own is not None:
        # The district's own events besides the subdistrict's.
        return qs.filter(Q(organiser__isnull=True) | Q(organiser_id=own))
    return scope_by_subdistrict(qs, user, "organiser")  # the whole district, or nothing


def enrolment_scope(user: User) -> QuerySet[Enrolment]:
    """The enrolments (and so the attendance) this user may see."""
    qs = Enrolment.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_supervisor:
        return qs.filter(trainee_id__in=supervised_trainee_ids(user))
    if user.is_worker:
        return qs.filter(trainee__user=user)
    own = scoped_subdistrict_id(user)
    if own is not None:
        # The district's events and the subdistrict's own; in them, its own workers (below).
        qs = qs.filter(Q(event__organiser__isnull=True) | Q(event__organiser_id=own))
    return scope_by_subdistrict(qs, user, "trainee__subdistrict")


def can_manage_event(user: User, event: TrainingEvent) -> bool:
    """District events belong to the district; a subdistrict runs its own."""
    return manages_subdistrict(user, event.organiser_id)


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
    if mark and not can_mark_attendance(user):
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


def get_leave_request_for_user(user: User, pk: int):
    """A leave request of an enrolment in scope, whatever its state; 404 otherwise."""
    leave = (
        LeaveRequest.objects.filter(pk=pk, enrolment__in=enrolment_scope(user))
        .select_related("enrolment__trainee", "enrolment__event", "enrolment__sitting")
        .first()
    )
    if leave is None:
        raise Http404
    return leave


def _certificate_model():
    """certification.Certificate when that app provides it (issue 5), else None."""
    try:
        return apps.get_model("certification", "Certificate")
    except LookupError:
        return None


def attendance_for_trainee(*, user: User, trainee: Trainee) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        trainee=trainee, enrolment__in=enrolment_scope(user)
    ).select_related("event", "sitting")
