"""Stored files leave through Django, decrypted, and only to someone allowed to have them
(core/downloads.py).

Until issue 15 production handed downloads to nginx (`X-Accel-Redirect: /media/<path>`), which
sent the file from disk. The files are now encrypted at rest (core/storage.py) and nginx cannot
decrypt them, so that handover is gone: every download is streamed by the view that checked
access, in every mode, and nginx answers /media/ with 404 (deploy/nginx/dudao.conf).
"""

import datetime as dt
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from imports.models import ImportRun
from reports.models import ReportRun, RunStatus

XLSX_BYTES = b"PK\x03\x04 a spreadsheet"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def import_run(world):
    return ImportRun.objects.create(
        kind="workers",
        created_by=world.users.admin_a,
        subdistrict=world.a,
        file=ContentFile(XLSX_BYTES, name="华阳路街道社工名单.xlsx"),
        file_name="华阳路街道社工名单.xlsx",
        rows=1,
    )


@pytest.fixture
def report_run(world):
    run = ReportRun.objects.create(
        period_kind="month",
        year=2025,
        number=6,
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 6, 30),
        as_of=dt.date(2025, 6, 30),
        status=RunStatus.DONE,
        requested_by=world.users.district,
    )
    run.file.save("r.pdf", ContentFile(b"%PDF-1.7 report"))
    return run


def test_django_sends_the_file_decrypted_under_its_readable_name(
    world, client_for, import_run, report_run
):
    response = client_for(world.users.district).get(
        reverse("imports:run-file", args=[import_run.pk])
    )
    assert b"".join(response.streaming_content) == XLSX_BYTES
    assert "X-Accel-Redirect" not in response
    assert "华阳路街道社工名单.xlsx" in unquote(response["Content-Disposition"])
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # Personal data: kept in no cache on the way or in the browser.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    pdf = client_for(world.users.district).get(
        reverse("reports:run-download", args=[report_run.pk, "pdf"])
    )
    assert b"".join(pdf.streaming_content) == b"%PDF-1.7 report"
    assert pdf["Content-Type"] == "application/pdf"
    assert "长宁区-2025年6月.pdf" in unquote(pdf["Content-Disposition"])


def test_the_x_accel_handover_is_gone_even_where_production_had_it_on(
    world, client_for, import_run, settings
):
    # An old /etc/dudao/env may still say DUDAO_X_ACCEL_REDIRECT=true: it is ignored, and
    # nginx no longer has an internal /media/ location to send from.
    settings.DUDAO_X_ACCEL_REDIRECT = True
    response = client_for(world.users.district).get(
        reverse("imports:run-file", args=[import_run.pk])
    )
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == XLSX_BYTES
    nginx = (ROOT / "deploy" / "nginx" / "dudao.conf").read_text()
    assert "internal;" not in nginx and "alias /var/lib/dudao/media" not in nginx


def test_no_file_to_someone_out_of_scope(world, client_for, import_run, report_run):
    other_office = client_for(world.users.admin_b)
    refused = other_office.get(reverse("imports:run-file", args=[import_run.pk]))
    assert refused.status_code == 403  # the original file is the district's alone
    assert not getattr(refused, "streaming", False)
    worker = client_for(world.users.worker).get(
        reverse("reports:run-download", args=[report_run.pk, "pdf"])
    )
    assert worker.status_code in (403, 404)
    assert not getattr(worker, "streaming", False)
