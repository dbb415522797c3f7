"""Changes to policy rows made in the admin site enter the audit trail.

Rule-bearing records (workers, supervisors, pairings, certificates...) are never saved by the
admin itself: it saves them through their services, which record the event, or shows them
read-only (core/admin.py ServiceAdmin, ReadOnlyAdmin). This mixin is for the rows that are the
district's own data and have no service — the retention periods, the credit policy, the
import's synonyms — whose changes decide later behaviour and so belong in "who changed what
and when". Each save records the fields that changed (ID numbers masked, as audit_snapshot
does everywhere), each deletion what was deleted.
"""

from collections.abc import Iterable

from django.db import models

from core.admin import DudaoModelAdmin

from .models import AuditAction
from .services import audit_diff, audit_record, audit_snapshot


class AuditedAdmin(DudaoModelAdmin):
    # The fields a record's history shows; the services' own lists are reused.
    audit_fields: Iterable[str] = ()

    def _snapshot(self, obj: models.Model) -> dict:
        return audit_snapshot(obj, self.audit_fields)

    def save_model(self, request, obj, form, change) -> None:
        before = {}
        if change:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = self._snapshot(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)
        after = self._snapshot(obj)
        if not change:
            after = {k: v for k, v in after.items() if v not in ("", None)}
        changes = audit_diff(before, after)
        if changes:
            action = AuditAction.UPDATE if change else AuditAction.CREATE
            audit_record(actor=request.user, action=action, obj=obj, changes=changes)

    def delete_model(self, request, obj) -> None:
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _record_deletion(self, request, obj: models.Model) -> None:
        gone = {k: [v, None] for k, v in self._snapshot(obj).items() if v not in ("", None)}
        audit_record(actor=request.user, action=AuditAction.DELETE, obj=obj, changes=gone)
