"""Homes, the log list and the overdue page cost the same queries for 3 or 30 logs per trainee."""

import datetime as dt

import pytest
from django.urls import reverse

from sessions.services import cadence_policy
from tests.sessions.conftest import make_session, today

pytestmark = pytest.mark.django_db


def add_history(team, per_trainee: int) -> None:
    """`per_trainee` logs for each of the supervisor's trainees, every third day back from
    today, plus the same for the other supervisor's pair. The first two are in this month
    whatever today is (on the 1st, both are today), so every pair is on cadence (mentor ≥ 2)."""
    w = team.world
    cadence_policy()  # the row a migration creates; a flushed test database may lack it
    for i in range(per_trainee):
        day = today() - dt.timedelta(days=i * 3)
        if i < 2 and day < today().replace(day=1):
            day = today()
        make_session(w.supervisor, [team.mentee], date=day, confirmed=i % 2 == 0)
        make_session(w.supervisor, team.drill, date=day, scores=True, confirmed=i % 3 == 0)
        make_session(w.other_supervisor, [w.worker_b], date=day)


# Django session, user, supervisor profile, cadence policy, my trainees with cadence figures
# (one query of correlated subqueries), drafts and unconfirmed logs, unread notifications.
SUPERVISOR_HOME_QUERIES = 7


@pytest.mark.parametrize("n", [3, 30])
def test_supervisor_home_query_count_is_constant(
    team, client_for, django_assert_max_num_queries, n
):
    add_history(team, n)
    client = client_for(team.world.users.supervisor)
    with django_assert_max_num_queries(SUPERVISOR_HOME_QUERIES):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert "记录督导" in page
    rows = {r.trainee.name: r for r in response.context["rows"]}
    assert set(rows) == {"陆晓燕", "顾建国", "钱海燕"}
    assert rows["陆晓燕"].last_session_on == today()


# Django session, user, the trainee with subdistrict and committee (3), the pairing, my recent
# logs, logs to confirm, monthly score averages, unread notifications.
WORKER_HOME_QUERIES = 10


@pytest.mark.parametrize("n", [3, 30])
def test_worker_home_query_count_is_constant(team, client_for, django_assert_max_num_queries, n):
    add_history(team, n)
    client = client_for(team.colleague_user)
    with django_assert_max_num_queries(WORKER_HOME_QUERIES):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert "我的督导师" in page and "周督导" in page
    assert "<svg" in page and "动员参与主体" in page
    assert response.context["to_confirm"]


# Django session, user, page count, page of logs with attendee counts, attendees with
# trainees (one prefetch), the subdistrict choices; the supervisor filter lists no one (it
# searches: tests/sessions/test_session_list_filters.py).
LIST_QUERIES = 6


@pytest.mark.parametrize("n", [3, 30])
def test_session_list_query_count_is_constant(team, client_for, django_assert_max_num_queries, n):
    add_history(team, n)
    client = client_for(team.world.users.district)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("sessions:list"))
    assert response.context["table"].page.paginator.count == 3 * n
    assert "顾建国、钱海燕" in response.content.decode()


# Django session, user, cadence policy, pairings below cadence with supervisor and trainee.
OVERDUE_QUERIES = 5


@pytest.mark.parametrize("n", [3, 30])
def test_overdue_page_query_count_is_constant(team, client_for, django_assert_max_num_queries, n):
    add_history(team, n)
    # A pairing with no log at all this month is behind.
    from tests.factories import AssignmentFactory, TraineeFactory

    idle = TraineeFactory(name="孙闲", neighbourhood=team.world.na)
    AssignmentFactory(supervisor=team.world.other_supervisor, trainee=idle)
    client = client_for(team.world.users.district)
    with django_assert_max_num_queries(OVERDUE_QUERIES):
        response = client.get(reverse("sessions:overdue"))
    page = response.content.decode()
    assert "孙闲（0/2）" in page
    assert "周督导" not in page  # every pair of 周督导 is on cadence this month
