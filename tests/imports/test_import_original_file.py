"""The file as uploaded is downloadable by district administrators only; everyone else who may
see the run gets its error report, masked (issue 15, part 5).

The upload holds full ID numbers, which the roster masks for all but the district; it used to
come back whole to any administrator of its subdistrict.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from imports.models import ImportRun
from trainees.exports import roster_headers

from .conftest import make_id_number, roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload_a(world, client_for):
    """Subdistrict A's administrator uploads a roster with one bad row (gender against the ID)."""
    birth = dt.date(1990, 5, 17)
    id_number = make_id_number(birth, "M")
    data = xlsx_bytes([roster_headers(), roster_row(birth=birth, id_number=id_number)])
    file = io.BytesIO(data)
    file.name = "华阳.xlsx"
    client_for(world.users.admin_a).post(
        reverse("imports:upload", args=["workers"]), {"file": file}
    )
    run = ImportRun.objects.get()
    assert run.error_count == 1
    return run, data, id_number


def test_the_uploader_gets_the_error_report_not_the_file(world, client_for, upload_a):
    run, _data, id_number = upload_a
    admin_a = client_for(world.users.admin_a)
    page = admin_a.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert reverse("imports:run-file", args=[run.pk]) not in page
    assert "下载原文件" not in page and reverse("imports:run-errors", args=[run.pk]) in page

    refused = admin_a.get(reverse("imports:run-file", args=[run.pk]))
    assert refused.status_code == 403
    assert "区管理员" in refused.content.decode()

    report = admin_a.get(reverse("imports:run-errors", args=[run.pk]))
    cells = [str(c.value) for row in load_workbook(io.BytesIO(report.content)).active for c in row]
    assert not any(id_number in cell for cell in cells)


@pytest.mark.parametrize("persona", ["admin_b", "leader", "supervisor", "worker"])
def test_no_other_role_gets_the_file(world, client_for, upload_a, persona):
    run, _data, _id = upload_a
    response = client_for(getattr(world.users, persona)).get(
        reverse("imports:run-file", args=[run.pk])
    )
    assert response.status_code == 403


def test_a_district_administrator_downloads_it_and_the_download_is_audited(
    world, client_for, upload_a
):
    run, data, _id = upload_a
    district = client_for(world.users.district)
    page = district.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert reverse("imports:run-file", args=[run.pk]) in page
    response = district.get(reverse("imports:run-file", args=[run.pk]))
    assert b"".join(response.streaming_content) == data
    event = AuditEvent.objects.get(object_type="imports.run-file")
    assert event.actor == world.users.district
    assert event.changes["filters"] == {"run": run.pk}
    assert event.changes["full_id_numbers"] is True
