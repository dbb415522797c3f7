"""Report runs whose worker died: built again, or failed with the reason (core/sweeper.py)."""

import datetime as dt
import logging
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from core.sweeper import stale_runs

from .models import ReportRun, RunStatus
from .tasks import build_report

log = logging.getLogger(__name__)


def report_runs_sweep(
    *, now: dt.datetime, cutoff: dt.datetime, max_attempts: int
) -> tuple[int, int]:
    requeued = failed = 0
    for run in stale_runs(
        ReportRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]), cutoff
    ):
        if run.status == RunStatus.QUEUED:
            # Never claimed: its message was lost or is still waiting behind others. Sending
            # it again costs nothing (the claim is conditional) and is not an attempt.
            log.warning("report run %s queued since %s: sent again", run.pk, run.last_seen)
        elif run.attempts < max_attempts:
            log.warning(
                "report run %s: worker lost after attempt %s, queued again", run.pk, run.attempts
            )
            run.status, run.progress, run.error = RunStatus.QUEUED, 0, ""
        else:
            log.warning("report run %s: worker lost after attempt %s, failed", run.pk, run.attempts)
            run.status, run.finished_at = RunStatus.FAILED, now
            run.error = _("后台任务中断（已尝试 %(n)d 次），已自动标记失败，请重新生成。") % {
                "n": run.attempts
            }
            run.heartbeat_at = now
            run.save(update_fields=["status", "error", "finished_at", "heartbeat_at"])
            failed += 1
            continue
        run.heartbeat_at = now
        run.save(update_fields=["status", "progress", "error", "heartbeat_at"])
        transaction.on_commit(partial(build_report.delay, run.pk))
        requeued += 1
    return requeued, failed


def _register_workbooks() -> None:
    # Registered when the app's ready() imports this module (reports/apps.py): the workbook
    # runs are swept like the report runs, and their files removed like a roster export's.
    from core.sweeper import expiry_register, sweep_register

    from .workbook.services import workbook_runs_expire, workbook_runs_sweep

    sweep_register("workbooks", workbook_runs_sweep)
    expiry_register("workbooks", workbook_runs_expire)


_register_workbooks()
