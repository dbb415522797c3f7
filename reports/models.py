"""Report runs (a built PDF + workbook for one period and scope) and the editable commentary."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.storage import encrypted_storage, unguessable_name

from .periods import Period, PeriodKind

LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


def _upload_to(run: "ReportRun", filename: str) -> str:
    # Not the readable name (scope and period), which a download builds from the run.
    return unguessable_name("reports")


class ReportRun(models.Model):
    """One report built for a period and scope, as of the period's end, with its files.

    The same parameters and as-of date give back this row (unique constraints below), so a
    report once built can be downloaded again exactly as it was read at the evaluation, for as
    long as the district keeps report files (audit.RetentionPolicy); after that its files are
    removed, and asking for it again builds them again.
    """

    period_kind = models.CharField(_("报告周期"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期数"), help_text=_("月份、季度或半年序号"))
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    # Empty = the whole district.
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("街道（镇）"),
    )
    language = models.CharField(_("语言"), max_length=10, choices=LANGUAGES, default="zh-hans")
    as_of = models.DateField(_("数据截至"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    # Encrypted at rest (core/storage.py) like the uploads: the workbook lists workers by
    # name, post and date joined.
    file = models.FileField(
        _("PDF 文件"), upload_to=_upload_to, storage=encrypted_storage, blank=True
    )
    xlsx_file = models.FileField(
        _("Excel 文件"), upload_to=_upload_to, storage=encrypted_storage, blank=True
    )
    # Set when both files were removed at the end of the retention period
    # (report_files_expire), with the period then in force, which the run's page states.
    files_removed_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    files_kept_days = models.PositiveSmallIntegerField(_("文件保存天数"), null=True, blank=True)
    snapshot = models.JSONField(_("数据快照"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    # Builds started (the claim counts, a redelivered message that finds the run taken does
    # not): the sweeper (core/sweeper.py) retries a dead build only while this is low.
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The last sign of life: queued, claimed, or progress written. A run "running" whose
    # heartbeat is old had its worker killed; the sweeper retries or fails it.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("报表生成记录")
        verbose_name_plural = _("报表生成记录")
        constraints = [
            # NULL never equals NULL in a unique index, so the district scope has its own.
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "language", "as_of"],
                condition=models.Q(subdistrict__isnull=True),
                name="report_run_once_district",
            ),
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "subdistrict", "language", "as_of"],
                condition=models.Q(subdistrict__isnull=False),
                name="report_run_once_subdistrict",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_run_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_run_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="report_run_status")]

    def __str__(self) -> str:
        return f"{self.scope_label} · {self.period.label}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.year, self.number)

    @property
    def scope_label(self) -> str:
        return self.subdistrict.name if self.subdistrict_id else str(_("长宁区"))

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class ReportCommentary(models.Model):
    """What the office writes about a period and scope; printed at the end of the report."""

    period_kind = models.CharField(_("报告周期"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期数"))
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_commentaries",
        verbose_name=_("街道（镇）"),
    )
    text = models.TextField(_("分析与说明"), blank=True)
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
        verbose_name = _("报表分析说明")
        verbose_name_plural = _("报表分析说明")
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "year", "number"],
                condition=models.Q(subdistrict__isnull=True),
                name="report_commentary_once_district",
            ),
            models.UniqueConstraint(
                fields=["period_kind", "year", "number", "subdistrict"],
                condition=models.Q(subdistrict__isnull=False),
                name="report_commentary_once_subdistrict",
            ),
        ]

    def __str__(self) -> str:
        scope = self.subdistrict.name if self.subdistrict_id else str(_("长宁区"))
        return f"{scope} · {Period(self.period_kind, self.year, self.number).label}"


class ReportSnapshot(models.Model):
    """The dashboard's figures of one complete period, scope and language, kept as computed
    (`reports.figures.dashboard_figures`, the definition) so that opening the dashboard does not
    count years of history again (issue 13). Managed by reports/snapshots.py: a row without
    figures is a claim being computed; any write to data dated on or before `period_end`
    deletes the row.

    The `*_upto` columns are the highest ids of the rows some services insert in bulk, past
    the signals, when the figures were counted: newer ids mean the figures may be stale from
    the first day those rows cover.
    """

    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("街道（镇）"),
    )
    period_kind = models.CharField(_("报告周期"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期数"))
    language = models.CharField(_("语言"), max_length=10)
    period_end = models.DateField(_("截止日期"))
    figures = models.JSONField(_("数据"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    periods_upto = models.BigIntegerField(_("履历编号上限"), default=0)
    assignments_upto = models.BigIntegerField(_("结对编号上限"), default=0)
    attendees_upto = models.BigIntegerField(_("参加记录编号上限"), default=0)
    attendance_upto = models.BigIntegerField(_("考勤编号上限"), default=0)

    class Meta:
        verbose_name = _("报表统计快照")
        verbose_name_plural = _("报表统计快照")
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "year", "number", "language"],
                condition=models.Q(subdistrict__isnull=True),
                name="report_snapshot_once_district",
            ),
            models.UniqueConstraint(
                fields=["period_kind", "year", "number", "language", "subdistrict"],
                condition=models.Q(subdistrict__isnull=False),
                name="report_snapshot_once_subdistrict",
            ),
        ]
        indexes = [models.Index(fields=["period_end"], name="report_snapshot_end")]

    def __str__(self) -> str:
        return f"{self.subdistrict_id or '-'} · {self.period_kind} {self.year}-{self.number}"


def _workbook_upload_to(run: "WorkbookRun", filename: str) -> str:
    return unguessable_name("workbooks")


class WorkbookRun(models.Model):
    """One fixed-format workbook (队伍统计表, issue 14 item 4) for a date and scope, built by a
    Celery task (reports/workbook/services.py).

    Like a large roster export (trainees.RosterExport) it is a copy made for one person: only
    the user who asked may see it and download it, the file lists workers by name and is
    encrypted at rest, and it is removed WORKBOOK_FILE_HOURS after it was written (the sweeper,
    core/sweeper.py); the row stays as the record of what was asked.
    """

    # Empty = the whole district.
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("街道（镇）"),
    )
    as_of = models.DateField(_("数据截至"))
    language = models.CharField(_("语言"), max_length=10, choices=LANGUAGES, default="zh-hans")
    # Full ID numbers in the lists, asked for by someone who may see them (the roster export's
    # rule, accounts.capabilities.sees_full_identity), read again when the file is written.
    full_id = models.BooleanField(_("完整身份证号"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file = models.FileField(
        _("Excel 文件"), upload_to=_workbook_upload_to, storage=encrypted_storage, blank=True
    )
    file_removed_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    # Builds started; the sweeper retries a dead build only while this is low.
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("申请人"),
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The last sign of life (queued, claimed, progress written): see core/sweeper.py.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("统计报表工作簿")
        verbose_name_plural = _("统计报表工作簿")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="workbook_run_progress_max_100"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="workbook_run_status")]

    def __str__(self) -> str:
        return f"{self.scope_label} · {self.as_of:%Y-%m-%d}"

    @property
    def scope_label(self) -> str:
        return self.subdistrict.name if self.subdistrict_id else str(_("长宁区"))

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)
