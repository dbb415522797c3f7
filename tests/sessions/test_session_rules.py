"""The rules a supervisor meets when logging: who may attend, scores, corrections, locks."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sessions.models import MonthClose, SessionStatus, SessionVersion
from sessions.services import (
    Action,
    Score,
    month_close,
    session_confirm,
    session_correct,
    session_create,
    session_submit,
    session_update,
    sessions_lock_due,
)
from tests.helpers import raises_rule
from tests.sessions.conftest import full_scores, make_session, session_fields, today

pytestmark = pytest.mark.django_db


def test_mentor_log_submitted_with_one_own_trainee(team):
    w = team.world
    session = session_create(
        actor=w.users.supervisor,
        attendees=[team.mentee],
        action_items=[Action("召开一次楼组长会议", "陆晓燕", today() + dt.timedelta(days=14))],
        submit=True,
        **session_fields(),
    )
    assert session.status == SessionStatus.SUBMITTED
    assert session.duration_minutes == 90
    assert session.version == 1
    assert session.action_items.get().owner == "陆晓燕"
    assert SessionVersion.objects.get(session=session).snapshot["attendees"][0]["name"] == "陆晓燕"


def test_mentor_needs_exactly_one_attendee(team):
    w = team.world
    with raises_rule(field="attendees", code="mentor_attendees", message="只能选择一名学员"):
        session_create(
            actor=w.users.supervisor,
            attendees=[team.mentee, *team.drill],
            submit=True,
            **session_fields(),
        )
    with raises_rule(field="attendees", code="mentor_attendees"):
        session_create(actor=w.users.supervisor, attendees=[], submit=True, **session_fields())


def test_drill_needs_two_attendees_and_every_score(team):
    w = team.world
    drill = session_fields(mode="drill")
    with raises_rule(field="attendees", code="drill_attendees", message="至少两名学员"):
        session_create(
            actor=w.users.supervisor,
            attendees=team.drill[:1],
            scores=full_scores(team.drill[0]),
            submit=True,
            **drill,
        )

    partial = full_scores(*team.drill)[:-1]
    with raises_rule(field="scores", code="scores_missing", message="还缺 1 项"):
        session_create(
            actor=w.users.supervisor, attendees=team.drill, scores=partial, submit=True, **drill
        )

    bad = [*full_scores(*team.drill)[:-1], Score(team.drill[1].pk, "oversight", 6)]
    with raises_rule(field="scores", code="score_range", message="评分须在 1 到 5 分之间。"):
        session_create(
            actor=w.users.supervisor, attendees=team.drill, scores=bad, submit=True, **drill
        )

    session = session_create(
        actor=w.users.supervisor,
        attendees=team.drill,
        scores=full_scores(*team.drill, score=4),
        submit=True,
        **drill,
    )
    assert session.scores.count() == 12


def test_a_draft_may_be_incomplete_but_submit_checks_everything(team):
    w = team.world
    draft = session_create(
        actor=w.users.supervisor, attendees=team.drill, **session_fields(mode="drill")
    )
    assert draft.status == SessionStatus.DRAFT and draft.version == 0
    # Submitting checks what a draft may lack: here, every score of both trainees.
    with raises_rule(field="scores", code="scores_missing", message="还缺 12 项"):
        session_submit(session=draft, actor=w.users.supervisor)
    session_update(
        session=draft,
        actor=w.users.supervisor,
        attendees=team.drill,
        scores=full_scores(*team.drill),
        **session_fields(mode="drill"),
    )
    session_submit(session=draft, actor=w.users.supervisor)
    draft.refresh_from_db()
    assert draft.status == SessionStatus.SUBMITTED


def test_cannot_log_for_someone_elses_trainee(team):
    w = team.world
    with raises_rule(field="attendees", code="not_own_trainee", message="自己当前带教的学员"):
        session_create(actor=w.users.supervisor, attendees=[w.worker_b], **session_fields())


def test_end_after_start_and_no_future_date(team):
    w = team.world
    with raises_rule(field="end_time", code="end_before_start", message="结束时间必须晚于开始时间"):
        session_create(
            actor=w.users.supervisor,
            attendees=[team.mentee],
            **session_fields(start_time=dt.time(10), end_time=dt.time(9)),
        )
    with raises_rule(field="date", code="future_date", message="督导日期不能晚于今天。"):
        session_create(
            actor=w.users.supervisor,
            attendees=[team.mentee],
            **session_fields(date=today() + dt.timedelta(days=1)),
        )


def test_only_supervisors_log(team):
    with pytest.raises(PermissionDenied):
        session_create(actor=team.world.users.district, attendees=[team.mentee], **session_fields())


def test_correction_needs_a_reason_keeps_versions_and_resets_confirmations(team):
    w = team.world
    session = session_create(
        actor=w.users.supervisor, attendees=[team.mentee], submit=True, **session_fields()
    )
    session_confirm(session=session, actor=w.users.worker, reflection="收获很大")
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED

    with raises_rule(field="reason", code="reason_required", message="须填写更正原因"):
        session_correct(
            session=session,
            actor=w.users.supervisor,
            reason=" ",
            attendees=[team.mentee],
            **session_fields(topic="改后的主题"),
        )
    # A submitted log is not edited as a draft.
    with raises_rule(code="not_draft", message="如需修改请填写更正原因"):
        session_update(
            session=session, actor=w.users.supervisor, attendees=[team.mentee], **session_fields()
        )

    session_correct(
        session=session,
        actor=w.users.supervisor,
        reason="时间记错了",
        attendees=[team.mentee],
        **session_fields(topic="改后的主题", end_time=dt.time(11, 0)),
    )
    session.refresh_from_db()
    assert session.topic == "改后的主题"
    assert session.duration_minutes == 120
    assert session.status == SessionStatus.SUBMITTED
    attendee = session.attendees.get()
    assert attendee.confirmed_at is None
    assert attendee.reflection == "收获很大"
    versions = list(session.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].snapshot["topic"] == "楼组长议事会的组织"
    assert versions[1].snapshot["topic"] == "改后的主题"
    assert versions[1].reason == "时间记错了"


def test_other_supervisor_cannot_correct(team):
    w = team.world
    session = session_create(
        actor=w.users.supervisor, attendees=[team.mentee], submit=True, **session_fields()
    )
    with pytest.raises(PermissionDenied):
        session_correct(
            session=session,
            actor=w.users.other_supervisor,
            reason="x",
            attendees=[team.mentee],
            **session_fields(),
        )


def test_worker_confirms_only_their_own_and_only_when_submitted(team):
    w = team.world
    draft = session_create(
        actor=w.users.supervisor, attendees=team.drill, **session_fields(mode="drill")
    )
    with raises_rule(code="not_awaiting_confirmation", message="该记录当前不需要确认。"):
        session_confirm(session=draft, actor=team.colleague_user)
    session = session_create(
        actor=w.users.supervisor,
        attendees=team.drill,
        scores=full_scores(*team.drill),
        submit=True,
        **session_fields(mode="drill"),
    )
    with pytest.raises(PermissionDenied):
        session_confirm(session=session, actor=w.users.worker)  # 陆晓燕 did not attend
    session_confirm(session=session, actor=team.colleague_user)
    session.refresh_from_db()
    assert session.status == SessionStatus.SUBMITTED  # one of two confirmed
    session_confirm(session=session, actor=team.third_user, reflection="学会了议题梳理")
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED


def _last_month_day() -> dt.date:
    return today().replace(day=1) - dt.timedelta(days=1)


def test_month_close_locks_logs(team):
    w = team.world
    old = make_session(w.supervisor, [team.mentee], date=_last_month_day())
    with pytest.raises(PermissionDenied):
        month_close(month=old.date, actor=w.users.admin_a)
    with raises_rule(field="month", code="month_not_over", message="只能结账已经结束的月份"):
        month_close(month=today(), actor=w.users.district)
    month_close(month=old.date, actor=w.users.district)
    old.refresh_from_db()
    assert old.status == SessionStatus.LOCKED
    assert MonthClose.objects.filter(month=old.date.replace(day=1)).exists()
    with raises_rule(field="month", code="month_closed", message="已结账"):
        month_close(month=old.date, actor=w.users.district)
    with raises_rule(code="month_locked", message="该月督导记录已锁定，不能再修改。"):
        session_correct(
            session=old,
            actor=w.users.supervisor,
            reason="补充",
            attendees=[team.mentee],
            **session_fields(date=old.date),
        )
    # Nor can a new log be back-dated into the closed month.
    with raises_rule(field="date", code="month_locked", message="不能再新增或修改"):
        session_create(
            actor=w.users.supervisor, attendees=[team.mentee], **session_fields(date=old.date)
        )


def test_months_lock_automatically_after_the_policy_days(team):
    w = team.world
    long_ago = today().replace(day=1) - dt.timedelta(days=70)
    old = make_session(w.supervisor, [team.mentee], date=long_ago, confirmed=True)
    recent = make_session(w.supervisor, [team.mentee], date=today())
    assert sessions_lock_due() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == SessionStatus.LOCKED
    assert recent.status == SessionStatus.SUBMITTED
    with raises_rule(code="month_locked", message="该月督导记录已锁定"):
        session_correct(
            session=old,
            actor=w.users.supervisor,
            reason="x",
            attendees=[team.mentee],
            **session_fields(date=long_ago),
        )
