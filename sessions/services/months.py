"""Closing months: the district closes a finished month by hand, and a daily task locks the
months past their automatic lock date (cadence.py)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can_close_months
from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record

from ..models import MonthClose, SessionStatus, SupervisionSession
from .cadence import cadence_policy, month_end, month_lock_date, month_start


@transaction.atomic
def sessions_lock_month(*, month: dt.date) -> int:
    """Lock every submitted or confirmed log of a month; drafts stay drafts but cannot change."""
    month = month_start(month)
    return SupervisionSession.objects.filter(
        date__gte=month,
        date__lte=month_end(month),
        status__in=[SessionStatus.SUBMITTED, SessionStatus.CONFIRMED],
    ).update(status=SessionStatus.LOCKED, updated_at=timezone.now())


@transaction.atomic
def month_close(*, month: dt.date, actor: User) -> MonthClose:
    """A district administrator closes a finished month: its logs are locked for good."""
    if not can_close_months(actor):
        raise PermissionDenied(_("只有区管理员可以结账。"))
    month = month_start(month)
    if month >= month_start(timezone.localdate()):
        raise ValidationError(
            {"month": ValidationError(_("只能结账已经结束的月份。"), code="month_not_over")}
        )
    closed, created = MonthClose.objects.get_or_create(month=month, defaults={"closed_by": actor})
    if not created:
        raise ValidationError(
            {
                "month": ValidationError(
                    _("%(month)s 已结账。") % {"month": f"{month:%Y年%-m月}"}, code="month_closed"
                )
            }
        )
    locked = sessions_lock_month(month=month)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=closed,
        changes={str(_("锁定记录数")): [None, locked]},
    )
    return closed


@transaction.atomic
def sessions_lock_due(*, today: dt.date | None = None) -> int:
    """Lock the logs of every month closed by hand or past its automatic lock date.

    Idempotent: locking an already locked log changes nothing.
    """
    today = today or timezone.localdate()
    policy = cadence_policy()
    # The last month whose automatic lock date has passed.
    last = month_start(today)
    while month_lock_date(last, policy) > today:
        last = month_start(last - dt.timedelta(days=1))
    pending = SupervisionSession.objects.filter(
        status__in=[SessionStatus.SUBMITTED, SessionStatus.CONFIRMED]
    )
    n = pending.filter(date__lte=month_end(last)).update(
        status=SessionStatus.LOCKED, updated_at=timezone.now()
    )
    for month in MonthClose.objects.filter(month__gt=last).values_list("month", flat=True):
        n += sessions_lock_month(month=month)
    return n
