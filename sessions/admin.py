"""Supervision logs in the admin: shown, never changed.

A log is written, submitted and corrected only by the supervisor who wrote it, on its page
(更正记录 asks for a reason and keeps a version; sessions/services/correct.py), confirmed by its
attendees there, and locked when its month is closed (月度结账, sessions:month-close). The
admin has no way to act as that supervisor, so every log, attendee, score, action item,
version and month close is read-only here. The cadence policy is the district's to edit.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    ActionItem,
    CadencePolicy,
    DrillScore,
    MonthClose,
    SessionAttendee,
    SessionVersion,
    SupervisionSession,
)


class AttendeeInline(ReadOnlyInline):
    model = SessionAttendee


class ActionItemInline(ReadOnlyInline):
    model = ActionItem


class DrillScoreInline(ReadOnlyInline):
    model = DrillScore


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(ReadOnlyAdmin):
    list_display = ("date", "supervisor", "mode", "topic", "duration_minutes", "status", "version")
    list_filter = ("status", "mode", "delivery")
    search_fields = ("topic", "supervisor__name", "attendees__trainee__name")
    list_select_related = ("supervisor",)
    date_hierarchy = "date"
    inlines = [AttendeeInline, DrillScoreInline, ActionItemInline]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return ["page_link", *(f for f in fields if f != "page_link")]

    def get_readonly_fields(self, request, obj=None):
        return ["page_link", *super().get_readonly_fields(request, obj)]

    @admin.display(description=_("督导记录页面"))
    def page_link(self, session: SupervisionSession) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("sessions:detail", args=[session.pk]),
            _("查看；更正由填写该记录的督导师在此页面办理，须填写更正原因"),
        )


@admin.register(SessionAttendee)
class SessionAttendeeAdmin(ReadOnlyAdmin):
    list_display = ("session", "trainee", "confirmed_at")
    list_select_related = ("session__supervisor", "trainee")
    search_fields = ("trainee__name",)


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("what", "owner", "due_on", "session")
    list_select_related = ("session__supervisor",)


@admin.register(DrillScore)
class DrillScoreAdmin(ReadOnlyAdmin):
    list_display = ("session", "trainee", "competency", "score")
    list_filter = ("competency", "score")
    list_select_related = ("session__supervisor", "trainee")


@admin.register(SessionVersion)
class SessionVersionAdmin(ReadOnlyAdmin):
    """History: each submit and correction of a log (session_correct keeps the reason)."""

    list_display = ("session", "number", "changed_by", "changed_at", "reason")
    list_select_related = ("session__supervisor", "changed_by")


@admin.register(CadencePolicy)
class CadencePolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mentor_min_per_month", "drill_min_per_month", "lock_after_days")

    def has_add_permission(self, request) -> bool:
        # A single row: the district's policy.
        return not CadencePolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnlyAdmin):
    """Months are closed on the month-close page (month_close locks the month's logs); a
    close is never undone, as the logs it locked stay locked."""

    list_display = ("month", "closed_by", "closed_at")
    list_select_related = ("closed_by",)
