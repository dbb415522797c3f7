"""The demo training: ~95% at the all-staff training, valid rows, deterministic."""

import random
from types import SimpleNamespace

import pytest
from django.db.models import Count, F, Q

from sessions.models import (
    Attendance,
    Enrolment,
    LeaveRequest,
    Sitting,
    TrainingEvent,
    TrainingKind,
)
from sessions.training_demo import seed_training
from tests.factories import NeighbourhoodFactory
from tests.training.conftest import many_workers

pytestmark = pytest.mark.django_db


def _ctx(seed: int = 7):
    return SimpleNamespace(
        rng=lambda step: random.Random(f"test:{seed}:{step}"), say=lambda text: None, users={}
    )


@pytest.fixture
def district(world):
    committees = [world.na, world.nb, NeighbourhoodFactory(subdistrict=world.a)]
    many_workers(300, committees)


def test_demo_training_is_plausible(district):
    seed_training(_ctx())
    all_staff = TrainingEvent.objects.get(kind=TrainingKind.ALL_STAFF)
    assert all_staff.sittings.count() == 5
    enrolled = all_staff.enrolments.count()
    attended = all_staff.attendances.filter(status__in=["present", "late", "left_early"]).count()
    assert enrolled == 303 and 0.92 < attended / enrolled < 0.98
    assert TrainingEvent.objects.filter(kind=TrainingKind.SUBDISTRICT).count() == 2 * 18
    assert TrainingEvent.objects.filter(kind=TrainingKind.EXAM_PREP).exists()
    # Every enrolment is placed within capacity and marked, with the denormalised copies right.
    assert not Enrolment.objects.filter(sitting__isnull=True).exists()
    over = all_staff.sittings.annotate(n=Count("enrolments")).filter(n__gt=F("capacity"))
    assert not over.exists()
    assert Attendance.objects.count() == Enrolment.objects.count()
    assert not Attendance.objects.filter(
        ~Q(sitting=F("enrolment__sitting")) | ~Q(trainee=F("enrolment__trainee"))
    ).exists()
    # Subdistrict trainings only reach their own workers.
    assert (
        not Enrolment.objects.filter(event__organiser__isnull=False)
        .exclude(trainee__subdistrict=F("event__organiser"))
        .exists()
    )


def test_demo_training_is_deterministic(district):
    seed_training(_ctx())
    first = list(Attendance.objects.order_by("pk").values_list("trainee_id", "status"))
    for model in (Attendance, LeaveRequest, Enrolment, Sitting, TrainingEvent):
        model.objects.all().delete()
    seed_training(_ctx())
    assert list(Attendance.objects.order_by("pk").values_list("trainee_id", "status")) == first
