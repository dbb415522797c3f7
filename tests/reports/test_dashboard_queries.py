"""Dashboard queries do not grow with the data (pinned at two sizes)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import AssignmentFactory, NeighbourhoodFactory, TraineeFactory
from tests.reports.conftest import log

# Per period (current and previous): units 1; coverage 1 + serving 2; sessions 1 (rows and
# totals together); cadence policy 1 + cadence 1 (all the period's months in one query);
# training 4; rates 1, target 1. Plus, for a subdistrict, its row and its name; the trend 1
# per month (6 for a month, 12 for a year) and the session/user/middleware queries. The bound
# is the same at both sizes; a year's dashboard no longer runs one cadence query per month.
# A complete period is then kept (reports/snapshots.py): the writes of the test dropped
# 1, the snapshot read 1, its claim 3 (highest ids, insert, id), the figures stored 1. A second
# read costs the snapshot's one query (tests/reports/test_report_snapshots.py). The staffing
# panel (issue 14, item 5), as of the period's end: the norm 1, committees, residents and
# workers per subdistrict 3, the subdistricts' names 1, and for a subdistrict its committees 1.
STAFFING = 6
MONTH_BOUND = 38 + 7 + STAFFING
YEAR_BOUND = 44 + 7 + STAFFING


def grow(world, n: int) -> None:
    for i in range(n):
        nb = NeighbourhoodFactory(subdistrict=world.a if i % 2 else world.b)
        t = TraineeFactory(neighbourhood=nb)
        AssignmentFactory(supervisor=world.supervisor, trainee=t, started_on=dt.date(2025, 1, 1))
        log(world.supervisor, "mentor", dt.date(2025, 6, 2 + i % 20), [t])


@pytest.mark.parametrize("extra", [0, 12])
@pytest.mark.parametrize("persona", ["district", "admin_a", "leader"])
def test_dashboard_queries_are_constant(
    world, client_for, django_assert_max_num_queries, extra, persona
):
    grow(world, extra)
    client = client_for(getattr(world.users, persona))
    with django_assert_max_num_queries(MONTH_BOUND):
        response = client.get(
            reverse("reports:dashboard"), {"kind": "month", "year": 2025, "number": 6}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 12])
def test_a_year_dashboard_runs_one_cadence_query_not_one_per_month(
    world, client_for, django_assert_max_num_queries, extra
):
    grow(world, extra)
    client = client_for(world.users.admin_a)
    with django_assert_max_num_queries(YEAR_BOUND):
        response = client.get(
            reverse("reports:dashboard"), {"kind": "year", "year": 2025, "number": 1}
        )
    assert response.status_code == 200
    # Every month of the year still has its cadence figure, and they add up to the year's.
    supervision = response.context["f"]["supervision"]
    months = supervision["cadence_months"]
    assert [m["month"] for m in months] == [f"2025-{m:02d}-01" for m in range(1, 13)]
    assert sum(m["pairs"] for m in months) == supervision["total"]["cadence_pairs"]
    # The new pairings placed in A (every other one), in force from February to December.
    assert sum(m["pairs"] for m in months[1:]) >= 11 * (extra // 2)
