"""The daily refresh of workers' own columns from their history (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .history import sync_due


@shared_task
def apply_dated_changes() -> int:
    """Changes dated ahead (a leave from next Monday, a transfer from the 1st) reach the
    worker's own columns — lists, scoping — on their day; figures read the periods anyway.
    Looks a week back, so a missed night catches up. Returns the workers updated."""
    return sync_due()
