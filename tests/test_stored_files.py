"""Stored files (uploads, report PDFs and workbooks): encrypted at rest under names nobody can
guess, reachable only through the views that check access, keys rotated (issue 15, part 2).

These tests keep the files in a real directory (the test settings keep them in memory), so
that what is on disk can be read as an intruder would, and so that a /media/ route serving
that directory, had it come back, would find them.
"""

import datetime as dt
import importlib
import io
import re
import stat
import zipfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse
from openpyxl import Workbook

from core.storage import MAGIC
from imports.models import ImportRun
from imports.services import import_apply, import_preview
from reports.models import ReportRun, RunStatus
from tests.imports.conftest import csv_bytes, make_id_number, roster_row, upload, xlsx_bytes
from trainees.exports import roster_headers

PDF_BYTES = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
STORED_NAME = re.compile(r"(imports|reports)/\d{4}/[0-9a-f]{32}")


def _workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(["姓名", "入职日期"])
    workbook.active.append(["陆晓燕", dt.date(2016, 3, 1)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def disk(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def stored(world, disk):
    """An upload by subdistrict A's administrator (a CSV: ID numbers in clear text inside) and
    a district report with its PDF and workbook."""
    birth = dt.date(1988, 4, 2)
    id_number = make_id_number(birth)
    upload_bytes = csv_bytes([roster_headers(), roster_row(birth=birth, id_number=id_number)])
    run = import_preview(
        kind="workers",
        file=upload(upload_bytes, name="华阳路街道社工名单.csv"),
        actor=world.users.admin_a,
    )
    report = ReportRun.objects.create(
        period_kind="month",
        year=2025,
        number=6,
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 6, 30),
        as_of=dt.date(2025, 6, 30),
        status=RunStatus.DONE,
        finished_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
        requested_by=world.users.district,
    )
    workbook = _workbook()
    report.file.save("report.pdf", ContentFile(PDF_BYTES), save=False)
    report.xlsx_file.save("report.xlsx", ContentFile(workbook))
    return type(
        "Stored",
        (),
        {
            "run": run,
            "upload": upload_bytes,
            "id_number": id_number,
            "report": report,
            "workbook": workbook,
        },
    )


def _on_disk(disk: Path, name: str) -> bytes:
    return (disk / name).read_bytes()


def _download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


# --- no /media/ route, in any mode ----------------------------------------------------------


def _reload_urlconf() -> None:
    importlib.reload(importlib.import_module("config.urls"))
    clear_url_caches()


@pytest.fixture
def debug_urlconf(settings, disk):
    """The URLconf as `make run` builds it: DEBUG on, media in a real directory."""
    settings.DEBUG = True
    _reload_urlconf()
    yield
    with override_settings(DEBUG=False):
        _reload_urlconf()


def test_stored_files_are_not_served_by_path_to_anyone_even_in_debug(
    world, stored, disk, client_for, debug_urlconf
):
    names = [stored.run.file.name, stored.report.file.name, stored.report.xlsx_file.name]
    assert all((disk / name).is_file() for name in names)  # there to be served, were a route
    clients = {"anonymous": Client()} | {
        persona: client_for(user) for persona, user in vars(world.users).items()
    }
    assert "district" in clients
    for persona, client in clients.items():
        for name in names:
            response = client.get(f"/media/{name}")
            assert response.status_code == 404, (persona, name)
            assert not getattr(response, "streaming", False)


# --- encrypted at rest, decrypted on the way out ----------------------------------------------


def test_files_on_disk_hold_no_id_number_and_are_neither_spreadsheets_nor_pdfs(
    world, stored, disk, client_for
):
    assert stored.id_number in stored.upload.decode()  # the upload itself has it in clear
    upload_on_disk = _on_disk(disk, stored.run.file.name)
    text = upload_on_disk.decode("latin-1")
    assert upload_on_disk.startswith(MAGIC)
    assert stored.id_number[:14] not in text and stored.id_number[-8:] not in text
    assert "测试员".encode() not in upload_on_disk

    pdf_on_disk = _on_disk(disk, stored.report.file.name)
    xlsx_on_disk = _on_disk(disk, stored.report.xlsx_file.name)
    assert not pdf_on_disk.startswith(b"%PDF") and b"%%EOF" not in pdf_on_disk
    assert not zipfile.is_zipfile(io.BytesIO(xlsx_on_disk))

    district = client_for(world.users.district)
    assert _download(district, reverse("imports:run-file", args=[stored.run.pk])) == (stored.upload)
    report = stored.report
    assert _download(district, reverse("reports:run-download", args=[report.pk, "pdf"])) == (
        PDF_BYTES
    )
    assert _download(district, reverse("reports:run-download", args=[report.pk, "xlsx"])) == (
        stored.workbook
    )


def test_an_import_is_applied_from_the_encrypted_file(world, disk):
    data = xlsx_bytes([roster_headers(), roster_row(name="林静")])
    actor = world.users.district
    run = import_preview(kind="workers", file=upload(data), actor=actor)
    assert run.can_apply and _on_disk(disk, run.file.name).startswith(MAGIC)
    run = import_apply(run=run, actor=actor)
    assert run.status == ImportRun.Status.APPLIED and run.new_count == 1


# --- names nobody can guess -------------------------------------------------------------------


def test_stored_names_are_random_and_downloads_keep_the_readable_name(world, stored, client_for):
    again = import_preview(
        kind="workers",
        file=upload(stored.upload, name="华阳路街道社工名单.csv"),
        actor=world.users.admin_a,
    )
    names = [
        stored.run.file.name,
        again.file.name,
        stored.report.file.name,
        stored.report.xlsx_file.name,
    ]
    assert all(STORED_NAME.fullmatch(name) for name in names), names
    assert len(set(names)) == 4
    assert all("华阳" not in name and "district" not in name for name in names)

    district = client_for(world.users.district)
    response = district.get(reverse("imports:run-file", args=[again.pk]))
    assert "%E5%8D%8E%E9%98%B3%E8%B7%AF" in response["Content-Disposition"]  # 华阳路


# --- files stored before encryption, and key rotation ------------------------------------------


def test_a_file_stored_in_clear_before_encryption_still_downloads_and_rotation_encrypts_it(
    world, disk, client_for
):
    legacy = "imports/2026/05/华阳路街道名单.xlsx"  # the old, predictable name
    (disk / legacy).parent.mkdir(parents=True)
    (disk / legacy).write_bytes(b"PK\x03\x04 stored in clear")
    run = ImportRun.objects.create(
        kind="workers",
        created_by=world.users.admin_a,
        subdistrict=world.a,
        file=legacy,
        file_name="华阳路街道名单.xlsx",
        rows=1,
    )
    url = reverse("imports:run-file", args=[run.pk])
    district = client_for(world.users.district)
    assert _download(district, url) == b"PK\x03\x04 stored in clear"

    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out)
    assert "1 stored files examined, 1 rewritten." in out.getvalue()
    assert _on_disk(disk, legacy).startswith(MAGIC)
    assert _download(district, url) == b"PK\x03\x04 stored in clear"


def test_rotate_pii_key_re_encrypts_stored_files_in_place(world, stored, disk, settings):
    old_keys = list(settings.DUDAO_PII_KEYS)
    names = [stored.run.file.name, stored.report.file.name, stored.report.xlsx_file.name]
    before = {name: _on_disk(disk, name) for name in names}
    modes = {name: stat.S_IMODE((disk / name).stat().st_mode) for name in names}
    new_key = Fernet.generate_key().decode()
    settings.DUDAO_PII_KEYS = [new_key, *old_keys]

    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out)
    assert "3 stored files examined, 3 rewritten." in out.getvalue()
    for name in names:
        assert _on_disk(disk, name) != before[name]
        assert stat.S_IMODE((disk / name).stat().st_mode) == modes[name]
    leftovers = [p for p in disk.rglob("*") if p.is_file() and p.name.startswith(".rotating")]
    assert leftovers == []

    # The old key can go: every file opens with the new key alone, and no longer with the old.
    settings.DUDAO_PII_KEYS = [new_key]
    run = ImportRun.objects.get(pk=stored.run.pk)
    assert run.file.open("rb").read() == stored.upload
    report = ReportRun.objects.get(pk=stored.report.pk)
    assert report.xlsx_file.open("rb").read() == stored.workbook
    settings.DUDAO_PII_KEYS = old_keys
    with pytest.raises(ImproperlyConfigured):
        ImportRun.objects.get(pk=stored.run.pk).file.open("rb")

    # Running it again (with the new key first) changes nothing.
    settings.DUDAO_PII_KEYS = [new_key, *old_keys]
    call_command("rotate_pii_key", stdout=out)
    assert "3 stored files examined, 0 rewritten." in out.getvalue()


def test_rotation_also_works_where_files_are_not_on_a_local_disk(world, settings):
    # The test settings keep files in memory: no path, so no atomic rename.
    run = import_preview(
        kind="workers",
        file=upload(xlsx_bytes([roster_headers(), roster_row()])),
        actor=world.users.district,
    )
    content = run.file.open("rb").read()
    run.file.close()
    settings.DUDAO_PII_KEYS = [Fernet.generate_key().decode(), *settings.DUDAO_PII_KEYS]
    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out)
    assert "1 stored files examined, 1 rewritten." in out.getvalue()
    fresh = ImportRun.objects.get(pk=run.pk)
    assert fresh.file.name == run.file.name and fresh.file.open("rb").read() == content


# --- the admin site links to the access-checked views ------------------------------------------


def test_admin_pages_of_runs_link_to_the_checked_downloads(world, stored, client_for):
    district = client_for(world.users.district)
    page = district.get(reverse("admin:imports_importrun_change", args=[stored.run.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("imports:run-file", args=[stored.run.pk]) in html and "/media/" not in html
    page = district.get(reverse("admin:reports_reportrun_change", args=[stored.report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reports:run-download", args=[stored.report.pk, "pdf"]) in html
    assert "/media/" not in html
