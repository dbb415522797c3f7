"""On a phone, a worker opens the venue's check-in link, signs in and is checked in; the
"not yet arrived" board on the organiser's desktop drops her name without a reload."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.training.conftest import enrol, make_event, make_sitting
from training.models import Attendance, AttendanceStatus

# serialized_rollback: the flush after this test must not take the rows that data migrations
# wrote (credit policy, cadence policy, exam levels) away from the journeys that follow.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def morning(monkeypatch):
    """Django's clock at 09:45 today (any time of day the suite runs, the sitting is 10–12)."""
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(9, 45)))
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    return now


def test_worker_checks_in_by_phone_and_the_board_updates(
    live_server, world, desktop, phone, morning
):
    event = make_event(title="社区分类治理全员培训")
    sitting = make_sitting(event, day=morning.date(), start=(10, 0), end=(12, 0))
    mine, _colleague = enrol(event, [world.worker, world.colleague], sitting)

    # The organiser puts the QR code on the venue screen and keeps the board open.
    login(desktop, live_server, "admin_a")
    desktop.goto(f"{live_server.url}/training/sittings/{sitting.pk}/screen/")
    expect(desktop.locator("[data-qr] svg")).to_be_visible()
    link = desktop.locator("[data-qr]").get_attribute("data-checkin-url")
    assert "/training/checkin/" in link
    desktop.goto(f"{live_server.url}/training/sittings/{sitting.pk}/board/")
    waiting = desktop.locator(f'[data-enrolment="{mine.pk}"]')
    expect(waiting).to_contain_text("陆晓燕")

    # The worker scans it: the phone opens the link, signs in, and is checked in.
    phone.goto(link)
    phone.wait_for_url("**/accounts/login/**")
    phone.get_by_label("用户名").fill("worker")
    phone.get_by_label("密码").fill("correct-horse-battery")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("heading", name="签到成功")).to_be_visible()
    expect(phone.get_by_text("社区分类治理全员培训")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    attendance = Attendance.objects.get(trainee=world.worker)
    assert attendance.status == AttendanceStatus.PRESENT and attendance.via_qr

    # The board polls: her name leaves the list, the count goes up, no reload.
    desktop.evaluate("window.__sameDocument = true")
    waiting.wait_for(state="detached", timeout=15_000)
    assert desktop.locator("[data-board-arrived]").inner_text() == "1"
    expect(desktop.get_by_text("顾建国")).to_be_visible()
    assert desktop.evaluate("window.__sameDocument") is True
