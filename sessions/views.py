import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.capabilities import (
    can_close_months,
    can_write_logs,
    capability_required,
    require_capability,
    sees_cadence,
)
from audit.selectors import audit_history_lines
from audit.services import audit_export
from core.dates import in_window
from core.forms import attach_service_errors
from core.pagination import BoundedPaginator
from core.params import parse_id
from core.spreadsheets import spreadsheet_response
from supervisors.models import Assignment

from .exports import session_headers, session_rows
from .filters import SessionFilter
from .forms import (
    ConfirmForm,
    CorrectionForm,
    MonthCloseForm,
    SessionForm,
    action_formset,
    actions_from,
    closable_months,
)
from .models import MonthClose, SessionStatus, SupervisionSession
from .selectors import (
    get_session_for_user,
    session_detail,
    session_list,
    supervisors_behind,
)
from .services import (
    cadence_policy,
    month_close,
    month_start,
    session_confirm,
    session_correct,
    session_create,
    session_submit,
    session_update,
)
from .tables import SessionTable


class SessionListView(SingleTableMixin, FilterView):
    table_class = SessionTable
    filterset_class = SessionFilter
    template_name = "sessions/list.html"
    table_pagination = {"per_page": 30}
    paginator_class = BoundedPaginator

    def get_queryset(self):
        return session_list(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs


def session_export(request: HttpRequest, fmt: str) -> HttpResponse:
    filterset = SessionFilter(
        request.GET, queryset=session_list(user=request.user), user=request.user
    )
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    audit_export(actor=request.user, what="sessions.logs", filters=dict(request.GET.items()))
    rows = session_rows(queryset)
    filename = _("督导记录") + f"-{timezone.localdate():%Y%m%d}"
    return spreadsheet_response(
        session_headers(), rows, fmt=fmt, filename=filename, sheet_title=_("督导记录")
    )


def session_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    detail = session_detail(session, user=request.user)
    mine = next((a for a in detail["attendees"] if a.trainee.user_id == request.user.pk), None)
    is_owner = can_write_logs(request.user) and session.supervisor.user_id == request.user.pk
    return render(
        request,
        "sessions/detail.html",
        {
            "session": session,
            **detail,
            "is_owner": is_owner,
            "my_attendance": mine,
            "can_confirm": mine is not None
            and session.status == SessionStatus.SUBMITTED
            and not detail["locked"],
            "confirm_form": ConfirmForm(initial={"reflection": mine.reflection if mine else ""}),
            "history": audit_history_lines(session),
        },
    )


def _edit(request: HttpRequest, session: SupervisionSession | None, *, correct: bool):
    require_capability(request.user, can_write_logs, _("只有督导师可以填写督导记录。"))
    supervisor = getattr(request.user, "supervisor", None)
    if supervisor is None:
        raise PermissionDenied(_("只有督导师可以填写督导记录。"))
    form_class = CorrectionForm if correct else SessionForm
    initial = {}
    if session is None and request.method == "GET":
        pick = parse_id(request.GET.get("trainee"))
        pair = (
            Assignment.objects.filter(
                supervisor=supervisor, ended_on__isnull=True, trainee_id=pick
            ).first()
            if pick
            else None
        )
        if pair is not None:
            initial = {"attendees": [pair.trainee_id], "mode": pair.mode}
    form = form_class(
        request.POST or None, instance=session, supervisor=supervisor, initial=initial
    )
    actions = action_formset(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        submit = request.POST.get("action") == "submit"
        kwargs = {
            "actor": request.user,
            "attendees": list(form.cleaned_data["attendees"]),
            "scores": form.scores(),
            "action_items": actions_from(actions),
            **form.session_fields(),
        }
        try:
            if correct:
                saved = session_correct(
                    session=session, reason=form.cleaned_data["reason"], **kwargs
                )
                note = _("已更正督导记录，学员需重新确认。")
            elif session is None:
                saved = session_create(submit=submit, **kwargs)
                note = _("督导记录已提交，等待学员确认。") if submit else _("已保存草稿。")
            else:
                saved = session_update(session=session, submit=submit, **kwargs)
                note = _("督导记录已提交，等待学员确认。") if submit else _("已保存草稿。")
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, note)
            return redirect("sessions:detail", pk=saved.pk)
    if correct:
        title = _("更正督导记录")
    elif session is None:
        title = _("记录督导")
    else:
        title = _("编辑督导记录草稿")
    return render(
        request,
        "sessions/form.html",
        {
            "form": form,
            "actions": actions,
            "session": session,
            "correct": correct,
            "title": title,
            "score_grid": form.score_grid(),
            "has_trainees": bool(form.trainees),
        },
    )


@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest) -> HttpResponse:
    return _edit(request, None, correct=False)


@require_http_methods(["GET", "POST"])
def session_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, write=True)
    if session.status != SessionStatus.DRAFT:
        return redirect("sessions:correct", pk=session.pk)
    return _edit(request, session, correct=False)


@require_http_methods(["GET", "POST"])
def session_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, write=True)
    if session.status == SessionStatus.DRAFT:
        return redirect("sessions:update", pk=session.pk)
    return _edit(request, session, correct=True)


@require_POST
def session_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, write=True)
    try:
        session_submit(session=session, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("sessions:update", pk=session.pk)
    messages.success(request, _("督导记录已提交，等待学员确认。"))
    return redirect("sessions:detail", pk=session.pk)


@require_POST
def session_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            session_confirm(
                session=session, actor=request.user, reflection=form.cleaned_data["reflection"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已确认督导记录，谢谢！"))
    return redirect("sessions:detail", pk=session.pk)


@require_http_methods(["GET", "POST"])
@capability_required(can_close_months, gettext_lazy("只有区管理员可以结账。"))
def month_close_view(request: HttpRequest) -> HttpResponse:
    months = closable_months()
    form = MonthCloseForm(request.POST or None, months=months)
    if request.method == "POST" and form.is_valid():
        try:
            closed = month_close(month=form.cleaned_data["month"], actor=request.user)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(month)s 已结账，该月督导记录已锁定。")
                % {"month": f"{closed.month:%Y年%-m月}"},
            )
            return redirect("sessions:month-close")
    return render(
        request,
        "sessions/month_close.html",
        {
            "form": form,
            "closed": MonthClose.objects.select_related("closed_by")[:12],
            "policy": cadence_policy(),
        },
    )


@capability_required(sees_cadence, gettext_lazy("只有管理员可以查看督导频次情况。"))
def overdue_view(request: HttpRequest) -> HttpResponse:
    """Administrators: supervisors behind this month's cadence, in their scope."""
    user = request.user
    raw = request.GET.get("month", "")
    try:
        month = month_start(dt.date.fromisoformat(raw + "-01")) if raw else None
    except ValueError:
        month = None
    if month is None or not in_window(month):
        # A month outside the district's data (0001-01, 9999-12) has nothing to show, and
        # the cadence arithmetic on it runs off the calendar.
        month = month_start(timezone.localdate())
    behind = supervisors_behind(user=user, month=month)
    return render(
        request,
        "sessions/overdue.html",
        {
            "month": month,
            "behind": behind,
            "pairings": sum(len(b.rows) for b in behind),
            "policy": cadence_policy(),
            "list_url": reverse("sessions:list"),
        },
    )
