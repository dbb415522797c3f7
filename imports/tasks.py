"""Background application of a previewed import (imports/services.py `import_apply`), and the
daily removal of uploaded files past the district's retention period."""

from celery import shared_task

from accounts.models import User

from .models import ImportRun
from .services import import_apply, import_files_expire


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_apply_task(run_id: int, actor_id: int) -> str:
    """Safe to run twice: `import_apply` does nothing for a run already applied or failed, and
    a killed worker wrote nothing (one transaction), so its redelivered message starts over."""
    run = ImportRun.objects.get(pk=run_id)
    actor = User.objects.get(pk=actor_id)
    return import_apply(run=run, actor=actor).status


@shared_task(
    name="imports.tasks.remove_expired_import_files", acks_late=True, reject_on_worker_lost=True
)
def remove_expired_import_files() -> int:
    """Daily (CELERY_BEAT_SCHEDULE). Safe to run twice: a removed file is marked on its run."""
    return import_files_expire()
