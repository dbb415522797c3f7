"""HR's year end after the assessment (issue 14, items 2 and 3), in the browser: the district
marks the year's certificate grants paid through the confirmation, then opens the grade
ledger, adjusts one worker with a reason and applies it; the worker's grade follows, an office
sees only its own rows and cannot act."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from certification.grants.models import GrantPayment
from tests.browser.conftest import login
from tests.certification.conftest import certify
from trainees.assessments.models import AssessmentResult
from trainees.assessments.selectors import round_placements
from trainees.assessments.services import Entry, results_set, round_lock, round_open
from trainees.history import history_change
from trainees.models import CareerGrade, ChangeKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025


def test_grants_paid_and_grades_applied(live_server, world, desktop, browser):
    grades = {
        n: CareerGrade.objects.get_or_create(level=n, defaults={"name": f"{n}级"})[0]
        for n in range(19)
    }
    for t in (world.worker, world.colleague, world.worker_b):
        history_change(
            trainee=t,
            actor=world.users.district,
            kind=ChangeKind.GRADE,
            effective_on=dt.date(2016, 1, 1),
            grade=grades[5],
            reason="定级",
        )
    certify(world.worker, "assistant", dt.date(YEAR, 6, 30))
    certify(world.worker_b, "intermediate", dt.date(YEAR, 6, 30))
    round_ = round_open(year=YEAR, excellent_share=100, actor=world.users.district)
    results = {world.worker_b.pk: AssessmentResult.BASIC}
    entries = [
        Entry(pk, results.get(pk, AssessmentResult.COMPETENT))
        for pk in round_placements(YEAR).values_list("trainee_id", flat=True)
    ]
    results_set(round_=round_, entries=entries, actor=world.users.district)
    round_lock(round_=round_, actor=world.users.district)

    page = desktop
    login(page, live_server, "district")
    # The year end's steps are tabs, reached from the menu's 年度考核.
    page.get_by_role("link", name="年度考核").first.click()
    tabs = page.get_by_role("navigation", name="年终工作")
    tabs.get_by_role("link", name="证书奖励").click()
    page.wait_for_url("**/certification/grants/**")
    expect(page.get_by_role("heading", name=f"{YEAR} 年度证书奖励")).to_be_visible()
    expect(page.get_by_text("当年考核结果未达合格")).to_be_visible()  # 沈丽华, 基本合格
    page.get_by_label("选择陆晓燕").check()
    page.get_by_label("发放凭证号").fill("长财社〔2026〕1号")
    page.get_by_role("button", name="登记为已发放…").click()
    expect(page.get_by_text("将登记 1 人的 2025 年度证书奖励为已发放")).to_be_visible()
    assert not GrantPayment.objects.exists()  # nothing until confirmed
    page.get_by_role("button", name="确认登记").click()
    expect(page.get_by_text("已登记 1 人的证书奖励发放")).to_be_visible()
    payment = GrantPayment.objects.get()
    assert (payment.certificate.trainee_id, payment.reference) == (
        world.worker.pk,
        "长财社〔2026〕1号",
    )

    # The grade ledger: open 2025, effective 2026-01-01.
    tabs.get_by_role("link", name="年度调级").click()
    page.get_by_role("spinbutton", name="年度").fill(str(YEAR))
    page.get_by_label("调级生效日期").fill(f"{YEAR + 1}-01-01")
    page.get_by_role("button", name="发起并测算").click()
    page.wait_for_url(f"**/certification/grades/{YEAR}/")
    # 陆晓燕 got an assistant certificate in 2025: 5 → 6.
    row = page.get_by_role("row").filter(has_text="陆晓燕")
    expect(row).to_contain_text("当年取得职业水平证书")
    row.get_by_role("link", name="陆晓燕").click()
    page.get_by_label("核定等级").fill("7")
    page.get_by_role("button", name="保存核定等级").click()
    expect(page.get_by_text("调整测算结果须填写原因。")).to_be_visible()
    page.get_by_label("调整原因").fill("年度表彰")
    page.get_by_role("button", name="保存核定等级").click()
    expect(page.get_by_text("已保存 陆晓燕 的核定等级。")).to_be_visible()
    page.get_by_role("link", name="确认并执行调级").click()
    expect(page.get_by_text("执行后本年度调级不能再修改")).to_be_visible()
    page.get_by_role("button", name="确认执行").click()
    # The apply runs in the background (eagerly here); the page then says it is done.
    expect(page.get_by_text("已开始执行调级")).to_be_visible()
    expect(page.get_by_text("已调级", exact=False).first).to_be_visible()
    world.worker.refresh_from_db()
    assert world.worker.grade.level == 7

    # 新泾镇's office sees its own worker's grant, read-only, and not 华阳路's.
    office_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    office = office_context.new_page()
    try:
        login(office, live_server, "admin_b")
        office.goto(f"{live_server.url}/certification/grants/?year={YEAR}")
        expect(office.get_by_role("link", name="沈丽华")).to_be_visible()
        expect(office.get_by_role("link", name="陆晓燕")).to_have_count(0)
        expect(office.get_by_role("button", name="登记为已发放…")).to_have_count(0)
    finally:
        office_context.close()
