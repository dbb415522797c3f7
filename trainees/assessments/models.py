"""The yearly assessment (年度考核): one round per year, one result per worker on the books that
year, entered by the subdistrict office and locked by the district (issue 14, item 1).

Later parts of the year end read these rows: the certificate grants are paid only when the
year's result is at least 合格 (`AT_LEAST_COMPETENT`), and the grade rules move grades by
result. The 优秀 quota is data (a share per round, overridable per subdistrict), so changing a
row changes what may be entered.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import Trainee


class AssessmentResult(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("assessment result", "优秀")
    COMPETENT = "competent", pgettext_lazy("assessment result", "合格")
    BASIC = "basic", pgettext_lazy("assessment result", "基本合格")
    INCOMPETENT = "incompetent", pgettext_lazy("assessment result", "不合格")
    # For workers who joined late in the year or were on long leave: not graded this year
    # (the office decides; there is no automatic rule).
    UNDETERMINED = "undetermined", pgettext_lazy("assessment result", "不确定等次")


# "At least 合格": the condition of the certificate grants (issue 14, item 3).
AT_LEAST_COMPETENT = (AssessmentResult.EXCELLENT, AssessmentResult.COMPETENT)


class RoundStatus(models.TextChoices):
    OPEN = "open", _("录入中")
    LOCKED = "locked", _("已锁定")


class AssessmentRound(models.Model):
    """The assessment of one year. Results are entered while it is open; once the district
    locks it they are final (grants and grades read locked rounds), until it unlocks it with a
    reason."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    # 优秀 may be at most this share of a subdistrict's workers in the round (rounded down);
    # AssessmentQuota overrides it for one subdistrict.
    excellent_share = models.PositiveSmallIntegerField(
        _("优秀比例（%）"), default=15, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("锁定人"),
    )
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    # Why it was last unlocked (the audit trail keeps every one).
    unlock_reason = models.CharField(_("解锁原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(excellent_share__lte=100), name="assessment_round_share_pct"
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)s 年度考核") % {"year": self.year}

    @property
    def is_locked(self) -> bool:
        return self.status == RoundStatus.LOCKED

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def ends_on(self) -> dt.date:
        return dt.date(self.year, 12, 31)


class AssessmentQuota(models.Model):
    """A subdistrict's own 优秀 share in one round, instead of the round's."""

    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("年度")
    )
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("街道（镇）"),
    )
    excellent_share = models.PositiveSmallIntegerField(
        _("优秀比例（%）"), validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["round", "subdistrict"]
        verbose_name = _("优秀名额比例")
        verbose_name_plural = _("优秀名额比例")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "subdistrict"], name="assessment_quota_one_per_subdistrict"
            ),
            models.CheckConstraint(
                condition=models.Q(excellent_share__lte=100), name="assessment_quota_share_pct"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.subdistrict} {self.excellent_share}%"


class Assessment(models.Model):
    """One worker's result in one round, with the subdistrict that entered it (where they were
    placed at the year's end, or when they last were on the books that year)."""

    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="results", verbose_name=_("年度")
    )
    trainee = models.ForeignKey(
        Trainee, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("社区工作者")
    )
    result = models.CharField(_("考核结果"), max_length=12, choices=AssessmentResult.choices)
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("街道（镇）"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        ordering = ["round", "trainee_id"]
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "trainee"], name="assessment_one_per_worker_round"
            ),
        ]
        indexes = [
            models.Index(fields=["round", "subdistrict", "result"], name="assessment_round_place"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} {self.round.year} {self.get_result_display()}"
