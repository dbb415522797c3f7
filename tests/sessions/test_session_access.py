"""Who sees which logs: 404 out of scope, 403 for those who may look but not change."""

import datetime as dt

import pytest
from django.urls import reverse

from sessions.models import SessionStatus, SupervisionSession
from tests.sessions.conftest import make_session, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(team):
    w = team.world
    return {
        "mine": make_session(w.supervisor, [team.mentee]),
        "drill": make_session(w.supervisor, team.drill, scores=True),
        "theirs": make_session(w.other_supervisor, [w.worker_b]),
        "draft": make_session(w.supervisor, [team.mentee], status=SessionStatus.DRAFT),
    }


def test_supervisor_gets_404_for_logs_that_are_not_theirs(team, logs, client_for):
    client = client_for(team.world.users.supervisor)
    assert client.get(reverse("sessions:detail", args=[logs["mine"].pk])).status_code == 200
    for view in ("detail", "update", "correct"):
        response = client.get(reverse(f"sessions:{view}", args=[logs["theirs"].pk]))
        assert response.status_code == 404
    page = client.get(reverse("sessions:list"))
    assert "沈丽华" not in page.content.decode()
    assert "陆晓燕" in page.content.decode()


def test_supervisor_gets_404_for_other_trainees(team, client_for):
    client = client_for(team.world.users.supervisor)
    response = client.get(reverse("trainees:detail", args=[team.world.worker_b.pk]))
    assert response.status_code == 404


def test_form_refuses_someone_elses_trainee(team, client_for):
    w = team.world
    client = client_for(w.users.supervisor)
    response = client.post(
        reverse("sessions:create"),
        {
            "mode": "mentor",
            "date": today().isoformat(),
            "start_time": "09:00",
            "end_time": "10:00",
            "delivery": "on_site",
            "topic": "冒名记录",
            "attendees": [w.worker_b.pk],
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]
    assert "沈丽华" not in response.content.decode()  # not even offered as a choice
    assert not SupervisionSession.objects.filter(topic="冒名记录").exists()


def test_locked_log_cannot_be_edited(team, client_for):
    w = team.world
    old = make_session(
        w.supervisor, [team.mentee], date=today().replace(day=1) - dt.timedelta(days=70)
    )
    client = client_for(w.users.supervisor)
    assert client.get(reverse("sessions:correct", args=[old.pk])).status_code == 403
    page = client.get(reverse("sessions:detail", args=[old.pk])).content.decode()
    assert "该月督导记录已锁定，只能查看。" in page
    assert "更正记录" not in page


def test_worker_sees_only_logs_they_attend_and_no_drafts(team, logs, client_for):
    client = client_for(team.world.users.worker)
    assert client.get(reverse("sessions:detail", args=[logs["mine"].pk])).status_code == 200
    assert client.get(reverse("sessions:detail", args=[logs["drill"].pk])).status_code == 404
    assert client.get(reverse("sessions:detail", args=[logs["draft"].pk])).status_code == 404
    # Seeing is not writing.
    assert client.get(reverse("sessions:correct", args=[logs["mine"].pk])).status_code == 403


def test_worker_confirms_only_own_log(team, logs, client_for):
    client = client_for(team.colleague_user)
    response = client.post(reverse("sessions:confirm", args=[logs["mine"].pk]), {"reflection": "x"})
    assert response.status_code == 404
    response = client.post(
        reverse("sessions:confirm", args=[logs["drill"].pk]),
        {"reflection": "议题要从居民身边的小事找"},
        follow=True,
    )
    assert "已确认督导记录，谢谢！" in response.content.decode()
    attendee = logs["drill"].attendees.get(trainee=team.drill[0])
    assert attendee.confirmed_at is not None
    assert attendee.reflection == "议题要从居民身边的小事找"


def test_a_worker_sees_only_their_own_scores_on_a_drill_log(team, logs, client_for):
    """The attendees of a drill log see each other's names, not each other's assessment."""
    log = logs["drill"]
    colleague, third = team.drill
    log.scores.filter(trainee=third).update(score=5, comment="组织协调能力突出")
    url = reverse("sessions:detail", args=[log.pk])
    response = client_for(team.colleague_user).get(url)
    rows = response.context["score_rows"]
    assert [r["trainee"] for r in rows] == [colleague]
    assert all(cell.score == 3 for cell in rows[0]["cells"])
    page = response.content.decode()
    assert "组织协调能力突出" not in page and ">5<" not in page
    assert "钱海燕" in page  # still listed as an attendee
    # The supervisor and the administrators see every attendee's scores.
    for user in (team.world.users.supervisor, team.world.users.admin_a, team.world.users.leader):
        rows = client_for(user).get(url).context["score_rows"]
        assert [r["trainee"] for r in rows] == [colleague, third]
        assert rows[1]["cells"][0].comment == "组织协调能力突出"


def test_subdistrict_admin_sees_logs_of_their_subdistrict(team, logs, client_for):
    w = team.world
    a = client_for(w.users.admin_a)
    b = client_for(w.users.admin_b)
    assert a.get(reverse("sessions:detail", args=[logs["mine"].pk])).status_code == 200
    assert a.get(reverse("sessions:detail", args=[logs["theirs"].pk])).status_code == 404
    assert b.get(reverse("sessions:detail", args=[logs["theirs"].pk])).status_code == 200
    assert b.get(reverse("sessions:detail", args=[logs["mine"].pk])).status_code == 404
    listing = b.get(reverse("sessions:list")).content.decode()
    assert "沈丽华" in listing and "陆晓燕" not in listing
    # An administrator reads but never writes a log.
    assert a.get(reverse("sessions:correct", args=[logs["mine"].pk])).status_code == 403


def test_outsider_sees_nothing(team, logs, client_for):
    client = client_for(team.world.users.outsider)
    assert client.get(reverse("sessions:detail", args=[logs["mine"].pk])).status_code == 404
    assert client.get(reverse("sessions:overdue")).status_code == 403
    assert client.get(reverse("sessions:month-close")).status_code == 403


def test_district_and_leader_see_all(team, logs, client_for):
    for user in (team.world.users.district, team.world.users.leader):
        client = client_for(user)
        page = client.get(reverse("sessions:list"))
        assert page.context["table"].page.paginator.count == 4


def test_month_close_page_only_for_district_admin(team, logs, client_for):
    w = team.world
    assert client_for(w.users.admin_a).get(reverse("sessions:month-close")).status_code == 403
    client = client_for(w.users.district)
    month = today().replace(day=1) - dt.timedelta(days=1)
    old = make_session(w.supervisor, [team.mentee], date=month)
    response = client.post(
        reverse("sessions:month-close"), {"month": month.replace(day=1).isoformat()}
    )
    assert response.context["form"].errors["confirm"]  # must tick the confirmation
    response = client.post(
        reverse("sessions:month-close"),
        {"month": month.replace(day=1).isoformat(), "confirm": "on"},
        follow=True,
    )
    assert "已结账，该月督导记录已锁定。" in response.content.decode()
    old.refresh_from_db()
    assert old.status == SessionStatus.LOCKED


def test_export_follows_scope(team, logs, client_for):
    response = client_for(team.world.users.admin_b).get(reverse("sessions:export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert "沈丽华" in text and "陆晓燕" not in text
    response = client_for(team.world.users.district).get(reverse("sessions:export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
