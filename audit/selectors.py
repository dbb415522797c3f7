"""Reads of the audit trail. The history of a record is shown to whoever may see the record:
the caller has already resolved the record through its app's access helper."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


def audit_history(*objs: Model, limit: int = 50) -> QuerySet[AuditEvent]:
    """Changes to these records, newest first (exports and unmaskings are in the admin list)."""
    q = Q(pk__in=[])
    for obj in objs:
        q |= Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return AuditEvent.objects.filter(q).exclude(action__in=["export", "unmask"])[:limit]


def _label(model: type[Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        if name == "id_number":
            return str(_("身份证号"))
        return name  # a label written by the service (a registration)


def audit_history_lines(*objs: Model, limit: int = 50) -> list[dict[str, Any]]:
    """The records' history for a page: who, when, what, and each change as label: old → new."""
    models = {o._meta.label_lower: type(o) for o in objs}
    rows = []
    for event in audit_history(*objs, limit=limit):
        model = models.get(event.object_type)
        changes = event.changes if isinstance(event.changes, dict) else {}
        lines = [
            (_label(model, name) if model else name, pair[0], pair[1])
            for name, pair in changes.items()
            if isinstance(pair, list) and len(pair) == 2
        ]
        rows.append({"event": event, "lines": lines})
    return rows
