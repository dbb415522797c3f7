"""Writes of the import pipeline: a dry run that records the upload, then an all-or-nothing apply;
and the removal of uploaded files at the end of the district's retention period.

`import_preview` keeps the file and records what applying it would do; it writes no domain
data. `import_apply` reads the kept file again and re-checks every row against the database as
it is then (the preview may be days old), and writes everything in one transaction or nothing.
The run's own status moves to "applied" inside that same transaction, so a retried task finds
the work done and does nothing (idempotent), and re-importing the same file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import scoped_subdistrict_id
from accounts.models import User
from audit.selectors import retention_policy
from core.redact import redact_identifiers
from core.storage import delete_on_commit

from .kinds import KINDS
from .kinds.base import ImportKindBase, MappedSheet, Plan, RowError, map_sheets
from .models import ImportRun
from .readers import MAX_BYTES, FileError, cell_text, clean_cell, header_key, read_workbook

logger = logging.getLogger(__name__)

# A file where every cell is wrong can produce millions of errors; beyond this many the
# report says how many more there were (error_count keeps the true total).
MAX_STORED_ERRORS = 50_000


def mask_id_like(value: object) -> object:
    """An ID number (whole or 14+ digits of one) or a mobile inside a cell's text or a message,
    masked: the error report is kept with the run and read by others (PIPL)."""
    return redact_identifiers(value) if isinstance(value, str) else value


def _kind_for(code: str, actor: User) -> ImportKindBase:
    kind = KINDS.get(code)
    if kind is None:
        raise ValidationError(_("未知的数据类型：%(kind)s。") % {"kind": code})
    if not kind.allowed(actor):
        raise PermissionDenied(_("您的角色不能导入此类数据。"))
    return kind


def _read_upload(file) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def _drop_examples(kind: ImportKindBase, sheets: list[MappedSheet], actor: User) -> int:
    """Rows equal to the template's example row are left out (people forget to delete it)."""
    examples = kind.example_rows(actor)
    dropped = 0
    for sheet in sheets:
        example = examples.get(sheet.table.key)
        if not example:
            continue
        by_key = {
            column.key: header_key(cell_text(clean_cell(value)))
            for column, value in zip(sheet.table.columns, example, strict=True)
        }
        kept = []
        for number, row in sheet.rows:
            if all(header_key(cell_text(row.get(key))) == by_key[key] for key in sheet.headers):
                dropped += 1
            else:
                kept.append((number, row))
        sheet.rows = kept
    return dropped


def _make_plan(
    kind: ImportKindBase,
    data: bytes,
    file_name: str,
    actor: User,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    try:
        sheets = read_workbook(data, file_name)
    except FileError as exc:
        return Plan(errors=[RowError("", None, "", str(exc), code="file")])
    try:
        mapped, errors = map_sheets(sheets, kind.tables)
        skipped = _drop_examples(kind, mapped, actor)
        plan = kind.plan(mapped, actor=actor, progress=progress or (lambda done, total: None))
    except Exception:
        # A defect of ours must not leave the uploader with a server error page: the file is
        # kept with the run, so the failure can be reproduced from the log and the file.
        logger.exception("import plan failed: kind=%s file=%r", kind.code, file_name)
        return Plan(
            errors=[
                RowError(
                    "",
                    None,
                    "",
                    _("处理文件时出现意外错误，未写入任何数据。请联系系统管理员并提供此文件。"),
                    code="internal",
                )
            ]
        )
    plan.errors = errors + plan.errors
    plan.skipped = skipped
    return plan


def _record(run: ImportRun, plan: Plan) -> None:
    run.rows = plan.rows
    run.new_count = plan.new
    run.changed_count = plan.changed
    run.unchanged_count = plan.unchanged
    run.error_count = len(plan.errors)
    run.errors = [
        {k: mask_id_like(v) for k, v in e.as_dict().items()}
        for e in plan.errors[:MAX_STORED_ERRORS]
    ]
    run.warnings = [
        {k: mask_id_like(v) for k, v in e.as_dict().items()}
        for e in plan.warnings[:MAX_STORED_ERRORS]
    ]
    run.changes = plan.changes


def import_preview(*, kind: str, file, actor: User, file_name: str = "") -> ImportRun:
    """A dry run: keep the file, count new/changed/unchanged rows and list every error.

    Writes the ImportRun (and its file) only; no worker, supervisor or attendance is changed.
    """
    import_kind = _kind_for(kind, actor)
    data = _read_upload(file)
    name = os.path.basename(file_name or getattr(file, "name", "") or "upload")[:200]
    run = ImportRun(
        kind=kind,
        created_by=actor,
        subdistrict_id=scoped_subdistrict_id(actor),
        file_name=name,
    )
    run.file.save(name, ContentFile(data), save=False)
    plan = _make_plan(import_kind, data, name, actor)
    _record(run, plan)
    if plan.skipped:
        run.message = _("已跳过模板中的示例行 %(n)d 行。") % {"n": plan.skipped}
    run.save()
    return run


def _require_owner(run: ImportRun, actor: User) -> ImportKindBase:
    kind = _kind_for(run.kind, actor)
    if run.created_by_id != actor.pk:
        raise PermissionDenied(_("只有上传该文件的用户可以确认导入。"))
    return kind


@transaction.atomic
def import_apply_start(*, run: ImportRun, actor: User) -> ImportRun:
    """Mark the run as applying and hand it to the worker once this transaction commits."""
    from .tasks import import_apply_task

    _require_owner(run, actor)
    if not run.can_apply:
        if run.error_count:
            raise ValidationError(_("文件中有错误，请修正全部错误后重新上传。"))
        if run.status != ImportRun.Status.PREVIEWED:
            return run  # a second click: the first one is already being applied
        if run.file_removed_at is not None:
            raise ValidationError(_("原文件已按保存期限删除，不能再导入，请重新上传。"))
        raise ValidationError(_("文件中没有可导入的数据行。"))
    # The file must still be there: import_files_expire may have removed it since the page
    # was shown (it marks the run under a row lock, which this update waits for).
    claimed = ImportRun.objects.filter(
        pk=run.pk, status=ImportRun.Status.PREVIEWED, file_removed_at__isnull=True
    ).update(status=ImportRun.Status.APPLYING, progress=1, heartbeat_at=timezone.now())
    if claimed:
        transaction.on_commit(lambda: import_apply_task.delay(run.pk, actor.pk))
    run.refresh_from_db()
    if not claimed and run.file_removed_at is not None:
        raise ValidationError(_("原文件已按保存期限删除，不能再导入，请重新上传。"))
    return run


def import_apply(*, run: ImportRun, actor: User) -> ImportRun:
    """Apply a previewed run all or nothing. Idempotent: an applied or failed run is returned as is.

    Progress (0–100) is committed while the rows are re-checked, outside the write
    transaction, so that the status page can show it; the writes then happen in one
    transaction together with the run's "applied" status.

    A run still "applying" is claimed again (Celery redelivers the message of a killed
    worker), but only DUDAO_RUN_MAX_ATTEMPTS times in all: a file that kills the worker every
    time is not retried forever, and the sweeper (core/sweeper.py) then marks it failed.
    """
    kind = _require_owner(run, actor)
    claimable = [ImportRun.Status.PREVIEWED, ImportRun.Status.APPLYING]
    claimed = ImportRun.objects.filter(
        pk=run.pk,
        status__in=claimable,
        error_count=0,
        attempts__lt=settings.DUDAO_RUN_MAX_ATTEMPTS,
        file_removed_at__isnull=True,
    ).update(
        status=ImportRun.Status.APPLYING,
        progress=2,
        attempts=F("attempts") + 1,
        heartbeat_at=timezone.now(),
    )
    run.refresh_from_db()
    if not claimed:
        return run

    def progress(done: int, total: int) -> None:
        percent = 10 + (70 * done) // max(total, 1)
        ImportRun.objects.filter(pk=run.pk).update(
            progress=min(percent, 80), heartbeat_at=timezone.now()
        )

    run.file.open("rb")
    try:
        data = run.file.read()
    finally:
        run.file.close()
    ImportRun.objects.filter(pk=run.pk).update(progress=10, heartbeat_at=timezone.now())
    plan = _make_plan(kind, data, run.file_name, actor, progress)
    if plan.errors:
        return _fail(
            run, plan, _("确认导入时重新校验发现错误（数据可能在预览后有变化），未写入任何数据。")
        )
    ImportRun.objects.filter(pk=run.pk).update(progress=80, heartbeat_at=timezone.now())
    try:
        with transaction.atomic():
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            if locked.status != ImportRun.Status.APPLYING:
                return locked  # another worker finished it meanwhile
            kind.write(plan, actor=actor, note=_("导入：%(file)s") % {"file": run.file_name})
            _record(locked, plan)
            locked.status = ImportRun.Status.APPLIED
            locked.progress = 100
            locked.applied_at = timezone.now()
            locked.applied_by = actor
            locked.message = ""
            locked.save()
    except ValidationError as exc:
        return _fail(run, plan, " ".join(exc.messages))
    except DatabaseError:
        logger.exception("import apply failed: run=%s", run.pk)
        return _fail(run, plan, _("写入数据库时出错，已全部撤销，未写入任何数据。请稍后重试。"))
    run.refresh_from_db()
    return run


def _fail(run: ImportRun, plan: Plan, message: str) -> ImportRun:
    _record(run, plan)
    run.status = ImportRun.Status.FAILED
    run.progress = 100
    run.message = message[:300]
    run.save()
    return run


@transaction.atomic
def import_files_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the uploaded files older than the district's retention period; return how many.

    The runs stay, with their counts and (masked) error reports, marked with when the file was
    removed and the period then in force, which their page states. A run being applied is
    passed over (its file is being read) and its file removed on a later day. Idempotent.
    """
    now = now or timezone.now()
    days = retention_policy().import_file_days
    runs = list(
        ImportRun.objects.select_for_update(skip_locked=True)
        .filter(created_at__lt=now - dt.timedelta(days=days), file_removed_at__isnull=True)
        .exclude(status=ImportRun.Status.APPLYING)
        .exclude(file="")
        .only("pk", "file")
    )
    if not runs:
        return 0
    ImportRun.objects.filter(pk__in=[run.pk for run in runs]).update(
        file="", file_removed_at=now, file_kept_days=days
    )
    delete_on_commit(ImportRun._meta.get_field("file").storage, [run.file.name for run in runs])
    logger.info("removed %d uploaded import files kept over %d days", len(runs), days)
    return len(runs)
