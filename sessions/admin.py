from django.contrib import admin

from .models import (
    ActionItem,
    CadencePolicy,
    DrillScore,
    MonthClose,
    SessionAttendee,
    SessionVersion,
    SupervisionSession,
)


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
class SupervisionSessionAdmin(admin.ModelAdmin):
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
