from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import ReportCommentary, ReportRun, ReportSnapshot


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    """Runs are requested on the reports page and built by the worker (report_request,
    report_build); the record stays as the evidence of what was reported."""

    list_display = [
        "__str__",
        "language",
        "as_of",
        "status",
        "progress",
        "requested_by",
        "created_at",
    ]
    list_filter = ["status", "period_kind", "language", "subdistrict"]
    list_select_related = ["subdistrict", "requested_by"]
    # The files are built, never uploaded here; encrypted, they have no URL and are linked
    # to the download view, which checks access.
    exclude = ["file", "xlsx_file"]
    readonly_fields = [
        "snapshot",
        "error",
        "started_at",
        "finished_at",
        "created_at",
        "attempts",
        "files_removed_at",
        "files_kept_days",
        "pdf_link",
        "xlsx_link",
    ]
    date_hierarchy = "created_at"

    def _link(self, run: ReportRun, fmt: str) -> str:
        if not (run.file if fmt == "pdf" else run.xlsx_file):
            return "—"
        url = reverse("reports:run-download", args=[run.pk, fmt])
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("PDF 文件"))
    def pdf_link(self, run: ReportRun) -> str:
        return self._link(run, "pdf")

    @admin.display(description=_("Excel 文件"))
    def xlsx_link(self, run: ReportRun) -> str:
        return self._link(run, "xlsx")


@admin.register(ReportCommentary)
class ReportCommentaryAdmin(ReadOnlyAdmin):
    """Written on the report's page through commentary_save, which also rebuilds the stored
    reports of that period and scope."""

    list_display = ["__str__", "updated_by", "updated_at"]
    list_filter = ["period_kind", "subdistrict"]
    list_select_related = ["subdistrict", "updated_by"]


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(ReadOnlyAdmin):
    """The dashboard figures kept for periods that are over (reports.snapshots): computed on the
    first view or by the background refresh, dropped by every write that changes them."""

    list_display = ["period_kind", "year", "number", "subdistrict", "language", "computed_at"]
    list_filter = ["period_kind", "language", "subdistrict"]
    list_select_related = ["subdistrict"]
    exclude = ["figures"]
