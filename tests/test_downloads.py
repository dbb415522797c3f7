"""Stored files leave through nginx in production (X-Accel-Redirect) and through Django
locally, and either way only to someone allowed to have them (config/downloads.py)."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from imports.models import ImportRun
from reports.models import ReportRun, RunStatus

XLSX_BYTES = b"PK\x03\x04 a spreadsheet"


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


def test_behind_nginx_the_file_is_handed_over_with_an_encoded_path(
    world, client_for, import_run, settings
):
    settings.DUDAO_X_ACCEL_REDIRECT = True
    response = client_for(world.users.admin_a).get(
        reverse("imports:run-file", args=[import_run.pk])
    )
    assert response.status_code == 200
    assert response.content == b""  # nginx sends the body
    path = response["X-Accel-Redirect"]
    assert path.isascii() and path.startswith("/media/imports/")
    assert unquote(path) == f"/media/{import_run.file.name}"
    assert "华阳路街道社工名单" in unquote(response["Content-Disposition"])
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_without_nginx_django_sends_the_file(world, client_for, import_run, report_run):
    response = client_for(world.users.admin_a).get(
        reverse("imports:run-file", args=[import_run.pk])
    )
    assert b"".join(response.streaming_content) == XLSX_BYTES
    assert "X-Accel-Redirect" not in response
    pdf = client_for(world.users.district).get(
        reverse("reports:run-download", args=[report_run.pk, "pdf"])
    )
    assert b"".join(pdf.streaming_content) == b"%PDF-1.7 report"


@pytest.mark.parametrize("accel", [True, False])
def test_no_handover_to_someone_out_of_scope(
    world, client_for, import_run, report_run, settings, accel
):
    settings.DUDAO_X_ACCEL_REDIRECT = accel
    other_office = client_for(world.users.admin_b)
    refused = other_office.get(reverse("imports:run-file", args=[import_run.pk]))
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused
    worker = client_for(world.users.worker).get(
        reverse("reports:run-download", args=[report_run.pk, "pdf"])
    )
    assert worker.status_code in (403, 404)
    assert "X-Accel-Redirect" not in worker


def test_report_pdf_handover_names_the_stored_file(world, client_for, report_run, settings):
    settings.DUDAO_X_ACCEL_REDIRECT = True
    response = client_for(world.users.district).get(
        reverse("reports:run-download", args=[report_run.pk, "pdf"])
    )
    assert unquote(response["X-Accel-Redirect"]) == f"/media/{report_run.file.name}"
    assert response["Content-Type"] == "application/pdf"
