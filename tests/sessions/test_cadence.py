"""The daily reminders reach the supervisors behind cadence and the workers with logs to confirm."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from sessions.models import CadencePolicy
from sessions.services import cadence_policy
from sessions.tasks import lock_closed_months, send_cadence_reminders
from tests.sessions.conftest import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(team):
    w = team.world
    w.users.supervisor.email = "zhou@example.cn"
    w.users.supervisor.save()
    w.users.worker.email = "lu@example.cn"
    w.users.worker.save()
    # 周督导: the mentee has one of two sessions (behind), not yet confirmed by her.
    make_session(w.supervisor, [team.mentee])
    make_session(w.supervisor, team.drill, scores=True, confirmed=True)
    # 吴督导: two confirmed sessions with 沈丽华 — on cadence, nothing to confirm.
    make_session(w.other_supervisor, [w.worker_b], confirmed=True)
    make_session(w.other_supervisor, [w.worker_b], confirmed=True)
    return w


def test_reminders_go_to_the_right_people(
    team, month, client_for, django_capture_on_commit_callbacks
):
    w = month
    # Emails leave after the notifications are committed.
    with django_capture_on_commit_callbacks(execute=True):
        send_cadence_reminders.delay()
    notified = {(n.user.username, n.kind) for n in Notification.objects.select_related("user")}
    assert notified == {("supervisor", "cadence"), ("worker", "confirm")}
    cadence = Notification.objects.get(kind="cadence")
    assert "陆晓燕" in cadence.body and "顾建国" not in cadence.body
    assert sorted(m.to[0] for m in mail.outbox) == ["lu@example.cn", "zhou@example.cn"]
    assert mail.outbox[0].subject in {"本月督导频次未达标：1 名学员", "有 1 份督导记录待您确认"}
    # The worker sees it on the home page, and the list.
    home = client_for(w.users.worker).get(reverse("home")).content.decode()
    assert "你有 1 条未读通知" in home
    page = client_for(w.users.worker).get(reverse("accounts:notifications")).content.decode()
    assert "有 1 份督导记录待您确认" in page


def test_reminders_are_sent_once_a_day(team, month, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_cadence_reminders.delay()
    with django_capture_on_commit_callbacks(execute=True):
        send_cadence_reminders.delay()
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_policy_is_editable(team, month):
    CadencePolicy.objects.filter(pk=cadence_policy().pk).update(mentor_min_per_month=1)
    send_cadence_reminders.delay()
    assert not Notification.objects.filter(kind="cadence").exists()


def test_overdue_page_is_scoped(team, month, client_for):
    w = month
    page_a = client_for(w.users.admin_a).get(reverse("sessions:overdue")).content.decode()
    assert "周督导" in page_a and "陆晓燕（1/2）" in page_a
    page_b = client_for(w.users.admin_b).get(reverse("sessions:overdue")).content.decode()
    assert "周督导" not in page_b
    assert client_for(w.users.supervisor).get(reverse("sessions:overdue")).status_code == 403


def test_lock_task_runs(team):
    assert lock_closed_months.delay().get() == 0
