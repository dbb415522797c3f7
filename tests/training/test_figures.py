"""Coverage figures equal an independent count, with the same queries for any size."""

import datetime as dt
import random

import pytest
from django.urls import reverse

from neighbourhoods.models import HousingType
from tests.factories import NeighbourhoodFactory
from tests.training.conftest import enrol, make_event, make_sitting, many_workers
from trainees.history import history_change
from trainees.models import ChangeKind, LeaveKind, Trainee
from training.models import AttendanceStatus
from training.services import attendance_mark

pytestmark = pytest.mark.django_db


def _event_with(world, n: int, seed: int = 3):
    committees = [world.na, world.nb] + [
        NeighbourhoodFactory(subdistrict=sub, housing_type=h)
        for sub in (world.a, world.b)
        for h in (HousingType.VILLA, HousingType.COMMERCIAL)
    ]
    workers = many_workers(n, committees)
    # Some workers are not enrolled, and some are on leave on the event's day (在册, not 在岗):
    # the ÷ 在册 figure sees them.
    for worker in workers[: n // 10]:
        history_change(
            trainee=worker,
            actor=world.users.district,
            kind=ChangeKind.LEAVE,
            effective_on=dt.date(2026, 3, 1),
            leave_kind=LeaveKind.SICK,
            reason="病假补登",
        )
    event = make_event()
    sittings = [make_sitting(event), make_sitting(event, start=(14, 0), end=(17, 0))]
    rng = random.Random(seed)
    enrolled = [w for w in workers if rng.random() < 0.9]
    rows = enrol(event, enrolled[: len(enrolled) // 2], sittings[0]) + enrol(
        event, enrolled[len(enrolled) // 2 :], sittings[1]
    )
    statuses = list(AttendanceStatus.values)
    truth = {}
    for sitting in sittings:
        marks = {
            e.pk: rng.choice(statuses + ["present"] * 6)
            for e in rows
            if e.sitting_id == sitting.pk and rng.random() < 0.97
        }
        truth.update(marks)
        attendance_mark(sitting=sitting, actor=world.users.district, marks=marks)
    return event, rows, truth


def _independent(rows, truth, *, key):
    """Counts from the Python objects, not the database aggregates."""
    out: dict = {}
    for e in rows:
        k = key(Trainee.objects.get(pk=e.trainee_id))
        d = out.setdefault(k, {"enrolled": 0, "attended": 0})
        d["enrolled"] += 1
        d["attended"] += truth.get(e.pk) in ("present", "late", "left_early")
    return out


def test_coverage_figures_equal_an_independent_count(world, client_for):
    event, rows, truth = _event_with(world, 300)
    response = client_for(world.users.district).get(
        reverse("training:event-figures", args=[event.pk])
    )
    ctx = response.context
    attended = sum(1 for s in truth.values() if s in ("present", "late", "left_early"))
    assert ctx["total"]["enrolled"] == len(rows)
    assert ctx["total"]["attended"] == attended
    assert ctx["total"]["unmarked"] == len(rows) - len(truth)
    # The base: workers on the books (在册) on some day of the event, not today's roster.
    dates = sorted(event.sittings.values_list("date", flat=True))
    active = sum(
        1
        for t in Trainee.objects.all()
        if t.joined <= dates[-1] and (t.left_on is None or t.left_on > dates[0])
    )
    assert ctx["total"]["active"] == active
    assert float(ctx["total"]["active_rate"]) == pytest.approx(attended * 100 / active, abs=0.05)
    by_sub = _independent(rows, truth, key=lambda t: t.subdistrict.name)
    assert {
        r["label"]: {"enrolled": r["enrolled"], "attended": r["attended"]}
        for r in ctx["by_subdistrict"]
    } == by_sub
    labels = dict(HousingType.choices)
    by_housing = _independent(rows, truth, key=lambda t: str(labels[t.neighbourhood.housing_type]))
    assert {
        str(r["label"]): {"enrolled": r["enrolled"], "attended": r["attended"]}
        for r in ctx["by_housing"]
    } == by_housing
    for r in ctx["by_subdistrict"]:
        assert float(r["rate"]) == pytest.approx(r["attended"] * 100 / r["enrolled"], abs=0.05)


# Django session, user, the event, totals, by subdistrict, by housing type, active workers,
# absentee count, the first 200 absentees (one query with their sittings and committees).
FIGURES_QUERIES = 10


@pytest.mark.parametrize("n", [60, 400])
def test_figures_page_queries_are_constant(world, client_for, django_assert_max_num_queries, n):
    event, _rows, _truth = _event_with(world, n)
    client = client_for(world.users.admin_a)
    with django_assert_max_num_queries(FIGURES_QUERIES):
        response = client.get(reverse("training:event-figures", args=[event.pk]))
    assert response.status_code == 200


# Django session, user, the sitting, subdistrict counts, the waiting list.
BOARD_QUERIES = 5


@pytest.mark.parametrize("n", [60, 400])
def test_board_data_queries_are_constant(world, client_for, django_assert_max_num_queries, n):
    event, rows, _truth = _event_with(world, n)
    client = client_for(world.users.district)
    url = reverse("training:sitting-board-data", args=[rows[0].sitting_id])
    with django_assert_max_num_queries(BOARD_QUERIES):
        client.get(url)


# Django session, user, count, one page of workers with hours (correlated subqueries).
HOURS_QUERIES = 5


@pytest.mark.parametrize("n", [60, 400])
def test_hours_page_queries_are_constant(world, client_for, django_assert_max_num_queries, n):
    _event_with(world, n)
    client = client_for(world.users.district)
    with django_assert_max_num_queries(HOURS_QUERIES):
        response = client.get(reverse("training:hours") + "?year=2026")
    assert response.status_code == 200
