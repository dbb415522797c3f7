"""On a phone, a supervisor logs a drill session with scores; the trainee confirms it."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Competency, SessionStatus, SupervisionSession
from tests.browser.conftest import login
from tests.factories import AssignmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_logs_a_drill_and_the_trainee_confirms(live_server, world, phone):
    page = phone
    colleague = world.colleague
    colleague.user = UserFactory(username="colleague")
    colleague.save()
    AssignmentFactory(supervisor=world.supervisor, trainee=colleague, mode="drill")

    login(page, live_server, "supervisor")
    page.get_by_role("link", name="记录督导").first.click()
    page.wait_for_url("**/sessions/new/")
    page.get_by_role("radio", name="训练式").check()
    page.get_by_role("checkbox", name="陆晓燕（师徒式）").check()
    page.get_by_role("checkbox", name="顾建国（训练式）").check()
    page.get_by_label("开始时间").fill("14:00")
    page.get_by_label("结束时间").fill("15:30")
    page.get_by_label("主题").fill("议题形成演练")
    page.get_by_label("督导分析与意见").fill("先分类、再排序，议题要具体。")
    for trainee, score in ((world.worker, "3"), (colleague, "4")):
        for code in Competency.values:
            page.locator(f"select[name=score_{trainee.pk}_{code}]").select_option(score)
    # The whole form fits a 375 px screen: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.get_by_role("button", name="提交记录").click()
    expect(page.get_by_text("督导记录已提交，等待学员确认。")).to_be_visible()
    expect(page.get_by_role("heading", name="训练评分（1–5 分）")).to_be_visible()
    session = SupervisionSession.objects.get()
    assert session.status == SessionStatus.SUBMITTED
    assert session.scores.count() == 12

    page.context.clear_cookies()
    login(page, live_server, "colleague")
    page.get_by_role("link", name=re.compile("议题形成演练.*去确认")).click()
    page.get_by_label("我的反思（选填）").fill("学会了先分类再排序。")
    page.get_by_role("button", name="确认记录").click()
    expect(page.get_by_text("已确认督导记录，谢谢！")).to_be_visible()
    page.context.clear_cookies()
    login(page, live_server, "worker")
    expect(page.get_by_text("1 份督导记录待你确认")).to_be_visible()
    page.get_by_role("link", name=re.compile("议题形成演练.*去确认")).click()
    page.get_by_role("button", name="确认记录").click()
    expect(page.get_by_text("已确认督导记录，谢谢！")).to_be_visible()
    expect(page.get_by_text("已确认", exact=True).first).to_be_visible()
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED
