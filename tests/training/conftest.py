"""Training fixtures on top of the shared personas (tests/conftest.py)."""

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from neighbourhoods.models import Neighbourhood
from tests.factories import with_periods
from trainees.identity import id_check_char
from trainees.models import Education, Trainee
from training.models import Enrolment, Sitting, TrainingEvent, TrainingKind

_names = itertools.count(1)
_births = itertools.count(1)
DAY = dt.date(2026, 6, 10)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_event(*, organiser=None, kind=TrainingKind.ALL_STAFF, hours="3", title="全员培训"):
    return TrainingEvent.objects.create(
        title=title, kind=kind, organiser=organiser, credited_hours=Decimal(hours)
    )


def make_sitting(event, *, day=DAY, start=(9, 0), end=(12, 0), capacity=3000, venue="区文化中心"):
    return Sitting.objects.create(
        event=event,
        date=day,
        start_time=dt.time(*start),
        end_time=dt.time(*end),
        venue=venue,
        capacity=capacity,
    )


def enrol(event, trainees, sitting=None) -> list[Enrolment]:
    return Enrolment.objects.bulk_create(
        Enrolment(event=event, trainee=t, sitting=sitting) for t in trainees
    )


def many_workers(n: int, neighbourhoods: list[Neighbourhood]) -> list[Trainee]:
    """n workers spread over the committees, written in one go (factories are too slow)."""
    rows = []
    for i in range(n):
        nb = neighbourhoods[i % len(neighbourhoods)]
        # A distinct birth date per worker keeps the ID numbers unique (the factory's wrap).
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=next(_births))
        first17 = f"310105{birth:%Y%m%d}778"
        rows.append(
            Trainee(
                name=f"批量{next(_names)}",
                gender="F",
                birth_date=birth,
                id_number=first17 + id_check_char(first17),
                subdistrict_id=nb.subdistrict_id,
                neighbourhood=nb,
                education=Education.BACHELOR,
                started_community_work=dt.date(2015, 1, 1),
                joined=dt.date(2015, 1, 1),
            )
        )
    return with_periods(Trainee.objects.bulk_create(rows, batch_size=500))


@pytest.fixture
def training(world):
    """A district all-staff event: 陆晓燕 and 顾建国 (A) and 沈丽华 (B) in one sitting; and
    an event of subdistrict B with 沈丽华 only."""
    event = make_event()
    sitting = make_sitting(event)
    e_worker, e_colleague, e_b = enrol(
        event, [world.worker, world.colleague, world.worker_b], sitting
    )
    b_event = make_event(organiser=world.b, kind=TrainingKind.SUBDISTRICT, title="新泾镇月度培训")
    b_sitting = make_sitting(b_event, capacity=50, venue="新泾镇社区中心")
    (b_enrolment,) = enrol(b_event, [world.worker_b], b_sitting)
    return SimpleNamespace(
        world=world,
        event=event,
        sitting=sitting,
        e_worker=e_worker,
        e_colleague=e_colleague,
        e_b=e_b,
        b_event=b_event,
        b_sitting=b_sitting,
        b_enrolment=b_enrolment,
    )
