"""Import pages: who may use them, preview, confirm with progress, history, the kept file."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import ImportRun
from trainees.models import Trainee

from .conftest import roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _post_file(client, data: bytes, name: str = "roster.xlsx", kind: str = "workers"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("imports:upload", args=[kind]), {"file": file}, follow=True)


@pytest.mark.parametrize("persona", ["supervisor", "worker", "leader", "outsider"])
def test_roles_that_do_not_import_are_refused(world, client_for, persona, headers):
    client = client_for(getattr(world.users, persona))
    assert client.get(reverse("imports:index")).status_code == 403
    assert client.get(reverse("imports:upload", args=["workers"])).status_code == 403
    assert client.get(reverse("imports:template", args=["workers"])).status_code == 403
    assert client.get(reverse("imports:export", args=["workers"])).status_code == 403
    response = _post_file(client, xlsx_bytes([headers, roster_row()]))
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def test_upload_preview_confirm_and_progress(
    world, client_for, headers, django_capture_on_commit_callbacks
):
    client = client_for(world.users.district)
    count = Trainee.objects.count()
    response = _post_file(client, xlsx_bytes([headers, roster_row(), roster_row()]))
    assert response.status_code == 200
    run = ImportRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("imports:run-detail", args=[run.pk])
    assert "确认导入" in response.content.decode() and Trainee.objects.count() == count

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:run-apply", args=[run.pk]), follow=True)
    assert response.status_code == 200
    status = client.get(reverse("imports:run-status", args=[run.pk])).json()
    assert (status["status"], status["progress"], status["finished"], status["new"]) == (
        "applied",
        100,
        True,
        2,
    )
    assert Trainee.objects.count() == count + 2
    history = client.get(reverse("imports:index")).content.decode()
    assert "roster.xlsx" in history and "已导入" in history


def test_progress_bar_is_shown_while_applying(world, client_for, headers):
    client = client_for(world.users.district)
    _post_file(client, xlsx_bytes([headers, roster_row()]))
    run = ImportRun.objects.get()
    # Without executing on-commit callbacks the task is not run: the run stays "applying".
    client.post(reverse("imports:run-apply", args=[run.pk]))
    page = client.get(reverse("imports:run-detail", args=[run.pk])).content.decode()
    assert "<progress" in page and reverse("imports:run-status", args=[run.pk]) in page


def test_errors_are_listed_with_sheet_row_column_and_reason(world, client_for, headers):
    row = roster_row(**{"学历": "小学毕业"})
    response = _post_file(client_for(world.users.district), xlsx_bytes([headers, row]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "名册" in page and "学历" in page and "“小学毕业”不是有效的学历" in page
    assert "确认导入</button>" not in page


def test_runs_and_files_are_scoped(world, client_for, headers):
    admin_a = client_for(world.users.admin_a)
    _post_file(admin_a, xlsx_bytes([headers, roster_row()]), name="华阳.xlsx")
    run = ImportRun.objects.get()
    assert run.subdistrict == world.a
    district = client_for(world.users.district)
    file = district.get(reverse("imports:run-file", args=[run.pk]))
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"PK")
    admin_b = client_for(world.users.admin_b)
    for name in ("imports:run-detail", "imports:run-status", "imports:run-errors"):
        assert admin_b.get(reverse(name, args=[run.pk])).status_code == 404
    # The file as uploaded is the district's alone (tests/imports/test_import_original_file.py).
    assert admin_b.get(reverse("imports:run-file", args=[run.pk])).status_code == 403
    assert "华阳.xlsx" not in admin_b.get(reverse("imports:index")).content.decode()
    # Only the uploader confirms.
    district.post(reverse("imports:run-apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED


def test_export_is_scoped_and_masks_for_subdistrict_admins(world, client_for):
    response = client_for(world.users.admin_a).get(reverse("imports:export", args=["workers"]))
    sheet = load_workbook(io.BytesIO(response.content))["名册"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    names = {r[0] for r in rows if r[0]}
    assert names == {world.worker.name, world.colleague.name}
    assert all("*" in r[3] for r in rows if r[0])


def test_nav_entry_for_admins_only(world, client_for):
    assert "导入导出" in client_for(world.users.admin_a).get(reverse("home")).content.decode()
    assert "导入导出" not in client_for(world.users.leader).get(reverse("home")).content.decode()


def test_error_report_download(world, client_for, headers):
    client = client_for(world.users.district)
    _post_file(client, xlsx_bytes([headers, roster_row(**{"性别": "未知"})]))
    run = ImportRun.objects.get()
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("imports:run-errors", args=[run.pk])).content)
    ).active
    assert [c.value for c in sheet[2]][:3] == ["名册", 2, "性别"]


@pytest.mark.parametrize("kind", ["workers", "supervisors", "attendance"])
def test_every_template_downloads_and_reads_back_empty(world, client_for, kind):
    client = client_for(world.users.district)
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert "填写说明" in workbook.sheetnames and workbook["选项"].sheet_state == "hidden"
    _post_file(client, response.content, name=f"{kind}.xlsx", kind=kind)
    run = ImportRun.objects.get(kind=kind)
    assert (run.rows, run.error_count) == (0, 0), run.errors
