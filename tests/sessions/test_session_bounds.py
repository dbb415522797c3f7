"""A session log's ids and dates out of bounds are refused beside their field, never a 500
(issue 15, part 6; tests/test_input_bounds.py has the rules for every form)."""

import pytest
from django.urls import reverse

from sessions.models import SupervisionSession
from tests.sessions.test_session_form import _post as session_post

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize("view", ["sessions:create", "sessions:correct"])
def test_a_session_attendee_beyond_64_bits_is_refused_beside_the_field(team, client_for, view):
    client = client_for(team.world.users.supervisor)
    if view == "sessions:create":
        url = reverse(view)
    else:
        client.post(reverse("sessions:create"), session_post(team.drill))
        url = reverse(view, args=[SupervisionSession.objects.get().pk])
    response = client.post(url, session_post(team.drill, attendees=[HUGE], reason="更正"))
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("9999-12-31", "日期不能晚于"),
        ("0001-01-01", "日期不能早于 2019-01-01"),
        ("2018-12-31", "日期不能早于 2019-01-01"),
    ],
)
def test_a_session_out_of_the_window_is_refused_beside_the_date(team, client_for, day, message):
    client = client_for(team.world.users.supervisor)
    response = client.post(reverse("sessions:create"), session_post(team.drill, date=day))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["date"])
    assert not SupervisionSession.objects.exists()


@pytest.mark.parametrize("field", ["next_session_on", "actions-0-due_on"])
def test_planned_dates_of_a_session_end_a_year_ahead(team, client_for, field):
    client = client_for(team.world.users.supervisor)
    response = client.post(
        reverse("sessions:create"), session_post(team.drill, **{field: "9999-12-31"})
    )
    assert response.status_code == 200
    assert "日期不能晚于" in response.content.decode()
    assert not SupervisionSession.objects.exists()
