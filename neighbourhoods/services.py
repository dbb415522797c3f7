"""Writes of the places' data: the committees' resident populations (issue 14, item 5).

Populations are the district's figures (统计数据), so only district administrators record them,
one committee and effective date at a time (the populations import calls this per row, in its
one transaction). Every change is audited.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import manages_subdistrict
from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record

from .models import FIRST_EFFECTIVE_DAY, Neighbourhood, ResidentPopulation


@transaction.atomic
def population_set(
    *,
    neighbourhood: Neighbourhood,
    effective_from: dt.date,
    residents: int,
    source: str = "",
    actor: User,
) -> tuple[ResidentPopulation, bool]:
    """Record a committee's resident population from a date, or correct the one recorded for
    that date. Returns the row and whether anything changed (the same figure again changes
    nothing and records no event). District administrators only; not dated ahead of today."""
    if not manages_subdistrict(actor, None):
        raise PermissionDenied(_("只有区管理员可以录入居委会常住人口。"))
    today = timezone.localdate()
    if not FIRST_EFFECTIVE_DAY <= effective_from <= today:
        raise ValidationError(
            {
                "effective_from": _("生效日期应在 %(first)s 到今天（%(today)s）之间。")
                % {"first": FIRST_EFFECTIVE_DAY.isoformat(), "today": today.isoformat()}
            }
        )
    source = (source or "").strip()
    row = (
        ResidentPopulation.objects.select_for_update()
        .filter(neighbourhood=neighbourhood, effective_from=effective_from)
        .first()
    )
    created = row is None
    if row is None:
        row = ResidentPopulation(neighbourhood=neighbourhood, effective_from=effective_from)
    elif (row.residents, row.source) == (residents, source):
        return row, False
    before = {"residents": row.residents, "source": row.source}
    row.residents = residents
    row.source = source
    row.recorded_by = actor
    row.recorded_at = timezone.now()
    row.full_clean()
    row.save()
    after = {"residents": residents, "source": source}
    changes: dict[str, object] = {
        key: [None if created else before[key], value]
        for key, value in after.items()
        if created or before[key] != value
    }
    changes["effective_from"] = effective_from.isoformat()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=row,
        changes=changes,
    )
    return row, True
