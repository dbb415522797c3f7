"""The demo is alive on the day it is seeded: its history ends yesterday, so the dashboards a
newcomer opens show a month with data, whatever the date (issue 16, item 6).

Seeded once per "today" (scale 1 with activity, a few seconds each): the first day of a month,
where the month just begun is empty and the dashboards open on the month before, and a leap
day two years on, after the last exam year certification knows.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.urls import reverse

from accounts.models import User
from certification.models import Certificate, ExamAttempt, ExternalHours, Registration
from demo.context import SeedContext, month_add
from demo.seed import seed_demo
from sessions.models import MonthClose, SessionAttendee, SessionStatus, SupervisionSession
from supervisors.models import Assignment
from trainees.models import Trainee, WorkerPeriod
from training.models import Attendance, Enrolment

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAYS = [dt.date(2026, 12, 1), dt.date(2028, 2, 29)]


@pytest.fixture(scope="module", params=DAYS, ids=str)
def today(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo(today=request.param)
        yield request.param
        transaction.set_rollback(True)


@pytest.fixture
def on_the_day(today):
    """The clock on the seeded day, in the morning: what the dashboards take as today."""
    with time_machine.travel(dt.datetime.combine(today, dt.time(9), SHANGHAI), tick=False):
        yield today


@pytest.mark.django_db
def test_district_dashboard_opens_on_last_month_with_its_sessions(on_the_day, client_for):
    response = client_for(User.objects.get(username="district")).get(reverse("reports:dashboard"))

    period = response.context["period"]
    # The last month whose last day is over: on the 1st the month before; on 29 February,
    # February is still running, so January.
    last_month = month_add(on_the_day.replace(day=1), -1)
    assert (period.year, period.number) == (last_month.year, last_month.month)
    metrics = {m["key"]: m for m in response.context["metrics"]}
    sessions = metrics["sessions"]
    # A whole month of logs, against a whole month before it: no "−1813" against an empty
    # month, and the change is a month-to-month wobble, not the previous month's total.
    assert sessions["value"] > 1000 and sessions["previous"] > 1000
    assert abs(sessions["change"]) < sessions["previous"] / 4
    for key in ("hours", "cadence_pct", "attendance_pct", "certified_pct"):
        assert metrics[key]["value"], key


@pytest.mark.django_db
def test_nothing_is_dated_on_or_after_today(today):
    yesterday = today - dt.timedelta(days=1)
    ctx = SeedContext(seed=0, scale=1, today=today)
    logs = SupervisionSession.objects.aggregate(first=Min("date"), last=Max("date"))
    assert ctx.first_month <= logs["first"] < ctx.first_month + dt.timedelta(days=7)
    assert yesterday - dt.timedelta(days=7) <= logs["last"] <= yesterday
    latest = dt.datetime.combine(today, dt.time(0), SHANGHAI)
    assert SupervisionSession.objects.aggregate(m=Max("submitted_at"))["m"] < latest
    assert SessionAttendee.objects.aggregate(m=Max("confirmed_at"))["m"] < latest
    assert Attendance.objects.aggregate(m=Max("sitting__date"))["m"] <= yesterday
    assert Assignment.objects.aggregate(m=Max("started_on"))["m"] <= yesterday
    assert ExamAttempt.objects.aggregate(m=Max("exam_year__exam_date"))["m"] <= yesterday
    assert Certificate.objects.aggregate(m=Max("date_issued"))["m"] <= yesterday
    assert Registration.objects.aggregate(m=Max("starts_on"))["m"] <= yesterday
    assert ExternalHours.objects.aggregate(m=Max("date"))["m"] <= yesterday


@pytest.mark.django_db
def test_months_past_their_lock_date_are_closed_and_the_rest_open(today):
    closed = set(MonthClose.objects.values_list("month", flat=True))
    last_month = (today - dt.timedelta(days=1)).replace(day=1)
    assert last_month not in closed  # month end + 10 days has not come yet
    open_from = month_add(max(closed), 1)
    assert open_from == last_month or open_from == month_add(last_month, -1)
    open_logs = SupervisionSession.objects.filter(date__gte=open_from)
    assert set(open_logs.values_list("status", flat=True)) == {
        SessionStatus.CONFIRMED,
        SessionStatus.SUBMITTED,
        SessionStatus.DRAFT,
    }
    locked = SupervisionSession.objects.filter(date__lt=open_from)
    assert set(locked.values_list("status", flat=True)) == {SessionStatus.LOCKED}


@pytest.mark.django_db
def test_demo_logins_have_something_to_do(on_the_day, client_for):
    worker = client_for(User.objects.get(username="worker")).get(reverse("home"))
    assert len(worker.context["to_confirm"]) >= 1
    supervisor = client_for(User.objects.get(username="supervisor")).get(reverse("home"))
    assert len(supervisor.context["drafts"]) >= 1


@pytest.mark.django_db
def test_rows_added_after_the_seed_get_new_keys(today):
    """The seeders hand out the keys of their biggest tables themselves (demo/rows.py); the
    pages must still be able to add rows there (PostgreSQL: the sequences moved past them)."""

    def copy(obj, **changes):
        last = obj.pk
        obj.pk = None
        obj._state.adding = True
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save()
        assert obj.pk > last

    copy(SupervisionSession.objects.order_by("pk").last())
    certificate = Certificate.objects.order_by("pk").last()
    holder = Trainee.objects.filter(certificates__isnull=True).first()
    copy(certificate, trainee=holder, number=certificate.number + "-X")
    attempt = ExamAttempt.objects.order_by("pk").last()
    copy(attempt, trainee=Trainee.objects.filter(exam_attempts__isnull=True).first())
    enrolment = Enrolment.objects.order_by("pk").last()
    copy(enrolment, trainee=Trainee.objects.exclude(enrolments__event=enrolment.event).first())


def _period(trainee: str, day: str, **match) -> Exists:
    """A period of the row's worker covering the row's date (both names of outer fields)."""
    return Exists(
        WorkerPeriod.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef(day)),
            trainee_id=OuterRef(trainee),
            starts_on__lte=OuterRef(day),
            **match,
        )
    )


ON_BOOKS = ["on_duty", "leave", "seconded"]


@pytest.mark.django_db
def test_activity_involves_only_workers_on_the_books_then(today):
    """Training, exams, pairings and supervision follow the workers' dated histories: nobody is
    marked for a sitting before joining, after leaving or while away, and a subdistrict's
    training reaches the workers placed there on its day (DOMAIN.md, "Training counts for who
    was there then")."""
    attendance = Attendance.objects.all()
    assert attendance.exists()
    assert not attendance.exclude(_period("trainee_id", "sitting__date", state="on_duty")).exists()
    local = attendance.filter(event__organiser__isnull=False)
    assert local.exists()
    assert not local.exclude(
        _period("trainee_id", "sitting__date", subdistrict_id=OuterRef("event__organiser_id"))
    ).exists()
    attempts = ExamAttempt.objects.all()
    assert not attempts.exclude(
        _period("trainee_id", "exam_year__exam_date", state__in=ON_BOOKS)
    ).exists()
    # A pairing starts on a day its worker is on the books in the supervisor's subdistrict, and
    # an open one's worker has stayed on the books since.
    pairings = Assignment.objects.filter(supervisor__home_subdistrict__isnull=False)
    assert not pairings.exclude(
        _period(
            "trainee_id",
            "started_on",
            state__in=ON_BOOKS,
            subdistrict_id=OuterRef("supervisor__home_subdistrict_id"),
        )
    ).exists()
    gone = WorkerPeriod.objects.filter(
        trainee_id=OuterRef("trainee_id"),
        starts_on__gt=OuterRef("started_on"),
        state__in=["left", "retired"],
    )
    assert not Assignment.objects.filter(ended_on__isnull=True).filter(Exists(gone)).exists()
    # Supervision logs: every attendee on duty on the day.
    attendees = SessionAttendee.objects.all()
    assert attendees.exists()
    assert not attendees.exclude(_period("trainee_id", "session__date", state="on_duty")).exists()
