"""Reads of the audit trail. The history of a record is shown to whoever may see the record:
the caller has already resolved the record through its app's access helper."""

import datetime as dt
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.redact import mobile_mask

from .models import AuditEvent, RetentionPolicy


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


def audit_history_lines(
    *objs: Model, limit: int = 50, full_identity: bool = False
) -> list[dict[str, Any]]:
    """The records' history for a page: who, when, what, and each change as label: old → new.

    The trail keeps birth dates and mobiles as they were (ID numbers it keeps masked); unless
    the viewer sees full identity (User.sees_full_identity), a page shows an age for a birth
    date and a masked mobile, as everywhere else.
    """
    models = {o._meta.label_lower: type(o) for o in objs}
    today = timezone.localdate()
    rows = []
    for event in audit_history(*objs, limit=limit):
        model = models.get(event.object_type)
        changes = event.changes if isinstance(event.changes, dict) else {}
        lines = []
        for name, pair in changes.items():
            if not (isinstance(pair, list) and len(pair) == 2):
                continue
            label = _label(model, name) if model else name
            old, new = pair
            if not full_identity and name == "birth_date":
                label, old, new = str(_("年龄")), _age(old, today), _age(new, today)
            elif not full_identity and name == "mobile":
                old, new = _masked_mobile(old), _masked_mobile(new)
            lines.append((label, old, new))
        rows.append({"event": event, "lines": lines})
    return rows


def _age(value: Any, today: dt.date) -> Any:
    try:
        birth = dt.date.fromisoformat(str(value))
    except ValueError:
        return None if value in (None, "") else "—"
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return _("%(age)s岁") % {"age": age}


def _masked_mobile(value: Any) -> Any:
    return mobile_mask(value) if isinstance(value, str) else value


def retention_policy() -> RetentionPolicy:
    """The district's row (created by migration 0003); its defaults if someone removed it."""
    return RetentionPolicy.objects.order_by("pk").first() or RetentionPolicy()
