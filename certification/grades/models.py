"""The grade scheme (三岗十八级) as rows and each year's proposals.

DOMAIN.md: heads (书记/主任) grades 7–18, deputies 4–15, other staff 1–12, rising with years
of service and qualification; Shanghai's exact scheme is unverified, so the bands and every
rule that moves a grade are rows the district edits. Each year the district sets the day the
year's changes take effect; Dudao proposes every worker's change with the rules that caused
it, HR adjusts with a reason, and applying writes 调级 periods into the worker's history
(trainees.history), dated that day.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from trainees.models import Post

TOP_GRADE = 18


class GradeBand(models.Model):
    """The grades a post may hold (its group of the three: 正职, 副职, 其他)."""

    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices, unique=True)
    group = models.CharField(_("岗位类别"), max_length=20)
    lowest = models.PositiveSmallIntegerField(
        _("起点等级"), validators=[MinValueValidator(1), MaxValueValidator(TOP_GRADE)]
    )
    highest = models.PositiveSmallIntegerField(
        _("最高等级"), validators=[MinValueValidator(1), MaxValueValidator(TOP_GRADE)]
    )

    class Meta:
        ordering = ["-highest", "post"]
        verbose_name = _("岗位等级范围")
        verbose_name_plural = _("岗位等级范围")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(highest__gte=models.F("lowest")), name="grade_band_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.lowest}–{self.highest}"


class RuleKind(models.TextChoices):
    # Every `key` full years of community work reached during the year: + grades.
    SERVICE = "service", _("工作年限")
    # The year's assessment result `key`: + grades, or `blocks` every rise of the year.
    ASSESSMENT = "assessment", _("年度考核")
    # A certificate of level `key` issued during the year: the grades of the highest level
    # held at the year's end, less those of the highest held before it.
    CERTIFICATE = "certificate", _("职业水平证书")
    # Education `key`: not below the band's lowest grade + grades.
    DEGREE = "degree", _("学历")


class GradeRule(models.Model):
    kind = models.CharField(_("规则类型"), max_length=20, choices=RuleKind.choices)
    key = models.CharField(
        _("条件"),
        max_length=30,
        help_text=_("工作年限：每满几年；考核：结果代码；证书：等级代码；学历：学历代码"),
    )
    grades = models.SmallIntegerField(
        _("调整级数"), default=0, validators=[MinValueValidator(-18), MaxValueValidator(18)]
    )
    blocks = models.BooleanField(_("当年不予晋级"), default=False)
    active = models.BooleanField(_("启用"), default=True)
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
        ordering = ["kind", "key"]
        verbose_name = _("调级规则")
        verbose_name_plural = _("调级规则")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="grade_rule_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}: {self.grades:+d}"


class LedgerStatus(models.TextChoices):
    DRAFT = "draft", _("审核中")
    APPLIED = "applied", _("已调级")


class LedgerJob(models.TextChoices):
    NONE = "", _("无")
    COMPUTE = "compute", _("测算中")
    APPLY = "apply", _("执行中")


class GradeYear(models.Model):
    """One year's grade changes, effective on the day the district sets.

    Computing and applying run in Celery (about a minute each for 100,000 workers): `job` says
    which is under way, `progress` how far, `job_at` its last sign of life; a job silent for
    JOB_STALE is taken as dead and may be asked again."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    effective_on = models.DateField(_("调级生效日期"))
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=LedgerStatus.choices, default=LedgerStatus.DRAFT
    )
    computed_at = models.DateTimeField(_("测算时间"), null=True, blank=True)
    applied_at = models.DateTimeField(_("调级时间"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("调级人"),
    )
    job = models.CharField(
        _("后台任务"), max_length=10, choices=LedgerJob.choices, default="", blank=True
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    job_at = models.DateTimeField(_("任务心跳"), null=True, blank=True)
    job_error = models.TextField(_("任务失败原因"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度调级")
        verbose_name_plural = _("年度调级")

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_applied(self) -> bool:
        return self.status == LedgerStatus.APPLIED


class GradeProposal(models.Model):
    """A worker's proposed grade for the year, why, and HR's decision."""

    ledger = models.ForeignKey(
        GradeYear, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("年度调级")
    )
    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        related_name="grade_proposals",
        verbose_name=_("社区工作者"),
    )
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("街道（镇）"),
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("居委会"),
    )
    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices)
    from_level = models.PositiveSmallIntegerField(_("原等级"))
    proposed_level = models.PositiveSmallIntegerField(_("测算等级"))
    final_level = models.PositiveSmallIntegerField(_("核定等级"))
    # [{"kind": RuleKind, "grades": int, "text": str}], in the order they were applied.
    reasons = models.JSONField(_("调级依据"), default=list)
    adjust_reason = models.CharField(_("调整原因"), max_length=200, blank=True)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("调整人"),
    )

    class Meta:
        ordering = ["subdistrict__code", "trainee__name", "pk"]
        verbose_name = _("调级测算")
        verbose_name_plural = _("调级测算")
        constraints = [
            models.UniqueConstraint(fields=["ledger", "trainee"], name="grade_proposal_once"),
        ]
        indexes = [models.Index(fields=["ledger", "subdistrict"], name="grade_proposal_place")]

    def __str__(self) -> str:
        return f"{self.trainee} {self.from_level}→{self.final_level}"

    @property
    def moves(self) -> bool:
        return self.final_level != self.from_level

    @property
    def adjusted(self) -> bool:
        return self.final_level != self.proposed_level
