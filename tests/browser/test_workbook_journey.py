import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import RunStatus, WorkbookRun
from tests.browser.conftest import login
from tests.reports.test_workbook import BLOCK_SHEETS, assert_totals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_builds_the_workbook_and_downloads_it(live_server, world, desktop):
    page = desktop
    login(page, live_server, "district")
    page.goto(f"{live_server.url}/reports/workbook/")
    expect(page.get_by_role("heading", name="统计报表工作簿")).to_be_visible()
    # The date defaults to today; the scope to the whole district.
    page.get_by_role("button", name="生成工作簿").click()
    page.wait_for_url("**/reports/workbook/*/")
    link = page.get_by_role("link", name="下载 Excel")
    expect(link).to_be_visible()
    expect(page.locator('[data-role="percent"]')).to_have_text("100%")
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    with open(info.value.path(), "rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    for title in BLOCK_SHEETS:
        assert_totals(wb[title], district=True)
    run = WorkbookRun.objects.get()
    assert run.status == RunStatus.DONE and run.requested_by.username == "district"
    # Back on the list, the build is there with its download.
    page.get_by_role("link", name="全部工作簿").click()
    expect(page.get_by_role("link", name="下载")).to_be_visible()
