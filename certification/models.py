"""The social-worker qualification (社会工作者职业水平): exams, certificates, registration, CE.

Every rule that a notice could change is a row an administrator edits in the admin (DOMAIN.md:
"keep every rule in data"): levels and their pass windows, subjects and pass marks, exam dates,
eligibility rules, continuing-education hours and the district's yearly target.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trainees.models import Education


class Level(models.Model):
    """A qualification level: assistant, intermediate or senior."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    rank = models.PositiveSmallIntegerField(_("级别顺序"), unique=True, help_text=_("1 为最低"))
    # All subjects must be passed within this many consecutive exam years (1 = one sitting).
    window_years = models.PositiveSmallIntegerField(_("合格有效期（考试年）"), default=1)
    needs_review = models.BooleanField(_("需评审"), default=False)
    # Senior: the exam pass is valid this many years for applying to the review (评审).
    review_valid_years = models.PositiveSmallIntegerField(
        _("考试成绩用于评审的有效年数"), default=3
    )
    # Continuing education per registration period (72 h assistant, 90 h intermediate and senior).
    ce_hours = models.DecimalField(
        _("每个登记有效期继续教育学时"), max_digits=5, decimal_places=1, default=Decimal("72")
    )
    registration_years = models.PositiveSmallIntegerField(_("登记有效期（年）"), default=3)
    first_registration_months = models.PositiveSmallIntegerField(
        _("首次登记期限（取得证书后月数）"), default=12
    )
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("再登记提前办理天数"), default=90, help_text=_("到期前多少天内为“待再登记”")
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("职业水平等级")
        verbose_name_plural = _("职业水平等级")

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    level = models.ForeignKey(
        Level, on_delete=models.CASCADE, related_name="subjects", verbose_name=_("等级")
    )
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("科目"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # Believed to be 60 of 100 (DOMAIN.md, unverified): an administrator can change it.
    pass_mark = models.DecimalField(
        _("合格分数线"), max_digits=5, decimal_places=1, default=Decimal("60")
    )
    max_score = models.DecimalField(
        _("满分"), max_digits=5, decimal_places=1, default=Decimal("100")
    )

    class Meta:
        ordering = ["level__rank", "order", "pk"]
        verbose_name = _("考试科目")
        verbose_name_plural = _("考试科目")

    def __str__(self) -> str:
        return self.name


class ExamYear(models.Model):
    """One national exam: its date and the registration (报名) window."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    exam_date = models.DateField(_("考试日期"))
    # Certificates count from their own date, never the exam day (DOMAIN.md); this is the
    # default for that date. Filled for existing years as exam day + 60 days.
    results_released_on = models.DateField(
        _("成绩公布日期"),
        null=True,
        blank=True,
        help_text=_(
            "成绩公布（电子证书可查）之日，证书未另填发证日期时自该日起计。"
            "成绩约在考试后两个月公布；已有年度按考试日期后60天预填，请按当年公告更正。"
        ),
    )
    registration_opens = models.DateField(_("报名开始"))
    registration_closes = models.DateField(_("报名截止"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("考试年度")
        verbose_name_plural = _("考试年度")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_closes__gte=models.F("registration_opens")),
                name="exam_year_registration_window_order",
            )
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def certificates_count_from(self) -> dt.date:
        """The default date of this year's certificates: the results-release date, or about two
        months after the exam while it is not recorded."""
        return self.results_released_on or self.exam_date + dt.timedelta(days=60)


class ExamAttempt(models.Model):
    """A worker's sitting of one level in one exam year; the subjects sat are its results."""

    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        related_name="exam_attempts",
        verbose_name=_("社区工作者"),
    )
    exam_year = models.ForeignKey(
        ExamYear, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("考试年度")
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("等级")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-exam_year__year", "level__rank", "pk"]
        verbose_name = _("考试记录")
        verbose_name_plural = _("考试记录")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "exam_year", "level"], name="exam_attempt_once_per_year_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.exam_year} · {self.level}"


class SubjectResult(models.Model):
    attempt = models.ForeignKey(
        ExamAttempt, on_delete=models.CASCADE, related_name="results", verbose_name=_("考试记录")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="results", verbose_name=_("科目")
    )
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("合格"), default=False)

    class Meta:
        ordering = ["subject__order", "pk"]
        verbose_name = _("科目成绩")
        verbose_name_plural = _("科目成绩")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "subject"], name="subject_result_once_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.score}"


class SeniorReview(models.Model):
    """The review (评审) that a senior exam pass must be followed by to certify."""

    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        related_name="senior_reviews",
        verbose_name=_("社区工作者"),
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("等级")
    )
    decided_on = models.DateField(_("评审日期"))
    passed = models.BooleanField(_("通过"), default=False)

    class Meta:
        ordering = ["-decided_on", "pk"]
        verbose_name = _("高级评审")
        verbose_name_plural = _("高级评审")

    def __str__(self) -> str:
        return f"{self.trainee} · {self.decided_on}"


class Certificate(models.Model):
    """The qualification certificate. It does not expire; its registration does (DOMAIN.md)."""

    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("社区工作者"),
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("等级")
    )
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    date_passed = models.DateField(_("取得日期"))
    # The date the certificate counts from (held on d ⇔ date_issued ≤ d); by default its exam
    # year's results-release date. Between date_passed and it the certificate is pending.
    date_issued = models.DateField(
        _("发证日期"), help_text=_("证书上的日期，自该日起计为持证；默认为当年成绩公布日期。")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_passed", "pk"]
        verbose_name = _("职业水平证书")
        verbose_name_plural = _("职业水平证书")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "level"], name="certificate_once_per_level"),
            models.CheckConstraint(
                condition=models.Q(date_issued__gte=models.F("date_passed")),
                name="certificate_issued_after_passed",
            ),
        ]
        indexes = [
            models.Index(fields=["trainee", "date_passed"], name="certificate_trainee_passed"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.number}"

    def is_pending_on(self, day: dt.date) -> bool:
        """Passed but not yet certified on `day` (待发证)."""
        return self.date_issued > day


class Registration(models.Model):
    """One registration period (登记) of a certificate, valid from starts_on to ends_on."""

    class Kind(models.TextChoices):
        FIRST = "first", _("首次登记")
        RENEWAL = "renewal", _("再登记")

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("证书"),
    )
    # Denormalised from the certificate: the rate asks "is this worker registered on day d".
    trainee = models.ForeignKey(
        "trainees.Trainee", on_delete=models.PROTECT, related_name="registrations"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    starts_on = models.DateField(_("登记生效日期"))
    ends_on = models.DateField(_("有效期至"))
    ce_hours = models.DecimalField(
        _("上一有效期继续教育学时"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("再登记时核定"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["certificate", "starts_on"]
        verbose_name = _("登记")
        verbose_name_plural = _("登记")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="registration_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["certificate", "starts_on"], name="registration_once_per_start"
            ),
        ]
        indexes = [
            models.Index(fields=["trainee", "starts_on", "ends_on"], name="registration_period"),
            models.Index(fields=["ends_on"], name="registration_ends_on"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} {self.starts_on}–{self.ends_on}"

    def is_current_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class ExternalHours(models.Model):
    """Continuing education done outside Dudao, with the evidence that was seen."""

    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        related_name="external_hours",
        verbose_name=_("社区工作者"),
    )
    date = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    provider = models.CharField(_("培训机构/项目"), max_length=120)
    evidence = models.CharField(_("证明材料"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("外部继续教育学时")
        verbose_name_plural = _("外部继续教育学时")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=200),
                name="external_hours_range",
            ),
            models.CheckConstraint(condition=~models.Q(evidence=""), name="external_has_evidence"),
        ]
        indexes = [models.Index(fields=["trainee", "date"], name="external_hours_trainee_date")]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.date} · {self.hours}"


class EligibilityRule(models.Model):
    """One way to qualify for a level's exam (2006 interim rules, DOMAIN.md).

    A worker qualifies by a rule when their education is at least `min_education`, their major
    is social work if `social_work_only`, they hold `required_level` if set, and they have
    `years` of experience by 31 December of the year before the exam — counted from starting
    community work, or from obtaining `required_level` when `years_since_certificate`.
    """

    level = models.ForeignKey(
        Level, on_delete=models.CASCADE, related_name="eligibility_rules", verbose_name=_("等级")
    )
    min_education = models.CharField(_("最低学历"), max_length=20, choices=Education.choices)
    social_work_only = models.BooleanField(_("限社会工作专业"), default=False)
    required_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("需持有证书"),
    )
    years = models.PositiveSmallIntegerField(_("工作年限"))
    years_since_certificate = models.BooleanField(_("年限自取得所需证书起算"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["level__rank", "years", "pk"]
        verbose_name = _("报考条件")
        verbose_name_plural = _("报考条件")

    def __str__(self) -> str:
        return self.note or f"{self.level} · {self.get_min_education_display()} · {self.years}"


class RateBasis(models.TextChoices):
    CERTIFIED = "certified", _("持证上岗率")
    REGISTERED = "registered", _("有效登记率")


class RateTarget(models.Model):
    """The district's target for a year, and which of the two rates it applies to."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    target_pct = models.DecimalField(_("目标（%）"), max_digits=5, decimal_places=1)
    basis = models.CharField(
        _("适用指标"), max_length=12, choices=RateBasis.choices, default=RateBasis.CERTIFIED
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("持证率年度目标")
        verbose_name_plural = _("持证率年度目标")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_pct__gte=0) & models.Q(target_pct__lte=100),
                name="rate_target_pct_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.target_pct}%"


class RateSnapshot(models.Model):
    """A month end whose rate figures are kept in `RateSnapshotRow` (issue 13: a district-wide
    trend over two years is expensive by nature, so each past month end is counted once).

    The rows of a day count only when `complete`; a reader claims the day first (an incomplete
    marker), then counts and completes it under a row lock, so a write that drops the day
    meanwhile (certification.snapshots) is never overwritten by figures counted before it.
    `periods_upto` is the highest worker-period id when the day was counted: a period created
    later that starts on or before the day (a new worker's first period, written in bulk
    outside `trainees.history.apply_plans`) makes the day stale.
    """

    day = models.DateField(_("统计日"), unique=True)
    complete = models.BooleanField(_("已完成"), default=False)
    periods_upto = models.BigIntegerField(_("履历编号上限"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("持证率月末快照")
        verbose_name_plural = _("持证率月末快照")

    def __str__(self) -> str:
        return self.day.isoformat()


class RateSnapshotRow(models.Model):
    """On a month end, the workers on the books (在册) in one subdistrict, housing type and post,
    as their periods place them that day (the housing type is their committee's, "office" for a
    subdistrict's own staff): how many, how many held a certificate and how many were
    registered. The grain of the rate dashboard's scopes and filters (a few hundred rows a day
    whatever the number of workers); a single committee's trend is counted live.
    """

    OFFICE = "office"  # no committee: the subdistrict's own staff (the filters' "office")

    day = models.DateField(_("统计日"))
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("街道（镇）"),
    )
    housing_type = models.CharField(_("住房类型"), max_length=20)
    post = models.CharField(_("岗位"), max_length=20)
    active = models.PositiveIntegerField(_("在册人数"))
    certified = models.PositiveIntegerField(_("持证人数"))
    registered = models.PositiveIntegerField(_("有效登记"))

    class Meta:
        ordering = ["day", "subdistrict_id", "housing_type", "post"]
        verbose_name = _("持证率快照行")
        verbose_name_plural = _("持证率快照行")
        indexes = [models.Index(fields=["day", "subdistrict"], name="rate_snapshot_day_sub")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} · {self.subdistrict_id} · {self.housing_type} · {self.post}"


# The certificate grants live in their own module (certification/grants/); imported here so
# Django registers them with this app.
from .grades.models import GradeBand, GradeProposal, GradeRule, GradeYear  # noqa: E402, F401
from .grants.models import GrantPayment, GrantRule  # noqa: E402, F401
