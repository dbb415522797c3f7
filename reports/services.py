"""Writes of reports: asking for a run, building it, retrying it, saving the commentary, and
removing built files at the end of the district's retention period."""

import datetime as dt
import logging
import traceback

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.capabilities import manages_subdistrict, sees_subdistrict
from accounts.models import User
from audit.selectors import retention_policy
from core.storage import delete_on_commit
from neighbourhoods.models import Subdistrict

from .models import ReportCommentary, ReportRun, RunStatus
from .periods import Period

log = logging.getLogger(__name__)


def report_scope_check(*, actor: User, subdistrict: Subdistrict | None, write: bool) -> None:
    """District reports: district admin (and leaders to read); a subdistrict's: also its admin."""
    subdistrict_id = subdistrict.pk if subdistrict is not None else None
    if write and manages_subdistrict(actor, subdistrict_id):
        return
    if not write and sees_subdistrict(actor, subdistrict_id):
        return
    raise PermissionDenied(_("您无权查看或生成该范围的报表。"))


def _enqueue(run: ReportRun) -> None:
    from .tasks import build_report

    transaction.on_commit(lambda: build_report.delay(run.pk))


@transaction.atomic
def report_request(
    *,
    actor: User,
    period_kind: str,
    year: int,
    number: int,
    subdistrict: Subdistrict | None = None,
    language: str = "zh-hans",
) -> ReportRun:
    """The run for these parameters: the stored one when it exists, else a new one, queued.

    A report is as of its period's end, so a period that has not ended cannot be reported. A
    stored run whose files were removed at the end of the retention period is queued again:
    there is only one run for these parameters, so asking again is the way to rebuild it.
    """
    report_scope_check(actor=actor, subdistrict=subdistrict, write=True)
    try:
        period = Period(period_kind, year, number)
    except ValueError as exc:
        raise ValidationError(_("报告周期不正确。")) from exc
    # Its last day must be over too: a run is kept and given back for the same parameters,
    # so one built on the last day would keep that day's figures half-counted for good.
    if period.end >= timezone.localdate():
        raise ValidationError(_("该周期尚未结束，暂不能生成报表。"))
    run, created = ReportRun.objects.get_or_create(
        period_kind=period.kind,
        period_start=period.start,
        subdistrict=subdistrict,
        language=language,
        as_of=period.end,
        defaults={
            "year": period.year,
            "number": period.number,
            "period_end": period.end,
            "requested_by": actor,
        },
    )
    if created:
        run.full_clean()
        _enqueue(run)
    elif run.files_removed_at is not None and run.status == RunStatus.DONE:
        run.status, run.progress, run.heartbeat_at = RunStatus.QUEUED, 0, timezone.now()
        run.save(update_fields=["status", "progress", "heartbeat_at"])
        _enqueue(run)
    return run


@transaction.atomic
def report_retry(*, actor: User, run: ReportRun) -> ReportRun:
    """Queue a failed run again (the same row: its parameters do not change)."""
    report_scope_check(actor=actor, subdistrict=run.subdistrict, write=True)
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.FAILED:
        raise ValidationError(_("只有失败的报表可以重新生成。"))
    run.status, run.progress, run.error = RunStatus.QUEUED, 0, ""
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "progress", "error", "heartbeat_at"])
    _enqueue(run)
    return run


def _progress(run_id: int, progress: int, **fields) -> None:
    # Outside any transaction: the run page polls these values while the build goes on, and
    # the sweeper reads the heartbeat to tell a slow build from a dead one.
    ReportRun.objects.filter(pk=run_id).update(
        progress=progress, heartbeat_at=timezone.now(), **fields
    )


def report_build(run_id: int) -> ReportRun:
    """Compute the figures, render the PDF and the workbook, store them. Idempotent.

    Only a queued run is built (a retry, a new commentary or the sweeper queues it again); a
    run done, failed or being built is left alone, and two workers cannot claim the same run
    (the claim is a conditional UPDATE). Any exception marks the run failed with its reason.
    A run left "running" by a killed worker is not claimed here, even when Celery redelivers
    its message: the sweeper (core/sweeper.py) queues it again or fails it.
    """
    now = timezone.now()
    claimed = ReportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        progress=5,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        error="",
    )
    run = ReportRun.objects.select_related("subdistrict").get(pk=run_id)
    if not claimed:
        return run
    try:
        _build(run)
    except Exception as exc:  # noqa: BLE001 — any failure is recorded for the user to see
        log.exception("report run %s failed", run_id)
        reason = f"{type(exc).__name__}: {exc}"
        ReportRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            error=reason[:2000] or traceback.format_exc()[-2000:],
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def _build(run: ReportRun) -> None:
    from .figures import report_figures
    from .pdf import render_pdf
    from .xlsx import render_xlsx

    period = run.period
    with translation.override(run.language):
        figures = report_figures(period=period, subdistrict_id=run.subdistrict_id)
        figures["commentary"] = commentary_text(period=period, subdistrict=run.subdistrict)
        _progress(run.pk, 40)
        pdf = render_pdf(figures)
        _progress(run.pk, 75)
        xlsx = render_xlsx(figures)
        _progress(run.pk, 90)
    run.snapshot = figures
    for old in (run.file, run.xlsx_file):
        if old:
            old.delete(save=False)
    # Stored under random names (ReportRun._upload_to); a download is named from the run.
    run.file.save("report.pdf", ContentFile(pdf), save=False)
    run.xlsx_file.save("report.xlsx", ContentFile(xlsx), save=False)
    run.status, run.progress = RunStatus.DONE, 100
    run.finished_at = run.heartbeat_at = timezone.now()
    run.files_removed_at = run.files_kept_days = None
    run.save(
        update_fields=[
            "snapshot",
            "file",
            "xlsx_file",
            "status",
            "progress",
            "finished_at",
            "heartbeat_at",
            "files_removed_at",
            "files_kept_days",
        ]
    )


def commentary_text(*, period: Period, subdistrict: Subdistrict | None) -> str:
    row = ReportCommentary.objects.filter(
        period_kind=period.kind, year=period.year, number=period.number, subdistrict=subdistrict
    ).first()
    return row.text if row else ""


@transaction.atomic
def commentary_save(
    *, actor: User, period: Period, subdistrict: Subdistrict | None, text: str
) -> ReportCommentary:
    """Save the commentary; stored reports of that period and scope are rebuilt with it."""
    if not manages_subdistrict(actor, subdistrict.pk if subdistrict is not None else None):
        raise PermissionDenied(
            _("只有区管理员可以编辑全区报表的分析说明。")
            if subdistrict is None
            else _("您只能编辑本街道（镇）报表的分析说明。")
        )
    row, _created = ReportCommentary.objects.get_or_create(
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        subdistrict=subdistrict,
    )
    row.text, row.updated_by = text.strip(), actor
    row.full_clean()
    row.save()
    stale = ReportRun.objects.filter(
        period_kind=period.kind,
        period_start=period.start,
        subdistrict=subdistrict,
        status__in=[RunStatus.DONE, RunStatus.FAILED],
    )
    for run in stale:
        run.status, run.progress, run.heartbeat_at = RunStatus.QUEUED, 0, timezone.now()
        run.save(update_fields=["status", "progress", "heartbeat_at"])
        _enqueue(run)
    return row


@transaction.atomic
def report_files_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the PDF and workbook of runs built longer ago than the district's retention
    period; return how many runs lost their files.

    The runs stay (parameters, snapshot of the figures, who asked), marked with when the files
    were removed and the period then in force, which their page states; asking for the same
    report again builds it again (`report_request`). A run being built is passed over.
    Idempotent.
    """
    now = now or timezone.now()
    days = retention_policy().report_file_days
    runs = list(
        ReportRun.objects.select_for_update(skip_locked=True)
        .filter(
            status__in=[RunStatus.DONE, RunStatus.FAILED],
            finished_at__lt=now - dt.timedelta(days=days),
            files_removed_at__isnull=True,
        )
        .exclude(file="", xlsx_file="")
        .only("pk", "file", "xlsx_file")
    )
    if not runs:
        return 0
    ReportRun.objects.filter(pk__in=[run.pk for run in runs]).update(
        file="", xlsx_file="", files_removed_at=now, files_kept_days=days
    )
    names = [f.name for run in runs for f in (run.file, run.xlsx_file) if f]
    delete_on_commit(ReportRun._meta.get_field("file").storage, names)
    log.info("removed the files of %d report runs kept over %d days", len(runs), days)
    return len(runs)
