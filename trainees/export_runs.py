"""Roster exports in the background: asked for in a request, written by a Celery task, given to
the worker who asked, swept when stale and removed after EXPORT_FILE_HOURS.

An export of up to IMMEDIATE_ROWS rows is still written inside the request (views.py): 5,000
rows take about 0.2 s (a 104,500-row XLSX: rows 1.8 s, workbook 2.2 s at city scale), so a
subdistrict's or a committee's roster, and a whole district of Changning's size (2,090 workers),
download at once as before. A larger one would hold a web worker for seconds and end in a proxy
timeout on a slow day, so it gets a run row, a task and a progress page instead, in either
format: fetching and formatting the rows costs about the same for CSV and XLSX.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.spreadsheets import write_csv, write_xlsx
from core.storage import delete_on_commit
from core.sweeper import stale_runs

from .exports import roster_headers, roster_rows
from .filters import TraineeFilter
from .models import ExportStatus, RosterExport, Trainee
from .selectors import trainee_list

log = logging.getLogger(__name__)

IMMEDIATE_ROWS = 5_000
# An export is a copy made for one download, not a record: kept a day (PIPL art. 19),
# DUDAO_EXPORT_FILE_HOURS in settings to change it.
EXPORT_FILE_HOURS = 24


def roster_queryset(*, user: User, params: QueryDict) -> QuerySet[Trainee]:
    """The roster with the page's filters, as `user` sees it; nothing when a filter is bad."""
    filterset = TraineeFilter(params, queryset=trainee_list(user=user), user=user)
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def _params(filters: dict[str, list[str]]) -> QueryDict:
    params = QueryDict(mutable=True)
    for key, values in filters.items():
        params.setlist(key, [str(v) for v in values])
    return params


def _enqueue(export: RosterExport) -> None:
    from .tasks import build_roster_export

    transaction.on_commit(partial(build_roster_export.delay, export.pk))


@transaction.atomic
def roster_export_request(
    *, actor: User, params: QueryDict, fmt: str, full_id: bool, filename: str
) -> RosterExport:
    """A queued export of the roster with these filters, written after commit by a task."""
    now = timezone.now()
    export = RosterExport(
        requested_by=actor,
        fmt=fmt,
        full_id=full_id,
        filters={key: params.getlist(key) for key in params if key != "full_id"},
        language=translation.get_language() or settings.LANGUAGE_CODE,
        as_of=timezone.localdate(),
        filename=filename,
        heartbeat_at=now,
    )
    export.full_clean()
    export.save()
    _enqueue(export)
    return export


def _progress(export_id: int, progress: int, **fields) -> None:
    # Outside any transaction: the progress page polls it, the sweeper reads the heartbeat.
    RosterExport.objects.filter(pk=export_id).update(
        progress=progress, heartbeat_at=timezone.now(), **fields
    )


def roster_export_build(export_id: int) -> RosterExport:
    """Write the file of a queued export and store it. Idempotent.

    Only a queued export is claimed (a conditional UPDATE: two workers cannot both write it);
    a done, failed or running one is left alone (a dead "running" one is the sweeper's). Any
    exception marks the export failed with its reason. The user's rights are read again here:
    full ID numbers only if the requester still may see them.
    """
    now = timezone.now()
    claimed = RosterExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING,
        progress=1,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        error="",
    )
    export = RosterExport.objects.select_related("requested_by").get(pk=export_id)
    if not claimed:
        return export
    user = export.requested_by
    try:
        with translation.override(export.language):
            queryset = roster_queryset(user=user, params=_params(export.filters))
            total = queryset.count()
            full = export.full_id and user.sees_full_identity

            shown = [0]

            def written(n: int) -> None:
                # Written in steps of 10 %: at most ten updates whatever the size.
                percent = min(95, 5 + 90 * n // max(total, 1))
                if percent - shown[0] >= 10:
                    shown[0] = percent
                    _progress(export.pk, percent, rows=n)

            rows = roster_rows(queryset, full=full, on=export.as_of)
            headers = roster_headers(full=full)
            if export.fmt == "xlsx":
                body = write_xlsx(headers, rows, sheet_title=_("名册"), progress=written)
            else:
                body = write_csv(headers, rows)
    except Exception as exc:  # noqa: BLE001 - any failure is shown on the export's page
        log.exception("roster export %s failed", export.pk)
        RosterExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:500],
            filters={},
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        export.refresh_from_db()
        return export
    with transaction.atomic():
        export = RosterExport.objects.select_for_update().get(pk=export.pk)
        export.file.save(f"{export.pk}.{export.fmt}", ContentFile(body), save=False)
        export.status, export.progress, export.rows = ExportStatus.DONE, 100, total
        export.filters, export.finished_at = {}, timezone.now()
        export.heartbeat_at = export.finished_at
        export.save()
    return export


def get_export_for_user(user: User, pk: int) -> RosterExport:
    """The export, to the worker who asked for it only: anyone else gets a 404 (not even its
    existence is told)."""
    export = RosterExport.objects.filter(pk=pk, requested_by_id=user.pk).first()
    if export is None or not user.is_authenticated:
        raise Http404
    return export


def export_file_hours() -> int:
    return getattr(settings, "DUDAO_EXPORT_FILE_HOURS", EXPORT_FILE_HOURS)


def roster_exports_expire(*, now: dt.datetime) -> int:
    """Remove the files written more than export_file_hours() ago; the rows stay. Idempotent."""
    cutoff = now - dt.timedelta(hours=export_file_hours())
    exports = list(
        RosterExport.objects.select_for_update(skip_locked=True)
        .filter(finished_at__lt=cutoff, file_removed_at__isnull=True)
        .exclude(file="")
        .only("pk", "file")
    )
    if not exports:
        return 0
    RosterExport.objects.filter(pk__in=[e.pk for e in exports]).update(file="", file_removed_at=now)
    delete_on_commit(RosterExport._meta.get_field("file").storage, [e.file.name for e in exports])
    return len(exports)


def roster_exports_sweep(
    *, now: dt.datetime, cutoff: dt.datetime, max_attempts: int
) -> tuple[int, int]:
    """Exports whose worker died: queued again, or failed with the reason (core/sweeper.py)."""
    requeued = failed = 0
    stale = stale_runs(
        RosterExport.objects.filter(Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING)),
        cutoff,
    )
    for export in stale:
        if export.status == ExportStatus.RUNNING and export.attempts >= max_attempts:
            export.status, export.finished_at, export.filters = ExportStatus.FAILED, now, {}
            export.error = _("后台任务中断（已尝试 %(n)d 次），已自动标记失败，请重新导出。") % {
                "n": export.attempts
            }
            export.heartbeat_at = now
            export.save(update_fields=["status", "finished_at", "filters", "error", "heartbeat_at"])
            failed += 1
            continue
        export.status, export.progress, export.heartbeat_at = ExportStatus.QUEUED, 0, now
        export.save(update_fields=["status", "progress", "heartbeat_at"])
        _enqueue(export)
        requeued += 1
    return requeued, failed
