"""On a phone, an administrator marks a sitting too big to send whole: everyone present, then
the exceptions in a group opened later and in a worker found by search, saved in one go."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.factories import NeighbourhoodFactory
from tests.training.conftest import enrol, make_event, make_sitting, many_workers
from training.models import Attendance, AttendanceStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_marking_a_big_sitting_by_phone(live_server, world, phone):
    committees = [world.na, world.nb] + [
        NeighbourhoodFactory(subdistrict=sub) for sub in (world.a, world.b) for _i in range(4)
    ]
    event = make_event(title="城市全员培训")
    sitting = make_sitting(event)
    enrolments = enrol(event, many_workers(250, committees), sitting)
    by_group: dict[int, list] = {}
    for e in enrolments:
        by_group.setdefault(e.trainee.neighbourhood_id, []).append(e)
    last_group = committees[-1]  # subdistrict B's last committee: not opened at first
    absent = min(by_group[last_group.pk], key=lambda e: e.trainee.name)
    late = max(by_group[committees[-2].pk], key=lambda e: e.trainee.name)

    login(phone, live_server, "district")
    phone.goto(f"{live_server.url}/training/sittings/{sitting.pk}/attendance/")
    count = phone.locator("[data-mark-count]")
    expect(count).to_have_text(re.compile(r"已登记 0 / 250 人"))
    row = phone.locator(f'[data-mark-row][data-id="{absent.pk}"]')
    expect(row).to_have_count(0)

    # Everyone present first: the count says so, though most rows were never sent.
    phone.get_by_role("button", name="未登记的全部标为出席").click()
    expect(phone.locator("[data-mark-fill-note]")).to_be_visible()
    expect(count).to_have_text(re.compile(r"已登记 250 / 250 人"))

    # Open the last committee: its rows arrive, shown present, and one is marked absent.
    phone.locator(f'[data-mark-group][data-key="{world.b.pk}-{last_group.pk}"] summary').click()
    expect(row.locator("input[value=present]")).to_be_checked()
    row.get_by_text("缺席").click()
    expect(row.locator("input[value=absent]")).to_be_checked()

    # Find another worker by name; the search replaces the groups, the absence stays pending.
    phone.get_by_label("查找姓名或居委会").fill(late.trainee.name)
    phone.get_by_label("查找姓名或居委会").press("Enter")
    other = phone.locator(f'[data-mark-row][data-id="{late.pk}"]')
    expect(other).to_be_visible()
    other.get_by_text("迟到").click()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    phone.get_by_role("button", name="保存出勤").first.click()
    expect(phone.get_by_text("已保存出勤：新登记 250 人，修改 0 人。")).to_be_visible()
    statuses = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert statuses[absent.pk] == AttendanceStatus.ABSENT
    assert statuses[late.pk] == AttendanceStatus.LATE
    assert sum(s == AttendanceStatus.PRESENT for s in statuses.values()) == 248
    # Saving returned to the search the administrator was on.
    assert f"q={late.trainee.name}" in phone.url or "q=%" in phone.url
