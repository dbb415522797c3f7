"""Reminders reach the right people, once."""

import datetime as dt

from django.urls import reverse

from accounts.models import Notification
from accounts.notifications import notifications_send
from certification.models import ExamYear, Level, Registration
from certification.rules import RegistrationStatus
from certification.selectors import certified_list
from certification.tasks import (
    exam_window_messages,
    registration_due_messages,
    send_exam_reminders,
    send_registration_reminders,
)
from tests.certification.conftest import certify

TODAY = dt.date(2025, 7, 1)


def test_registration_due_notifies_the_worker_and_their_subdistrict_admin(world):
    # worker (A, with a login): ends 2025-08-31, due. worker_b (B, no login): ends 2026, not due.
    certify(world.worker, "assistant", dt.date(2022, 6, 18), registrations=[dt.date(2022, 9, 1)])
    certify(world.worker_b, "assistant", dt.date(2023, 6, 10), registrations=[dt.date(2023, 9, 1)])
    # colleague (A): due, but already renewed — no reminder.
    certify(
        world.colleague,
        "assistant",
        dt.date(2022, 6, 18),
        registrations=[dt.date(2022, 9, 1), dt.date(2025, 9, 1)],
    )
    messages = registration_due_messages(today=TODAY)
    assert sorted(m.user.username for m in messages) == ["admin_a", "worker"]
    assert all(world.worker.name in m.body or "您的" in m.title for m in messages)
    assert len(notifications_send(messages=messages)) == 2
    assert len(notifications_send(messages=registration_due_messages(today=TODAY))) == 0


def test_registration_task_runs_with_todays_date(world, monkeypatch):
    certify(world.worker, "assistant", dt.date(2022, 6, 18), registrations=[dt.date(2022, 9, 1)])
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: TODAY)
    assert send_registration_reminders.delay().get() == 2
    assert send_registration_reminders.delay().get() == 0
    assert Notification.objects.filter(user=world.users.admin_a).count() == 1


def test_exam_reminder_goes_to_eligible_workers_before_the_window(world):
    exam = ExamYear.objects.get(year=2026)  # registration opens 2026-03-09
    world.colleague.user = world.users.outsider  # a second worker login, already certified
    world.colleague.save()
    certify(world.colleague, "intermediate", dt.date(2024, 6, 15))
    assert exam_window_messages(today=dt.date(2026, 1, 1)) == []  # more than 30 days ahead
    early = exam_window_messages(today=exam.registration_opens - dt.timedelta(days=20))
    # 陆晓燕 (本科, since 2012, no certificate) may sit the intermediate exam (other major: 5
    # years); 顾建国 holds intermediate and may not sit senior until 2030.
    assert [m.user.username for m in early] == ["worker"]
    assert "社会工作师" in early[0].body and "2026" in early[0].title
    assert len(notifications_send(messages=early)) == 1
    same_day_again = exam_window_messages(today=exam.registration_opens - dt.timedelta(days=20))
    assert notifications_send(messages=same_day_again) == []
    week = exam_window_messages(today=exam.registration_opens - dt.timedelta(days=5))
    assert len(notifications_send(messages=week)) == 1  # the one-week reminder


def test_exam_task_is_idempotent(world, monkeypatch):
    day = ExamYear.objects.get(year=2026).registration_opens - dt.timedelta(days=3)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: day)
    assert send_exam_reminders.delay().get() == 1
    assert send_exam_reminders.delay().get() == 0


def test_the_reminder_window_is_each_levels_notice_days(world, client_for):
    # Both periods end 2025-08-31, 61 days after TODAY: within 90 days, the seeded window.
    certify(world.worker, "assistant", dt.date(2022, 6, 18), registrations=[dt.date(2022, 9, 1)])
    certify(
        world.colleague, "intermediate", dt.date(2022, 6, 18), registrations=[dt.date(2022, 9, 1)]
    )
    key = {r.trainee_id: f"cert-reg-due:{r.pk}" for r in Registration.objects.all()}

    def reminded() -> set[int]:
        keys = {m.key for m in registration_due_messages(today=TODAY)}
        return {trainee for trainee, k in key.items() if k in keys}

    assert reminded() == {world.worker.pk, world.colleague.pk}
    Level.objects.filter(code="assistant").update(renewal_notice_days=60)
    assert reminded() == {world.colleague.pk}  # the assistant's window ends before 08-31
    Level.objects.filter(code="intermediate").update(renewal_notice_days=61)
    assert reminded() == {world.colleague.pk}  # 61 days: the last day is in the window
    Level.objects.filter(code="intermediate").update(renewal_notice_days=60)
    assert registration_due_messages(today=TODAY) == []
    # The status on the lists and its page's explanation follow the same row.
    on = {
        c.trainee_id: c.registration_status
        for c in certified_list(user=world.users.district, on=TODAY)
    }
    assert on == {
        world.worker.pk: RegistrationStatus.REGISTERED,
        world.colleague.pk: RegistrationStatus.REGISTERED,
    }
    Level.objects.filter(code="assistant").update(renewal_notice_days=120)
    on = {
        c.trainee_id: c.registration_status
        for c in certified_list(user=world.users.district, on=TODAY)
    }
    assert on[world.worker.pk] == RegistrationStatus.DUE
    page = client_for(world.users.district).get(reverse("certification:registration-list"))
    assert "助理社会工作师 120 天、社会工作师 60 天" in page.content.decode()
