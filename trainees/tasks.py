"""The daily refresh of workers' own columns from their history (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .history import sync_due


@shared_task
def apply_dated_changes() -> int:
    """Changes dated ahead (a leave from next Monday, a transfer from the 1st) reach the
    worker's own columns — lists, scoping — on their day; figures read the periods anyway.
    Looks a week back, so a missed night catches up. Returns the workers updated."""
    return sync_due()


@shared_task(acks_late=True, reject_on_worker_lost=True, name="trainees.tasks.build_roster_export")
def build_roster_export(export_id: int) -> str:
    """Write one roster export. Safe to run twice: one done or being written is left alone;
    a failure is recorded on the export (shown to the user), so the task does not raise."""
    from .export_runs import roster_export_build

    return roster_export_build(export_id).status
