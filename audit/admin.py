from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .admin_mixins import AuditedAdmin
from .models import AuditEvent, RetentionPolicy


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail is written by the services and never edited by hand."""

    list_display = ("at", "actor_name", "action", "object_type", "object_repr", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id", "request_id")
    date_hierarchy = "at"


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(AuditedAdmin):
    """Edited by district administrators (the only users of the admin site); each change is
    in the audit trail, as the periods decide when personal data is removed."""

    audit_fields = ("import_file_days", "report_file_days")
    list_display = ("__str__", "import_file_days", "report_file_days", "updated_at")

    def has_add_permission(self, request) -> bool:
        # A single row: the district's policy.
        return not RetentionPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
