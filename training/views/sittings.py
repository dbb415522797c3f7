"""Sitting pages: adding and editing sittings, marking attendance, the arrival board and
the printable sign-in sheet."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.capabilities import (
    can_watch_arrivals,
    require_capability,
    scoped_subdistrict_id,
    sees_whole_district,
)
from core.forms import attach_service_errors
from core.params import parse_id
from neighbourhoods.models import Subdistrict

from ..forms import SittingForm, marks_from
from ..models import AttendanceStatus
from ..selectors import (
    get_event_for_user,
    get_sitting_for_user,
    sitting_board,
    sitting_roster,
)
from ..services import (
    attendance_mark,
    sitting_create,
    sitting_update,
)

BOARD_POLL_SECONDS = 5


# --- sittings ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sitting_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, manage=True)
    form = SittingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sitting_create(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已添加场次。"))
            return redirect("training:event-detail", pk=event.pk)
    return render(
        request, "training/form.html", {"form": form, "event": event, "title": _("添加场次")}
    )


@require_http_methods(["GET", "POST"])
def sitting_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = get_sitting_for_user(request.user, pk, manage=True)
    form = SittingForm(request.POST or None, instance=sitting)
    if request.method == "POST" and form.is_valid():
        try:
            sitting_update(sitting=sitting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已保存场次。"))
            return redirect("training:event-detail", pk=sitting.event_id)
    return render(
        request,
        "training/form.html",
        {"form": form, "event": sitting.event, "title": _("编辑场次")},
    )


# --- marking ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sitting_mark_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster of a sitting, grouped by committee, saved in one request."""
    sitting = get_sitting_for_user(request.user, pk, mark=True)
    if request.method == "POST":
        try:
            result = attendance_mark(
                sitting=sitting,
                actor=request.user,
                marks=marks_from(request.POST),
                fill=request.POST.get("fill", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("已保存出勤：新登记 %(c)d 人，修改 %(u)d 人。")
                % {"c": result.created, "u": result.updated},
            )
        return redirect("training:sitting-mark", pk=sitting.pk)
    roster = sitting_roster(user=request.user, sitting=sitting)
    return render(
        request,
        "training/mark.html",
        {
            "sitting": sitting,
            "event": sitting.event,
            "roster": roster,
            "statuses": AttendanceStatus.choices,
            "marked": sum(1 for r in roster if r.status),
        },
    )


# --- the arrival board ------------------------------------------------------------------------


def _board_subdistrict(request: HttpRequest) -> int | None:
    own = scoped_subdistrict_id(request.user)
    return own if own is not None else parse_id(request.GET.get("subdistrict"))


def _board_access(request: HttpRequest, pk: int):
    user = request.user
    require_capability(user, can_watch_arrivals, _("只有管理员可以查看签到情况。"))
    return get_sitting_for_user(user, pk)


def sitting_board_view(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = _board_access(request, pk)
    sub_id = _board_subdistrict(request)
    return render(
        request,
        "training/board.html",
        {
            "sitting": sitting,
            "event": sitting.event,
            "board": sitting_board(user=request.user, sitting=sitting, subdistrict_id=sub_id),
            "subdistricts": Subdistrict.objects.all() if sees_whole_district(request.user) else [],
            "subdistrict_id": sub_id,
            "poll": BOARD_POLL_SECONDS,
            "data_url": reverse("training:sitting-board-data", args=[sitting.pk])
            + (f"?subdistrict={sub_id}" if sub_id else ""),
        },
    )


@require_GET
def sitting_board_data(request: HttpRequest, pk: int) -> JsonResponse:
    sitting = _board_access(request, pk)
    board = sitting_board(
        user=request.user, sitting=sitting, subdistrict_id=_board_subdistrict(request)
    )
    board["updated"] = f"{timezone.localtime():%H:%M:%S}"
    response = JsonResponse(board)
    response["Cache-Control"] = "no-store"
    return response


# --- sign-in sheet ----------------------------------------------------------------------------


def sitting_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable sign-in sheet (PDF) for venues where phones are not used."""
    from weasyprint import HTML

    sitting = get_sitting_for_user(request.user, pk, mark=True)
    roster = sitting_roster(user=request.user, sitting=sitting)
    html = render_to_string(
        "training/signin_sheet.html",
        {"sitting": sitting, "event": sitting.event, "roster": roster},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{sitting.event.title}-{sitting.date:%Y%m%d}-{_('签到表')}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response
