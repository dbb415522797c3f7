"""Writes of in-app notifications, and the emails that go with them."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification, User


@dataclass(frozen=True)
class Message:
    user: User
    kind: str
    title: str
    body: str = ""
    url: str = ""
    key: str = ""


@transaction.atomic
def notifications_send(*, messages: Iterable[Message], email: bool = True) -> list[Notification]:
    """Store each message once per (user, key) and email users who have an address.

    Idempotent: a message whose key was already delivered to that user is skipped, so a retried
    or repeated task does not notify twice.
    """
    messages = list(messages)
    keyed = {(m.user.pk, m.key) for m in messages if m.key}
    seen = set(
        Notification.objects.filter(
            user_id__in={uid for uid, _key in keyed}, key__in={key for _uid, key in keyed}
        ).values_list("user_id", "key")
    )
    fresh: list[Message] = []
    for m in messages:
        if m.key and (m.user.pk, m.key) in seen:
            continue
        if m.key:
            seen.add((m.user.pk, m.key))
        fresh.append(m)
    created = Notification.objects.bulk_create(
        Notification(user=m.user, kind=m.kind, title=m.title, body=m.body, url=m.url, key=m.key)
        for m in fresh
    )
    if email:
        for m in fresh:
            if m.user.email:
                transaction.on_commit(
                    lambda m=m: send_mail(
                        m.title,
                        m.body,
                        settings.DEFAULT_FROM_EMAIL,
                        [m.user.email],
                        fail_silently=True,
                    )
                )
    return created


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
