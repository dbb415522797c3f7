"""Training pages. Thin: resolve through the access helpers, bind a form, call a service."""

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from accounts.models import User
from audit.services import audit_export
from core.dates import year_range
from core.forms import attach_service_errors
from core.pagination import BoundedPaginator
from core.params import parse_id
from core.qr import qr_svg
from core.redirects import redirect_next
from core.spreadsheets import spreadsheet_response
from neighbourhoods.models import Subdistrict
from trainees.identity import mobile_for
from trainees.selectors import trainee_list

from .checkin import (
    MAX_AGE_SECONDS,
    REFRESH_SECONDS,
    TokenExpired,
    TokenInvalid,
    token_issue,
    token_read,
)
from .models import AttendanceStatus, LeaveRequest, TrainingKind
from .training_forms import AudienceForm, EventForm, LeaveForm, MoveForm, SittingForm, marks_from
from .training_selectors import (
    can_manage_event,
    can_mark,
    enrolment_list,
    event_absentees,
    event_figures,
    event_list,
    event_sittings,
    get_enrolment_for_user,
    get_event_for_user,
    get_leave_request_for_user,
    get_sitting_for_user,
    hours_per_worker,
    my_trainings,
    pending_leave,
    sitting_board,
    sitting_roster,
)
from .training_services import (
    CHECKIN_OPENS_BEFORE,
    attendance_mark,
    checkin_record,
    enrolment_add,
    enrolment_move,
    enrolments_add_by_rule,
    enrolments_place,
    event_create,
    event_update,
    leave_request_create,
    leave_request_decide,
    sitting_bounds,
    sitting_create,
    sitting_update,
)
from .training_tables import EventTable, HoursTable

BOARD_POLL_SECONDS = 5


# --- events -----------------------------------------------------------------------------------


def event_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_worker:
        return redirect("training:mine")
    qs = event_list(user=user)
    kind = request.GET.get("kind", "")
    if kind in TrainingKind.values:
        qs = qs.filter(kind=kind)
    table = EventTable(qs)
    RequestConfig(
        request, paginate={"per_page": 30, "paginator_class": BoundedPaginator}
    ).configure(table)
    return render(
        request,
        "training/event_list.html",
        {
            "table": table,
            "kinds": TrainingKind.choices,
            "kind": kind,
            "can_create": user.is_district_admin or user.is_subdistrict_admin,
            "pending_leave": pending_leave(user=user).count() if can_mark(user) else 0,
        },
    )


@require_http_methods(["GET", "POST"])
def event_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_district_admin or user.is_subdistrict_admin):
        raise PermissionDenied(_("只有区或街道（镇）管理员可以组织培训。"))
    initial = {"organiser": user.subdistrict_id} if user.is_subdistrict_admin else {}
    form = EventForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已创建培训，请添加场次。"))
            return redirect("training:event-detail", pk=event.pk)
    return render(request, "training/form.html", {"form": form, "title": _("新建培训")})


@require_http_methods(["GET", "POST"])
def event_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, manage=True)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("training:event-detail", pk=event.pk)
    return render(
        request,
        "training/form.html",
        {"form": form, "event": event, "title": _("编辑培训：%(t)s") % {"t": event.title}},
    )


def event_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    event = get_event_for_user(user, pk)
    manage = can_manage_event(user, event)
    sittings = event_sittings(user=user, event=event)
    enrolments = enrolment_list(user=user, event=event)
    return render(
        request,
        "training/event_detail.html",
        {
            "event": event,
            "sittings": sittings,
            "enrolled": enrolments.count(),
            "unplaced": enrolments.filter(sitting__isnull=True).count(),
            "capacity": sum(s.capacity for s in sittings),
            "manage": manage,
            "can_mark": can_mark(user),
            "audience_form": AudienceForm(event=event) if manage else None,
        },
    )


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


@require_POST
def event_enrol_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, manage=True)
    form = AudienceForm(request.POST, event=event)
    if form.is_valid():
        try:
            added = enrolments_add_by_rule(event=event, actor=request.user, **form.params())
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已按规则报名 %(n)d 人。") % {"n": added})
    else:
        messages.error(request, _("请检查报名规则。"))
    return redirect("training:event-detail", pk=event.pk)


@require_http_methods(["GET", "POST"])
def enrolment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol by hand: search the roster in scope, add one worker at a time."""
    event = get_event_for_user(request.user, pk, manage=True)
    if request.method == "POST":
        trainee_id = parse_id(request.POST.get("trainee"))
        trainee = (
            trainee_list(user=request.user).filter(pk=trainee_id).first() if trainee_id else None
        )
        if trainee is None:
            messages.error(request, _("找不到该社区工作者。"))
        else:
            try:
                enrolment_add(event=event, trainee=trainee, actor=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("已为 %(name)s 报名。") % {"name": trainee.name})
        return redirect(
            f"{reverse('training:enrolment-add', args=[event.pk])}?q={quote(request.POST.get('q', ''))}"
        )
    q = request.GET.get("q", "").strip()
    matches = []
    if q:
        qs = trainee_list(user=request.user, search=q).filter(status="active")
        if event.organiser_id:
            qs = qs.filter(subdistrict_id=event.organiser_id)
        matches = list(qs[:20])
        enrolled = set(
            event.enrolments.filter(trainee__in=[t.pk for t in matches]).values_list(
                "trainee_id", flat=True
            )
        )
        for t in matches:
            t.enrolled = t.pk in enrolled
    return render(request, "training/enrol_hand.html", {"event": event, "q": q, "matches": matches})


@require_POST
def event_place_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, manage=True)
    result = enrolments_place(event=event, actor=request.user)
    if result.unplaced:
        messages.warning(
            request,
            _("已安排 %(placed)d 人；场次容量不足，还有 %(left)d 人未安排，请增加场次或容量。")
            % {"placed": result.placed, "left": result.unplaced},
        )
    else:
        messages.success(request, _("已安排 %(placed)d 人到各场次。") % {"placed": result.placed})
    return redirect("training:event-detail", pk=event.pk)


def enrolment_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    event = get_event_for_user(user, pk)
    sitting_id = parse_id(request.GET.get("sitting"))
    q = request.GET.get("q", "").strip()
    qs = enrolment_list(user=user, event=event, sitting_id=sitting_id, search=q)
    from django.core.paginator import Paginator

    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "training/enrolment_list.html",
        {
            "event": event,
            "page": page,
            "sittings": list(event.sittings.order_by("date", "start_time", "pk")),
            "sitting_id": sitting_id,
            "q": q,
            "manage": can_manage_event(user, event),
        },
    )


@require_POST
def enrolment_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for_user(request.user, pk)
    form = MoveForm(request.POST, event=enrolment.event)
    if form.is_valid():
        try:
            enrolment_move(
                enrolment=enrolment, sitting=form.cleaned_data["sitting"], actor=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("已将 %(name)s 调整场次。") % {"name": enrolment.trainee.name}
            )
    else:
        messages.error(request, _("请选择场次。"))
    return redirect_next(request, reverse("training:enrolment-list", args=[enrolment.event_id]))


# --- figures and absentees --------------------------------------------------------------------


def event_figures_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if user.is_worker:
        raise PermissionDenied(_("统计只对管理员和督导师开放。"))
    event = get_event_for_user(user, pk)
    absentees = event_absentees(user=user, event=event)
    return render(
        request,
        "training/figures.html",
        {
            "event": event,
            **event_figures(user=user, event=event),
            "all_staff": event.kind == TrainingKind.ALL_STAFF,
            "absentees": absentees[:200],
            "absentee_count": absentees.count(),
        },
    )


def _absentee_rows(qs, *, user: User):
    for e in qs:
        attendance = getattr(e, "attendance", None)
        yield [
            e.trainee.name,
            e.trainee.subdistrict.name,
            e.trainee.workplace,
            mobile_for(user, e.trainee.mobile),
            f"{e.sitting.date:%Y-%m-%d} {e.sitting.start_time:%H:%M}" if e.sitting_id else "",
            attendance.get_status_display() if attendance else _("未登记"),
        ]


def event_absentees_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = request.user
    if user.is_worker:
        raise PermissionDenied
    event = get_event_for_user(user, pk)
    headers = [_("姓名"), _("街道（镇）"), _("居委会"), _("手机号"), _("场次"), _("出勤")]
    audit_export(actor=user, what="training.absentees", filters={"event": event.pk})
    rows = _absentee_rows(event_absentees(user=user, event=event), user=user)
    return spreadsheet_response(
        headers, rows, fmt=fmt, filename=f"{event.title}-{_('缺席名单')}", sheet_title=_("缺席名单")
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


# --- QR check-in ------------------------------------------------------------------------------


def _checkin_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("training:checkin", args=[token]))


def sitting_screen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The venue screen: a QR code that changes every REFRESH_SECONDS."""
    sitting = get_sitting_for_user(request.user, pk, mark=True)
    url = _checkin_url(request, token_issue(sitting_id=sitting.pk))
    start, end = sitting_bounds(sitting)
    return render(
        request,
        "training/screen.html",
        {
            "sitting": sitting,
            "event": sitting.event,
            "qr": qr_svg(url),
            "checkin_url": url,
            "refresh": REFRESH_SECONDS,
            "opens": start - CHECKIN_OPENS_BEFORE,
            "closes": end,
        },
    )


@require_GET
def sitting_qr_view(request: HttpRequest, pk: int) -> JsonResponse:
    sitting = get_sitting_for_user(request.user, pk, mark=True)
    url = _checkin_url(request, token_issue(sitting_id=sitting.pk))
    response = JsonResponse({"svg": str(qr_svg(url)), "url": url, "refresh": REFRESH_SECONDS})
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_GET
def checkin_view(request: HttpRequest, token: str) -> HttpResponse:
    """Where a scanned code lands. Signed out: remember when the code arrived, then sign in."""
    seen = request.session.get("checkin_seen", {})
    if not request.user.is_authenticated:
        try:
            token_read(token, max_age=MAX_AGE_SECONDS)
        except (TokenExpired, TokenInvalid) as exc:
            error = (
                _("二维码已过期，请扫描会场屏幕上最新的二维码。")
                if isinstance(exc, TokenExpired)
                else _("二维码无效，请扫描会场屏幕上的二维码。")
            )
            return render(request, "training/checkin.html", {"error": error}, status=400)
        request.session["checkin_seen"] = {token: timezone.now().isoformat()}
        return redirect_to_login(request.get_full_path())
    seen_at = dt.datetime.fromisoformat(seen[token]) if token in seen else None
    try:
        result = checkin_record(token=token, user=request.user, seen_at=seen_at)
    except ValidationError as exc:
        return render(
            request,
            "training/checkin.html",
            {"error": exc.messages[0], "code": exc.code},
            status=400,
        )
    request.session.pop("checkin_seen", None)
    attendance = result.attendance
    return render(
        request,
        "training/checkin.html",
        {
            "attendance": attendance,
            "already": result.already,
            "event": attendance.event,
            "sitting": attendance.sitting,
        },
    )


# --- the arrival board ------------------------------------------------------------------------


def _board_subdistrict(request: HttpRequest) -> int | None:
    if request.user.is_subdistrict_admin:
        return request.user.subdistrict_id
    return parse_id(request.GET.get("subdistrict"))


def _board_access(request: HttpRequest, pk: int):
    user = request.user
    if not (can_mark(user) or user.is_leader):
        raise PermissionDenied(_("只有管理员可以查看签到情况。"))
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
            "subdistricts": Subdistrict.objects.all() if request.user.sees_whole_district else [],
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


# --- the worker -------------------------------------------------------------------------------


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


def leave_list_view(request: HttpRequest) -> HttpResponse:
    if not can_mark(request.user):
        raise PermissionDenied(_("只有管理员可以审批请假。"))
    return render(request, "training/leave_list.html", {"items": pending_leave(user=request.user)})


@require_POST
def leave_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_mark(request.user):
        raise PermissionDenied(_("只有管理员可以审批请假。"))
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


# --- hours per worker per year ----------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    year = parse_id(request.GET.get("year"))
    return year if year in year_range() else timezone.localdate().year


def hours_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_worker:
        return redirect("training:mine")
    year = _year(request)
    q = request.GET.get("q", "").strip()
    table = HoursTable(hours_per_worker(user=request.user, year=year, search=q))
    RequestConfig(
        request, paginate={"per_page": 50, "paginator_class": BoundedPaginator}
    ).configure(table)
    this = timezone.localdate().year
    return render(
        request,
        "training/hours.html",
        {"table": table, "year": year, "years": range(this, this - 4, -1), "q": q},
    )


def hours_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.user.is_worker:
        raise PermissionDenied
    year = _year(request)
    qs = hours_per_worker(user=request.user, year=year, search=request.GET.get("q", ""))
    audit_export(
        actor=request.user,
        what="training.hours",
        filters={"year": year, "q": request.GET.get("q", "")},
    )
    headers = [_("姓名"), _("街道（镇）"), _("居委会"), _("认定学时"), _("其中继续教育")]
    rows = (
        [t.name, t.subdistrict.name, t.workplace, t.hours, t.ce_hours]
        for t in qs.order_by("subdistrict__code", "neighbourhood__name", "name", "pk")
    )
    return spreadsheet_response(
        headers, rows, fmt=fmt, filename=f"{_('培训学时')}-{year}", sheet_title=_("培训学时")
    )
