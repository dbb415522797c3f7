"""Who is owed a certificate grant, and why the others are not (the grant list's statuses)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GrantStatus(models.TextChoices):
    OWED = "owed", _("应发放")
    PAID = "paid", _("已发放")
    # The year's assessment is needed and the district has not locked it yet.
    WAITING = "waiting", _("待考核锁定")
    HELD = "held", _("不予发放")


class HoldReason(models.TextChoices):
    NO_SCHEME = "no_scheme", _("发证日期无适用的奖励标准")
    NOT_ON_BOOKS = "not_on_books", _("发证时不在册")
    NO_RESULT = "no_result", _("当年无考核结果")
    RESULT = "result", _("当年考核结果未达合格")
