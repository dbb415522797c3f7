"""When a month's logs lock: the district's cadence policy row and the lock calendar.

A month locks when a district administrator closes it (months.py) or `lock_after_days` after
its end, whichever comes first; a locked log is never changed again.
"""

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import CadencePolicy, MonthClose, SessionStatus, SupervisionSession


def cadence_policy() -> CadencePolicy:
    """The district's single policy row, created with the defaults on first use."""
    policy, _created = CadencePolicy.objects.get_or_create(pk=1)
    return policy


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_lock_date(month: dt.date, policy: CadencePolicy) -> dt.date:
    """The first day on which a month's logs are locked without anyone closing it."""
    return month_end(month) + dt.timedelta(days=policy.lock_after_days + 1)


def month_is_locked(
    day: dt.date, *, today: dt.date | None = None, policy: CadencePolicy | None = None
) -> bool:
    today = today or timezone.localdate()
    policy = policy or cadence_policy()
    if today >= month_lock_date(day, policy):
        return True
    return MonthClose.objects.filter(month=month_start(day)).exists()


def session_is_locked(session: SupervisionSession, *, today: dt.date | None = None) -> bool:
    if session.status == SessionStatus.LOCKED:
        return True
    return month_is_locked(session.date, today=today)


def refuse_if_locked(session: SupervisionSession) -> None:
    if session_is_locked(session):
        raise ValidationError(_("该月督导记录已锁定，不能再修改。"), code="month_locked")
