import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.storage import encrypted_storage, unguessable_name

from .pii import id_number_hash, id_number_tail, pii_decrypt, pii_encrypt


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc", _("中共党员")
    CPC_PROBATIONARY = "cpc_probationary", _("中共预备党员")
    CYL_MEMBER = "cyl", _("共青团员")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
    MASSES = "masses", _("群众")


class Post(models.TextChoices):
    PARTY_SECRETARY = "secretary", _("党组织书记")
    DIRECTOR = "director", _("居委会主任")
    DEPUTY = "deputy", _("副书记/副主任")
    COMMITTEE_MEMBER = "member", _("委员")
    GENERAL = "general", _("社区工作者")


class Education(models.TextChoices):
    # Ordered from lowest to highest; the order matters for exam eligibility.
    JUNIOR = "junior", _("初中及以下")
    HIGH_SCHOOL = "high_school", _("高中/中专")
    JUNIOR_COLLEGE = "junior_college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士")
    DOCTOR = "doctor", _("博士")


class TraineeStatus(models.TextChoices):
    ACTIVE = "active", _("在岗")
    ON_LEAVE = "on_leave", _("休假/借调")
    LEFT = "left", _("已离职")


class EmploymentState(models.TextChoices):
    """A worker's state in one period of their history (DOMAIN.md, "Where a worker belongs")."""

    ON_DUTY = "on_duty", _("在岗")
    LEAVE = "leave", _("休假")
    SECONDED = "seconded", _("借调")
    LEFT = "left", _("离职")
    RETIRED = "retired", _("退休")


# 在册 (on the books): the states of a period in which the worker counts (trainees.populations).
ON_BOOKS_STATES = (EmploymentState.ON_DUTY, EmploymentState.LEAVE, EmploymentState.SECONDED)
OFF_BOOKS_STATES = (EmploymentState.LEFT, EmploymentState.RETIRED)


class LeaveKind(models.TextChoices):
    MATERNITY = "maternity", _("产假")
    SICK = "sick", _("病假")
    STUDY = "study", _("进修")
    OTHER = "other", _("其他事假")


class ChangeKind(models.TextChoices):
    """What began a period: the change recorded on its first day."""

    JOINED = "joined", _("入职")
    TRANSFER = "transfer", _("调动")
    POST = "post", _("岗位变动")
    GRADE = "grade", _("调级")
    LEAVE = "leave", _("休假")
    RETURN = "return", _("返岗")
    SECONDMENT = "secondment", _("借调")
    LEFT = "left", _("离职")
    RETIRED = "retired", _("退休")
    REHIRED = "rehired", _("再次入职")
    IMPORT = "import", _("名册导入")
    MIGRATED = "migrated", _("原档案迁入")


class CareerGrade(models.Model):
    """An editable grade of the career ladder (e.g. 三岗十八级, grades 1–18; 0 = not graded)."""

    level = models.PositiveSmallIntegerField(_("等级"), unique=True)
    name = models.CharField(_("名称"), max_length=40)

    class Meta:
        ordering = ["level"]
        verbose_name = _("岗位等级")
        verbose_name_plural = _("岗位等级")

    def __str__(self) -> str:
        return self.name


class Trainee(models.Model):
    """A community worker (社区工作者): one file per worker (一人一档)."""

    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    # The ID number is never stored in clear (trainees/pii.py): `id_number` below is a property
    # over these three columns. Look up by `id_number_hash=id_number_hash(number)`.
    id_number_encrypted = models.TextField(_("身份证号（密文）"), editable=False)
    id_number_hash = models.CharField(_("身份证号（散列）"), max_length=64, editable=False)
    id_number_tail = models.CharField(_("身份证号后四位"), max_length=4, editable=False)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True)
    political_status = models.CharField(
        _("政治面貌"),
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
    )
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        related_name="trainees",
        verbose_name=_("街道（镇）"),
    )
    # Empty means the worker is based in the subdistrict office itself (社区办).
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainees",
        verbose_name=_("居委会"),
    )
    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices, default=Post.GENERAL)
    grade = models.ForeignKey(
        CareerGrade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainees",
        verbose_name=_("岗位等级"),
    )
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices)
    major = models.CharField(_("专业"), max_length=60, blank=True)
    major_is_social_work = models.BooleanField(_("社会工作专业"), default=False)
    started_community_work = models.DateField(_("从事社区工作日期"))
    joined = models.DateField(_("入职日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=TraineeStatus.choices, default=TraineeStatus.ACTIVE
    )
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainee",
        verbose_name=_("登录账号"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subdistrict__code", "neighbourhood__name", "name", "pk"]
        verbose_name = _("社区工作者")
        verbose_name_plural = _("社区工作者")
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], name="trainee_id_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="left") | models.Q(left_on__isnull=False),
                name="trainee_left_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(status="left") | models.Q(left_on__isnull=True),
                name="trainee_only_left_has_left_date",
            ),
        ]
        indexes = [
            models.Index(fields=["subdistrict", "status"], name="trainee_subdistrict_status"),
            models.Index(fields=["name"], name="trainee_name"),
            models.Index(fields=["mobile"], name="trainee_mobile"),
            models.Index(fields=["id_number_tail"], name="trainee_id_number_tail"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        """The ID number in clear, decrypted once per loaded value."""
        token = self.id_number_encrypted
        if not token:
            return ""
        cached = self.__dict__.get("_id_number_plain")
        if cached is None or cached[0] != token:
            cached = (token, pii_decrypt(token))
            self.__dict__["_id_number_plain"] = cached
        return cached[1]

    @id_number.setter
    def id_number(self, value: str) -> None:
        plain = value or ""
        if plain and plain == (self.id_number if self.id_number_encrypted else None):
            return  # unchanged: keep the ciphertext (a re-encryption would look like an edit)
        token = pii_encrypt(plain) if plain else ""
        self.id_number_encrypted = token
        self.id_number_hash = id_number_hash(plain) if plain else ""
        self.id_number_tail = id_number_tail(plain)
        self.__dict__["_id_number_plain"] = (token, plain)

    def age_on(self, day: dt.date) -> int:
        return (
            day.year
            - self.birth_date.year
            - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        )

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def service_years_on(self, day: dt.date) -> int:
        """Completed years of community work (工龄), up to the day or the date left."""
        end = min(day, self.left_on) if self.left_on else day
        start = self.started_community_work
        years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
        return max(years, 0)

    @property
    def service_years(self) -> int:
        return self.service_years_on(timezone.localdate())

    @property
    def workplace(self) -> str:
        # str(): a lazy translation here reached openpyxl in exports, which cannot write it.
        return self.neighbourhood.name if self.neighbourhood_id else str(_("街道社区办"))


class WorkerPeriod(models.Model):
    """One period of a worker's history (一人一档): where they were placed, their post, grade and
    employment state, from `starts_on` to `ends_on` (its last day, inclusive; empty = still so).

    A worker's periods never overlap and leave no gap from the day they first joined: leaving
    is a period too (离职/退休), open until they come back. Only `trainees.history` writes them;
    the worker's own subdistrict, committee, post, grade, status, joined and left_on columns
    are a copy of the period covering today, kept for lists and scoping. Every figure as of a
    date reads the period covering that date (trainees.populations).
    """

    trainee = models.ForeignKey(
        Trainee, on_delete=models.CASCADE, related_name="periods", verbose_name=_("社区工作者")
    )
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        related_name="worker_periods",
        verbose_name=_("街道（镇）"),
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="worker_periods",
        verbose_name=_("居委会"),
    )
    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices)
    grade = models.ForeignKey(
        CareerGrade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="worker_periods",
        verbose_name=_("岗位等级"),
    )
    state = models.CharField(_("状态"), max_length=10, choices=EmploymentState.choices)
    leave_kind = models.CharField(
        _("休假类别"), max_length=10, choices=LeaveKind.choices, blank=True
    )
    change = models.CharField(_("变动类型"), max_length=12, choices=ChangeKind.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
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
        ordering = ["trainee_id", "starts_on"]
        verbose_name = _("履历")
        verbose_name_plural = _("履历")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "starts_on"], name="period_one_per_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(state="leave") | models.Q(leave_kind=""),
                name="period_leave_kind_only_on_leave",
            ),
        ]
        indexes = [
            models.Index(fields=["starts_on", "ends_on"], name="period_dates"),
        ]

    def __str__(self) -> str:
        end = f"{self.ends_on:%Y-%m-%d}" if self.ends_on else "…"
        return f"{self.trainee} {self.starts_on:%Y-%m-%d}–{end} {self.get_state_display()}"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


def _export_upload_to(export: "RosterExport", filename: str) -> str:
    # Not the readable name (kept in `filename` and given at download).
    return unguessable_name("exports")


class RosterExport(models.Model):
    """A roster export too large to write inside a request, written by a Celery task.

    Only the worker who asked may download it (trainees/export_runs.py), and the request was
    audited like an immediate export. The file is encrypted at rest like every stored file
    with personal data and removed EXPORT_FILE_HOURS after it was written (the sweeper,
    core/sweeper.py); the row stays as the record of what was asked.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("申请人"),
    )
    fmt = models.CharField(_("格式"), max_length=4)
    full_id = models.BooleanField(_("完整身份证号"), default=False)
    # The roster's filters as the request gave them, rebuilt by the task for the same user.
    # Cleared once the file is written or the export failed: a search can be an ID number.
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    language = models.CharField(_("语言"), max_length=10, default="zh-hans")
    as_of = models.DateField(_("数据日期"))
    filename = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    rows = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    file = models.FileField(
        _("文件"), upload_to=_export_upload_to, storage=encrypted_storage, blank=True
    )
    file_removed_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    # Builds started; the sweeper retries a dead build only while this is low.
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The last sign of life (queued, claimed, progress written): see core/sweeper.py.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("名册导出")
        verbose_name_plural = _("名册导出")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="roster_export_progress_max_100"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="roster_export_status")]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


# The yearly assessment's models live in their own module (trainees/assessments/); imported here
# so Django registers them with this app.
from .assessments.models import (  # noqa: E402, F401
    Assessment,
    AssessmentQuota,
    AssessmentResult,
    AssessmentRound,
    RoundStatus,
)
