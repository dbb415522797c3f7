"""Background builds of report runs, and the daily removal of their files past the district's
retention period."""

from celery import shared_task

from .services import report_build, report_files_expire
from .snapshots import report_snapshots_refresh


@shared_task(acks_late=True, reject_on_worker_lost=True, name="reports.tasks.build_report")
def build_report(run_id: int) -> str:
    """Build one run. Safe to run twice: a run already done or being built is left alone.

    `report_build` records any failure on the run (status failed, the reason), so the task
    itself does not raise and is not retried automatically: the user sees why and retries.
    A worker killed mid-build leaves the run "running"; the sweeper (core/sweeper.py)
    queues it again or fails it.
    """
    return report_build(run_id).status


@shared_task(
    name="reports.tasks.remove_expired_report_files", acks_late=True, reject_on_worker_lost=True
)
def remove_expired_report_files() -> int:
    """Daily (CELERY_BEAT_SCHEDULE). Safe to run twice: removed files are marked on their run."""
    return report_files_expire()


@shared_task(
    name="reports.tasks.refresh_report_snapshots", acks_late=True, reject_on_worker_lost=True
)
def refresh_report_snapshots() -> int:
    """After writes dropped snapshots (reports/snapshots.py, queued once per burst): compute
    again the dashboards opened first, so that the next reader does not pay for them. Safe to
    run twice: a snapshot still there is read, not computed."""
    return report_snapshots_refresh()


@shared_task(acks_late=True, reject_on_worker_lost=True, name="reports.tasks.build_workbook")
def build_workbook(run_id: int) -> str:
    """Build one fixed-format workbook (reports/workbook/). Safe to run twice: a run already
    done or being built is left alone; a failure is recorded on the run, not raised."""
    from .workbook.services import workbook_build

    return workbook_build(run_id).status
