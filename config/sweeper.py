"""The sweeper: report and import runs whose worker died end retried or failed, never stuck.

Tasks are acknowledged late and rejected when their worker is lost (CELERY_TASK_ACKS_LATE,
CELERY_TASK_REJECT_ON_WORKER_LOST), so a prefork child killed mid-task has its message put
back on the queue. That does not cover everything: a whole worker killed leaves its message
unacknowledged in Redis until the visibility timeout (an hour), a machine restart can lose it,
a message sent while the broker was down never arrives, and a redelivered report build finds
its run "running" and, not knowing that the first build is dead, leaves it alone. So the
sweeper looks at the rows, not at the queue: a run with no heartbeat (claim or progress) for
DUDAO_RUN_STALE_MINUTES is queued again while it has been started fewer than
DUDAO_RUN_MAX_ATTEMPTS times, and marked failed with the reason otherwise. Both builds are
idempotent (a conditional claim; an import writes all or nothing), so a duplicate message or
a sweep racing a redelivery is harmless.
"""

import datetime as dt
import logging
from dataclasses import asdict, dataclass
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from imports.models import ImportRun
from imports.tasks import import_apply_task
from reports.models import ReportRun, RunStatus
from reports.tasks import build_report

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    reports_requeued: int = 0
    reports_failed: int = 0
    imports_requeued: int = 0
    imports_failed: int = 0


def _stale(queryset: QuerySet, cutoff: dt.datetime) -> QuerySet:
    # A run never claimed has no heartbeat yet: its age counts from the request.
    # skip_locked: a second sweeper (beat and the command at once) passes over these rows.
    return (
        queryset.select_for_update(skip_locked=True)
        .annotate(last_seen=Coalesce("heartbeat_at", "created_at"))
        .filter(last_seen__lt=cutoff)
        .order_by("pk")
    )


def _report_runs_sweep(
    *, now: dt.datetime, cutoff: dt.datetime, max_attempts: int
) -> tuple[int, int]:
    requeued = failed = 0
    for run in _stale(
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


def _import_runs_sweep(
    *, now: dt.datetime, cutoff: dt.datetime, max_attempts: int
) -> tuple[int, int]:
    requeued = failed = 0
    for run in _stale(ImportRun.objects.filter(status=ImportRun.Status.APPLYING), cutoff):
        run.heartbeat_at = now
        if run.attempts < max_attempts:
            # `import_apply` claims a run still "applying" again; only its uploader may apply it.
            log.warning(
                "import run %s: no progress after attempt %s, queued again", run.pk, run.attempts
            )
            run.save(update_fields=["heartbeat_at"])
            transaction.on_commit(partial(import_apply_task.delay, run.pk, run.created_by_id))
            requeued += 1
            continue
        log.warning("import run %s: worker lost after attempt %s, failed", run.pk, run.attempts)
        # The writes and the "applied" status commit together, so a run still "applying"
        # wrote nothing.
        run.status, run.progress = ImportRun.Status.FAILED, 100
        run.message = _(
            "后台任务中断（已尝试 %(n)d 次），已自动标记失败，未写入任何数据。请重新上传文件后再试。"
        ) % {"n": run.attempts}
        run.save(update_fields=["status", "progress", "message", "heartbeat_at"])
        failed += 1
    return requeued, failed


@transaction.atomic
def runs_sweep(
    *,
    now: dt.datetime | None = None,
    stale_after: dt.timedelta | None = None,
    max_attempts: int | None = None,
) -> SweepResult:
    """Queue again, or fail, every report and import run whose worker stopped giving signs of
    life. Messages are sent after commit. Runs done, failed, previewed or recently active are
    left alone."""
    now = now or timezone.now()
    if stale_after is None:
        stale_after = dt.timedelta(minutes=settings.DUDAO_RUN_STALE_MINUTES)
    if max_attempts is None:
        max_attempts = settings.DUDAO_RUN_MAX_ATTEMPTS
    cutoff = now - stale_after
    with override("zh-hans"):
        reports = _report_runs_sweep(now=now, cutoff=cutoff, max_attempts=max_attempts)
        imports = _import_runs_sweep(now=now, cutoff=cutoff, max_attempts=max_attempts)
    return SweepResult(*reports, *imports)


@shared_task(name="config.sweeper.sweep_stuck_runs", acks_late=True, reject_on_worker_lost=True)
def sweep_stuck_runs() -> dict[str, int]:
    """Every five minutes (CELERY_BEAT_SCHEDULE). Idempotent: a swept run is fresh again."""
    return asdict(runs_sweep())
