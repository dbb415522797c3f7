"""The sweeper (core/sweeper.py): a run whose worker died ends retried or failed, never stuck.

A worker killed mid-build is simulated by an exception that `report_build` and `import_apply`
do not catch (like SIGKILL, it skips their failure handling): the run is left exactly as a
dead worker leaves it, "running" or "applying" with its last heartbeat. Eager Celery builds a
re-queued run as soon as the sweep commits.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from core.sweeper import SweepResult, runs_sweep
from imports.models import ImportRun
from imports.services import import_apply, import_apply_start, import_preview
from reports.models import ReportRun, RunStatus
from reports.services import report_build, report_request
from tests.imports.conftest import roster_row, upload, xlsx_bytes
from trainees.exports import roster_headers
from trainees.models import Trainee

LATER = dt.timedelta(minutes=11)  # past DUDAO_RUN_STALE_MINUTES (10)


class WorkerKilled(BaseException):
    """Stands for SIGKILL: no `except Exception` in the build sees it."""


def die(*args, **kwargs):
    raise WorkerKilled


@pytest.fixture
def queued_run(world, django_capture_on_commit_callbacks) -> ReportRun:
    # The request's message is not delivered: the test plays the worker.
    with django_capture_on_commit_callbacks(execute=False):
        return report_request(actor=world.users.district, period_kind="year", year=2025, number=1)


def killed_mid_build(run: ReportRun, monkeypatch) -> ReportRun:
    monkeypatch.setattr("reports.pdf.render_pdf", die)
    with pytest.raises(WorkerKilled):
        report_build(run.pk)
    run.refresh_from_db()
    assert (run.status, run.progress) == (RunStatus.RUNNING, 40)
    return run


def test_a_report_killed_mid_build_is_retried_once_then_failed(
    queued_run, monkeypatch, django_capture_on_commit_callbacks
):
    run = killed_mid_build(queued_run, monkeypatch)
    assert run.attempts == 1
    # Ten minutes later the sweeper queues it again; the retry is killed too.
    with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
        runs_sweep(now=timezone.now() + LATER)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 2)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        result = runs_sweep(now=timezone.now() + LATER)
    assert result == SweepResult(reports_failed=1) and sent == []
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.error == "后台任务中断（已尝试 2 次），已自动标记失败，请重新生成。"
    assert run.is_finished


def test_a_report_killed_once_is_built_by_the_retry(
    queued_run, monkeypatch, django_capture_on_commit_callbacks
):
    run = killed_mid_build(queued_run, monkeypatch)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        result = runs_sweep(now=timezone.now() + LATER)
    assert result == SweepResult(reports_requeued=1)
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts, run.error) == (RunStatus.DONE, 100, 2, "")
    assert run.file.open("rb").read(4) == b"%PDF"


def test_a_running_report_with_a_recent_heartbeat_is_left_alone(
    queued_run, monkeypatch, django_capture_on_commit_callbacks
):
    run = killed_mid_build(queued_run, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        result = runs_sweep(now=timezone.now() + dt.timedelta(minutes=9))
    assert result == SweepResult() and sent == []
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts) == (RunStatus.RUNNING, 40, 1)


def test_done_and_failed_reports_are_left_alone(
    queued_run, monkeypatch, django_capture_on_commit_callbacks
):
    done = ReportRun.objects.get(pk=report_build(queued_run.pk).pk)
    assert done.status == RunStatus.DONE
    failed = ReportRun.objects.create(
        period_kind="year",
        year=2024,
        number=1,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        as_of=dt.date(2024, 12, 31),
        status=RunStatus.FAILED,
        error="字体缺失",
        attempts=1,
    )
    with django_capture_on_commit_callbacks(execute=True) as sent:
        result = runs_sweep(now=timezone.now() + dt.timedelta(days=30))
    assert result == SweepResult() and sent == []
    assert ReportRun.objects.get(pk=done.pk).status == RunStatus.DONE
    failed.refresh_from_db()
    assert (failed.status, failed.error) == (RunStatus.FAILED, "字体缺失")


def test_a_queued_report_whose_message_was_lost_is_sent_again(
    queued_run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = runs_sweep(now=timezone.now() + LATER)
    assert result == SweepResult(reports_requeued=1)
    queued_run.refresh_from_db()
    # Never started before, so the lost message did not count as an attempt.
    assert (queued_run.status, queued_run.attempts) == (RunStatus.DONE, 1)


@pytest.fixture
def applying_import(world, django_capture_on_commit_callbacks) -> ImportRun:
    rows = [roster_row(name=f"新人{i}") for i in range(3)]
    data = xlsx_bytes([roster_headers(), *rows])
    district = world.users.district
    run = import_preview(kind="workers", file=upload(data), actor=district)
    assert run.can_apply
    with django_capture_on_commit_callbacks(execute=False):
        return import_apply_start(run=run, actor=district)


def test_an_import_killed_mid_apply_is_retried_once_then_failed_having_written_nothing(
    applying_import, world, monkeypatch, django_capture_on_commit_callbacks
):
    count = Trainee.objects.count()
    monkeypatch.setattr("imports.kinds.workers.WorkersKind.write", die)
    with pytest.raises(WorkerKilled):
        import_apply(run=applying_import, actor=world.users.district)
    run = ImportRun.objects.get(pk=applying_import.pk)
    assert (run.status, run.attempts) == (ImportRun.Status.APPLYING, 1)
    with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
        assert runs_sweep(now=timezone.now() + LATER) == SweepResult(imports_requeued=1)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ImportRun.Status.APPLYING, 2)
    # Redelivered once more, the message finds its attempts spent and does nothing.
    assert import_apply(run=run, actor=world.users.district).attempts == 2
    assert runs_sweep(now=timezone.now() + LATER) == SweepResult(imports_failed=1)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.is_finished
    assert run.message.startswith("后台任务中断（已尝试 2 次），已自动标记失败，未写入任何数据")
    assert Trainee.objects.count() == count


def test_an_import_killed_once_is_applied_by_the_retry(
    applying_import, world, monkeypatch, django_capture_on_commit_callbacks
):
    count = Trainee.objects.count()
    monkeypatch.setattr("imports.kinds.workers.WorkersKind.write", die)
    with pytest.raises(WorkerKilled):
        import_apply(run=applying_import, actor=world.users.district)
    monkeypatch.undo()
    assert runs_sweep(now=timezone.now() + dt.timedelta(minutes=5)) == SweepResult()
    with django_capture_on_commit_callbacks(execute=True):
        assert runs_sweep(now=timezone.now() + LATER) == SweepResult(imports_requeued=1)
    run = ImportRun.objects.get(pk=applying_import.pk)
    assert (run.status, run.attempts) == (ImportRun.Status.APPLIED, 2)
    assert Trainee.objects.count() == count + 3


def test_sweep_runs_command(queued_run, monkeypatch, django_capture_on_commit_callbacks, capsys):
    killed_mid_build(queued_run, monkeypatch)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_runs", "--stale-minutes", "0")
    assert "reports: 1 queued again, 0 failed" in capsys.readouterr().out
    assert ReportRun.objects.get().status == RunStatus.DONE


def test_every_task_is_acknowledged_late_and_requeued_on_worker_loss(settings):
    app.loader.import_default_modules()  # autodiscovery, as a worker starts
    tasks = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "core.tasks.sweep_stuck_runs" in tasks and "reports.tasks.build_report" in tasks
    for name, task in tasks.items():
        assert task.acks_late and task.reject_on_worker_lost, name
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(tasks)
    assert "core.tasks.sweep_stuck_runs" in scheduled
