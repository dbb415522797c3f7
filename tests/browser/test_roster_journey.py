import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subdistrict_admin_filters_the_roster_and_opens_a_worker(live_server, world, desktop):
    page = desktop
    login(page, live_server, "admin_a")
    page.get_by_role("link", name="社区工作者").first.click()
    page.wait_for_url("**/workers/**")
    # B's worker never appears for A's administrator.
    assert page.get_by_text("沈丽华").count() == 0
    page.get_by_label("搜索").fill("晓燕")
    page.get_by_role("button", name="筛选").click()
    assert page.get_by_role("link", name="顾建国").count() == 0
    page.get_by_role("link", name="陆晓燕").click()
    page.wait_for_url(f"**/workers/{world.worker.pk}/")
    expect(page.get_by_role("heading", name="陆晓燕")).to_be_visible()
    # Masked for a subdistrict administrator: the last four characters, and an age for the
    # birth date (digits 7–14 of the number).
    expect(page.get_by_text("*" * 14 + world.worker.id_number[-4:])).to_be_visible()
    expect(page.get_by_text("年龄", exact=True)).to_be_visible()
    assert page.get_by_text("1988年5月17日").count() == 0


def test_roster_fits_a_phone_screen(live_server, world, phone):
    page = phone
    login(page, live_server, "admin_a")
    page.goto(f"{live_server.url}/workers/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
