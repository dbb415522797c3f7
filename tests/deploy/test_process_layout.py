"""deploy/: the gunicorn configuration serves the app and keeps personal data out of its log;
the Procfile and the systemd units describe the same three processes."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_app_and_logs_paths_without_query_strings(tmp_path):
    port = _free_port()
    log = tmp_path / "access.log"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": str(log),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/accounts/login/?next=/workers/%3Fq%3D13800138000"
        request = urllib.request.Request(url, headers={"X-Real-IP": "203.0.113.7"})
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer")
        assert "登录督导系统" in body
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    line = log.read_text().strip().splitlines()[-1]
    assert line.startswith("203.0.113.7 ")
    assert '"GET /accounts/login/ HTTP/1.1" 200' in line
    assert "13800138000" not in line, line
    assert re.search(r" \d+ms$", line), line


def _procfile() -> dict[str, str]:
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def test_the_procfile_and_the_systemd_units_run_the_same_processes():
    processes = _procfile()
    assert processes["web"].startswith("gunicorn config.wsgi -c deploy/gunicorn.conf.py")
    # Reports and imports run niced in both layouts, so pages keep the CPU under load.
    assert processes["worker"].startswith("nice -n 10 celery -A config worker")
    worker_unit = (DEPLOY / "systemd" / "dudao-worker.service").read_text()
    assert re.search(r"^Nice=10$", worker_unit, flags=re.M)
    assert processes["beat"].startswith("celery -A config beat")
    units = {
        "web": "gunicorn config.wsgi -c deploy/gunicorn.conf.py",
        "worker": "celery -A config worker",
        "beat": "celery -A config beat",
    }
    for name, command in units.items():
        unit = (DEPLOY / "systemd" / f"dudao-{name}.service").read_text()
        assert "EnvironmentFile=/etc/dudao/env" in unit
        assert f"ExecStart=/srv/dudao/.venv/bin/{command}" in unit
    # A task whose worker dies is redelivered, not lost (issue 8, background work).
    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert "--prefetch-multiplier=1" in processes["worker"]


def test_the_example_environment_names_every_setting_production_requires():
    example = (DEPLOY / "env.example").read_text()
    names = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, flags=re.M))
    required = {
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "DJANGO_MEDIA_ROOT",
    }
    assert required <= names
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in example
