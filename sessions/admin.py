from django.contrib import admin

from audit.admin_mixins import AuditedAdmin

from .models import (
    ActionItem,
    Attendance,
    CadencePolicy,
    CheckinUse,
    CreditPolicy,
    DrillScore,
    Enrolment,
    LeaveRequest,
    MonthClose,
    SessionAttendee,
    SessionVersion,
    Sitting,
    SupervisionSession,
    TrainingEvent,
)
from .services import AUDITED_FIELDS


class AttendeeInline(admin.TabularInline):
    model = SessionAttendee
    extra = 0
    autocomplete_fields = ("trainee",)


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0


class DrillScoreInline(admin.TabularInline):
    model = DrillScore
    extra = 0
    autocomplete_fields = ("trainee",)


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(AuditedAdmin):
    audit_fields = AUDITED_FIELDS
    list_display = ("date", "supervisor", "mode", "topic", "duration_minutes", "status", "version")
    list_filter = ("status", "mode", "delivery")
    search_fields = ("topic", "supervisor__name", "attendees__trainee__name")
    list_select_related = ("supervisor",)
    date_hierarchy = "date"
    autocomplete_fields = ("supervisor",)
    readonly_fields = ("version", "submitted_at", "created_at", "updated_at")
    inlines = [AttendeeInline, DrillScoreInline, ActionItemInline]


@admin.register(SessionAttendee)
class SessionAttendeeAdmin(admin.ModelAdmin):
    list_display = ("session", "trainee", "confirmed_at")
    list_select_related = ("session__supervisor", "trainee")
    search_fields = ("trainee__name",)
    raw_id_fields = ("session", "trainee")


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("what", "owner", "due_on", "session")
    list_select_related = ("session__supervisor",)
    raw_id_fields = ("session",)


@admin.register(DrillScore)
class DrillScoreAdmin(admin.ModelAdmin):
    list_display = ("session", "trainee", "competency", "score")
    list_filter = ("competency", "score")
    list_select_related = ("session__supervisor", "trainee")
    raw_id_fields = ("session", "trainee")


@admin.register(SessionVersion)
class SessionVersionAdmin(admin.ModelAdmin):
    list_display = ("session", "number", "changed_by", "changed_at", "reason")
    list_select_related = ("session__supervisor", "changed_by")
    raw_id_fields = ("session",)
    readonly_fields = ("session", "number", "snapshot", "reason", "changed_by", "changed_at")

    def has_add_permission(self, request) -> bool:
        # Versions are kept by session_correct; an add form with every field read-only could
        # only save an empty row (a 500 on the NOT NULL columns).
        return False


@admin.register(CadencePolicy)
class CadencePolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mentor_min_per_month", "drill_min_per_month", "lock_after_days")

    def has_add_permission(self, request) -> bool:
        # A single row: the district's policy.
        return not CadencePolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MonthClose)
class MonthCloseAdmin(admin.ModelAdmin):
    list_display = ("month", "closed_by", "closed_at")
    list_select_related = ("closed_by",)


# --- training -----------------------------------------------------------------------------------


class SittingInline(admin.TabularInline):
    model = Sitting
    extra = 0


@admin.register(TrainingEvent)
class TrainingEventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "organiser", "credited_hours", "counts_as_ce", "created_at")
    list_filter = ("kind", "organiser", "counts_as_ce")
    search_fields = ("title",)
    list_select_related = ("organiser",)
    readonly_fields = ("created_by", "created_at")
    inlines = [SittingInline]


@admin.register(Sitting)
class SittingAdmin(admin.ModelAdmin):
    list_display = ("event", "date", "start_time", "end_time", "venue", "capacity")
    list_select_related = ("event",)
    date_hierarchy = "date"
    raw_id_fields = ("event",)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("trainee", "event", "sitting")
    list_select_related = ("trainee", "event", "sitting__event")
    search_fields = ("trainee__name", "event__title")
    raw_id_fields = ("event", "trainee", "sitting")


@admin.register(Attendance)
class AttendanceAdmin(AuditedAdmin):
    audit_fields = ("status", "credited_hours")
    # Attendance is written through the marking page and check-in (training_services).
    list_display = ("trainee", "event", "status", "credited_hours", "checked_in_at", "via_qr")
    list_filter = ("status", "via_qr")
    list_select_related = ("trainee", "event")
    search_fields = ("trainee__name", "event__title")
    raw_id_fields = ("enrolment", "event", "sitting", "trainee", "marked_by")
    readonly_fields = ("updated_at",)


@admin.register(CreditPolicy)
class CreditPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "present", "late", "left_early", "absent", "excused")

    def has_add_permission(self, request) -> bool:
        # A single row: the district's policy.
        return not CreditPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LeaveRequest)
class LeaveRequestAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "reason", "state", "created_at", "decided_by")
    list_filter = ("state",)
    list_select_related = ("enrolment__trainee", "enrolment__event", "decided_by")
    raw_id_fields = ("enrolment", "requested_by", "decided_by")


@admin.register(CheckinUse)
class CheckinUseAdmin(admin.ModelAdmin):
    list_display = ("nonce", "trainee", "used_at")
    list_select_related = ("trainee",)
    raw_id_fields = ("trainee",)
