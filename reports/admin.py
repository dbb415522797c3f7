from django.contrib import admin

from .models import ReportCommentary, ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
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
    readonly_fields = ["snapshot", "error", "started_at", "finished_at", "created_at", "attempts"]
    date_hierarchy = "created_at"


@admin.register(ReportCommentary)
class ReportCommentaryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_by", "updated_at"]
    list_filter = ["period_kind", "subdistrict"]
    list_select_related = ["subdistrict", "updated_by"]
