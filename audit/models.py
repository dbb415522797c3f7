"""Who changed what and when, and who exported or unmasked personal data (issue 8, PIPL art. 55)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    EXPORT = "export", _("导出")
    UNMASK = "unmask", _("查看完整身份证号")


class AuditEvent(models.Model):
    """One change to a record, or one export or unmasking of personal data. Never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # Kept as written at the time: the account may be renamed or removed later.
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("操作"), max_length=10, choices=AuditAction.choices)
    # "app_label.model", e.g. "trainees.trainee"; an export names what was exported.
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # {field label: [old, new]} for changes (ID numbers masked); the filters for an export.
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"


class RetentionPolicy(models.Model):
    """How long stored files with personal data are kept: one row, the district's to edit.

    PIPL art. 19: personal information is kept no longer than its purpose needs. An uploaded
    file serves to check an import against its source; a generated report, to be downloaded
    again as it was read. After these periods the daily jobs (imports.tasks, reports.tasks)
    remove the files and keep the runs, so the record of what was done stays.
    """

    import_file_days = models.PositiveSmallIntegerField(
        _("导入原文件保存天数"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("上传的导入文件在上传多少天后删除；导入记录保留。"),
    )
    report_file_days = models.PositiveSmallIntegerField(
        _("报表文件保存天数"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("生成的报表 PDF 与 Excel 文件在生成多少天后删除；重新申请可再次生成。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("个人信息文件保存期限")
        verbose_name_plural = _("个人信息文件保存期限")

    def __str__(self) -> str:
        return str(_("个人信息文件保存期限"))
