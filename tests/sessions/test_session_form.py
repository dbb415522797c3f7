"""The log form as a supervisor fills it: mentor, drill with a score grid, correction."""

import pytest
from django.urls import reverse

from sessions.models import Competency, SessionStatus, SupervisionSession
from tests.sessions.conftest import today

pytestmark = pytest.mark.django_db


def _post(trainees, *, mode="drill", scores=3, action="submit", **extra):
    data = {
        "mode": mode,
        "date": today().isoformat(),
        "start_time": "14:00",
        "end_time": "15:30",
        "delivery": "on_site",
        "place": "社区活动室",
        "topic": "议题形成训练",
        "raised": "如何把居民诉求变成公共议题",
        "guidance": "先分类、再排序",
        "attendees": [t.pk for t in trainees],
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-what": "整理本小区诉求清单",
        "actions-0-owner": "顾建国",
        "action": action,
    }
    if scores:
        for t in trainees:
            for c in Competency.values:
                data[f"score_{t.pk}_{c}"] = str(scores)
    data.update(extra)
    return data


def test_create_page_preselects_a_trainee(team, client_for):
    client = client_for(team.world.users.supervisor)
    response = client.get(reverse("sessions:create"), {"trainee": team.drill[0].pk})
    form = response.context["form"]
    assert form.initial["attendees"] == [team.drill[0].pk]
    assert form.initial["mode"] == "drill"
    page = response.content.decode()
    assert "动员参与主体" in page and "顾建国（训练式）" in page


def test_supervisor_logs_a_drill_with_scores(team, client_for):
    client = client_for(team.world.users.supervisor)
    response = client.post(reverse("sessions:create"), _post(team.drill, scores=4), follow=True)
    assert "督导记录已提交，等待学员确认。" in response.content.decode()
    session = SupervisionSession.objects.get()
    assert session.status == SessionStatus.SUBMITTED
    assert session.scores.count() == 12
    assert session.action_items.get().what == "整理本小区诉求清单"
    assert response.context["score_rows"][0]["cells"][0].score == 4


def test_missing_scores_are_shown_on_the_form(team, client_for):
    client = client_for(team.world.users.supervisor)
    response = client.post(reverse("sessions:create"), _post(team.drill, scores=0))
    assert response.status_code == 200
    assert "训练式督导须为每名学员的六项能力逐项评分（还缺 12 项）。" in response.content.decode()
    assert not SupervisionSession.objects.exists()


def test_draft_then_correct_with_reason(team, client_for):
    client = client_for(team.world.users.supervisor)
    client.post(reverse("sessions:create"), _post(team.drill, action="draft"))
    session = SupervisionSession.objects.get()
    assert session.status == SessionStatus.DRAFT
    client.post(reverse("sessions:submit", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == SessionStatus.SUBMITTED
    # A submitted log's edit page is the correction page.
    response = client.get(reverse("sessions:update", args=[session.pk]))
    assert response.url == reverse("sessions:correct", args=[session.pk])
    response = client.post(
        reverse("sessions:correct", args=[session.pk]),
        _post(team.drill, topic="议题形成训练（更正）", action="correct"),
    )
    assert response.context["form"].errors["reason"]
    response = client.post(
        reverse("sessions:correct", args=[session.pk]),
        _post(team.drill, topic="议题形成训练（更正）", action="correct", reason="主题写错"),
        follow=True,
    )
    page = response.content.decode()
    assert "更正原因：主题写错" in page
    assert "v2" in page


def test_a_refused_drill_keeps_every_score_and_comment_typed(team, client_for):
    """Sent back for one bad score, the form shows the supervisor's other scores and comments
    as typed, and marks the bad one."""
    first, second = team.drill[0], team.drill[1]
    data = _post(team.drill, scores=4)
    data[f"score_{first.pk}_mobilise"] = "9"
    data[f"comment_{second.pk}_mobilise"] = "能主动联系楼组长"
    client = client_for(team.world.users.supervisor)
    response = client.post(reverse("sessions:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert not SupervisionSession.objects.exists()
    assert (
        f'<select name="score_{first.pk}_mobilise" id="id_score_{first.pk}_mobilise" aria-invalid="true">'
        in page
    )
    kept = f'<select name="score_{second.pk}_mobilise" id="id_score_{second.pk}_mobilise">'
    assert kept in page
    assert (
        '<option value="4" selected>4</option>' in page.split(kept, 1)[1].split("</select>", 1)[0]
    )
    assert (
        f'name="comment_{second.pk}_mobilise" id="id_comment_{second.pk}_mobilise" value="能主动联系楼组长"'
        in page
    )
