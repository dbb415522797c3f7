"""Background builds of report runs."""

from celery import shared_task

from .services import report_build


@shared_task(acks_late=True, reject_on_worker_lost=True, name="reports.tasks.build_report")
def build_report(run_id: int) -> str:
    """Build one run. Safe to run twice: a run already done or being built is left alone.

    `report_build` records any failure on the run (status failed, the reason), so the task
    itself does not raise and is not retried automatically: the user sees why and retries.
    A worker killed mid-build leaves the run "running"; the sweeper (config/sweeper.py)
    queues it again or fails it.
    """
    return report_build(run_id).status
