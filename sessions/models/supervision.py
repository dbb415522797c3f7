"""Supervision session logs (督导记录): what a supervisor and their trainees did, and who confirmed.

What a record holds follows DOMAIN.md ("What a supervision record holds"): date and time,
duration, form, supervisor and supervisee(s), topic, what was raised, the supervisor's analysis
and advice, reflections, an action plan and the next session's date, and both sides' confirmation.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervisors.models import SupervisionMode


class Competency(models.TextChoices):
    """The six aspects of the district's governance strategy (攻略), scored in drill mode."""

    MOBILISE = "mobilise", _("动员参与主体")
    SELF_GOVERNANCE = "self_governance", _("建立自治载体")
    PUBLIC_ISSUES = "public_issues", _("形成公共议题")
    RESOURCES = "resources", _("梳理治理资源")
    CONSULTATION = "consultation", _("开展沟通协商")
    OVERSIGHT = "oversight", _("加强监督评议")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    LOCKED = "locked", _("已锁定")


class Delivery(models.TextChoices):
    ON_SITE = "on_site", _("现场")
    REMOTE = "remote", _("远程")


class SupervisionSession(models.Model):
    supervisor = models.ForeignKey(
        "supervisors.Supervisor",
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("督导师"),
    )
    mode = models.CharField(_("督导方式"), max_length=10, choices=SupervisionMode.choices)
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    # Stored as well as derived, so that hours can be summed by the database.
    duration_minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=0)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    delivery = models.CharField(
        _("形式"), max_length=10, choices=Delivery.choices, default=Delivery.ON_SITE
    )
    topic = models.CharField(_("主题"), max_length=120)
    raised = models.TextField(_("学员提出的问题"), blank=True)
    guidance = models.TextField(_("督导分析与意见"), blank=True)
    next_session_on = models.DateField(_("下次督导日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    # The number of the latest SessionVersion; 0 while the log is a draft never submitted.
    version = models.PositiveIntegerField(_("版本"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        verbose_name = _("督导记录")
        verbose_name_plural = _("督导记录")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=SupervisionMode.values),
                name="session_mode_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["supervisor", "date"], name="session_supervisor_date"),
            models.Index(fields=["date", "status"], name="session_date_status"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.supervisor} · {self.topic}"

    @property
    def duration(self) -> dt.timedelta:
        start = dt.datetime.combine(self.date, self.start_time)
        end = dt.datetime.combine(self.date, self.end_time)
        return end - start

    @property
    def month(self) -> dt.date:
        return self.date.replace(day=1)

    @property
    def is_draft(self) -> bool:
        return self.status == SessionStatus.DRAFT


class SessionAttendee(models.Model):
    session = models.ForeignKey(
        SupervisionSession,
        on_delete=models.CASCADE,
        related_name="attendees",
        verbose_name=_("督导记录"),
    )
    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        related_name="session_attendances",
        verbose_name=_("学员"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reflection = models.TextField(_("学员反思"), blank=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("参加学员")
        verbose_name_plural = _("参加学员")
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="attendee_once_per_session")
        ]
        indexes = [
            models.Index(fields=["trainee", "confirmed_at"], name="attendee_trainee_confirmed")
        ]

    def __str__(self) -> str:
        return str(self.trainee)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ActionItem(models.Model):
    session = models.ForeignKey(
        SupervisionSession,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("督导记录"),
    )
    what = models.CharField(_("行动事项"), max_length=200)
    owner = models.CharField(_("负责人"), max_length=40, blank=True)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("行动计划")
        verbose_name_plural = _("行动计划")

    def __str__(self) -> str:
        return self.what


class DrillScore(models.Model):
    session = models.ForeignKey(
        SupervisionSession,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("督导记录"),
    )
    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        related_name="drill_scores",
        verbose_name=_("学员"),
    )
    competency = models.CharField(_("能力维度"), max_length=20, choices=Competency.choices)
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评语"), max_length=200, blank=True)

    class Meta:
        ordering = ["session", "trainee", "competency"]
        verbose_name = _("训练评分")
        verbose_name_plural = _("训练评分")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "trainee", "competency"], name="drill_score_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="drill_score_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["trainee", "competency"], name="drill_score_trainee")]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.get_competency_display()} · {self.score}"


class SessionVersion(models.Model):
    """A frozen copy of the whole log at a submit or a correction: the audit trail HR relies on."""

    session = models.ForeignKey(
        SupervisionSession,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("督导记录"),
    )
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("内容快照"))
    reason = models.TextField(_("更正原因"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["session", "-number"]
        verbose_name = _("记录版本")
        verbose_name_plural = _("记录版本")
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="session_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} v{self.number}"


class CadencePolicy(models.Model):
    """The district's cadence and lock rules: one editable row (DOMAIN.md: keep rules in data)."""

    mentor_min_per_month = models.PositiveSmallIntegerField(_("师徒式每月最少督导次数"), default=2)
    drill_min_per_month = models.PositiveSmallIntegerField(_("训练式每月最少督导次数"), default=1)
    lock_after_days = models.PositiveSmallIntegerField(
        _("月末后自动锁定天数"),
        default=10,
        help_text=_("每月记录在月末后多少天自动锁定，之后不能再修改。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("督导频次规则")
        verbose_name_plural = _("督导频次规则")

    def __str__(self) -> str:
        return str(_("督导频次规则"))

    def required_for(self, mode: str) -> int:
        if mode == SupervisionMode.DRILL:
            return self.drill_min_per_month
        return self.mentor_min_per_month


class MonthClose(models.Model):
    """A month closed by a district administrator: its logs are locked from then on."""

    month = models.DateField(_("月份"), unique=True, help_text=_("该月的第一天"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    closed_at = models.DateTimeField(_("结账时间"), auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("月度结账")
        verbose_name_plural = _("月度结账")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
