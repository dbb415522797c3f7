"""Writes of the workbook runs: asking for one, building it (the Celery task), removing files
past their time and sweeping builds whose worker died.

A workbook lists workers by name, so it is handled like a large roster export
(trainees/export_runs.py): only the user who asked sees and downloads it, the file is
encrypted at rest and removed after export_file_hours() (a day by default), every download is
audited, and the requester's scope is read again when the task runs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.capabilities import sees_full_identity, sees_subdistrict
from accounts.models import User
from core.storage import delete_on_commit
from core.sweeper import stale_runs
from neighbourhoods.models import Subdistrict
from trainees.export_runs import export_file_hours

from ..models import RunStatus, WorkbookRun
from . import SHEETS
from .places import workbook_places
from .xlsx import workbook_write

log = logging.getLogger(__name__)

# The earliest date a workbook may be asked for: before it there is no history to count.
EARLIEST = dt.date(2000, 1, 1)


def workbook_scope_check(*, actor: User, subdistrict: Subdistrict | None) -> None:
    """The whole district: district staff; one subdistrict: also its office. Others: 403."""
    if not sees_subdistrict(actor, subdistrict.pk if subdistrict is not None else None):
        raise PermissionDenied(_("您无权生成该范围的统计报表。"))


def _enqueue(run: WorkbookRun) -> None:
    from ..tasks import build_workbook

    transaction.on_commit(partial(build_workbook.delay, run.pk))


@transaction.atomic
def workbook_request(
    *, actor: User, as_of: dt.date, subdistrict: Subdistrict | None, full_id: bool = False
) -> WorkbookRun:
    """A queued workbook of `subdistrict` (None: the district) as of `as_of`, built after commit;
    with full ID numbers only when asked for by someone who may see them."""
    workbook_scope_check(actor=actor, subdistrict=subdistrict)
    if as_of > timezone.localdate():
        raise ValidationError(_("截至日期不能晚于今天。"))
    if as_of < EARLIEST:
        raise ValidationError(_("截至日期过早。"))
    run = WorkbookRun(
        requested_by=actor,
        subdistrict=subdistrict,
        as_of=as_of,
        full_id=full_id and sees_full_identity(actor),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        heartbeat_at=timezone.now(),
    )
    run.full_clean()
    run.save()
    _enqueue(run)
    return run


def _progress(run_id: int, progress: int) -> None:
    # Outside any transaction: the page polls it, the sweeper reads the heartbeat.
    WorkbookRun.objects.filter(pk=run_id).update(progress=progress, heartbeat_at=timezone.now())


def workbook_render(
    *,
    as_of: dt.date,
    subdistrict: Subdistrict | None,
    full_id: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The workbook's bytes: two queries for the places, then each sheet's own few. `full_id`
    is the caller's to decide (the requester may see full ID numbers and asked for them)."""
    sid = subdistrict.pk if subdistrict is not None else None
    places = workbook_places(sid)
    return workbook_write(
        [partial(build, as_of=as_of, subdistrict_id=sid, full_id=full_id) for build in SHEETS],
        places,
        scope_label=subdistrict.name if subdistrict is not None else _("长宁区"),
        as_of=as_of,
        district=subdistrict is None,
        progress=progress,
    )


def workbook_build(run_id: int) -> WorkbookRun:
    """Build a queued run and store its file. Idempotent: only a queued run is claimed (a
    conditional UPDATE), a done, failed or running one is left alone (a dead "running" one is
    the sweeper's). Any exception marks the run failed with its reason."""
    now = timezone.now()
    claimed = WorkbookRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        progress=5,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        error="",
    )
    run = WorkbookRun.objects.select_related("subdistrict", "requested_by").get(pk=run_id)
    if not claimed:
        return run
    try:
        # The requester's rights now, not when they asked.
        workbook_scope_check(actor=run.requested_by, subdistrict=run.subdistrict)
        with translation.override(run.language):
            body = workbook_render(
                as_of=run.as_of,
                subdistrict=run.subdistrict,
                full_id=run.full_id and sees_full_identity(run.requested_by),
                progress=lambda done, total: _progress(run.pk, 5 + 85 * done // total),
            )
    except Exception as exc:  # noqa: BLE001 - any failure is shown on the run's page
        log.exception("workbook run %s failed", run_id)
        WorkbookRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        run.refresh_from_db()
        return run
    with transaction.atomic():
        run = WorkbookRun.objects.select_for_update().get(pk=run_id)
        if run.file:
            run.file.delete(save=False)
        run.file.save("workbook.xlsx", ContentFile(body), save=False)
        run.status, run.progress = RunStatus.DONE, 100
        run.finished_at = run.heartbeat_at = timezone.now()
        run.save()
    return run


def workbook_retry(*, actor: User, run: WorkbookRun) -> WorkbookRun:
    """Queue a failed run again."""
    if run.requested_by_id != actor.pk:
        raise Http404
    updated = WorkbookRun.objects.filter(pk=run.pk, status=RunStatus.FAILED).update(
        status=RunStatus.QUEUED, progress=0, error="", heartbeat_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("只有失败的报表可以重新生成。"))
    run.refresh_from_db()
    _enqueue(run)
    return run


def workbook_runs_expire(*, now: dt.datetime) -> int:
    """Remove the files written more than export_file_hours() ago; the rows stay. Idempotent."""
    cutoff = now - dt.timedelta(hours=export_file_hours())
    runs = list(
        WorkbookRun.objects.select_for_update(skip_locked=True)
        .filter(finished_at__lt=cutoff, file_removed_at__isnull=True)
        .exclude(file="")
        .only("pk", "file")
    )
    if not runs:
        return 0
    WorkbookRun.objects.filter(pk__in=[r.pk for r in runs]).update(file="", file_removed_at=now)
    delete_on_commit(WorkbookRun._meta.get_field("file").storage, [r.file.name for r in runs])
    return len(runs)


def workbook_runs_sweep(
    *, now: dt.datetime, cutoff: dt.datetime, max_attempts: int
) -> tuple[int, int]:
    """Runs whose worker died: queued again, or failed with the reason (core/sweeper.py)."""
    requeued = failed = 0
    stale = stale_runs(
        WorkbookRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]), cutoff
    )
    for run in stale:
        if run.status == RunStatus.RUNNING and run.attempts >= max_attempts:
            run.status, run.finished_at, run.heartbeat_at = RunStatus.FAILED, now, now
            run.error = _("后台任务中断（已尝试 %(n)d 次），已自动标记失败，请重新生成。") % {
                "n": run.attempts
            }
            run.save(update_fields=["status", "finished_at", "error", "heartbeat_at"])
            failed += 1
            continue
        run.status, run.progress, run.heartbeat_at = RunStatus.QUEUED, 0, now
        run.save(update_fields=["status", "progress", "heartbeat_at"])
        _enqueue(run)
        requeued += 1
    return requeued, failed
