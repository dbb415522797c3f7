"""Writes of the audit trail. Called by the services that change records and by export views.

`audit_record` writes one event in the caller's transaction, so a change that is rolled back
leaves no event. `audit_event` builds one without saving, for callers that bulk_create many
(the attendance marking keeps a constant number of queries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from accounts.models import User
from core.redact import id_number_mask, redact_identifiers, redact_value

from .middleware import current_request
from .models import AuditAction, AuditEvent

# Values never stored in clear in the trail (PIPL): masked as on screen.
MASKED = {"id_number": id_number_mask}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def audit_snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The fields' values as a person reads them: choice labels, related objects' names."""
    values: dict[str, Any] = {}
    for name in fields:
        if name in MASKED:
            value = getattr(obj, name, "")
            values[name] = MASKED[name](value) if value else ""
            continue
        field = obj._meta.get_field(name)
        if field.choices:
            value = getattr(obj, f"get_{name}_display")() if getattr(obj, name) else ""
        elif field.is_relation:
            value = getattr(obj, name) if getattr(obj, field.attname) is not None else None
        else:
            value = getattr(obj, name)
        values[name] = _plain(value)
    return values


def audit_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that differ (both snapshots from `audit_snapshot`)."""
    return {
        name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]
    }


def _client_ip(request: HttpRequest) -> str | None:
    if getattr(settings, "DUDAO_TRUST_X_REAL_IP", False) and request.headers.get("X-Real-IP"):
        return request.headers["X-Real-IP"]
    return request.META.get("REMOTE_ADDR") or None


def audit_event(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    request = request or current_request.get()
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=changes or {},
        ip=_client_ip(request) if request is not None else None,
        request_id=getattr(request, "audit_request_id", "") if request is not None else "",
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    **target: str,
) -> AuditEvent:
    event = audit_event(
        actor=actor, action=action, obj=obj, changes=changes, request=request, **target
    )
    event.save()
    return event


def audit_export(
    *,
    actor: User,
    what: str,
    filters: dict[str, Any],
    full_id: bool = False,
    rows: int | None = None,
) -> AuditEvent:
    """One event per export of personal data: what, with which filters, whether unmasked.

    A filter's text is what someone typed into a search box, an ID or mobile number among
    others: it is kept masked (core/redact.py), so the trail still shows that a number was
    searched for, and which one to whoever already knows it, but not the number itself.
    """
    changes: dict[str, Any] = {
        "filters": {
            redact_identifiers(str(k)): redact_value(v)
            for k, v in filters.items()
            if v not in ("", None, [])
        }
    }
    changes["full_id_numbers"] = full_id
    if rows is not None:
        changes["rows"] = rows
    return audit_record(actor=actor, action=AuditAction.EXPORT, object_type=what, changes=changes)
