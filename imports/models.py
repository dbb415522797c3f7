from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core.storage import encrypted_storage, unguessable_name
from trainees.models import Education, Gender, PoliticalStatus, Post, TraineeStatus

from .readers import header_key


class ImportKind(models.TextChoices):
    WORKERS = "workers", _("社区工作者名册")
    SUPERVISORS = "supervisors", _("督导师及督导关系")
    ATTENDANCE = "attendance", _("培训出勤")
    EXAMS = "exams", _("考试成绩")
    CHANGES = "changes", _("人员变动")
    ASSESSMENTS = "assessments", _("年度考核结果")
    POPULATIONS = "populations", _("居委会常住人口")


def _upload_to(run: "ImportRun", filename: str) -> str:
    # Not the uploaded name, which is kept in `file_name` and given back at download.
    return unguessable_name("imports")


class ImportRun(models.Model):
    """One uploaded file: its dry-run result, and whether and when it was applied.

    Every upload is kept (the file itself, encrypted, and who sent it), so that an import can be
    traced back to its source and checked again, for as long as the district's retention
    period for uploads (audit.RetentionPolicy); then the file is removed and the run stays.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("已预览")
        APPLYING = "applying", _("导入中")
        APPLIED = "applied", _("已导入")
        FAILED = "failed", _("导入失败")

    kind = models.CharField(_("数据类型"), max_length=20, choices=ImportKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_runs",
        verbose_name=_("上传人"),
    )
    # The uploader's subdistrict at the time: who else may see the run and its file.
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("街道（镇）"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # Holds full ID numbers: encrypted at rest (core/storage.py), downloaded by district
    # administrators only (imports.views.import_run_file).
    file = models.FileField(
        _("文件"), upload_to=_upload_to, storage=encrypted_storage, max_length=255, blank=True
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    # Set when the file was removed at the end of the retention period (import_files_expire),
    # with the period then in force, which the run's page states.
    file_removed_at = models.DateTimeField(_("原文件删除时间"), null=True, blank=True)
    file_kept_days = models.PositiveSmallIntegerField(_("原文件保存天数"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    new_count = models.PositiveIntegerField(_("新增"), default=0)
    changed_count = models.PositiveIntegerField(_("修改"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误"), default=0)
    # [{"sheet", "row", "column", "message", "value", "code"}, …]: every error found.
    errors = models.JSONField(_("错误报告"), default=list, blank=True)
    # What was read but not as written, shown apart from the errors and not blocking the apply:
    # [{"sheet", "row", "column", "message", "value", "code"}, …] (e.g. a date taken from another).
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    # A sample of the changes: [{"sheet", "row", "label", "fields": ["手机号：a → b", …]}, …]
    changes = models.JSONField(_("变更示例"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    # Times the apply task claimed the run, and its last sign of life (claim or progress):
    # a run left "applying" by a killed worker is retried or failed by core/sweeper.py.
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        indexes = [
            models.Index(fields=["subdistrict", "created_at"], name="import_run_subdistrict"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="import_run_progress_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def can_apply(self) -> bool:
        return (
            self.status == self.Status.PREVIEWED
            and self.error_count == 0
            and self.rows > 0
            and self.file_removed_at is None
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.APPLIED, self.Status.FAILED)


class SynonymColumn(models.TextChoices):
    """Roster columns whose cells name one of Dudao's choices."""

    POST = "post", _("岗位")
    EDUCATION = "education", _("学历")
    POLITICAL_STATUS = "political_status", _("政治面貌")
    GENDER = "gender", _("性别")
    STATUS = "status", _("状态")


# The choices each column's cells are read into (the codes are distinct across them).
SYNONYM_CHOICES: dict[str, type[models.TextChoices]] = {
    SynonymColumn.POST: Post,
    SynonymColumn.EDUCATION: Education,
    SynonymColumn.POLITICAL_STATUS: PoliticalStatus,
    SynonymColumn.GENDER: Gender,
    SynonymColumn.STATUS: TraineeStatus,
}


def choice_spellings(choices: type[models.TextChoices]) -> dict[str, str]:
    """What a cell may always say for a choice: its code and its Chinese and English labels."""
    spellings = {header_key(value): value for value in choices.values}
    for language in ("zh-hans", "en"):
        with override(language):
            for value, label in choices.choices:
                spellings[header_key(str(label))] = value
    return spellings


class Synonym(models.Model):
    """Another way offices write one of Dudao's choices in a roster (居委会委员 for 委员, 大学本科
    for 本科), edited by the district in the admin site; the workers import reads them all at
    the start of each file. The codes and labels themselves are always accepted."""

    column = models.CharField(_("列"), max_length=20, choices=SynonymColumn.choices)
    spelling = models.CharField(_("写法"), max_length=40)
    value = models.CharField(
        _("对应选项"),
        max_length=20,
        choices=[(SynonymColumn(c).label, k.choices) for c, k in SYNONYM_CHOICES.items()],
    )

    class Meta:
        ordering = ["column", "value", "spelling"]
        verbose_name = _("导入同义词")
        verbose_name_plural = _("导入同义词")
        constraints = [
            models.UniqueConstraint(
                fields=["column", "spelling"], name="import_synonym_column_spelling"
            )
        ]

    def __str__(self) -> str:
        return f"{self.spelling} → {self.get_value_display()}"

    def clean(self) -> None:
        # Compared as the import compares cells: full-width, spaces and case do not count.
        self.spelling = (self.spelling or "").strip()
        choices = SYNONYM_CHOICES.get(self.column)
        if choices is None or not self.spelling:
            return
        if self.value not in choices.values:
            raise ValidationError(
                {"value": _("请选择“%(column)s”的选项。") % {"column": self.get_column_display()}}
            )
        key = header_key(self.spelling)
        official = choice_spellings(choices).get(key)
        if official is not None:
            # A label is read as itself: a synonym that said otherwise would be ignored.
            raise ValidationError(
                {
                    "spelling": _("“%(spelling)s”已是选项“%(label)s”的名称，无需添加。")
                    % {"spelling": self.spelling, "label": choices(official).label}
                }
            )
        others = Synonym.objects.filter(column=self.column).exclude(pk=self.pk)
        for other in others.only("spelling", "value"):
            if header_key(other.spelling) == key:
                raise ValidationError(
                    {
                        "spelling": _("同一列已有写法“%(spelling)s”（对应“%(label)s”）。")
                        % {"spelling": other.spelling, "label": other.get_value_display()}
                    }
                )
