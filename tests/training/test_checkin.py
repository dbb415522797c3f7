"""QR self check-in: expired, replayed, forged or wrong-sitting codes are refused; a valid scan
records present before the start and late after it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.helpers import raises_rule
from tests.training.conftest import DAY, at, enrol, make_sitting
from training.models import Attendance, AttendanceStatus, CheckinUse
from training.services import checkin_record
from training.tokens import MAX_AGE_SECONDS, token_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Django's clock, set by the test: tokens are signed and judged by it."""

    class Clock:
        now = at(DAY, 8, 50)

        def set(self, when: dt.datetime) -> None:
            self.now = when

    clock = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock.now)
    return clock


def _refusal(code: str, **kwargs) -> ValidationError:
    """The check-in's refusal, which must be the rule named by `code`."""
    with raises_rule(code=code) as exc:
        checkin_record(**kwargs)
    return exc.value


def test_a_scan_before_the_start_is_present(world, training, clock):
    token = token_issue(sitting_id=training.sitting.pk)
    result = checkin_record(token=token, user=world.users.worker)
    attendance = Attendance.objects.get()
    assert result.attendance == attendance and not result.already
    assert attendance.status == AttendanceStatus.PRESENT
    assert attendance.via_qr and attendance.checked_in_at == clock.now
    assert attendance.credited_hours == training.event.credited_hours


def test_a_scan_after_the_start_is_late(world, training, clock):
    clock.set(at(DAY, 9, 1))
    checkin_record(token=token_issue(sitting_id=training.sitting.pk), user=world.users.worker)
    assert Attendance.objects.get().status == AttendanceStatus.LATE


def test_an_expired_code_is_refused(world, training, clock):
    token = token_issue(sitting_id=training.sitting.pk)
    clock.set(clock.now + dt.timedelta(seconds=MAX_AGE_SECONDS + 1))
    error = _refusal("expired", token=token, user=world.users.worker)
    assert "二维码已过期" in error.messages[0]
    assert not Attendance.objects.exists()


def test_a_replayed_code_is_refused(world, training, clock):
    token = token_issue(sitting_id=training.sitting.pk)
    checkin_record(token=token, user=world.users.worker)
    error = _refusal("replayed", token=token, user=world.users.worker)
    assert "已经用过" in error.messages[0]
    assert CheckinUse.objects.count() == 1
    # A fresh code from the screen is fine and says so.
    again = checkin_record(
        token=token_issue(sitting_id=training.sitting.pk), user=world.users.worker
    )
    assert again.already


def test_a_code_of_another_sitting_is_refused(world, training, clock):
    other = make_sitting(training.event, start=(14, 0), end=(17, 0), venue="区党校")
    error = _refusal(
        "wrong_sitting", token=token_issue(sitting_id=other.pk), user=world.users.worker
    )
    assert "这不是你的场次" in error.messages[0] and "区文化中心" in error.messages[0]
    assert not Attendance.objects.exists()


def test_a_worker_not_enrolled_is_refused(world, training, clock):
    error = _refusal(
        "not_enrolled", token=token_issue(sitting_id=training.b_sitting.pk), user=world.users.worker
    )
    assert "新泾镇月度培训" in error.messages[0]


@pytest.mark.parametrize("when", [at(DAY, 7, 59), at(DAY, 12, 1)])
def test_a_scan_outside_the_window_is_refused(world, training, clock, when):
    clock.set(when)
    error = _refusal(
        "closed", token=token_issue(sitting_id=training.sitting.pk), user=world.users.worker
    )
    assert "不在签到时间内" in error.messages[0]


def test_a_forged_code_is_refused(world, training, clock):
    token = token_issue(sitting_id=training.sitting.pk)
    _refusal("invalid", token=token[:-2] + "xx", user=world.users.worker)


def test_only_a_worker_can_check_in(world, training, clock):
    _refusal(
        "not_worker", token=token_issue(sitting_id=training.sitting.pk), user=world.users.admin_a
    )


def test_the_link_checks_in_a_signed_in_worker(world, training, clock, client_for):
    token = token_issue(sitting_id=training.sitting.pk)
    response = client_for(world.users.worker).get(reverse("training:checkin", args=[token]))
    assert response.status_code == 200
    assert "签到成功" in response.content.decode()
    assert Attendance.objects.get().trainee == world.worker


def test_signing_in_on_the_phone_does_not_expire_the_code(world, training, clock, client):
    """The code's age is judged when it first arrived, before the login page."""
    token = token_issue(sitting_id=training.sitting.pk)
    url = reverse("training:checkin", args=[token])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    clock.set(clock.now + dt.timedelta(seconds=MAX_AGE_SECONDS + 60))  # a slow login
    client.force_login(world.users.worker)
    response = client.get(url)
    assert "签到成功" in response.content.decode()
    assert Attendance.objects.get().status == AttendanceStatus.PRESENT


def test_the_link_refuses_an_expired_code_before_asking_to_sign_in(training, clock, client):
    token = token_issue(sitting_id=training.sitting.pk)
    clock.set(clock.now + dt.timedelta(seconds=MAX_AGE_SECONDS + 1))
    response = client.get(reverse("training:checkin", args=[token]))
    assert response.status_code == 400
    assert "二维码已过期" in response.content.decode()


def test_the_screen_serves_a_fresh_svg_code(world, training, clock, client_for):
    client = client_for(world.users.admin_a)
    page = client.get(reverse("training:sitting-screen", args=[training.sitting.pk]))
    assert "<svg" in page.content.decode()
    first = client.get(reverse("training:sitting-qr", args=[training.sitting.pk])).json()
    second = client.get(reverse("training:sitting-qr", args=[training.sitting.pk])).json()
    assert first["svg"].startswith("<svg") and first["url"] != second["url"]
    assert "/training/checkin/" in first["url"]
    # A worker cannot open the screen (and so cannot mint codes for a friend).
    worker = client_for(world.users.worker)
    assert worker.get(reverse("training:sitting-qr", args=[training.sitting.pk])).status_code == 403


def test_the_board_shows_who_has_not_arrived(world, training, clock, client_for):
    client = client_for(world.users.admin_a)
    url = reverse("training:sitting-board-data", args=[training.sitting.pk])
    before = client.get(url).json()
    names = [w["name"] for g in before["subdistricts"] for w in g["waiting"]]
    assert names == ["陆晓燕", "顾建国"]  # admin A: only A's workers
    checkin_record(token=token_issue(sitting_id=training.sitting.pk), user=world.users.worker)
    after = client.get(url).json()
    assert [w["name"] for g in after["subdistricts"] for w in g["waiting"]] == ["顾建国"]
    assert after["arrived"] == 1 and after["expected"] == 2
    district = client_for(world.users.district).get(url).json()
    assert district["expected"] == 3
    assert client_for(world.users.worker).get(url).status_code == 403


def test_enrolled_elsewhere_but_unplaced_is_told_to_ask(world, training, clock):
    enrol(
        training.event,
        [
            world.colleague.__class__.objects.create(
                name="未安排",
                gender="F",
                birth_date=dt.date(1990, 1, 1),
                id_number="11010519900101001X",
                subdistrict=world.a,
                neighbourhood=world.na,
                education="bachelor",
                started_community_work=dt.date(2015, 1, 1),
                joined=dt.date(2015, 1, 1),
                user=world.users.outsider,
            )
        ],
    )
    error = _refusal(
        "wrong_sitting",
        token=token_issue(sitting_id=training.sitting.pk),
        user=world.users.outsider,
    )
    assert "尚未被安排场次" in error.messages[0]
