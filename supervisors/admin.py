from typing import Any

from django.contrib import admin

from audit.admin_mixins import AuditedAdmin
from core.admin import ServiceAdmin

from .models import Assignment, SupervisionPolicy, Supervisor
from .services import (
    SUPERVISOR_FIELDS,
    assignment_create,
    assignment_end,
    supervisor_create,
    supervisor_update,
)


@admin.register(Supervisor)
class SupervisorAdmin(ServiceAdmin):
    """The supervisor team has no page of its own: the admin and the supervisors import keep
    it, both through supervisor_create / supervisor_update."""

    list_display = ("name", "kind", "home_subdistrict", "qualification", "capacity", "is_active")
    list_filter = ("kind", "home_subdistrict", "qualification", "is_active")
    search_fields = ("name", "organisation")
    list_select_related = ("home_subdistrict",)
    raw_id_fields = ("trainee", "user")
    fields = SUPERVISOR_FIELDS

    def service_save(self, request, obj: Supervisor | None, data: dict[str, Any]) -> Supervisor:
        fields = {k: v for k, v in data.items() if k in SUPERVISOR_FIELDS}
        if obj is None:
            return supervisor_create(actor=request.user, **fields)
        return supervisor_update(supervisor=obj, actor=request.user, **fields)


@admin.register(Assignment)
class AssignmentAdmin(ServiceAdmin):
    """Pairings as on the worker's page: a new one through assignment_create (capacity checked
    under the supervisor's row lock), an active one ended through assignment_end with a reason.
    A pairing is never edited or deleted: a change of supervisor ends it and starts another
    (调整督导师 on the worker's page), and the ended row stays as history."""

    list_display = ("supervisor", "trainee", "mode", "started_on", "ended_on")
    list_filter = ("mode", "supervisor__home_subdistrict")
    search_fields = ("supervisor__name", "trainee__name")
    list_select_related = ("supervisor", "trainee")
    raw_id_fields = ("supervisor", "trainee")
    date_hierarchy = "started_on"

    ADD_FIELDS = ("supervisor", "trainee", "mode", "started_on", "reason")
    END_FIELDS = ("ended_on", "end_reason")

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.ADD_FIELDS
        return (*self.ADD_FIELDS, "created_by", *self.END_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*self.ADD_FIELDS, "created_by")

    def has_change_permission(self, request, obj=None) -> bool:
        # An ended pairing is history.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_active)

    def service_save(self, request, obj: Assignment | None, data: dict[str, Any]) -> Assignment:
        if obj is None:
            return assignment_create(
                actor=request.user,
                supervisor=data["supervisor"],
                trainee=data["trainee"],
                mode=data["mode"],
                started_on=data["started_on"],
                reason=data.get("reason", ""),
            )
        if data.get("ended_on") is None and not data.get("end_reason"):
            return obj  # saved unchanged
        return assignment_end(
            assignment=obj,
            actor=request.user,
            ended_on=data.get("ended_on"),
            reason=data.get("end_reason", ""),
        )


@admin.register(SupervisionPolicy)
class SupervisionPolicyAdmin(AuditedAdmin):
    """The district's ratio and mentor-mode rule (one row, seeded by a migration): district
    administrators edit it here; each change is in the audit trail, as the coverage board,
    the auto-assignment and the report's findings read it."""

    audit_fields = ("district_ratio", "mentor_max_service_years")
    list_display = ("__str__", "district_ratio", "mentor_max_service_years", "updated_at")

    def has_add_permission(self, request) -> bool:
        # A single row: the district's policy.
        return not SupervisionPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
