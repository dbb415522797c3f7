"""Training jobs: tell subdistrict administrators about workers absent twice in a row."""

from celery import shared_task
from django.utils.translation import override

from accounts.notifications import notifications_send

from .services import repeat_absence_messages


@shared_task
def notify_repeat_absences(sitting_id: int) -> int:
    """Enqueued after attendance is marked (on commit). Idempotent: keyed per absence."""
    with override("zh-hans"):
        created = notifications_send(messages=repeat_absence_messages(sitting_id=sitting_id))
    return len(created)
