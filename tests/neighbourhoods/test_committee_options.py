"""The committee search behind the committee filters (issue 13): scoped like the lists it
filters, a few rows whatever the city's size, and never a 500 for odd input."""

import pytest
from django.urls import reverse

from neighbourhoods.models import Neighbourhood

pytestmark = pytest.mark.django_db

URL = reverse("neighbourhoods:options")


def labels(response) -> list[str]:
    assert response.status_code == 200
    return [row["label"] for row in response.json()["results"]]


def test_the_district_searches_every_committee_by_name_or_subdistrict(world, client_for):
    client = client_for(world.users.district)
    assert labels(client.get(URL)) == ["华一居委会", "新泾一村居委会"]
    assert labels(client.get(URL, {"q": "新泾一"})) == ["新泾一村居委会"]
    assert labels(client.get(URL, {"q": "华阳路"})) == ["华一居委会"]  # by its subdistrict
    assert labels(client.get(URL, {"q": " 华一 "})) == ["华一居委会"]
    assert labels(client.get(URL, {"q": "没有这个"})) == []
    # The subdistrict chosen in the same form narrows the search.
    assert labels(client.get(URL, {"subdistrict": world.b.pk})) == ["新泾一村居委会"]
    row = client.get(URL, {"q": "华一"}).json()["results"][0]
    assert row == {"id": world.na.pk, "label": "华一居委会", "hint": "华阳路街道"}


def test_leadership_searches_the_whole_district(world, client_for):
    assert labels(client_for(world.users.leader).get(URL)) == ["华一居委会", "新泾一村居委会"]


def test_a_subdistrict_office_finds_only_its_own_committees(world, client_for):
    client = client_for(world.users.admin_a)
    assert labels(client.get(URL)) == ["华一居委会"]
    assert labels(client.get(URL, {"q": "新泾"})) == []
    # Asking for another subdistrict's committees finds nothing rather than leaking them.
    assert labels(client.get(URL, {"subdistrict": world.b.pk})) == []


@pytest.mark.parametrize("who", ["supervisor", "worker", "outsider"])
def test_people_who_do_not_see_places_are_refused(world, client_for, who):
    response = client_for(getattr(world.users, who)).get(URL, {"q": "华"})
    assert response.status_code == 403
    assert "华一居委会" not in response.content.decode()


def test_signed_out_visitors_are_sent_to_log_in(world, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "params",
    [
        {"subdistrict": "abc"},
        {"subdistrict": "99999999999999999999"},
        {"subdistrict": "-1"},
        {"subdistrict": "²"},
        {"q": "华" * 81},
        {"q": "华\x00一"},
    ],
)
def test_malformed_requests_are_a_400_not_a_500(world, client_for, params):
    response = client_for(world.users.district).get(URL, params)
    assert response.status_code == 400
    assert "华一居委会" not in response.content.decode()


def test_only_a_get_is_answered(world, client_for):
    assert client_for(world.users.district).post(URL, {"q": "华"}).status_code == 405


def test_a_long_list_is_cut_short_and_says_so(world, client_for):
    Neighbourhood.objects.bulk_create(
        Neighbourhood(name=f"华阳{i:02d}居委会", subdistrict=world.a) for i in range(40)
    )
    data = client_for(world.users.district).get(URL, {"q": "华阳"}).json()
    assert len(data["results"]) == 30 and data["more"] is True
    assert data["results"][0]["label"] == "华一居委会"  # by name, within subdistrict order
    narrow = client_for(world.users.district).get(URL, {"q": "华阳39"}).json()
    assert [r["label"] for r in narrow["results"]] == ["华阳39居委会"] and narrow["more"] is False


# Django session, user, the matching committees with their subdistrict (one query).
OPTIONS_QUERIES = 3


@pytest.mark.parametrize("n", [5, 500])
def test_the_query_count_is_constant(world, client_for, django_assert_num_queries, n):
    Neighbourhood.objects.bulk_create(
        Neighbourhood(name=f"华阳{i:03d}居委会", subdistrict=world.a) for i in range(n)
    )
    client = client_for(world.users.admin_a)
    with django_assert_num_queries(OPTIONS_QUERIES):
        response = client.get(URL, {"q": "华阳"})
    assert len(response.json()["results"]) == min(n + 1, 30)  # 华一居委会 is in 华阳路街道
