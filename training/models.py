"""Training events, their sittings, who is enrolled, and attendance with credited hours.

Attendance is also the evidence for continuing education (继续教育): certificate holders need
72 (assistant) or 90 (intermediate, senior) hours per three-year registration period, and
certified training counts at its credited hours (DOMAIN.md).

The tables keep the names they had when training lived in the supervision-logs app (label
"supervision_sessions"): the move to this app changed only Django's state, not a row
(training/migrations/0001_initial.py).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingKind(models.TextChoices):
    ALL_STAFF = "all_staff", _("全员培训")
    SUBDISTRICT = "subdistrict", _("街道培训")
    TOPIC = "topic", _("专题培训")
    EXAM_PREP = "exam_prep", _("考前辅导")
    PRACTICE_BASE = "practice_base", _("实训基地")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LATE = "late", _("迟到")
    LEFT_EARLY = "left_early", _("早退")
    ABSENT = "absent", _("缺席")
    EXCUSED = "excused", _("请假")


class TrainingEvent(models.Model):
    title = models.CharField(_("培训名称"), max_length=120)
    kind = models.CharField(_("培训类型"), max_length=20, choices=TrainingKind.choices)
    # Empty organiser = the district (区民政局); otherwise the subdistrict that runs it.
    organiser = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_events",
        verbose_name=_("主办街道（镇）"),
    )
    description = models.TextField(_("内容简介"), blank=True)
    credited_hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    counts_as_ce = models.BooleanField(_("计入继续教育学时"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "supervision_sessions_trainingevent"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credited_hours__gte=0) & models.Q(credited_hours__lte=200),
                name="training_event_hours_range",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Sitting(models.Model):
    """One session of an event: a date, a time and a venue with a capacity."""

    event = models.ForeignKey(
        TrainingEvent, on_delete=models.CASCADE, related_name="sittings", verbose_name=_("培训")
    )
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=120)
    capacity = models.PositiveIntegerField(_("容量"))

    class Meta:
        db_table = "supervision_sessions_sitting"
        ordering = ["date", "start_time", "pk"]
        verbose_name = _("场次")
        verbose_name_plural = _("场次")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="sitting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.date:%Y-%m-%d} {self.start_time:%H:%M} · {self.venue}"


class Enrolment(models.Model):
    """A worker expected at an event, placed in one of its sittings."""

    event = models.ForeignKey(
        TrainingEvent, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("培训")
    )
    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("社区工作者"),
    )
    sitting = models.ForeignKey(
        Sitting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("场次"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "supervision_sessions_enrolment"
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(fields=["event", "trainee"], name="enrolment_once_per_event")
        ]
        indexes = [models.Index(fields=["sitting", "trainee"], name="enrolment_sitting_trainee")]

    def __str__(self) -> str:
        return f"{self.trainee} @ {self.event}"


class Attendance(models.Model):
    """What happened to one enrolment. Credited hours are fixed when marked, by the policy then."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("报名")
    )
    # Denormalised from the enrolment for the aggregates (hours per worker per period).
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="attendances")
    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="attendances")
    trainee = models.ForeignKey(
        "trainees.Trainee", on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(_("出勤"), max_length=12, choices=AttendanceStatus.choices)
    credited_hours = models.DecimalField(
        _("认定学时"), max_digits=5, decimal_places=1, default=Decimal("0")
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    via_qr = models.BooleanField(_("扫码签到"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "supervision_sessions_attendance"
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        indexes = [
            models.Index(fields=["trainee", "event"], name="attendance_trainee_event"),
            models.Index(fields=["sitting", "status"], name="attendance_sitting_status"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.get_status_display()}"


class CreditPolicy(models.Model):
    """Share of an event's hours credited per attendance status; one editable row."""

    present = models.DecimalField(
        _("出席"), max_digits=3, decimal_places=2, default=Decimal("1.00")
    )
    late = models.DecimalField(_("迟到"), max_digits=3, decimal_places=2, default=Decimal("1.00"))
    left_early = models.DecimalField(
        _("早退"), max_digits=3, decimal_places=2, default=Decimal("0.50")
    )
    absent = models.DecimalField(_("缺席"), max_digits=3, decimal_places=2, default=Decimal("0.00"))
    excused = models.DecimalField(
        _("请假"), max_digits=3, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        db_table = "supervision_sessions_creditpolicy"
        verbose_name = _("学时认定规则")
        verbose_name_plural = _("学时认定规则")

    def __str__(self) -> str:
        return str(_("学时认定规则"))

    @classmethod
    def current(cls) -> "CreditPolicy":
        return cls.objects.order_by("pk").first() or cls()

    def share(self, status: str) -> Decimal:
        return getattr(self, status)


class LeaveRequest(models.Model):
    """Leave asked for by a worker (or entered by the subdistrict office) and its decision."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="leave_requests", verbose_name=_("报名")
    )
    reason = models.CharField(_("请假事由"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "supervision_sessions_leaverequest"
        ordering = ["-created_at"]
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.get_state_display()}"


class CheckinUse(models.Model):
    """A QR token nonce used by a worker: the same code cannot check anyone in twice."""

    nonce = models.CharField(max_length=32)
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "supervision_sessions_checkinuse"
        constraints = [
            models.UniqueConstraint(
                fields=["nonce", "trainee"], name="checkin_nonce_once_per_trainee"
            )
        ]

    def __str__(self) -> str:
        return self.nonce
