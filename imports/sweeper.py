"""Import runs left "applying" by a dead worker: applied again, or failed (core/sweeper.py)."""

import datetime as dt
import logging
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from core.sweeper import stale_runs

from .models import ImportRun
from .tasks import import_apply_task

log = logging.getLogger(__name__)


def import_runs_sweep(
    *, now: dt.datetime, cutoff: dt.datetime, max_attempts: int
) -> tuple[int, int]:
    requeued = failed = 0
    for run in stale_runs(ImportRun.objects.filter(status=ImportRun.Status.APPLYING), cutoff):
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
