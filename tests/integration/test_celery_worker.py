"""A real Celery worker (prefork, over Redis) builds report runs, and one killed mid-build ends
retried, not stuck "running".

The worker is a separate process on the same PostgreSQL test database, so the test runs
outside a transaction (`transaction=True`) and both sides see each other's commits. Only
`make test-postgres` (scripts/with-services.sh) has a Redis server and PostgreSQL to share;
elsewhere these tests are skipped.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from time_machine import escape_hatch

from config.celery import app
from core.sweeper import SweepResult, runs_sweep
from reports.models import ReportRun, RunStatus
from reports.services import report_request

BASE_DIR = Path(django_settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
BUILD_DELAY = 4.0  # seconds the killed build sleeps before its PDF: time to kill it

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not (
            django_settings.CELERY_BROKER_URL.startswith("redis://")
            and django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        ),
        reason="needs a Redis broker and a PostgreSQL database that a worker process can "
        "share (make test-postgres starts both); the SQLite run has neither",
    ),
    pytest.mark.django_db(transaction=True),
]


def wait_for(what: str, check: Callable[[], object], *, timeout: float, log: Path) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{tail}")


def child_pids(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def ready(self) -> bool:
        return " ready." in self.log.read_text(errors="replace")

    def pool_child(self) -> int:
        (child,) = child_pids(self.process.pid)  # --concurrency=1
        return child


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    """Files written by the worker, read here: one directory for both processes."""
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def not_eager(settings) -> Iterator[None]:
    """`.delay()` in this process really sends to Redis."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        app.control.purge()  # nothing left over from an earlier test
        yield
    finally:
        app.conf.task_always_eager = before


@pytest.fixture
def start_worker(transactional_db, media_root, not_eager, tmp_path) -> Iterator[Callable]:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    database_url = (
        f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    workers: list[Worker] = []

    def start(*, build_delay: float = 0) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
            "DATABASE_URL": database_url,  # pytest-django's test_<name> database
            "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "DUDAO_TEST_MEDIA_ROOT": str(media_root),
            "DUDAO_TEST_BUILD_DELAY": str(build_delay),
            # The pinned clock of this process, for the worker (worker_app.py).
            "DUDAO_TEST_CLOCK": f"{timezone.now().isoformat()}@{escape_hatch.time.time()}",
            "PYTHONPATH": str(BASE_DIR),
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "tests.integration.worker_app",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "-n",
                    f"integration-{len(workers)}@%h",
                    "-l",
                    "info",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(process, log)
        workers.append(worker)
        wait_for("the worker to be ready", worker.ready, timeout=30, log=log)
        return worker

    try:
        yield start
    finally:
        # Before the test database is flushed: no worker may still hold a connection to it.
        for worker in workers:
            if worker.process.poll() is None:
                os.killpg(worker.process.pid, signal.SIGTERM)
                try:
                    worker.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.process.pid, signal.SIGKILL)
                    worker.process.wait(timeout=10)


def status_of(run: ReportRun) -> tuple[str, int, int]:
    return ReportRun.objects.values_list("status", "progress", "attempts").get(pk=run.pk)


def test_a_real_worker_builds_a_requested_report(world, start_worker, media_root):
    worker = start_worker()
    run = report_request(actor=world.users.district, period_kind="year", year=2025, number=1)

    wait_for(
        "the run to be built",
        lambda: status_of(run)[0] in (RunStatus.DONE, RunStatus.FAILED),
        timeout=60,
        log=worker.log,
    )
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts) == (RunStatus.DONE, 100, 1), run.error
    # Written by the worker encrypted (core/storage.py), read back here with the same keys.
    assert not (media_root / run.file.name).read_bytes().startswith(b"%PDF")
    assert run.file.open("rb").read(4) == b"%PDF"


def test_a_report_whose_worker_is_killed_mid_build_is_retried(world, start_worker, media_root):
    worker = start_worker(build_delay=BUILD_DELAY)
    run = report_request(actor=world.users.district, period_kind="year", year=2025, number=1)
    # Claimed, figures computed (40 %), now asleep before the PDF: kill the pool child, as the
    # kernel's OOM killer would.
    wait_for(
        "the build to reach the PDF",
        lambda: status_of(run)[:2] == (RunStatus.RUNNING, 40),
        timeout=60,
        log=worker.log,
    )
    os.kill(worker.pool_child(), signal.SIGKILL)
    # Acknowledged late and rejected on worker loss, the message goes back to the queue and a
    # new child receives it; finding the run "running", it leaves it alone.
    wait_for(
        "the worker to report the lost child",
        lambda: "WorkerLostError" in worker.log.read_text(errors="replace"),
        timeout=30,
        log=worker.log,
    )
    time.sleep(1)
    assert status_of(run) == (RunStatus.RUNNING, 40, 1)

    # The sweeper (every five minutes on beat, ten minutes' timeout; here two seconds) queues
    # it again, and the worker builds it.
    def swept() -> SweepResult | None:
        result = runs_sweep(stale_after=dt.timedelta(seconds=2))
        return result if result != SweepResult() else None

    result = wait_for("the sweeper to act", swept, timeout=20, log=worker.log)
    assert result == SweepResult(reports_requeued=1)
    wait_for(
        "the retried run to finish",
        lambda: status_of(run)[0] in (RunStatus.DONE, RunStatus.FAILED),
        timeout=60,
        log=worker.log,
    )
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts) == (RunStatus.DONE, 100, 2), run.error
    assert run.error == ""
    assert (media_root / run.file.name).is_file()
    assert run.file.open("rb").read(4) == b"%PDF"
    assert worker.process.poll() is None  # the worker itself lived on
