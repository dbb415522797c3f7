"""The log list's supervisor filter searches instead of listing the whole team (issue 13:
about 10,000 supervisors were most of the page's 428 KB); a chosen one is checked against
the same scope as before."""

import re

import pytest
from django.urls import reverse

from supervisors.models import Supervisor
from tests.sessions.conftest import make_session

pytestmark = pytest.mark.django_db


def supervisor_select(response) -> str:
    page = response.content.decode()
    return re.search(r'<select name="supervisor".*?</select>', page, re.S).group(0)


def offered(response) -> list[tuple[str, str]]:
    return re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', supervisor_select(response))


def logged_by(response) -> list[str]:
    return [s.supervisor.name for s in response.context["table"].data]


@pytest.fixture
def logs(team):
    w = team.world
    make_session(w.supervisor, [team.mentee])
    make_session(w.other_supervisor, [w.worker_b])
    return team


def test_no_supervisor_is_listed_until_one_is_chosen(logs, client_for):
    Supervisor.objects.bulk_create(
        Supervisor(name=f"批量督导{i}", home_subdistrict=logs.world.a) for i in range(100)
    )
    response = client_for(logs.world.users.district).get(reverse("sessions:list"))
    assert offered(response) == [("", "全部")]
    assert f'data-search-url="{reverse("supervisors:options")}"' in supervisor_select(response)
    assert "批量督导99" not in response.content.decode()


def test_a_chosen_supervisor_is_shown_and_filters(logs, client_for):
    w = logs.world
    response = client_for(w.users.district).get(
        reverse("sessions:list"), {"supervisor": w.other_supervisor.pk}
    )
    assert offered(response) == [("", "全部"), (str(w.other_supervisor.pk), "吴督导")]
    assert logged_by(response) == ["吴督导"]


def test_an_office_cannot_filter_by_a_supervisor_it_does_not_see(logs, client_for):
    w = logs.world
    response = client_for(w.users.admin_a).get(
        reverse("sessions:list"), {"supervisor": w.other_supervisor.pk}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert "吴督导" not in supervisor_select(response)
    assert logged_by(response) == []
    # Its own supervisor is fine.
    own = client_for(w.users.admin_a).get(reverse("sessions:list"), {"supervisor": w.supervisor.pk})
    assert offered(own) == [("", "全部"), (str(w.supervisor.pk), "周督导")]
    assert logged_by(own) == ["周督导"]


@pytest.mark.parametrize("raw", ["abc", "99999999999999999999", "²"])
def test_a_malformed_supervisor_is_a_form_error_not_a_500(logs, client_for, raw):
    response = client_for(logs.world.users.district).get(
        reverse("sessions:list"), {"supervisor": raw}
    )
    assert response.status_code == 200
    assert offered(response) == [("", "全部")]


def test_supervisors_have_no_supervisor_filter(logs, client_for):
    response = client_for(logs.world.users.supervisor).get(reverse("sessions:list"))
    assert '<select name="supervisor"' not in response.content.decode()
