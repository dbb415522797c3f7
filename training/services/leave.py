"""Leave from a sitting: asked for by a worker (or entered by the office) and decided."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can_mark_attendance
from accounts.models import Notification, User
from accounts.notifications import Message, notifications_send

from ..models import Attendance, AttendanceStatus, Enrolment, LeaveRequest
from ..selectors import enrolment_scope
from .attendance import _write_attendance


def _may_decide(actor: User, enrolment: Enrolment) -> bool:
    return can_mark_attendance(actor) and enrolment_scope(actor).filter(pk=enrolment.pk).exists()


@transaction.atomic
def leave_request_create(*, enrolment: Enrolment, reason: str, actor: User) -> LeaveRequest:
    """A worker asks for leave before the sitting; an administrator's entry is approved at once."""
    own = enrolment.trainee.user_id == actor.pk
    if not own and not _may_decide(actor, enrolment):
        raise PermissionDenied(_("只能为自己或本街道（镇）的社区工作者请假。"))
    if enrolment.sitting_id is None:
        raise ValidationError(_("尚未安排场次，暂不能请假。"))
    if enrolment.sitting.date < timezone.localdate():
        raise ValidationError(_("培训已经结束，不能再请假。"))
    if (
        Attendance.objects.filter(enrolment=enrolment)
        .exclude(status=AttendanceStatus.EXCUSED)
        .exists()
    ):
        raise ValidationError(_("已登记出勤，不能再请假。"))
    if enrolment.leave_requests.exclude(state=LeaveRequest.State.REJECTED).exists():
        raise ValidationError(_("已经提交过请假申请。"))
    leave = LeaveRequest(enrolment=enrolment, reason=reason.strip(), requested_by=actor)
    leave.full_clean()
    leave.save()
    if not own:
        leave_request_decide(leave=leave, approve=True, actor=actor)
    return leave


@transaction.atomic
def leave_request_decide(*, leave: LeaveRequest, approve: bool, actor: User) -> LeaveRequest:
    """Approve (the worker is excused: attendance 'excused') or reject a pending request."""
    enrolment = leave.enrolment
    if not _may_decide(actor, enrolment):
        raise PermissionDenied(_("只有本街道（镇）或区管理员可以审批请假。"))
    if leave.state != LeaveRequest.State.PENDING:
        raise ValidationError(_("该请假申请已经处理过了。"))
    leave.state = LeaveRequest.State.APPROVED if approve else LeaveRequest.State.REJECTED
    leave.decided_by = actor
    leave.decided_at = timezone.now()
    leave.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        _write_attendance(
            enrolment, status=AttendanceStatus.EXCUSED, actor=actor, now=leave.decided_at
        )
    worker = enrolment.trainee.user
    if worker is not None:
        title = _("请假已批准：%(event)s") if approve else _("请假未批准：%(event)s")
        notifications_send(
            messages=[
                Message(
                    user=worker,
                    kind=Notification.Kind.INFO,
                    title=title % {"event": enrolment.event.title},
                    url=reverse("training:mine"),
                    key=f"training-leave:{leave.pk}",
                )
            ],
            email=False,
        )
    return leave
