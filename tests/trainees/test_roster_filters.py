"""The roster's committee filter searches instead of listing (issue 13): the page carries only
the chosen committee, a chosen one is checked against the user's scope, and the supervisor's
own few committees are still a plain drop-down."""

import re

import pytest
from django.urls import reverse

from neighbourhoods.models import Neighbourhood
from tests.trainees.test_roster_queries import add_workers

pytestmark = pytest.mark.django_db


def committee_select(response) -> str:
    page = response.content.decode()
    return re.search(r'<select name="neighbourhood".*?</select>', page, re.S).group(0)


def offered(response) -> list[tuple[str, str]]:
    return re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', committee_select(response))


def names(response) -> list[str]:
    return sorted(t.name for t in response.context["table"].data)


def test_no_committee_is_listed_until_one_is_chosen(world, client_for):
    Neighbourhood.objects.bulk_create(
        Neighbourhood(name=f"华阳{i:03d}居委会", subdistrict=world.a) for i in range(200)
    )
    response = client_for(world.users.district).get(
        reverse("trainees:list"), {"subdistrict": world.a.pk}
    )
    assert offered(response) == [("", "全部")]
    select = committee_select(response)
    # The page's script searches these instead, narrowed to the chosen subdistrict.
    assert f'data-search-url="{reverse("neighbourhoods:options")}"' in select
    assert 'data-search-params="subdistrict"' in select
    assert "js/search-select.js" in response.content.decode()
    assert "华阳199居委会" not in response.content.decode()


def test_a_chosen_committee_is_shown_and_filters(world, client_for):
    # A link with only the committee (from the structure pages) filters and shows it chosen.
    response = client_for(world.users.district).get(
        reverse("trainees:list"), {"neighbourhood": world.nb.pk}
    )
    assert offered(response) == [("", "全部"), (str(world.nb.pk), "新泾一村居委会")]
    assert f'<option value="{world.nb.pk}" selected>' in committee_select(response)
    assert names(response) == ["沈丽华"]


def test_another_subdistricts_committee_is_refused_without_showing_it(world, client_for):
    response = client_for(world.users.admin_a).get(
        reverse("trainees:list"), {"neighbourhood": world.nb.pk}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert "新泾一村居委会" not in response.content.decode()
    assert names(response) == []


@pytest.mark.parametrize("raw", ["abc", "99999999999999999999", "-3", "²", "1 OR 1=1"])
def test_a_malformed_committee_is_a_form_error_not_a_500(world, client_for, raw):
    response = client_for(world.users.district).get(
        reverse("trainees:list"), {"neighbourhood": raw}
    )
    assert response.status_code == 200
    assert offered(response) == [("", "全部")]
    assert names(response) == []


def test_a_supervisor_picks_among_their_trainees_committees(world, client_for):
    response = client_for(world.users.supervisor).get(reverse("trainees:list"))
    assert offered(response) == [("", "全部"), (str(world.na.pk), "华一居委会")]
    assert "data-search-url" not in committee_select(response)
    chosen = client_for(world.users.supervisor).get(
        reverse("trainees:list"), {"neighbourhood": world.na.pk}
    )
    assert names(chosen) == ["陆晓燕"]


# Session + user (2), checking the chosen subdistrict and committee (2), the page count and
# the page of rows (2), the subdistrict choices and the chosen committee's name (2); no
# committee is listed. The same at both sizes.
FILTERED_ROSTER_QUERIES = 8


@pytest.mark.parametrize("n", [20, 2000])
def test_the_filtered_roster_query_count_is_constant(
    world, client_for, django_assert_num_queries, n
):
    add_workers(world, n)
    Neighbourhood.objects.bulk_create(
        Neighbourhood(name=f"华阳{i:04d}居委会", subdistrict=world.a) for i in range(n)
    )
    client = client_for(world.users.district)
    with django_assert_num_queries(FILTERED_ROSTER_QUERIES):
        response = client.get(
            reverse("trainees:list"), {"subdistrict": world.a.pk, "neighbourhood": world.na.pk}
        )
    assert response.context["table"].page.paginator.count == n // 2 + 2
