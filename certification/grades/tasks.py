"""The grade ledger's background jobs: computing and applying a year's proposals."""

from celery import shared_task


@shared_task(acks_late=True)
def run_grade_ledger_job(ledger_id: int, actor_id: int) -> str:
    # Imported here: the services enqueue this task.
    from .services import ledger_job_run

    return ledger_job_run(ledger_id=ledger_id, actor_id=actor_id)
