"""The workbook page: ask for a workbook, follow its progress, download it (requester only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import can_view_reports, capability_required
from audit.services import audit_export
from core.downloads import protected_download
from trainees.export_runs import export_file_hours

from ..models import RunStatus
from .forms import WorkbookRequestForm
from .selectors import get_workbook_run_for_user, workbook_run_list
from .services import workbook_request, workbook_retry

WORKBOOK_REFUSED = gettext_lazy("您的角色不能生成统计报表。")


@require_http_methods(["GET", "POST"])
@capability_required(can_view_reports, WORKBOOK_REFUSED)
def workbook_list(request: HttpRequest) -> HttpResponse:
    """The form (date, scope) and the user's own workbooks with their progress."""
    user = request.user
    form = WorkbookRequestForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            run = workbook_request(
                actor=user,
                as_of=form.cleaned_data["as_of"],
                subdistrict=form.cleaned_data["subdistrict"],
                full_id=form.cleaned_data.get("full_id", False),
            )
        except ValidationError as exc:
            form.add_error("as_of", exc)
        else:
            return redirect("reports:workbook-detail", pk=run.pk)
    return render(
        request,
        "reports/workbook_list.html",
        {"form": form, "runs": workbook_run_list(user=user)[:30], "hours": export_file_hours()},
    )


@require_GET
def workbook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_workbook_run_for_user(request.user, pk)
    return render(
        request, "reports/workbook_detail.html", {"run": run, "hours": export_file_hours()}
    )


@require_GET
def workbook_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = get_workbook_run_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": run.progress,
            "error": run.error,
            "xlsx": reverse("reports:workbook-download", args=[run.pk]) if run.file else None,
        }
    )


@require_GET
def workbook_download(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_workbook_run_for_user(request.user, pk)
    if run.status != RunStatus.DONE or not run.file:
        raise Http404  # not built yet, or removed after export_file_hours()
    audit_export(
        actor=request.user,
        what="reports.workbook",
        filters={
            "run": run.pk,
            "as_of": run.as_of.isoformat(),
            "subdistrict": run.subdistrict_id or "",
        },
        full_id=run.full_id,
    )
    name = _("%(scope)s统计报表-%(date)s.xlsx") % {
        "scope": run.scope_label,
        "date": f"{run.as_of:%Y%m%d}",
    }
    return protected_download(run.file, filename=name)


@require_POST
def workbook_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_workbook_run_for_user(request.user, pk)
    try:
        workbook_retry(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已重新开始生成报表。"))
    return redirect("reports:workbook-detail", pk=run.pk)
