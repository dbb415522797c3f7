"""Training pages: events, their audience and enrolments, figures and absentees."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from accounts.capabilities import (
    can_mark_attendance,
    can_organise_training,
    capability_required,
    scoped_subdistrict_id,
    sees_others_training,
)
from accounts.models import User
from audit.services import audit_export
from core.forms import attach_service_errors
from core.pagination import BoundedPaginator
from core.params import parse_id
from core.redirects import redirect_next
from core.spreadsheets import spreadsheet_response
from trainees.identity import mobile_for
from trainees.selectors import trainee_list

from ..forms import AudienceForm, EventForm, MoveForm
from ..models import TrainingKind
from ..selectors import (
    can_manage_event,
    enrolment_list,
    event_absentees,
    event_figures,
    event_list,
    event_sittings,
    get_enrolment_for_user,
    get_event_for_user,
    pending_leave,
)
from ..services import (
    enrolment_add,
    enrolment_move,
    enrolments_add_by_rule,
    enrolments_place,
    event_create,
    event_update,
)
from ..tables import EventTable

# --- events -----------------------------------------------------------------------------------


def event_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not sees_others_training(user):
        return redirect("training:mine")  # a worker's own trainings
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
            "can_create": can_organise_training(user),
            "pending_leave": pending_leave(user=user).count() if can_mark_attendance(user) else 0,
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(can_organise_training, gettext_lazy("只有区或街道（镇）管理员可以组织培训。"))
def event_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    own = scoped_subdistrict_id(user)
    initial = {"organiser": own} if own is not None else {}
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
            "can_mark": can_mark_attendance(user),
            "audience_form": AudienceForm(event=event) if manage else None,
        },
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


@capability_required(sees_others_training, gettext_lazy("统计只对管理员和督导师开放。"))
def event_figures_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
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


@capability_required(sees_others_training)
def event_absentees_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = request.user
    event = get_event_for_user(user, pk)
    headers = [_("姓名"), _("街道（镇）"), _("居委会"), _("手机号"), _("场次"), _("出勤")]
    audit_export(actor=user, what="training.absentees", filters={"event": event.pk})
    rows = _absentee_rows(event_absentees(user=user, event=event), user=user)
    return spreadsheet_response(
        headers, rows, fmt=fmt, filename=f"{event.title}-{_('缺席名单')}", sheet_title=_("缺席名单")
    )
