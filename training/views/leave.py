"""The worker's own page (enrolments, hours, leave) and leave requests and decisions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.capabilities import can_mark_attendance, capability_required

from ..forms import LeaveForm
from ..models import LeaveRequest
from ..selectors import (
    get_enrolment_for_user,
    get_leave_request_for_user,
    my_trainings,
    pending_leave,
)
from ..services import (
    leave_request_create,
    leave_request_decide,
)

LEAVE_DECIDERS_ONLY = gettext_lazy("只有管理员可以审批请假。")


def mine_view(request: HttpRequest) -> HttpResponse:
    trainee = getattr(request.user, "trainee", None) if request.user.is_worker else None
    if trainee is None:
        return redirect("training:event-list")
    return render(
        request,
        "training/mine.html",
        {"trainee": trainee, **my_trainings(trainee=trainee), "leave_form": LeaveForm()},
    )


@require_POST
def leave_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for_user(request.user, pk)
    form = LeaveForm(request.POST)
    back = "training:mine" if request.user.is_worker else "training:leave-list"
    if not form.is_valid():
        messages.error(request, _("请填写请假事由。"))
        return redirect(back)
    try:
        leave_request_create(
            enrolment=enrolment, reason=form.cleaned_data["reason"], actor=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("请假申请已提交，等待街道（镇）审批。"))
    return redirect(back)


@capability_required(can_mark_attendance, LEAVE_DECIDERS_ONLY)
def leave_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "training/leave_list.html", {"items": pending_leave(user=request.user)})


@require_POST
@capability_required(can_mark_attendance, LEAVE_DECIDERS_ONLY)
def leave_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    # Another subdistrict's request does not exist for this administrator (404); one of their
    # own already decided (by a colleague, in another tab) is only a message.
    leave = get_leave_request_for_user(request.user, pk)
    if leave.state != LeaveRequest.State.PENDING:
        messages.error(request, _("该请假申请不存在或已处理。"))
        return redirect("training:leave-list")
    approve = request.POST.get("decision") == "approve"
    try:
        leave_request_decide(leave=leave, approve=approve, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            (_("已批准 %(name)s 的请假。") if approve else _("已驳回 %(name)s 的请假。"))
            % {"name": leave.enrolment.trainee.name},
        )
    return redirect("training:leave-list")
