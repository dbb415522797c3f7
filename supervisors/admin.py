from django.contrib import admin

from audit.admin_mixins import AuditedAdmin

from .models import Assignment, Supervisor
from .services import ASSIGNMENT_FIELDS, SUPERVISOR_FIELDS


@admin.register(Supervisor)
class SupervisorAdmin(AuditedAdmin):
    audit_fields = SUPERVISOR_FIELDS
    list_display = ("name", "kind", "home_subdistrict", "qualification", "capacity", "is_active")
    list_filter = ("kind", "home_subdistrict", "qualification", "is_active")
    search_fields = ("name", "organisation")
    list_select_related = ("home_subdistrict",)
    raw_id_fields = ("trainee", "user")


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    audit_fields = (*ASSIGNMENT_FIELDS, "ended_on", "end_reason")
    list_display = ("supervisor", "trainee", "mode", "started_on", "ended_on")
    list_filter = ("mode", "supervisor__home_subdistrict")
    search_fields = ("supervisor__name", "trainee__name")
    list_select_related = ("supervisor", "trainee")
    raw_id_fields = ("supervisor", "trainee", "created_by")
    date_hierarchy = "started_on"
