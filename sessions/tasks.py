"""Daily jobs for supervision logs (CELERY_BEAT_SCHEDULE in config/settings/base.py)."""

import datetime as dt

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Notification
from accounts.notifications import Message, notifications_send

from .selectors import pairings_behind, workers_to_confirm
from .services import cadence_policy, month_end, sessions_lock_due


@shared_task
def lock_closed_months() -> int:
    """Lock the logs of months closed by hand or past the automatic lock date (idempotent)."""
    return sessions_lock_due(today=timezone.localdate())


def cadence_messages(*, today: dt.date) -> list[Message]:
    """Reminders for today: supervisors behind cadence, workers with logs to confirm."""
    policy = cadence_policy()
    messages: list[Message] = []
    stamp = today.isoformat()
    days_left = (month_end(today) - today).days
    by_user: dict[int, list] = {}
    for row in pairings_behind(month=today):
        by_user.setdefault(row.supervisor.user_id, []).append(row)
    for rows in by_user.values():
        user = rows[0].supervisor.user
        names = "、".join(r.trainee.name for r in rows)
        messages.append(
            Message(
                user=user,
                kind=Notification.Kind.CADENCE,
                title=_("本月督导频次未达标：%(n)d 名学员") % {"n": len(rows)},
                body=_(
                    "%(name)s，您好：\n本月（%(month)s）以下学员的督导次数尚未达到要求"
                    "（师徒式每月 %(mentor)d 次，训练式每月 %(drill)d 次）：%(names)s。"
                    "\n本月还剩 %(days)d 天，请及时安排督导并填写记录。"
                )
                % {
                    "name": user,
                    "month": f"{today:%Y年%-m月}",
                    "mentor": policy.mentor_min_per_month,
                    "drill": policy.drill_min_per_month,
                    "names": names,
                    "days": days_left,
                },
                url=reverse("home"),
                key=f"cadence:{stamp}",
            )
        )
    for user in workers_to_confirm():
        messages.append(
            Message(
                user=user,
                kind=Notification.Kind.CONFIRM,
                title=_("有 %(n)d 份督导记录待您确认") % {"n": user.to_confirm},
                body=_(
                    "%(name)s，您好：\n督导师已提交 %(n)d 份您参加的督导记录，"
                    "请登录督导系统核对并确认，可同时填写您的反思。"
                )
                % {"name": user, "n": user.to_confirm},
                url=reverse("home"),
                key=f"confirm:{stamp}",
            )
        )
    return messages


@shared_task
def send_cadence_reminders() -> int:
    """Daily: notify (in app and by email) whoever has supervision work waiting. Idempotent."""
    with override("zh-hans"):
        today = timezone.localdate()
        created = notifications_send(messages=cadence_messages(today=today))
    return len(created)
