"""The audit trail of supervision logs: written, corrected with a reason, confirmed, month
closed; the log page's history, scoped like the log."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from sessions.models import MonthClose
from sessions.services import (
    month_close,
    session_confirm,
    session_correct,
    session_create,
    session_submit,
    session_update,
)

from .conftest import session_fields, today

pytestmark = pytest.mark.django_db


def _changes(session) -> list[tuple[str, dict]]:
    return [
        (e.action, e.changes)
        for e in AuditEvent.objects.filter(
            object_type="supervision_sessions.supervisionsession", object_id=str(session.pk)
        ).order_by("pk")
    ]


def test_a_log_is_recorded_from_draft_to_confirmation(team):
    w = team.world
    supervisor = w.users.supervisor
    session = session_create(actor=supervisor, attendees=[team.mentee], **session_fields())
    session_update(
        session=session,
        actor=supervisor,
        attendees=[team.mentee],
        **session_fields(topic="楼组长议事会的筹备"),
    )
    session_submit(session=session, actor=supervisor)
    session_correct(
        session=session,
        actor=supervisor,
        reason="议题写错了",
        attendees=[team.mentee],
        **session_fields(topic="楼组议事会"),
    )
    session_confirm(session=session, actor=w.users.worker, reflection="有收获")
    (created, updated, submitted, corrected, confirmed, done) = _changes(session)
    assert created[0] == AuditAction.CREATE and created[1]["topic"] == [None, "楼组长议事会的组织"]
    assert updated == (AuditAction.UPDATE, {"topic": ["楼组长议事会的组织", "楼组长议事会的筹备"]})
    assert submitted[1] == {"status": ["草稿", "待确认"]}
    assert corrected[1] == {
        "topic": ["楼组长议事会的筹备", "楼组议事会"],
        "更正原因": [None, "议题写错了"],
    }
    assert confirmed[1] == {"确认人": [None, "陆晓燕"]}
    assert done[1] == {"status": ["待确认", "已确认"]}
    event = AuditEvent.objects.filter(object_id=str(session.pk)).first()
    assert event.actor == w.users.worker  # newest first: the confirmation
    assert set(
        AuditEvent.objects.exclude(actor=w.users.worker).values_list("actor", flat=True)
    ) == {supervisor.pk}


def test_closing_a_month_is_recorded(team):
    last_month = today().replace(day=1) - dt.timedelta(days=1)
    closed = month_close(month=last_month, actor=team.world.users.district)
    event = AuditEvent.objects.get(object_type=MonthClose._meta.label_lower)
    assert (event.actor, event.action, event.object_id) == (
        team.world.users.district,
        AuditAction.CREATE,
        str(closed.pk),
    )


def test_history_on_the_log_page_is_scoped_like_the_log(team, client_for):
    w = team.world
    session = session_create(
        actor=w.users.supervisor, attendees=[team.mentee], submit=True, **session_fields()
    )
    session_correct(
        session=session,
        actor=w.users.supervisor,
        reason="补充地点",
        attendees=[team.mentee],
        **session_fields(place="华一居委会活动室"),
    )
    url = reverse("sessions:detail", args=[session.pk])
    for user in (w.users.supervisor, w.users.admin_a, w.users.worker):
        page = client_for(user).get(url).content.decode()
        assert "变更记录" in page and "补充地点" in page, user
    for user in (w.users.admin_b, w.users.other_supervisor, w.users.outsider):
        response = client_for(user).get(url)
        assert response.status_code == 404 and "补充地点" not in response.content.decode()


@pytest.mark.parametrize("n", [1, 10])
def test_log_page_history_takes_constant_queries(team, client_for, n):
    w = team.world
    session = session_create(
        actor=w.users.supervisor, attendees=[team.mentee], submit=True, **session_fields()
    )
    for i in range(n):
        session_correct(
            session=session,
            actor=w.users.supervisor,
            reason=f"第{i}次更正",
            attendees=[team.mentee],
            **session_fields(topic=f"议题{i}"),
        )
    client = client_for(w.users.admin_a)
    url = reverse("sessions:detail", args=[session.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert f"第{n - 1}次更正" in page
    # Django session, user, the log with its supervisor, attendees, scores, action items,
    # versions, cadence policy, month close, the history (one query, whatever its length).
    assert len(queries) <= 10, [q["sql"] for q in queries]
