"""Searchable filters (core.widgets.SearchSelect): a committee or supervisor is found by typing
part of its name and picked by keyboard on a desktop or by tapping on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.sessions.conftest import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_finds_a_committee_by_keyboard(live_server, world, desktop):
    page = desktop
    login(page, live_server, "district")
    page.goto(f"{live_server.url}/workers/")
    box = page.get_by_role("combobox", name="居委会")
    box.fill("新泾一")
    option = page.get_by_role("option", name="新泾一村居委会")
    expect(option).to_be_visible()
    expect(page.get_by_role("option", name="华一居委会")).to_have_count(0)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    box.press("Enter")  # picks; does not submit yet
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_value("新泾一村居委会")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**/workers/?*neighbourhood={world.nb.pk}*")
    expect(page.get_by_role("link", name="沈丽华")).to_be_visible()
    assert page.get_by_role("link", name="陆晓燕").count() == 0
    # The chosen committee stays in the box; emptying it means all committees again.
    box = page.get_by_role("combobox", name="居委会")
    expect(box).to_have_value("新泾一村居委会")
    box.fill("")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("link", name="陆晓燕")).to_be_visible()


def test_subdistrict_admin_is_offered_only_its_own_committees(live_server, world, desktop):
    page = desktop
    login(page, live_server, "admin_a")
    page.goto(f"{live_server.url}/workers/")
    page.get_by_role("combobox", name="居委会").fill("居委会")
    expect(page.get_by_role("option", name="华一居委会")).to_be_visible()
    expect(page.get_by_role("option", name="新泾一村居委会")).to_have_count(0)


def test_a_supervisor_is_found_and_tapped_on_a_phone(live_server, world, phone):
    make_session(world.supervisor, [world.worker])
    make_session(world.other_supervisor, [world.worker_b])
    page = phone
    login(page, live_server, "district")
    page.goto(f"{live_server.url}/sessions/")
    box = page.get_by_role("combobox", name="督导师")
    box.tap()
    box.fill("吴")
    page.get_by_role("option", name="吴督导").tap()
    expect(box).to_have_value("吴督导")
    page.get_by_role("button", name="筛选").tap()
    page.wait_for_url(f"**/sessions/?*supervisor={world.other_supervisor.pk}*")
    expect(page.get_by_role("combobox", name="督导师")).to_have_value("吴督导")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
