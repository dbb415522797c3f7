"""Certification fixtures on top of the shared personas: levels and exam years come from the
data migration, so every test sees the seeded rules."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from certification.models import Certificate, ExamYear, Level, Registration, Subject
from certification.rules import registration_end
from tests.factories import NeighbourhoodFactory, TraineeFactory


def level(code: str) -> Level:
    return Level.objects.get(code=code)


def subjects(code: str) -> list[Subject]:
    return list(Subject.objects.filter(level__code=code).order_by("order"))


def exam(year: int) -> ExamYear:
    return ExamYear.objects.get(year=year)


def scores(code: str, *marks: float | None) -> dict[int, Decimal | None]:
    return {
        s.pk: (None if m is None else Decimal(str(m)))
        for s, m in zip(subjects(code), marks, strict=True)
    }


def certify(trainee, code: str, passed: dt.date, *, registrations=()) -> Certificate:
    """A certificate written straight to the database, with registration periods (start dates)."""
    lv = level(code)
    cert = Certificate.objects.create(
        trainee=trainee,
        level=lv,
        number=f"T{trainee.pk}{code}",
        date_passed=passed,
        date_issued=passed,
    )
    for i, start in enumerate(registrations):
        Registration.objects.create(
            certificate=cert,
            trainee=trainee,
            kind=Registration.Kind.FIRST if i == 0 else Registration.Kind.RENEWAL,
            starts_on=start,
            ends_on=registration_end(start, lv.registration_years),
        )
    return cert


def random_district(world, n: int, *, seed: int = 7) -> None:
    """`n` more workers in A and B with joins, departures, certificates and lapsed registrations."""
    rng = random.Random(seed)
    committees = [
        world.na,
        world.nb,
        NeighbourhoodFactory(subdistrict=world.a, housing_type="villa"),
        NeighbourhoodFactory(subdistrict=world.b, housing_type="commercial"),
        None,
    ]
    posts = ["secretary", "director", "deputy", "member", "general", "general"]
    for _i in range(n):
        nb = rng.choice(committees)
        joined = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 4000))
        left = None
        if rng.random() < 0.3:
            left = joined + dt.timedelta(days=rng.randint(30, 2500))
            left = min(left, dt.date(2026, 10, 1))
        t = TraineeFactory(
            # A varied birth date keeps the factory's ID numbers unique past 500 workers.
            birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=rng.randint(0, 9000)),
            neighbourhood=nb,
            subdistrict=nb.subdistrict if nb else rng.choice([world.a, world.b]),
            post=rng.choice(posts),
            started_community_work=joined,
            joined=joined,
            status="left" if left else "active",
            left_on=left,
        )
        if rng.random() < 0.6:
            passed = joined + dt.timedelta(days=rng.randint(-900, 2500))
            code = rng.choice(["assistant", "assistant", "intermediate"])
            starts = []
            if rng.random() < 0.8:
                start = passed + dt.timedelta(days=rng.randint(10, 300))
                starts.append(start)
                while rng.random() < 0.6:
                    # renewed on time, or after a lapse of some months
                    gap = 0 if rng.random() < 0.7 else rng.randint(30, 400)
                    start = registration_end(start, 3) + dt.timedelta(days=1 + gap)
                    starts.append(start)
            certify(t, code, passed, registrations=starts)
            if code == "intermediate" and rng.random() < 0.5:
                certify(t, "assistant", passed - dt.timedelta(days=rng.randint(400, 1500)))


@pytest.fixture
def district(world):
    random_district(world, 60)
    return world
