from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_export
from core.downloads import protected_download
from core.spreadsheets import XLSX_CONTENT_TYPE, write_xlsx

from .forms import UploadForm
from .kinds import KINDS, get_kind
from .kinds.base import ImportKindBase
from .selectors import (
    get_import_file_for_user,
    get_import_run_for_user,
    import_run_list,
    may_download_original,
    require_importer,
)
from .services import import_apply_start, import_preview
from .workbooks import build_export, build_template

ERRORS_PER_PAGE = 500


def _attachment(body: bytes, filename: str, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _kind_for_user(request: HttpRequest, code: str) -> ImportKindBase:
    require_importer(request.user)
    kind = get_kind(code)
    if not kind.allowed(request.user):
        raise PermissionDenied(_("您的角色不能导入此类数据。"))
    return kind


@require_GET
def import_index(request: HttpRequest) -> HttpResponse:
    require_importer(request.user)
    kinds = [kind for kind in KINDS.values() if kind.allowed(request.user)]
    page = Paginator(import_run_list(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "imports/index.html", {"kinds": kinds, "page_obj": page})


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    import_kind = _kind_for_user(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = import_preview(kind=kind, file=upload, actor=request.user, file_name=upload.name)
        return redirect("imports:run-detail", pk=run.pk)
    return render(request, "imports/upload.html", {"kind": import_kind, "form": form})


@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    import_kind = _kind_for_user(request, kind)
    return _attachment(
        build_template(import_kind, request.user),
        _("%(kind)s-导入模板.xlsx") % {"kind": import_kind.label},
    )


@require_GET
def import_export(request: HttpRequest, kind: str) -> HttpResponse:
    import_kind = _kind_for_user(request, kind)
    audit_export(
        actor=request.user,
        what=f"imports.{import_kind.code}",
        filters={},
        full_id=request.user.sees_full_id_numbers,
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _attachment(
        build_export(import_kind, request.user),
        f"{import_kind.label}-{stamp}.xlsx",
    )


@require_GET
def import_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_import_run_for_user(request.user, pk)
    errors = Paginator(run.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/run_detail.html",
        {
            "run": run,
            "kind": KINDS.get(run.kind),
            "errors_page": errors,
            "errors_not_stored": max(run.error_count - len(run.errors), 0),
            "can_confirm": run.can_apply and run.created_by_id == request.user.pk,
            "can_download_file": bool(run.file) and may_download_original(request.user),
            "status_url": reverse("imports:run-status", args=[run.pk]),
        },
    )


@require_POST
def import_run_apply(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_import_run_for_user(request.user, pk)
    try:
        import_apply_start(run=run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("imports:run-detail", pk=run.pk)


@require_GET
def import_run_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = get_import_run_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": run.progress,
            "finished": run.is_finished,
            "new": run.new_count,
            "changed": run.changed_count,
            "unchanged": run.unchanged_count,
            "errors": run.error_count,
            "message": run.message,
        }
    )


@require_GET
def import_run_file(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_import_file_for_user(request.user, pk)
    # Full ID numbers leave with it: recorded as an unmasked export.
    audit_export(actor=request.user, what="imports.run-file", filters={"run": run.pk}, full_id=True)
    return protected_download(run.file, filename=run.file_name)


@require_GET
def import_run_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The error report as a spreadsheet, to fix the file row by row: the errors, then the
    warnings (what was read other than as written), each row saying which it is."""
    run = get_import_run_for_user(request.user, pk)
    headers = [_("工作表"), _("行号"), _("列"), _("原值"), _("错误原因"), _("类型")]
    kinds = ((run.errors, _("错误")), (run.warnings, _("提示")))
    rows = (
        [e["sheet"], e["row"] or "", e["column"], e["value"], e["message"], label]
        for entries, label in kinds
        for e in entries
    )
    return _attachment(
        write_xlsx(headers, rows, sheet_title=_("错误报告")),
        _("错误报告-%(file)s.xlsx") % {"file": run.file_name.rsplit(".", 1)[0]},
    )
