from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.capabilities import can_manage_workers, capability_required
from audit.services import audit_export
from core.downloads import protected_download
from core.forms import attach_service_errors
from core.pagination import BoundedPaginator
from core.spreadsheets import spreadsheet_response

from .export_runs import (
    IMMEDIATE_ROWS,
    export_file_hours,
    get_export_for_user,
    roster_export_request,
    roster_queryset,
)
from .exports import roster_headers, roster_rows
from .filters import TraineeFilter
from .forms import CHANGE_FIELDS, ChangeForm, MarkLeftForm, StatusForm, TraineeForm
from .history import history_change
from .identity import id_number_normalise
from .models import ChangeKind, ExportStatus
from .pii import id_number_hash
from .selectors import get_trainee_for_user, trainee_list
from .services import trainee_create, trainee_mark_left, trainee_set_status, trainee_update
from .tables import TraineeTable


class TraineeListView(SingleTableMixin, FilterView):
    table_class = TraineeTable
    filterset_class = TraineeFilter
    template_name = "trainees/list.html"
    # The table's own pagination only: a ListView's `paginate_by` would page the queryset a
    # second time, counting the roster twice (one more COUNT over 100,000 rows per page).
    table_pagination = {"per_page": 50}
    paginator_class = BoundedPaginator

    def get_queryset(self):
        return trainee_list(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

    def get_table_kwargs(self):
        return {"viewer": self.request.user}


def trainee_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The roster as CSV or XLSX, with the page's filters and the viewer's masking.

    Up to IMMEDIATE_ROWS rows the file is the response; a larger export is written by a
    Celery task (export_runs.py) and the user is sent to its progress page, which offers the
    download when it is ready. Either way the export is audited now, as it was asked.
    """
    queryset = roster_queryset(user=request.user, params=request.GET)
    # Masked by default (PIPL); district administrators may ask for full ID numbers (with
    # birth dates and mobiles), and every export is logged with its filters and whether it
    # was unmasked.
    full = request.user.sees_full_identity and request.GET.get("full_id") == "1"
    filename = _("社区工作者名册") + f"-{timezone.localdate():%Y%m%d}"
    large = queryset.count() > IMMEDIATE_ROWS
    audit_export(
        actor=request.user, what="trainees.roster", filters=_export_filters(request), full_id=full
    )
    if large:
        export = roster_export_request(
            actor=request.user,
            params=request.GET,
            fmt=fmt,
            full_id=full,
            filename=f"{filename}.{fmt}",
        )
        return redirect("trainees:export-detail", pk=export.pk)
    rows = roster_rows(queryset, full=full)
    return spreadsheet_response(
        roster_headers(full=full), rows, fmt=fmt, filename=filename, sheet_title=_("名册")
    )


@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for_user(request.user, pk)
    return render(
        request,
        "trainees/export_detail.html",
        {"export": export, "hours": export_file_hours()},
    )


@require_GET
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    export = get_export_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": export.status,
            "status_label": export.get_status_display(),
            "progress": export.progress,
            "error": export.error,
            "download": reverse("trainees:export-download", args=[export.pk])
            if export.file
            else None,
        }
    )


@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for_user(request.user, pk)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404  # not written yet, or removed after EXPORT_FILE_HOURS
    return protected_download(export.file, filename=export.filename)


def _export_filters(request: HttpRequest) -> dict[str, str]:
    """The filters as the audit trail keeps them (audit_export masks ID and mobile numbers).

    A search by a whole ID number is also kept as its keyed hash (trainees/pii.py), so that
    the district can still tell whose number was looked up without the trail holding it.
    """
    filters = {k: v for k, v in request.GET.items() if k != "full_id"}
    number = id_number_normalise(filters.get("q", ""))
    if len(number) == 18 and number[:17].isdigit():
        filters["q_id_hash"] = id_number_hash(number)
    return filters


@require_http_methods(["GET", "POST"])
@capability_required(can_manage_workers)
def trainee_create_view(request: HttpRequest) -> HttpResponse:
    form = TraineeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            trainee = trainee_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已添加社区工作者 %(name)s。") % {"name": trainee.name})
            return redirect("trainees:detail", pk=trainee.pk)
    return render(request, "trainees/form.html", {"form": form, "title": _("添加社区工作者")})


@require_http_methods(["GET", "POST"])
def trainee_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = get_trainee_for_user(request.user, pk, write=True)
    form = TraineeForm(request.POST or None, instance=trainee, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            trainee_update(trainee=trainee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(name)s 的档案。") % {"name": trainee.name})
            return redirect("trainees:detail", pk=trainee.pk)
    return render(
        request,
        "trainees/form.html",
        {
            "form": form,
            "trainee": trainee,
            "title": _("编辑档案：%(name)s") % {"name": trainee.name},
        },
    )


@require_http_methods(["GET", "POST"])
def trainee_mark_left_view(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = get_trainee_for_user(request.user, pk, write=True)
    form = MarkLeftForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trainee_mark_left(
                trainee=trainee,
                actor=request.user,
                left_on=data["left_on"],
                kind=data["kind"],
                reason=data["reason"],
                document_no=data["document_no"],
            )
        except ValidationError as exc:
            attach_service_errors(form, exc, rename={"effective_on": "left_on"})
        else:
            if data["kind"] == ChangeKind.RETIRED:
                done = _("已为 %(name)s 办理退休。")
            else:
                done = _("已为 %(name)s 办理离职。")
            messages.success(request, done % {"name": trainee.name})
            return redirect("trainees:detail", pk=trainee.pk)
    return render(request, "trainees/mark_left.html", {"form": form, "trainee": trainee})


@require_http_methods(["GET", "POST"])
def trainee_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    """办理变动: one dated change of the worker's history (trainees.history)."""
    trainee = get_trainee_for_user(request.user, pk, write=True)
    form = ChangeForm(
        request.POST or None,
        trainee=trainee,
        user=request.user,
        initial={"kind": request.GET.get("kind", ""), "effective_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            history_change(trainee=trainee, actor=request.user, **form.change_arguments())
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已为 %(name)s 登记%(kind)s。")
                % {"name": trainee.name, "kind": ChangeKind(form.cleaned_data["kind"]).label},
            )
            return redirect("trainees:detail", pk=trainee.pk)
    # Each optional field with the kinds that use it (the page's script shows only those).
    conditional = [(form[name], " ".join(kinds)) for name, kinds in CHANGE_FIELDS.items()]
    return render(
        request,
        "trainees/change.html",
        {"form": form, "trainee": trainee, "conditional": conditional},
    )


@require_http_methods(["POST"])
def trainee_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = get_trainee_for_user(request.user, pk, write=True)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("状态无效。"))
        return redirect("trainees:detail", pk=trainee.pk)
    try:
        trainee_set_status(trainee=trainee, actor=request.user, status=form.cleaned_data["status"])
    except ValidationError as exc:
        # A rule of the history (e.g. a change already recorded after today): said, not a 500.
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("状态已更新。"))
    return redirect("trainees:detail", pk=trainee.pk)
