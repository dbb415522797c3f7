"""The certified-on-duty rate against an independent computation in Python over the rows."""

import datetime as dt
from collections import defaultdict

import pytest

from certification.models import Certificate, RateBasis, RateTarget, Registration
from certification.selectors import (
    BREAKDOWNS,
    RateFilters,
    rate_by,
    rate_dashboard,
    rate_overall,
    rate_trend,
    rate_trend_live,
)
from tests.certification.conftest import certify, random_district
from trainees.models import Trainee
from trainees.services import trainee_mark_left

DATES = (dt.date(2018, 6, 30), dt.date(2022, 1, 1), dt.date(2026, 11, 1))


def expected(day: dt.date, key=lambda t: None) -> dict:
    """Python over the rows: who was on the roster that day, what they held and registered."""
    certs = defaultdict(list)
    for c in Certificate.objects.select_related("level"):
        certs[c.trainee_id].append(c)
    regs = defaultdict(list)
    for r in Registration.objects.all():
        regs[r.trainee_id].append(r)
    out = defaultdict(lambda: [0, 0, 0])
    for t in Trainee.objects.select_related("neighbourhood"):
        if not (t.joined <= day and (t.left_on is None or t.left_on > day)):
            continue
        row = out[key(t)]
        row[0] += 1
        row[1] += any(c.date_passed <= day for c in certs[t.pk])
        row[2] += any(r.starts_on <= day <= r.ends_on for r in regs[t.pk])
    return {k: tuple(v) for k, v in out.items()}


KEYS = {
    "subdistrict": lambda t: t.subdistrict_id,
    "neighbourhood": lambda t: (t.subdistrict_id, t.neighbourhood_id),
    "housing_type": lambda t: t.neighbourhood.housing_type if t.neighbourhood_id else "office",
    "post": lambda t: t.post,
}


@pytest.mark.parametrize("day", DATES)
def test_rate_as_of_a_date_matches_python_over_the_rows(district, day):
    district_admin = district.users.district
    # The data has what makes the rate hard: departures before the date, lapsed registrations.
    assert Trainee.objects.filter(left_on__lt=day).exists() or day == DATES[0]
    lapsed = [
        r
        for r in Registration.objects.all()
        if r.ends_on < day
        and not Registration.objects.filter(
            certificate=r.certificate, starts_on__lte=day, ends_on__gte=day
        ).exists()
    ]
    assert lapsed or day == DATES[0]

    overall = rate_overall(user=district_admin, on=day)
    assert (overall.active, overall.certified, overall.registered) == expected(day)[None]
    for dim, key in KEYS.items():
        rows = rate_by(user=district_admin, on=day, dimension=dim)
        got = {
            ((r.extra["subdistrict_id"], r.key) if dim == "neighbourhood" else r.key): (
                r.active,
                r.certified,
                r.registered,
            )
            for r in rows
        }
        assert got == expected(day, key), dim


def test_level_breakdown_counts_each_worker_at_the_highest_level_held_then(district):
    day = dt.date(2024, 6, 30)
    rows = {r.key: r for r in rate_by(user=district.users.district, on=day, dimension="level")}
    top = defaultdict(int)
    for t in Trainee.objects.all():
        if not (t.joined <= day and (t.left_on is None or t.left_on > day)):
            continue
        held = [c.level.rank for c in t.certificates.all() if c.date_passed <= day]
        top[max(held, default=0)] += 1
    assert rows["none"].active == top[0]
    assert rows["assistant"].active == top[1]
    assert rows["intermediate"].active == top[2]
    assert (
        sum(r.active for r in rows.values())
        == rate_overall(user=district.users.district, on=day).active
    )


def test_trend_matches_the_rate_on_each_month_end(district):
    until = dt.date(2026, 11, 1)
    trend = rate_trend(user=district.users.district, until=until, months=12)
    assert [r.key for r in trend][-2:] == [dt.date(2026, 10, 31), until]
    for row in trend[::4] + trend[-1:]:
        assert (row.active, row.certified, row.registered) == expected(row.key)[None]


def test_worker_who_left_counts_until_the_day_they_left(world):
    certify(world.colleague, "assistant", dt.date(2020, 6, 20))
    trainee_mark_left(
        trainee=world.colleague,
        actor=world.users.district,
        left_on=dt.date(2023, 3, 31),
        reason="补登离职",
    )
    before = rate_overall(user=world.users.district, on=dt.date(2023, 3, 30))
    after = rate_overall(user=world.users.district, on=dt.date(2023, 3, 31))
    assert (before.active, before.certified) == (3, 1)
    assert (after.active, after.certified) == (2, 0)


def test_gap_in_people_to_reach_the_target(world):
    for t in (world.worker, world.colleague):
        certify(t, "assistant", dt.date(2020, 6, 20), registrations=[dt.date(2020, 9, 1)])
    RateTarget.objects.create(year=2026, target_pct=90, basis=RateBasis.CERTIFIED)
    board = rate_dashboard(user=world.users.district, on=dt.date(2026, 3, 1))
    # 3 active, 2 certified: ceil(0.9 × 3) = 3, so one more person.
    assert board["gap"].needed == 1
    RateTarget.objects.filter(year=2026).update(basis=RateBasis.REGISTERED)
    board = rate_dashboard(user=world.users.district, on=dt.date(2026, 3, 1))
    # Registered 2020-09-01 .. 2023-08-31 and never renewed: nobody is registered in 2026.
    assert board["overall"].registered == 0
    assert board["gap"].needed == 3


def _dashboard_queries(user, django_assert_max_num_queries):
    # The first view of the day counts the month ends missing from the snapshots (or stale: the
    # workers just created), a constant number whatever the data: target, levels, overall with
    # four breakdowns; the snapshots' marks, the claim, the lock, the highest period id, the old
    # rows, one INSERT … SELECT per month end (23), the marks completed; two savepoints; the sum.
    with django_assert_max_num_queries(35):
        rate_dashboard(user=user, on=dt.date(2026, 11, 1))
    # Then: target, levels, overall with four breakdowns (one scan), the snapshots' marks, their
    # sum (the committees only within one subdistrict): five queries.
    with django_assert_max_num_queries(5):
        board = rate_dashboard(user=user, on=dt.date(2026, 11, 1))
    assert set(board["breakdowns"]) == set(BREAKDOWNS)
    assert board["breakdowns"]["neighbourhood"] is None
    return board


def test_dashboard_query_count_is_constant_at_two_data_sizes(world, django_assert_max_num_queries):
    random_district(world, 10, seed=1)
    small = _dashboard_queries(world.users.district, django_assert_max_num_queries)
    random_district(world, 150, seed=2)
    large = _dashboard_queries(world.users.district, django_assert_max_num_queries)
    assert large["overall"].active > small["overall"].active + 50
    assert large["trend"][-2].active > small["trend"][-2].active + 50


def test_dashboard_within_one_subdistrict_adds_only_the_committees(
    world, django_assert_max_num_queries
):
    random_district(world, 40, seed=3)
    filters = RateFilters(subdistrict_id=world.a.pk)
    for user, flt in ((world.users.district, filters), (world.users.admin_a, None)):
        rate_dashboard(user=user, on=dt.date(2026, 11, 1), filters=flt)
        with django_assert_max_num_queries(6):
            board = rate_dashboard(user=user, on=dt.date(2026, 11, 1), filters=flt)
        committees = board["breakdowns"]["neighbourhood"]
        assert committees and {r.extra["subdistrict_id"] for r in committees} == {world.a.pk}
        assert sum(r.active for r in committees) == board["overall"].active


def test_dashboard_summary_agrees_with_each_breakdown(district):
    """`rate_summary` adds up one grouped scan; each `rate_by` counts its own GROUP BY."""
    for day in DATES:
        board = rate_dashboard(user=district.users.district, on=day)
        overall = rate_overall(user=district.users.district, on=day)
        assert board["overall"] == overall
        for dim in ("subdistrict", "housing_type", "post", "level"):
            assert board["breakdowns"][dim] == rate_by(
                user=district.users.district, on=day, dimension=dim
            ), (day, dim)


def test_each_breakdown_is_one_query(district, django_assert_num_queries):
    for dim in ("subdistrict", "neighbourhood", "housing_type", "post"):
        with django_assert_num_queries(1):
            rate_by(user=district.users.district, on=dt.date(2025, 1, 1), dimension=dim)
    with django_assert_num_queries(2):  # the levels, then the counts
        rate_by(user=district.users.district, on=dt.date(2025, 1, 1), dimension="level")
    with django_assert_num_queries(1):
        rate_trend_live(user=district.users.district, until=dt.date(2025, 1, 1))
    rate_trend(user=district.users.district, until=dt.date(2025, 1, 1))
    with django_assert_num_queries(3):  # the snapshots' marks, their sum, the last day live
        rate_trend(user=district.users.district, until=dt.date(2025, 1, 1))


def test_subdistrict_admin_rate_covers_only_their_subdistrict(district):
    day = dt.date(2025, 1, 1)
    admin_a = district.users.admin_a
    own = rate_overall(user=admin_a, on=day)
    a_only = expected(day, lambda t: t.subdistrict_id)[district.a.pk]
    assert (own.active, own.certified, own.registered) == a_only
    assert {r.key for r in rate_by(user=admin_a, on=day, dimension="subdistrict")} == {
        district.a.pk
    }
    filtered = rate_overall(
        user=district.users.district, on=day, filters=RateFilters(subdistrict_id=district.a.pk)
    )
    assert filtered == own or (filtered.active, filtered.certified) == (own.active, own.certified)
