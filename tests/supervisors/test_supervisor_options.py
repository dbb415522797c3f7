"""The supervisor search behind the log list's supervisor filter (issue 13): whom each role
may filter logs by, a few rows whatever the team's size, and never a 500 for odd input."""

import pytest
from django.urls import reverse

from supervisors.models import Supervisor
from tests.factories import AssignmentFactory, TraineeFactory

pytestmark = pytest.mark.django_db

URL = reverse("supervisors:options")


def labels(response) -> list[str]:
    assert response.status_code == 200
    return [row["label"] for row in response.json()["results"]]


def test_the_district_searches_the_whole_team(world, client_for):
    client = client_for(world.users.district)
    assert labels(client.get(URL)) == ["周督导", "吴督导"]
    assert labels(client.get(URL, {"q": "吴"})) == ["吴督导"]
    row = client.get(URL, {"q": "周"}).json()["results"][0]
    # Namesakes are told apart by their home subdistrict.
    assert row == {"id": world.supervisor.pk, "label": "周督导", "hint": "华阳路街道"}
    assert labels(client_for(world.users.leader).get(URL)) == ["周督导", "吴督导"]


def test_a_subdistrict_office_finds_whoever_supervised_its_workers(world, client_for):
    assert labels(client_for(world.users.admin_a).get(URL)) == ["周督导"]
    assert labels(client_for(world.users.admin_a).get(URL, {"q": "吴"})) == []
    # 吴督导 comes from B but once supervised a worker of A: A's logs may be theirs.
    AssignmentFactory(
        supervisor=world.other_supervisor, trainee=world.colleague, ended_on="2026-01-31"
    )
    assert labels(client_for(world.users.admin_a).get(URL, {"q": "吴"})) == ["吴督导"]
    assert labels(client_for(world.users.admin_b).get(URL)) == ["吴督导"]


@pytest.mark.parametrize("who", ["supervisor", "worker", "outsider"])
def test_people_who_do_not_see_places_are_refused(world, client_for, who):
    response = client_for(getattr(world.users, who)).get(URL, {"q": "督导"})
    assert response.status_code == 403
    assert "吴督导" not in response.content.decode()


@pytest.mark.parametrize("q", ["督" * 81, "周\x00"])
def test_malformed_requests_are_a_400_not_a_500(world, client_for, q):
    response = client_for(world.users.district).get(URL, {"q": q})
    assert response.status_code == 400


# Django session, user, the matching supervisors with their home subdistrict (one query).
OPTIONS_QUERIES = 3


@pytest.mark.parametrize("n", [5, 300])
def test_the_query_count_is_constant(world, client_for, django_assert_num_queries, n):
    trainee = TraineeFactory(neighbourhood=world.na)
    team = Supervisor.objects.bulk_create(
        Supervisor(name=f"批量督导{i}", home_subdistrict=world.b) for i in range(n)
    )
    for supervisor in team[:3]:
        AssignmentFactory(supervisor=supervisor, trainee=trainee, ended_on="2026-01-31")
    district, office = client_for(world.users.district), client_for(world.users.admin_a)
    with django_assert_num_queries(OPTIONS_QUERIES):
        everyone = district.get(URL, {"q": "批量"})
    assert len(everyone.json()["results"]) == min(n, 30)
    with django_assert_num_queries(OPTIONS_QUERIES):
        office = office.get(URL, {"q": "批量"})
    assert len(office.json()["results"]) == 3
