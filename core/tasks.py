from celery import shared_task

from .sweeper import runs_sweep


@shared_task(name="core.tasks.sweep_stuck_runs", acks_late=True, reject_on_worker_lost=True)
def sweep_stuck_runs() -> dict[str, int]:
    """Every five minutes (CELERY_BEAT_SCHEDULE). Idempotent: a swept run is fresh again."""
    return dict(runs_sweep())
