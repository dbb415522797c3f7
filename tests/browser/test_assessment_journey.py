"""The yearly assessment end to end (issue 14, item 1): the district opens the 2025 round, a
subdistrict office enters its results in one POST (and is held to its 优秀 quota), the district
locks the round after the confirmation step, and the worker's page shows the result."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from trainees.assessments.models import Assessment, AssessmentResult, AssessmentRound
from trainees.assessments.services import Entry, results_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025


def test_a_round_from_opening_to_the_workers_page(live_server, world, desktop, browser):
    page = desktop
    # The district opens the round from the list.
    login(page, live_server, "district")
    page.goto(f"{live_server.url}/workers/assessments/")
    opening = page.get_by_role("region", name="发起年度考核")
    opening.get_by_role("spinbutton", name="年度").fill(str(YEAR))
    opening.get_by_label("优秀比例（%）").fill("15")
    opening.get_by_role("button", name="发起").click()
    page.wait_for_url(f"**/workers/assessments/{YEAR}/")
    expect(page.get_by_text(f"已发起 {YEAR} 年度考核。")).to_be_visible()
    round_ = AssessmentRound.objects.get(year=YEAR)
    assert not round_.is_locked and round_.opened_by == world.users.district

    # 华阳路街道's office enters its two workers on one page, one POST. Two workers at 15%
    # allow no 优秀 (15 × 2 ÷ 100, rounded down): the page says so and saves nothing.
    office_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    office = office_context.new_page()
    try:
        login(office, live_server, "admin_a")
        office.goto(f"{live_server.url}/workers/assessments/{YEAR}/")
        # Only the office's own workers are on its page.
        expect(office.get_by_role("link", name="沈丽华")).to_have_count(0)
        office.get_by_label("陆晓燕的考核结果").select_option(label="优秀")
        office.get_by_label("顾建国的考核结果").select_option(label="合格")
        office.get_by_label("顾建国的备注").fill("全年在岗")
        office.get_by_role("button", name="保存本页").click()
        expect(office.get_by_role("alert").filter(has_text="优秀名额为 0 人")).to_be_visible()
        assert not Assessment.objects.exists()
        # The office fixes the result and saves again.
        office.get_by_label("陆晓燕的考核结果").select_option(label="合格")
        office.get_by_role("button", name="保存本页").click()
        expect(office.get_by_text("已保存 2 条考核结果。")).to_be_visible()
    finally:
        office_context.close()
    assert dict(Assessment.objects.values_list("trainee__name", "result")) == {
        "陆晓燕": AssessmentResult.COMPETENT,
        "顾建国": AssessmentResult.COMPETENT,
    }
    assert Assessment.objects.get(trainee=world.colleague).note == "全年在岗"
    # 新泾镇's office enters its own worker (its journey is the same one).
    results_set(
        round_=round_,
        entries=[Entry(trainee_id=world.worker_b.pk, result=AssessmentResult.BASIC)],
        actor=world.users.admin_b,
    )
    assert Assessment.objects.count() == 3

    # The district locks the round, through the confirmation page.
    page.goto(f"{live_server.url}/workers/assessments/{YEAR}/")
    page.get_by_role("link", name="确认并锁定").click()
    page.wait_for_url(f"**/workers/assessments/{YEAR}/lock/")
    expect(page.get_by_text(f"确认锁定 {YEAR} 年度考核？")).to_be_visible()
    assert not AssessmentRound.objects.get(year=YEAR).is_locked  # nothing happens on a GET
    page.get_by_role("button", name="确认锁定").click()
    page.wait_for_url(f"**/workers/assessments/{YEAR}/")
    expect(page.get_by_text(f"{YEAR} 年度考核已锁定。")).to_be_visible()
    round_.refresh_from_db()
    assert round_.is_locked and round_.locked_by == world.users.district

    # Read-only now: no selects, no save button, the results as text; unlocking is offered.
    expect(page.get_by_text("本年度考核已锁定，结果只读。")).to_be_visible()
    expect(page.locator("select[name^=result_]")).to_have_count(0)
    expect(page.get_by_role("button", name="保存本页")).to_have_count(0)
    expect(page.get_by_role("link", name="确认并锁定")).to_have_count(0)
    expect(page.get_by_role("link", name="解锁")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="陆晓燕"))
    expect(row).to_contain_text("合格")

    # The worker's page shows the result in its 年度考核 section, locked (no "未锁定").
    page.get_by_role("link", name="陆晓燕").click()
    page.wait_for_url(re.compile(rf"/workers/{world.worker.pk}/$"))
    section = page.locator("section").filter(
        has=page.get_by_role("heading", name="年度考核", exact=True)
    )
    expect(section.get_by_role("row").filter(has_text=str(YEAR))).to_contain_text("合格")
    expect(section).to_contain_text("华阳路街道")
    expect(section.get_by_text("未锁定")).to_have_count(0)
