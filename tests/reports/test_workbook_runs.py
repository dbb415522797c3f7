"""The workbook page: built in the background with progress, given to its requester only,
opened by LibreOffice, scoped by role, removed a day later, swept when its worker dies."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditAction, AuditEvent
from certification.models import Level
from core.sweeper import runs_sweep
from reports.models import RunStatus, WorkbookRun
from tests.reports.test_workbook import BLOCK_SHEETS, assert_totals, book, grow, held

pytestmark = pytest.mark.django_db

LIST = "reports:workbook-list"


def ask(client, capture, *, execute: bool = True, **data):
    data = {"as_of": timezone.localdate().isoformat(), "subdistrict": "", **data}
    with capture(execute=execute):
        response = client.post(reverse(LIST), data)
    return response


def test_a_district_admin_builds_the_workbook_in_the_background_and_downloads_it(
    world, client_for, django_capture_on_commit_callbacks
):
    grow(world, 3)
    client = client_for(world.users.district)
    page = client.get(reverse(LIST)).content.decode()
    assert timezone.localdate().isoformat() in page  # the date defaults to today
    response = ask(client, django_capture_on_commit_callbacks)
    run = WorkbookRun.objects.get()
    assert response.url == reverse("reports:workbook-detail", args=[run.pk])
    assert run.status == RunStatus.DONE and run.progress == 100 and run.subdistrict is None
    status = client.get(reverse("reports:workbook-status", args=[run.pk])).json()
    assert status["progress"] == 100 and status["xlsx"]
    download = client.get(reverse("reports:workbook-download", args=[run.pk]))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    wb = book(b"".join(download.streaming_content))
    for title in BLOCK_SHEETS:
        assert_totals(wb[title], district=True)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="reports.workbook")
    assert event.actor == world.users.district
    # The list shows the user's builds, with their progress.
    page = client.get(reverse(LIST)).content.decode()
    assert reverse("reports:workbook-download", args=[run.pk]) in page


def test_progress_is_shown_while_it_waits(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.users.district)
    ask(client, django_capture_on_commit_callbacks, execute=False)
    run = WorkbookRun.objects.get()
    assert run.status == RunStatus.QUEUED
    page = client.get(reverse("reports:workbook-detail", args=[run.pk])).content.decode()
    assert "report-progress.js" in page and 'data-status="queued"' in page
    assert client.get(reverse("reports:workbook-download", args=[run.pk])).status_code == 404


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_the_workbook_opens_in_libreoffice_with_every_total_the_sum_of_its_block(
    world, tmp_path: Path
):
    from reports.workbook.services import workbook_render

    grow(world, 4)
    source = tmp_path / "workbook.xlsx"
    source.write_bytes(workbook_render(as_of=timezone.localdate(), subdistrict=None))
    out = tmp_path / "lo"
    profile = tmp_path / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    wb = load_workbook(out / source.name)
    assert wb.sheetnames == load_workbook(source).sheetnames
    for title in BLOCK_SHEETS:
        ws = wb[title]
        assert_totals(ws, district=True)
        # Frozen panes are view settings, which a headless conversion (no view) does not
        # keep; test_workbook.py reads them from the file itself.
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.print_title_rows == "$1:$3"
        assert {"A2:A3", "B2:B3", "C2:C3"} <= {str(r) for r in ws.merged_cells.ranges}


def test_a_subdistrict_office_builds_its_own_only(
    world, client_for, django_capture_on_commit_callbacks
):
    grow(world, 2)
    client = client_for(world.users.admin_a)
    # The form offers its own subdistrict only; asking for another is refused.
    response = ask(client, django_capture_on_commit_callbacks, subdistrict=world.b.pk)
    assert response.status_code == 200 and not WorkbookRun.objects.exists()
    ask(client, django_capture_on_commit_callbacks, subdistrict=world.a.pk)
    run = WorkbookRun.objects.get()
    assert run.subdistrict == world.a and run.status == RunStatus.DONE
    wb = book(
        b"".join(client.get(reverse("reports:workbook-download", args=[run.pk])).streaming_content)
    )
    for title in BLOCK_SHEETS:
        assert_totals(wb[title], district=False)
        places = {r[0] for r in wb[title].iter_rows(min_row=4, values_only=True) if r[0]}
        assert {p for p in places if not p.startswith("注")} == {world.a.name}
    # Nobody else sees it, the district included.
    for user in (world.users.admin_b, world.users.district, world.users.leader):
        other = client_for(user)
        for name in ("workbook-detail", "workbook-status", "workbook-download"):
            assert other.get(reverse(f"reports:{name}", args=[run.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["supervisor", "worker", "outsider"])
def test_supervisors_and_workers_are_refused(world, client_for, persona):
    client = client_for(getattr(world.users, persona))
    assert client.get(reverse(LIST)).status_code == 403
    assert client.post(reverse(LIST), {"as_of": "2026-01-01"}).status_code == 403
    assert not WorkbookRun.objects.exists()


def test_a_future_date_is_refused_with_a_message(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users.district)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = ask(client, django_capture_on_commit_callbacks, as_of=tomorrow.isoformat())
    assert "截至日期不能晚于今天" in response.content.decode()
    assert not WorkbookRun.objects.exists()


def test_a_requester_who_lost_the_scope_gets_a_failed_run(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users.admin_a)
    ask(client, django_capture_on_commit_callbacks, execute=False, subdistrict=world.a.pk)
    world.users.admin_a.subdistrict = world.b
    world.users.admin_a.save(update_fields=["subdistrict"])
    from reports.tasks import build_workbook

    run = WorkbookRun.objects.get()
    build_workbook(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and not run.file


def test_the_file_is_removed_a_day_later_and_a_dead_build_is_retried_then_failed(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users.district)
    ask(client, django_capture_on_commit_callbacks)
    run = WorkbookRun.objects.get()
    name = run.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert runs_sweep(now=timezone.now() + dt.timedelta(hours=23)) == {}
    with django_capture_on_commit_callbacks(execute=True):
        swept = runs_sweep(now=timezone.now() + dt.timedelta(hours=25))
    assert swept == {"workbooks_removed": 1}
    assert not default_storage.exists(name)
    assert client.get(reverse("reports:workbook-download", args=[run.pk])).status_code == 404
    page = client.get(reverse("reports:workbook-detail", args=[run.pk])).content.decode()
    assert "按保存期限删除" in page

    ask(client, django_capture_on_commit_callbacks, execute=False)
    dead = WorkbookRun.objects.exclude(pk=run.pk).get()
    WorkbookRun.objects.filter(pk=dead.pk).update(status=RunStatus.RUNNING, attempts=1)
    later = timezone.now() + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert runs_sweep(now=later) == {"workbooks_requeued": 1}
    assert len(sent) == 1
    WorkbookRun.objects.filter(pk=dead.pk).update(status=RunStatus.RUNNING, attempts=2)
    assert runs_sweep(now=later + dt.timedelta(hours=1)) == {"workbooks_failed": 1}
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "请重新生成" in dead.error
    # Retried by its requester from the page: built again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:workbook-retry", args=[dead.pk]))
    dead.refresh_from_db()
    assert dead.status == RunStatus.DONE and dead.file


def test_full_id_numbers_only_for_a_district_admin_who_asks_and_audited(
    world, client_for, django_capture_on_commit_callbacks
):
    held(world.worker, Level.objects.get(code="assistant"), timezone.localdate(), 9)
    district = client_for(world.users.district)
    assert 'name="full_id"' in district.get(reverse(LIST)).content.decode()
    ask(district, django_capture_on_commit_callbacks, full_id="on")
    run = WorkbookRun.objects.get()
    assert run.full_id
    body = b"".join(
        district.get(reverse("reports:workbook-download", args=[run.pk])).streaming_content
    )
    listed = [r for r in book(body)["证书名单"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert [r[3] for r in listed] == [world.worker.id_number]
    event = AuditEvent.objects.get(object_type="reports.workbook")
    assert event.changes["full_id_numbers"] is True

    # A subdistrict office is not offered it, and asking anyway gives the masked numbers.
    office = client_for(world.users.admin_a)
    assert 'name="full_id"' not in office.get(reverse(LIST)).content.decode()
    ask(office, django_capture_on_commit_callbacks, subdistrict=world.a.pk, full_id="on")
    run = WorkbookRun.objects.get(requested_by=world.users.admin_a)
    assert not run.full_id
    body = b"".join(
        office.get(reverse("reports:workbook-download", args=[run.pk])).streaming_content
    )
    listed = [r for r in book(body)["证书名单"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert [r[3] for r in listed] == ["*" * 14 + world.worker.id_number[-4:]]
