"""scripts/backup.sh and scripts/restore.sh: a backup restored into a fresh database gives the
same report figures. PostgreSQL only (`make test-postgres`): pg_dump needs a real server."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import User
from demo.seed import seed_demo
from reports.selectors import home_figures
from supervisors.selectors import coverage_board

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="backup and restore use pg_dump/pg_restore: needs DATABASE_URL on PostgreSQL "
        "(make test-postgres)",
    ),
    # The data must be committed for pg_dump, which reads through its own connection.
    pytest.mark.django_db(transaction=True),
    # An earlier transactional test may have flushed the rows of data migrations.
    pytest.mark.usefixtures("migration_data"),
]

# Run in a separate process against whichever database DATABASE_URL names: the headline
# figures of the district's home page and coverage board, and every table's row count.
FIGURES = """
import json, django
django.setup()
from django.apps import apps
from accounts.models import User
from reports.selectors import home_figures
from supervisors.selectors import coverage_board
district = User.objects.get(username="district")
print(json.dumps({
    "home": home_figures(user=district),
    "coverage": coverage_board(user=district)["totals"],
    "rows": {m._meta.label: m._default_manager.count() for m in apps.get_models()},
}, sort_keys=True, default=str))
"""


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        args, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_backup_restored_into_a_fresh_database_gives_the_same_figures(tmp_path):
    seed_demo(activity=False)
    district = User.objects.get(username="district")
    before_home = home_figures(user=district)
    before_coverage = coverage_board(user=district)["totals"]
    assert before_home["total"] > 1000 and before_coverage["covered"] > 0

    media = tmp_path / "media"
    (media / "reports" / "2026").mkdir(parents=True)
    (media / "reports" / "2026" / "district.pdf").write_bytes(b"%PDF-1.7 figures")
    backups = tmp_path / "backups"
    backups.mkdir()
    # Two older backups; with KEEP=2 only the newer of them survives this run.
    for stamp in ("20240101-000000", "20250101-000000"):
        (backups / f"dudao-{stamp}.dump").write_bytes(b"old")
        (backups / f"dudao-{stamp}-media.tar.gz").write_bytes(b"old")

    source = _url(connection.settings_dict["NAME"])
    made = _run(
        ["scripts/backup.sh", str(backups)],
        DATABASE_URL=source,
        DJANGO_MEDIA_ROOT=str(media),
        DUDAO_BACKUP_KEEP="2",
    )
    dump, tarball = made.stdout.split()
    assert sorted(p.name for p in backups.iterdir()) == sorted(
        [
            "dudao-20250101-000000.dump",
            "dudao-20250101-000000-media.tar.gz",
            Path(dump).name,
            Path(tarball).name,
        ]
    )

    restored_name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    restored = _url(restored_name)
    restored_media = tmp_path / "restored-media"
    try:
        _run(
            ["scripts/restore.sh", dump, tarball],
            DATABASE_URL=restored,
            DJANGO_MEDIA_ROOT=str(restored_media),
        )
        # Restoring over an existing database is refused.
        again = subprocess.run(
            ["scripts/restore.sh", dump],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": restored},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode != 0
        assert "must not exist yet" in again.stderr

        figures = {}
        for label, url in (("source", source), ("restored", restored)):
            out = _run(
                [sys.executable, "-c", FIGURES],
                DATABASE_URL=url,
                DJANGO_SETTINGS_MODULE="config.settings.test",
            )
            figures[label] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')

    assert figures["restored"] == figures["source"]
    assert figures["restored"]["home"] == json.loads(json.dumps(before_home, default=str))
    assert figures["restored"]["coverage"] == json.loads(json.dumps(before_coverage, default=str))
    assert figures["restored"]["rows"]["trainees.Trainee"] == before_home["total"]
    assert (restored_media / "reports" / "2026" / "district.pdf").read_bytes() == (
        b"%PDF-1.7 figures"
    )
