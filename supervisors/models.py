import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupervisionMode(models.TextChoices):
    MENTOR = "mentor", _("师徒式")
    DRILL = "drill", _("训练式")


class QualificationLevel(models.TextChoices):
    NONE = "none", _("无")
    ASSISTANT = "assistant", _("助理社会工作师")
    INTERMEDIATE = "intermediate", _("社会工作师")
    SENIOR = "senior", _("高级社会工作师")


class Supervisor(models.Model):
    """A member of the district's supervisor team (督导师): a worker in Dudao or an external expert."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("社区工作者")
        AGENCY = "agency", _("社工机构")
        UNIVERSITY = "university", _("高校")

    name = models.CharField(_("姓名"), max_length=40)
    kind = models.CharField(_("来源"), max_length=20, choices=Kind.choices, default=Kind.WORKER)
    trainee = models.OneToOneField(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisor_profile",
        verbose_name=_("对应社区工作者"),
    )
    organisation = models.CharField(_("所在机构"), max_length=80, blank=True)
    qualification = models.CharField(
        _("职业水平"),
        max_length=20,
        choices=QualificationLevel.choices,
        default=QualificationLevel.NONE,
    )
    home_subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        related_name="supervisors",
        verbose_name=_("所属街道（镇）"),
    )
    # Housing types (neighbourhoods.HousingType codes) this supervisor knows well.
    specialties = models.JSONField(_("擅长住房类型"), default=list, blank=True)
    # Each supervisor's own limit; the district's ratio (SupervisionPolicy) is the plan's target.
    capacity = models.PositiveSmallIntegerField(_("带教容量"), default=10)
    is_active = models.BooleanField(_("在任"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisor",
        verbose_name=_("登录账号"),
    )

    class Meta:
        ordering = ["home_subdistrict__code", "name", "pk"]
        verbose_name = _("督导师")
        verbose_name_plural = _("督导师")

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A pairing of a supervisor and a worker. Ended pairings stay as history."""

    supervisor = models.ForeignKey(
        Supervisor, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("督导师")
    )
    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("社区工作者"),
    )
    mode = models.CharField(_("督导方式"), max_length=10, choices=SupervisionMode.choices)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    reason = models.CharField(_("安排原因"), max_length=200, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("督导关系")
        verbose_name_plural = _("督导关系")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee"],
                condition=models.Q(ended_on__isnull=True),
                name="assignment_one_active_per_trainee",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["supervisor", "ended_on"], name="assignment_supervisor_active")
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.trainee}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class SupervisionPolicy(models.Model):
    """The district's supervision rules: one row, edited in the admin (DOMAIN.md: rules are data).

    - district_ratio: workers per supervisor in the district's plan (Changning fixes 1:10;
      elsewhere 1:10 to 1:20). It says how many supervisors are still needed; each
      supervisor's own `capacity` limits their pairings.
    - mentor_max_service_years: "new and junior staff get mentor-style supervision" (DOMAIN.md,
      supervision in practice); workers with at most this many completed years of community
      work (工龄) are proposed mentor mode, the others drill mode.
    """

    district_ratio = models.PositiveSmallIntegerField(
        _("督导配比（每名督导师对应社区工作者人数）"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "区方案规定的 1:n 中的 n，用于计算还需配备的督导师人数；每名督导师的带教容量另行设置。"
        ),
    )
    mentor_max_service_years = models.PositiveSmallIntegerField(
        _("师徒式督导工龄上限（年）"),
        default=3,
        validators=[MaxValueValidator(60)],
        help_text=_("从事社区工作满不超过该年数的社区工作者采用师徒式督导，其余采用训练式。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("督导配比与方式规则")
        verbose_name_plural = _("督导配比与方式规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(district_ratio__gte=1), name="supervision_policy_ratio_positive"
            )
        ]

    def __str__(self) -> str:
        return str(_("督导配比与方式规则"))

    def supervisors_needed(self, workers: int) -> int:
        """Supervisors needed for `workers` workers at the district's ratio (rounded up)."""
        return -(-workers // self.district_ratio)

    def mode_for(self, started_community_work: dt.date, *, on: dt.date) -> str:
        """Mentor mode up to the policy's completed years of community work on `on`, else drill."""
        start = started_community_work
        years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
        if years <= self.mentor_max_service_years:
            return SupervisionMode.MENTOR
        return SupervisionMode.DRILL
