from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdmin
from core.admin import ReadOnlyAdmin

from .models import ImportRun, Synonym


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "kind",
        "file_name",
        "created_by",
        "subdistrict",
        "status",
        "new_count",
        "changed_count",
        "unchanged_count",
        "error_count",
        "applied_at",
    )
    list_filter = ("kind", "status", "subdistrict")
    search_fields = ("file_name", "created_by__username", "created_by__display_name")
    list_select_related = ("created_by", "subdistrict")
    date_hierarchy = "created_at"
    # The record of what was imported is evidence: read-only here (neither changed nor
    # deleted), written by the pipeline.
    # The file is encrypted and has no URL: it is linked to the view that checks access.
    exclude = ("file",)
    readonly_fields = [f.name for f in ImportRun._meta.fields if f.name != "file"] + ["file_link"]

    @admin.display(description=_("文件"))
    def file_link(self, run: ImportRun) -> str:
        if not run.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("imports:run-file", args=[run.pk]), run.file_name
        )


@admin.register(Synonym)
class SynonymAdmin(AuditedAdmin):
    """Edited by the district: what the workers import reads for each choice. Each change is in
    the audit trail, because it changes how every later file is read."""

    audit_fields = ("column", "spelling", "value")
    list_display = ("spelling", "column", "value")
    list_filter = ("column", "value")
    search_fields = ("spelling",)
