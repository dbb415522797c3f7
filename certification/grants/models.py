"""The grant scheme (rows the district edits) and the payments HR records.

Changning pays a one-off grant when a worker obtains a social-work certificate: 1,500 / 3,000 /
5,000 yuan for the assistant / intermediate / senior level, once per level, only when that
year's assessment is at least 合格 (DOMAIN.md: reported by an exam-information site,
*unverified* against the district's notice). So the amounts and the condition are rows, each
valid from a date: a certificate is judged by the row of its level in force on the day it was
issued.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class GrantRule(models.Model):
    level = models.ForeignKey(
        "certification.Level",
        on_delete=models.PROTECT,
        related_name="grant_rules",
        verbose_name=_("证书等级"),
    )
    amount = models.DecimalField(
        _("奖励金额（元）"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # The condition "that year's assessment is at least 合格" (优秀 or 合格), editable because
    # it is unverified.
    needs_assessment = models.BooleanField(_("须当年考核合格及以上"), default=True)
    valid_from = models.DateField(
        _("适用于此日起发证的证书"), help_text=_("证书发证日期在此日或之后时适用本标准")
    )
    note = models.CharField(_("依据"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["level__rank", "-valid_from"]
        verbose_name = _("证书奖励标准")
        verbose_name_plural = _("证书奖励标准")
        constraints = [
            models.UniqueConstraint(fields=["level", "valid_from"], name="grant_rule_once_per_day"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="grant_rule_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.amount} ({self.valid_from:%Y-%m-%d})"


class GrantPayment(models.Model):
    """A grant HR marked as paid. One per certificate, so once per level for each worker (a
    worker holds one certificate per level: certificate_once_per_level)."""

    certificate = models.OneToOneField(
        "certification.Certificate",
        on_delete=models.PROTECT,
        related_name="grant_payment",
        verbose_name=_("证书"),
    )
    year = models.PositiveSmallIntegerField(_("奖励年度"))
    amount = models.DecimalField(_("发放金额（元）"), max_digits=9, decimal_places=2)
    paid_on = models.DateField(_("发放日期"))
    reference = models.CharField(_("发放凭证号"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("证书奖励发放记录")
        verbose_name_plural = _("证书奖励发放记录")
        indexes = [models.Index(fields=["year"], name="grant_payment_year")]

    def __str__(self) -> str:
        return f"{self.certificate} · {self.amount}"
