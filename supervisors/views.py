from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.capabilities import (
    CapabilityRequiredMixin,
    can_manage_team,
    capability_required,
    require_capability,
    sees_team,
)
from audit.selectors import audit_history_lines
from audit.services import audit_export
from core.forms import attach_service_errors
from core.pagination import BoundedPaginator
from core.spreadsheets import spreadsheet_response
from trainees.selectors import get_trainee_for_user

from .filters import AssignmentFilter, SupervisorFilter
from .forms import AssignmentEndForm, AssignmentForm, CoverageDateForm
from .models import Assignment
from .selectors import (
    assignment_list,
    coverage_board,
    get_supervisor_for_user,
    supervision_policy,
    supervisor_list,
)
from .services import assignment_create, assignment_end, assignment_reassign
from .tables import AssignmentTable, SupervisorTable


class SupervisorListView(CapabilityRequiredMixin, SingleTableMixin, FilterView):
    capability = sees_team
    table_class = SupervisorTable
    filterset_class = SupervisorFilter
    template_name = "supervisors/list.html"
    paginate_by = 50
    paginator_class = BoundedPaginator

    def get_queryset(self):
        return supervisor_list(user=self.request.user).order_by(
            "home_subdistrict__code", "name", "pk"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(ratio=supervision_policy().district_ratio, **kwargs)


def supervisor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supervisor = get_supervisor_for_user(request.user, pk)
    # Only the pairings in the viewer's scope: a subdistrict administrator's own workers, a
    # worker's own pairing (not the supervisor's other trainees).
    assignments = list(assignment_list(user=request.user).filter(supervisor=supervisor))
    return render(
        request,
        "supervisors/detail.html",
        {
            "supervisor": supervisor,
            "current": [a for a in assignments if a.ended_on is None],
            "past": [a for a in assignments if a.ended_on is not None],
            # The supervisor's changes and those of the pairings in the viewer's scope (one query).
            "history": audit_history_lines(supervisor, *assignments),
        },
    )


class AssignmentListView(CapabilityRequiredMixin, SingleTableMixin, FilterView):
    capability = sees_team
    table_class = AssignmentTable
    filterset_class = AssignmentFilter
    template_name = "supervisors/assignment_list.html"
    paginate_by = 50
    paginator_class = BoundedPaginator

    def get_queryset(self):
        return assignment_list(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs


@capability_required(sees_team)
def assignment_export(request: HttpRequest, fmt: str) -> HttpResponse:
    filterset = AssignmentFilter(
        request.GET, queryset=assignment_list(user=request.user), user=request.user
    )
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    audit_export(
        actor=request.user, what="supervisors.assignments", filters=dict(request.GET.items())
    )
    headers = [
        _("社区工作者"),
        _("街道（镇）"),
        _("居委会"),
        _("督导师"),
        _("督导方式"),
        _("开始日期"),
        _("结束日期"),
        _("原因"),
        _("结束原因"),
    ]
    rows = (
        [
            a.trainee.name,
            a.trainee.subdistrict.name,
            a.trainee.neighbourhood.name if a.trainee.neighbourhood_id else "",
            a.supervisor.name,
            a.get_mode_display(),
            a.started_on,
            a.ended_on or "",
            a.reason,
            a.end_reason,
        ]
        for a in queryset.order_by(
            "trainee__subdistrict__code", "trainee__name", "-started_on"
        ).iterator(chunk_size=2000)
    )
    filename = _("督导关系") + f"-{timezone.localdate():%Y%m%d}"
    return spreadsheet_response(
        headers, rows, fmt=fmt, filename=filename, sheet_title=_("督导关系")
    )


def _assignable_supervisors(request: HttpRequest):
    return (
        supervisor_list(user=request.user)
        .filter(is_active=True)
        .order_by("home_subdistrict__code", "name")
    )


@require_http_methods(["GET", "POST"])
def assignment_create_view(request: HttpRequest, trainee_pk: int) -> HttpResponse:
    """Pair a worker with a supervisor, or change their supervisor (the old pairing ends)."""
    trainee = get_trainee_for_user(request.user, trainee_pk)
    require_capability(request.user, can_manage_team, _("只有区管理员可以安排督导关系。"))
    current = (
        Assignment.objects.filter(trainee=trainee, ended_on__isnull=True)
        .select_related("supervisor")
        .first()
    )
    today = timezone.localdate()
    # A new pairing proposes the mode the district's policy gives for the worker's years of
    # community work (the same rule as the auto-assignment); a change keeps the current mode.
    mode = (
        current.mode
        if current
        else supervision_policy().mode_for(trainee.started_community_work, on=today)
    )
    form = AssignmentForm(
        request.POST or None,
        supervisors=_assignable_supervisors(request),
        reason_required=current is not None,
        initial={"started_on": today, "mode": mode},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if current is None:
                assignment_create(
                    supervisor=data["supervisor"],
                    trainee=trainee,
                    mode=data["mode"],
                    actor=request.user,
                    started_on=data["started_on"],
                    reason=data["reason"],
                )
            else:
                assignment_reassign(
                    trainee=trainee,
                    supervisor=data["supervisor"],
                    mode=data["mode"],
                    actor=request.user,
                    reason=data["reason"],
                    on=data["started_on"],
                )
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已为 %(name)s 安排督导师 %(supervisor)s。")
                % {"name": trainee.name, "supervisor": data["supervisor"].name},
            )
            return redirect("trainees:detail", pk=trainee.pk)
    return render(
        request,
        "supervisors/assignment_form.html",
        {"form": form, "trainee": trainee, "current": current},
    )


@require_http_methods(["GET", "POST"])
@capability_required(can_manage_team, gettext_lazy("只有区管理员可以结束督导关系。"))
def assignment_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = assignment_list(user=request.user).filter(pk=pk, ended_on__isnull=True).first()
    if assignment is None:
        raise Http404
    form = AssignmentEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            assignment_end(
                assignment=assignment,
                actor=request.user,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["end_reason"],
            )
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("督导关系已结束，记录保留在历史中。"))
            return redirect("trainees:detail", pk=assignment.trainee_id)
    return render(
        request, "supervisors/assignment_end.html", {"form": form, "assignment": assignment}
    )


@capability_required(sees_team)
def coverage_view(request: HttpRequest) -> HttpResponse:
    form = CoverageDateForm(request.GET or None)
    on = form.as_of(timezone.localdate())
    return render(
        request,
        "supervisors/coverage.html",
        {"board": coverage_board(user=request.user, on=on), "form": form},
    )
