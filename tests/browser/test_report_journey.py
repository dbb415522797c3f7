"""The district administrator asks for a year-end report, sees its progress, downloads the PDF.

Celery runs eagerly in tests, so the run page opens with the build already done: the journey
checks the progress bar at 100 % and the download link.
"""

import pytest
from playwright.sync_api import expect

from reports.models import ReportRun, RunStatus
from tests.browser.conftest import login
from tests.reports.conftest import add_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_builds_and_downloads_the_year_end_report(live_server, world, desktop):
    add_activity(world)
    page = desktop
    login(page, live_server, "district")
    page.get_by_role("link", name="报表", exact=True).click()
    page.wait_for_url("**/reports/")
    expect(page.get_by_role("heading", name="主要数据")).to_be_visible()
    page.get_by_role("link", name="生成与下载报表").click()
    page.get_by_label("报告周期").select_option("year")
    page.get_by_label("年份").fill("2025")
    page.get_by_label("期数").fill("1")
    page.get_by_role("button", name="生成报表").click()
    page.wait_for_url("**/reports/runs/*/")

    progress = page.locator("progress.report-progress")
    expect(progress).to_be_visible()
    assert progress.get_attribute("value") == "100"
    link = page.get_by_role("link", name="下载 PDF")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert info.value.suggested_filename.endswith(".pdf")
    run = ReportRun.objects.get()
    assert run.status == RunStatus.DONE and run.period_kind == "year"
