"""Large roster exports run in the background: the export buttons' URL starts the job and shows
its progress; the file, encrypted at rest, goes to the requester only, and is removed after a
day. Small exports stay immediate (tests/trainees/test_roster_scope.py)."""

import csv
import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditAction, AuditEvent
from core.storage import MAGIC
from core.sweeper import runs_sweep
from trainees.export_runs import roster_export_build
from trainees.identity import id_number_mask
from trainees.models import ExportStatus, RosterExport

pytestmark = pytest.mark.django_db


@pytest.fixture
def background(monkeypatch):
    """Every export above one row goes to the background (the real threshold is 5,000)."""
    monkeypatch.setattr("trainees.views.IMMEDIATE_ROWS", 1)


def start(client, fmt="xlsx", run=True, capture=None, **params):
    """Ask for an export; with `run`, the task runs when the request's transaction commits."""
    url = reverse("trainees:export", args=[fmt])
    if run:
        with capture(execute=True):
            response = client.get(url, params)
    else:
        response = client.get(url, params)
    assert response.status_code == 302
    export = RosterExport.objects.latest("pk")
    assert response["Location"] == reverse("trainees:export-detail", args=[export.pk])
    return export


def sheet_rows(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


def test_a_large_export_is_written_in_the_background_for_its_requester_only(
    world, client_for, background, django_capture_on_commit_callbacks
):
    client = client_for(world.users.district)
    export = start(client, capture=django_capture_on_commit_callbacks)

    page = client.get(reverse("trainees:export-detail", args=[export.pk]))
    assert page.status_code == 200
    assert "已完成" in page.content.decode() and "3 人" in page.content.decode()
    status = client.get(reverse("trainees:export-status", args=[export.pk])).json()
    download_url = reverse("trainees:export-download", args=[export.pk])
    assert (status["status"], status["progress"], status["download"]) == ("done", 100, download_url)

    response = client.get(download_url)
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    today = timezone.localdate()
    assert f"社区工作者名册-{today:%Y%m%d}.xlsx" in unquote(response["Content-Disposition"])
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0][:5] == ("姓名", "性别", "年龄", "身份证号", "手机号")
    assert sorted(r[0] for r in rows[1:]) == sorted(["陆晓燕", "顾建国", "沈丽华"])
    # Masked as the immediate export is: the last four characters of the ID number only.
    worker_row = next(r for r in rows if r[0] == "陆晓燕")
    assert worker_row[3] == id_number_mask(world.worker.id_number)

    # Encrypted at rest: no spreadsheet, no ID number on disk.
    with default_storage.open(RosterExport.objects.get().file.name, "rb") as stored:
        raw = stored.read()
    assert raw.startswith(MAGIC) and world.worker.id_number.encode() not in raw

    for other in (world.users.admin_a, world.users.leader, world.users.outsider):
        other_client = client_for(other)
        for name in (
            "trainees:export-detail",
            "trainees:export-status",
            "trainees:export-download",
        ):
            assert other_client.get(reverse(name, args=[export.pk])).status_code == 404


def test_progress_is_shown_while_the_export_waits_and_then_runs(world, client_for, background):
    client = client_for(world.users.district)
    export = start(client, run=False)  # no worker has taken it yet
    page = client.get(reverse("trainees:export-detail", args=[export.pk])).content.decode()
    assert "排队中" in page and 'data-status="queued"' in page and "report-progress.js" in page
    status = client.get(reverse("trainees:export-status", args=[export.pk])).json()
    assert (status["status"], status["progress"], status["download"]) == ("queued", 0, None)
    assert client.get(reverse("trainees:export-download", args=[export.pk])).status_code == 404

    # While a worker writes it, the page polls the figures the build writes.
    RosterExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=40)
    status = client.get(reverse("trainees:export-status", args=[export.pk])).json()
    assert (status["status_label"], status["progress"]) == ("生成中", 40)
    page = client.get(reverse("trainees:export-detail", args=[export.pk])).content.decode()
    assert 'value="40"' in page and "40%" in page
    RosterExport.objects.filter(pk=export.pk).update(status=ExportStatus.QUEUED, progress=0)

    roster_export_build(export.pk)
    roster_export_build(export.pk)  # a second delivery of the message changes nothing
    export.refresh_from_db()
    assert (export.status, export.progress, export.rows, export.attempts) == ("done", 100, 3, 1)
    assert export.filters == {}  # a search may be an ID number: not kept past the build


def test_the_export_is_audited_with_its_filters_and_applies_them_unmasked_when_asked(
    world, client_for, background, django_capture_on_commit_callbacks
):
    client = client_for(world.users.district)
    export = start(
        client,
        fmt="csv",
        capture=django_capture_on_commit_callbacks,
        subdistrict=world.a.pk,
        full_id="1",
    )
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "trainees.roster"
    assert event.changes["filters"] == {"subdistrict": str(world.a.pk)}
    assert event.changes["full_id_numbers"] is True
    body = client.get(reverse("trainees:export-download", args=[export.pk]))
    text = b"".join(body.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][2] == "出生日期"
    assert sorted(r[0] for r in rows[1:]) == sorted(["陆晓燕", "顾建国"])  # A only
    assert world.worker.id_number in text


def test_a_subdistrict_admins_export_holds_their_subdistrict_only_and_stays_masked(
    world, client_for, background, django_capture_on_commit_callbacks
):
    client = client_for(world.users.admin_a)
    export = start(client, capture=django_capture_on_commit_callbacks, full_id="1")
    response = client.get(reverse("trainees:export-download", args=[export.pk]))
    rows = sheet_rows(b"".join(response.streaming_content))
    assert {r[0] for r in rows[1:]} <= {"陆晓燕", "顾建国"}
    assert world.worker.id_number not in {r[3] for r in rows}


@pytest.mark.parametrize(
    "params",
    [
        {"subdistrict": "not-a-number"},
        {"subdistrict": "99999999999999999999"},
        {"status": "<script>"},
        {"page": "-1", "q": "\x00"},
    ],
)
def test_bad_parameters_give_an_empty_export_not_an_error(
    world, client_for, background, django_capture_on_commit_callbacks, params
):
    client = client_for(world.users.district)
    # An invalid filter makes an empty roster: small, so written at once as before (a NUL
    # character is refused as a bad request by the middleware).
    response = client.get(reverse("trainees:export", args=["xlsx"]), params)
    assert response.status_code in (200, 400)
    assert not RosterExport.objects.exists()
    assert client.get(reverse("trainees:export-detail", args=[987654])).status_code == 404
    assert client.get("/workers/exports/abc/").status_code == 404
    assert client.get("/workers/export.pdf").status_code == 404


def test_a_small_export_is_still_the_response_itself(world, client_for):
    response = client_for(world.users.district).get(reverse("trainees:export", args=["xlsx"]))
    assert response.status_code == 200 and not RosterExport.objects.exists()
    assert len(sheet_rows(response.content)) == 4


def test_the_file_is_removed_a_day_later_and_a_dead_build_is_retried_then_failed(
    world, client_for, background, django_capture_on_commit_callbacks
):
    client = client_for(world.users.district)
    export = start(client, capture=django_capture_on_commit_callbacks)
    name = RosterExport.objects.get(pk=export.pk).file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert runs_sweep(now=timezone.now() + dt.timedelta(hours=23)) == {}
    with django_capture_on_commit_callbacks(execute=True):
        swept = runs_sweep(now=timezone.now() + dt.timedelta(hours=25))
    assert swept == {"roster_exports_removed": 1}
    assert not default_storage.exists(name)
    assert client.get(reverse("trainees:export-download", args=[export.pk])).status_code == 404
    page = client.get(reverse("trainees:export-detail", args=[export.pk])).content.decode()
    assert "按保存期限删除" in page

    # A worker killed mid-build leaves the export "running": queued again, then failed.
    dead = start(client, run=False)
    RosterExport.objects.filter(pk=dead.pk).update(status=ExportStatus.RUNNING, attempts=1)
    later = timezone.now() + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert runs_sweep(now=later) == {"roster_exports_requeued": 1}
    assert len(sent) == 1
    RosterExport.objects.filter(pk=dead.pk).update(status=ExportStatus.RUNNING, attempts=2)
    assert runs_sweep(now=later + dt.timedelta(hours=1)) == {"roster_exports_failed": 1}
    dead.refresh_from_db()
    assert dead.status == "failed" and "请重新导出" in dead.error
    page = client.get(reverse("trainees:export-detail", args=[dead.pk])).content.decode()
    assert "导出失败" in page and "请重新导出" in page
