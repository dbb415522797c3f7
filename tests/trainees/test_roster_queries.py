"""The roster and its exports cost the same number of queries for 20 and for 2,000 workers."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import make_id_number, with_periods
from trainees.models import Trainee

pytestmark = pytest.mark.django_db


def add_workers(world, n: int) -> None:
    with_periods(
        Trainee.objects.bulk_create(
            Trainee(
                name=f"批量{i}",
                gender="F",
                birth_date=dt.date(1980 + i % 20, 1 + i % 12, 1 + i % 28),
                id_number=make_id_number(dt.date(1980 + i % 20, 1 + i % 12, 1 + i % 28), "F"),
                mobile=f"137{i:08d}",
                subdistrict=world.a if i % 2 else world.b,
                neighbourhood=world.na if i % 2 else world.nb,
                education="bachelor",
                started_community_work=dt.date(2010, 1, 1),
                joined=dt.date(2012, 1, 1),
            )
            for i in range(n)
        )
    )


# Session + user (2), the page count and the page of rows (2), the subdistrict choices (1);
# the committee filter lists none (it searches: tests/trainees/test_roster_filters.py). The
# bound is the same at both sizes.
ROSTER_QUERIES = 5


@pytest.mark.parametrize("n", [20, 2000])
def test_roster_query_count_is_constant(world, client_for, django_assert_max_num_queries, n):
    add_workers(world, n)
    client = client_for(world.users.district)
    with django_assert_max_num_queries(ROSTER_QUERIES):
        response = client.get(reverse("trainees:list"), {"sort": "name"})
    assert response.status_code == 200
    assert response.context["table"].page.paginator.count == n + 3


# Session + user (2), one streamed query for the rows and the audit event of the export.
EXPORT_QUERIES = 5


@pytest.mark.parametrize("n", [20, 2000])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_query_count_is_constant(world, client_for, django_assert_max_num_queries, n, fmt):
    add_workers(world, n)
    client = client_for(world.users.district)
    with django_assert_max_num_queries(EXPORT_QUERIES):
        response = client.get(reverse("trainees:export", args=[fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        assert response.content.decode("utf-8-sig").count("\n") == n + 3 + 1


@pytest.mark.parametrize("n", [20, 2000])
def test_structure_pages_query_count_is_constant(
    world, client_for, django_assert_max_num_queries, n
):
    add_workers(world, n)
    client = client_for(world.users.district)
    with django_assert_max_num_queries(3):  # session, user, subdistricts with counts
        assert client.get(reverse("structure:subdistrict-list")).status_code == 200
    with django_assert_max_num_queries(4):  # session, user, subdistrict, committees with counts
        assert (
            client.get(reverse("structure:subdistrict-detail", args=[world.a.pk])).status_code
            == 200
        )


@pytest.mark.parametrize("n", [20, 2000])
def test_home_query_count_is_constant(world, client_for, django_assert_max_num_queries, n):
    add_workers(world, n)
    client = client_for(world.users.district)
    with django_assert_max_num_queries(4):  # session, user, worker aggregate, structure aggregate
        response = client.get(reverse("home"))
    assert response.context["figures"]["active"] == n + 3
