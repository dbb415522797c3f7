"""Dashboard queries do not grow with the data (pinned at two sizes)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import AssignmentFactory, NeighbourhoodFactory, TraineeFactory
from tests.reports.conftest import log

# Per period (current and previous): coverage 2 + serving 1, sessions 2, cadence 1 per month,
# training 3, rates 1, target 1, units 1, scope name 1; plus trend 1 per month (6 for a month),
# the policy, session/user/middleware queries. The bound is the same at both sizes.
MONTH_BOUND = 40


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
