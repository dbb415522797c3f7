"""The demo training (demo/seeders/training.py): ~95% at the all-staff training, valid rows,
all before the demo's today, deterministic."""

import datetime as dt

import pytest
from django.db.models import Count, Exists, F, Max, OuterRef, Q

from demo.context import SeedContext
from demo.seeders.training import seed_training
from tests.factories import NeighbourhoodFactory
from tests.training.conftest import many_workers
from trainees.models import WorkerPeriod
from training.models import (
    Attendance,
    Enrolment,
    LeaveRequest,
    Sitting,
    TrainingEvent,
    TrainingKind,
)

pytestmark = pytest.mark.django_db

# The 1st of a month, mid-June (that June's all-staff days have passed) and a leap day after
# the last exam year certification knows (no exam-preparation course in the history).
DAYS = [dt.date(2026, 11, 1), dt.date(2027, 6, 15), dt.date(2028, 2, 29)]


def _ctx(today: dt.date = DAYS[0], seed: int = 7) -> SeedContext:
    return SeedContext(seed=seed, scale=1, today=today)


@pytest.fixture
def district(world):
    committees = [world.na, world.nb, NeighbourhoodFactory(subdistrict=world.a)]
    many_workers(300, committees)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_demo_training_is_plausible(district, today):
    seed_training(_ctx(today))
    all_staff = TrainingEvent.objects.get(kind=TrainingKind.ALL_STAFF)
    assert all_staff.sittings.count() == 5
    # The latest June whose five days have passed.
    assert all_staff.sittings.aggregate(m=Max("date"))["m"] == dt.date(
        today.year if (today.month, today.day) > (6, 14) else today.year - 1, 6, 14
    )
    assert Sitting.objects.aggregate(m=Max("date"))["m"] < today
    enrolled = all_staff.enrolments.count()
    attended = all_staff.attendances.filter(status__in=["present", "late", "left_early"]).count()
    assert enrolled == 303 and 0.92 < attended / enrolled < 0.98
    # One a month per subdistrict, the month of today's only once its day has passed.
    monthly = TrainingEvent.objects.filter(kind=TrainingKind.SUBDISTRICT).count()
    assert 2 * 17 <= monthly <= 2 * 18
    # Courses before the exams certification knows (ExamYear rows up to 2026's, 13 June).
    prep = TrainingEvent.objects.filter(kind=TrainingKind.EXAM_PREP)
    ctx = _ctx(today)
    assert prep.exists() == (ctx.first_month <= dt.date(2026, 6, 13) < today)
    # Every enrolment is placed within capacity and marked, with the denormalised copies right.
    assert not Enrolment.objects.filter(sitting__isnull=True).exists()
    over = all_staff.sittings.annotate(n=Count("enrolments")).filter(n__gt=F("capacity"))
    assert not over.exists()
    assert Attendance.objects.count() == Enrolment.objects.count()
    assert not Attendance.objects.filter(
        ~Q(sitting=F("enrolment__sitting")) | ~Q(trainee=F("enrolment__trainee"))
    ).exists()
    # Subdistrict trainings only reach the workers placed there, on duty, on the day.
    placed = WorkerPeriod.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("sitting__date")),
        trainee_id=OuterRef("trainee_id"),
        starts_on__lte=OuterRef("sitting__date"),
        subdistrict_id=OuterRef("event__organiser_id"),
        state="on_duty",
    )
    local = Enrolment.objects.filter(event__organiser__isnull=False)
    assert local.exists() and not local.exclude(Exists(placed)).exists()


def test_demo_training_is_deterministic(district):
    seed_training(_ctx())
    first = list(Attendance.objects.order_by("pk").values_list("trainee_id", "status"))
    for model in (Attendance, LeaveRequest, Enrolment, Sitting, TrainingEvent):
        model.objects.all().delete()
    seed_training(_ctx())
    assert list(Attendance.objects.order_by("pk").values_list("trainee_id", "status")) == first
