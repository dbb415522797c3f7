from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.storage import encrypted_storage, unguessable_name


class ImportKind(models.TextChoices):
    WORKERS = "workers", _("社区工作者名册")
    SUPERVISORS = "supervisors", _("督导师及督导关系")
    ATTENDANCE = "attendance", _("培训出勤")
    EXAMS = "exams", _("考试成绩")


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
