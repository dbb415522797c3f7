"""Training counts for who was on the books then: an all-staff event's base, and who may be
marked for a sitting.

DOMAIN.md, "Dates that decide every figure"; issue 12. The suite's clock is pinned
(tests/conftest.py); the dates below are fixed.
"""

import datetime as dt

import pytest

from tests.factories import TraineeFactory
from tests.helpers import raises_rule
from tests.training.conftest import DAY, enrol
from trainees.models import TraineeStatus
from training.models import Attendance
from training.selectors.events import event_figures
from training.services import attendance_mark


def test_an_all_staff_events_rate_divides_by_the_workers_on_the_books_on_its_dates(world, training):
    # The event's one sitting is on DAY (2026-06-10); 陆晓燕, 顾建国 and 沈丽华 are enrolled.
    TraineeFactory(neighbourhood=world.na, joined=dt.date(2026, 7, 1))  # joined after it
    TraineeFactory(
        neighbourhood=world.na, status=TraineeStatus.LEFT, left_on=dt.date(2026, 5, 31)
    )  # left before it
    TraineeFactory(
        neighbourhood=world.nb, status=TraineeStatus.LEFT, left_on=dt.date(2026, 8, 1)
    )  # left after it: was on the books then
    attendance_mark(
        sitting=training.sitting,
        actor=world.users.district,
        marks={training.e_worker.pk: "present", training.e_colleague.pk: "present"},
    )
    total = event_figures(user=world.users.district, event=training.event)["total"]
    assert total["active"] == 4
    assert total["attended"] == 2
    assert float(total["active_rate"]) == 50.0


@pytest.fixture
def off_books(world, training):
    """Two workers enrolled in the 2026-06-10 sitting but not on the books that day."""
    joiner = TraineeFactory(name="晚入职", neighbourhood=world.na, joined=dt.date(2026, 7, 1))
    leaver = TraineeFactory(
        name="早离职",
        neighbourhood=world.na,
        status=TraineeStatus.LEFT,
        left_on=dt.date(2026, 5, 31),
    )
    e_joiner, e_leaver = enrol(training.event, [joiner, leaver], training.sitting)
    return e_joiner, e_leaver


@pytest.mark.parametrize("who", [0, 1], ids=["joined-after", "left-before"])
def test_marking_someone_not_on_the_books_on_the_sitting_date_is_refused(
    world, training, off_books, who
):
    enrolment = off_books[who]
    name = enrolment.trainee.name
    with raises_rule(message=f"{name} 在 {DAY.isoformat()} 不在册"):
        attendance_mark(
            sitting=training.sitting,
            actor=world.users.district,
            marks={enrolment.pk: "present", training.e_worker.pk: "present"},
        )
    # Refused as a whole: nothing written, not even the valid mark.
    assert not Attendance.objects.exists()


def test_mark_the_rest_present_skips_workers_not_on_the_books(world, training, off_books):
    attendance_mark(sitting=training.sitting, actor=world.users.district, marks={}, fill="present")
    marked = set(Attendance.objects.values_list("enrolment__trainee__name", flat=True))
    assert marked == {"陆晓燕", "顾建国", "沈丽华"}


def test_attendance_can_be_marked_on_the_day_before_the_leaving_date(world, training):
    """`left_on` is the day the worker has left (trainees.populations): the day before it they
    are still on the books, so a sitting held then is theirs to attend and counts them."""
    leaver = TraineeFactory(
        name="次日离职",
        neighbourhood=world.na,
        status=TraineeStatus.LEFT,
        left_on=DAY + dt.timedelta(days=1),
    )
    (enrolment,) = enrol(training.event, [leaver], training.sitting)
    attendance_mark(
        sitting=training.sitting, actor=world.users.district, marks={enrolment.pk: "present"}
    )
    assert Attendance.objects.filter(enrolment=enrolment, status="present").exists()
    total = event_figures(user=world.users.district, event=training.event)["total"]
    assert total["active"] == 4
