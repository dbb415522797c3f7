"""Writes of supervision logs. Views, admin, tasks and the demo's rules all come through here.

Life of a log: draft → submitted (version 1) → confirmed when every attendee has confirmed →
locked when its month is closed by a district administrator or `lock_after_days` after the
month's end. A submitted or confirmed log is changed only by a correction with a reason, which
stores a new version and asks the attendees to confirm again.
"""

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_diff, audit_record, audit_snapshot
from supervisors.models import Assignment, SupervisionMode, Supervisor
from trainees.models import Trainee

from .models import (
    ActionItem,
    CadencePolicy,
    Competency,
    DrillScore,
    MonthClose,
    SessionAttendee,
    SessionStatus,
    SessionVersion,
    SupervisionSession,
)

EDITABLE_FIELDS = (
    "mode",
    "date",
    "start_time",
    "end_time",
    "place",
    "delivery",
    "topic",
    "raised",
    "guidance",
    "next_session_on",
)
SCORE_MIN, SCORE_MAX = 1, 5
# What a log's history shows; the whole log at each submit or correction is a SessionVersion.
AUDITED_FIELDS = (*EDITABLE_FIELDS, "status")


@dataclass(frozen=True)
class Score:
    trainee_id: int
    competency: str
    score: int
    comment: str = ""


@dataclass(frozen=True)
class Action:
    what: str
    owner: str = ""
    due_on: dt.date | None = None


# --- locks ------------------------------------------------------------------------------------


def cadence_policy() -> CadencePolicy:
    """The district's single policy row, created with the defaults on first use."""
    policy, _created = CadencePolicy.objects.get_or_create(pk=1)
    return policy


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_lock_date(month: dt.date, policy: CadencePolicy) -> dt.date:
    """The first day on which a month's logs are locked without anyone closing it."""
    return month_end(month) + dt.timedelta(days=policy.lock_after_days + 1)


def month_is_locked(
    day: dt.date, *, today: dt.date | None = None, policy: CadencePolicy | None = None
) -> bool:
    today = today or timezone.localdate()
    policy = policy or cadence_policy()
    if today >= month_lock_date(day, policy):
        return True
    return MonthClose.objects.filter(month=month_start(day)).exists()


def session_is_locked(session: SupervisionSession, *, today: dt.date | None = None) -> bool:
    if session.status == SessionStatus.LOCKED:
        return True
    return month_is_locked(session.date, today=today)


def _refuse_if_locked(session: SupervisionSession) -> None:
    if session_is_locked(session):
        raise ValidationError(_("该月督导记录已锁定，不能再修改。"))


# --- rules ------------------------------------------------------------------------------------


def _check_rules(
    session: SupervisionSession,
    *,
    supervisor: Supervisor,
    attendee_ids: Sequence[int],
    scores: Sequence[Score],
    complete: bool,
) -> None:
    """The rules that span fields and rows. `complete` adds the ones a submitted log must meet.

    A draft may still lack attendees or scores; it may never name someone else's trainee.
    """
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if session.date and session.date > today:
        errors.setdefault("date", []).append(_("督导日期不能晚于今天。"))
    elif session.date and month_is_locked(session.date, today=today):
        # elif: the lock date of a month far ahead (9999-12) is past the calendar's end.
        errors.setdefault("date", []).append(_("该月督导记录已锁定，不能再新增或修改。"))
    if session.start_time and session.end_time and session.end_time <= session.start_time:
        errors.setdefault("end_time", []).append(_("结束时间必须晚于开始时间。"))
    if session.next_session_on and session.date and session.next_session_on <= session.date:
        errors.setdefault("next_session_on", []).append(_("下次督导日期应晚于本次督导日期。"))

    own = set(
        Assignment.objects.filter(
            supervisor=supervisor, ended_on__isnull=True, trainee_id__in=attendee_ids
        ).values_list("trainee_id", flat=True)
    )
    if set(attendee_ids) - own:
        # No names: the other trainee may be outside this supervisor's scope.
        errors.setdefault("attendees", []).append(_("只能为自己当前带教的学员记录督导。"))
    if len(set(attendee_ids)) != len(attendee_ids):
        errors.setdefault("attendees", []).append(_("同一学员只能选择一次。"))

    n = len(set(attendee_ids))
    if complete and session.mode == SupervisionMode.MENTOR and n != 1:
        errors.setdefault("attendees", []).append(_("师徒式督导须选择且只能选择一名学员。"))
    if complete and session.mode == SupervisionMode.DRILL and n < 2:
        errors.setdefault("attendees", []).append(_("训练式督导须选择至少两名学员。"))

    if session.mode == SupervisionMode.DRILL:
        for s in scores:
            if not SCORE_MIN <= s.score <= SCORE_MAX:
                errors.setdefault("scores", []).append(_("评分须在 1 到 5 分之间。"))
                break
        if complete:
            given = {(s.trainee_id, s.competency) for s in scores}
            missing = [
                (tid, c) for tid in attendee_ids for c in Competency.values if (tid, c) not in given
            ]
            if missing:
                errors.setdefault("scores", []).append(
                    _("训练式督导须为每名学员的六项能力逐项评分（还缺 %(n)d 项）。")
                    % {"n": len(missing)}
                )
    if errors:
        raise ValidationError(errors)


def _write_children(
    session: SupervisionSession,
    *,
    attendee_ids: Sequence[int],
    scores: Sequence[Score],
    actions: Sequence[Action],
) -> None:
    """Replace attendees, scores and actions; keep an attendee row (and reflection) that stays."""
    keep = set(attendee_ids)
    session.attendees.exclude(trainee_id__in=keep).delete()
    present = set(session.attendees.values_list("trainee_id", flat=True))
    SessionAttendee.objects.bulk_create(
        SessionAttendee(session=session, trainee_id=tid)
        for tid in attendee_ids
        if tid not in present
    )
    session.scores.all().delete()
    if session.mode == SupervisionMode.DRILL:
        DrillScore.objects.bulk_create(
            DrillScore(
                session=session,
                trainee_id=s.trainee_id,
                competency=s.competency,
                score=s.score,
                comment=s.comment,
            )
            for s in scores
            if s.trainee_id in keep
        )
    session.action_items.all().delete()
    ActionItem.objects.bulk_create(
        ActionItem(session=session, what=a.what, owner=a.owner, due_on=a.due_on)
        for a in actions
        if a.what.strip()
    )


def _duration_minutes(session: SupervisionSession) -> int:
    if not (session.start_time and session.end_time and session.date):
        return 0
    return max(int(session.duration.total_seconds() // 60), 0)


def session_snapshot(session: SupervisionSession) -> dict[str, Any]:
    """The whole log as JSON: fields, attendees, scores and action items."""
    attendees = session.attendees.select_related("trainee").order_by("pk")
    return {
        "supervisor": {"id": session.supervisor_id, "name": session.supervisor.name},
        "mode": session.mode,
        "date": session.date.isoformat(),
        "start_time": session.start_time.strftime("%H:%M"),
        "end_time": session.end_time.strftime("%H:%M"),
        "duration_minutes": session.duration_minutes,
        "place": session.place,
        "delivery": session.delivery,
        "topic": session.topic,
        "raised": session.raised,
        "guidance": session.guidance,
        "next_session_on": session.next_session_on.isoformat() if session.next_session_on else None,
        "attendees": [
            {
                "trainee_id": a.trainee_id,
                "name": a.trainee.name,
                "confirmed_at": a.confirmed_at.isoformat() if a.confirmed_at else None,
                "reflection": a.reflection,
            }
            for a in attendees
        ],
        "scores": [
            {
                "trainee_id": s.trainee_id,
                "competency": s.competency,
                "score": s.score,
                "comment": s.comment,
            }
            for s in session.scores.order_by("trainee_id", "competency")
        ],
        "action_items": [
            {
                "what": a.what,
                "owner": a.owner,
                "due_on": a.due_on.isoformat() if a.due_on else None,
            }
            for a in session.action_items.order_by("pk")
        ],
    }


def _store_version(session: SupervisionSession, *, actor: User, reason: str = "") -> None:
    session.version += 1
    session.save(update_fields=["version", "updated_at"])
    SessionVersion.objects.create(
        session=session,
        number=session.version,
        snapshot=session_snapshot(session),
        reason=reason,
        changed_by=actor,
    )


def _supervisor_of(actor: User) -> Supervisor:
    supervisor = getattr(actor, "supervisor", None) if actor.is_supervisor else None
    if supervisor is None:
        raise PermissionDenied(_("只有督导师可以填写督导记录。"))
    return supervisor


def _require_owner(session: SupervisionSession, actor: User) -> None:
    if not actor.is_supervisor or session.supervisor.user_id != actor.pk:
        raise PermissionDenied(_("只有填写该记录的督导师可以修改。"))


def _save(
    session: SupervisionSession,
    *,
    actor: User,
    fields: dict[str, Any],
    attendees: Iterable[Trainee | int],
    scores: Sequence[Score],
    action_items: Sequence[Action],
    complete: bool,
    reason: str = "",
) -> SupervisionSession:
    """Write the log and its children and record the change (the reason of a correction too)."""
    creating = session.pk is None
    before = {} if creating else audit_snapshot(session, AUDITED_FIELDS)
    for key, value in fields.items():
        if key in EDITABLE_FIELDS:
            setattr(session, key, value)
    attendee_ids = [a if isinstance(a, int) else a.pk for a in attendees]
    _check_rules(
        session,
        supervisor=session.supervisor,
        attendee_ids=attendee_ids,
        scores=scores,
        complete=complete,
    )
    session.duration_minutes = _duration_minutes(session)
    session.full_clean()
    session.save()
    _write_children(session, attendee_ids=attendee_ids, scores=scores, actions=action_items)
    after = audit_snapshot(session, AUDITED_FIELDS)
    if creating:
        after = {k: v for k, v in after.items() if v not in ("", None)}
    changes: dict[str, Any] = audit_diff(before, after)
    if reason:
        changes[str(_("更正原因"))] = [None, reason]
    if creating or changes:
        action = AuditAction.CREATE if creating else AuditAction.UPDATE
        audit_record(actor=actor, action=action, obj=session, changes=changes)
    return session


def _audit_status(session: SupervisionSession, actor: User, old: str) -> None:
    new = session.get_status_display()
    if old != new:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=session, changes={"status": [old, new]}
        )


def _mark_submitted(session: SupervisionSession, *, actor: User) -> None:
    old = session.get_status_display()
    session.status = SessionStatus.SUBMITTED
    session.submitted_at = timezone.now()
    session.save(update_fields=["status", "submitted_at", "updated_at"])
    _audit_status(session, actor, old)
    _store_version(session, actor=actor)


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    actor: User,
    attendees: Iterable[Trainee | int],
    scores: Sequence[Score] = (),
    action_items: Sequence[Action] = (),
    submit: bool = False,
    **fields: Any,
) -> SupervisionSession:
    """A new log by the acting supervisor; submitted at once when `submit` (all rules apply)."""
    supervisor = _supervisor_of(actor)
    session = SupervisionSession(supervisor=supervisor)
    _save(
        session,
        actor=actor,
        fields=fields,
        attendees=attendees,
        scores=scores,
        action_items=action_items,
        complete=submit,
    )
    if submit:
        _mark_submitted(session, actor=actor)
    return session


def _locked_row(session: SupervisionSession) -> SupervisionSession:
    # Row lock: a correction and a confirmation of the same log must not interleave.
    locked = (
        SupervisionSession.objects.select_for_update()
        .select_related("supervisor")
        .get(pk=session.pk)
    )
    return locked


@transaction.atomic
def session_update(
    *,
    session: SupervisionSession,
    actor: User,
    attendees: Iterable[Trainee | int],
    scores: Sequence[Score] = (),
    action_items: Sequence[Action] = (),
    submit: bool = False,
    **fields: Any,
) -> SupervisionSession:
    """Edit a draft. A submitted log is changed through `session_correct`, with a reason."""
    session = _locked_row(session)
    _require_owner(session, actor)
    _refuse_if_locked(session)
    if session.status != SessionStatus.DRAFT:
        raise ValidationError(_("记录已提交，如需修改请填写更正原因。"))
    _save(
        session,
        actor=actor,
        fields=fields,
        attendees=attendees,
        scores=scores,
        action_items=action_items,
        complete=submit,
    )
    if submit:
        _mark_submitted(session, actor=actor)
    return session


@transaction.atomic
def session_submit(*, session: SupervisionSession, actor: User) -> SupervisionSession:
    """Submit a draft as it stands; every rule of a complete log is checked first."""
    session = _locked_row(session)
    _require_owner(session, actor)
    _refuse_if_locked(session)
    if session.status != SessionStatus.DRAFT:
        raise ValidationError(_("该记录已提交。"))
    scores = [Score(s.trainee_id, s.competency, s.score, s.comment) for s in session.scores.all()]
    _check_rules(
        session,
        supervisor=session.supervisor,
        attendee_ids=list(session.attendees.values_list("trainee_id", flat=True)),
        scores=scores,
        complete=True,
    )
    _mark_submitted(session, actor=actor)
    return session


@transaction.atomic
def session_correct(
    *,
    session: SupervisionSession,
    actor: User,
    reason: str,
    attendees: Iterable[Trainee | int],
    scores: Sequence[Score] = (),
    action_items: Sequence[Action] = (),
    **fields: Any,
) -> SupervisionSession:
    """Correct a submitted or confirmed log: a new version, and attendees confirm again."""
    session = _locked_row(session)
    _require_owner(session, actor)
    _refuse_if_locked(session)
    if session.status not in (SessionStatus.SUBMITTED, SessionStatus.CONFIRMED):
        raise ValidationError(_("只有已提交的记录需要更正；草稿可直接修改。"))
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("更正已提交的记录须填写更正原因。")]})
    _save(
        session,
        actor=actor,
        fields=fields,
        attendees=attendees,
        scores=scores,
        action_items=action_items,
        complete=True,
        reason=reason.strip(),
    )
    # What the attendees confirmed has changed: they confirm the corrected log again.
    session.attendees.update(confirmed_at=None)
    old = session.get_status_display()
    session.status = SessionStatus.SUBMITTED
    session.save(update_fields=["status", "updated_at"])
    _audit_status(session, actor, old)
    _store_version(session, actor=actor, reason=reason.strip())
    return session


@transaction.atomic
def session_confirm(
    *, session: SupervisionSession, actor: User, reflection: str = ""
) -> SessionAttendee:
    """An attendee confirms the log (with an optional reflection); the last one confirms it all."""
    session = _locked_row(session)
    attendee = (
        session.attendees.filter(trainee__user=actor).select_related("trainee").first()
        if actor.is_authenticated
        else None
    )
    if attendee is None:
        raise PermissionDenied(_("只能确认自己参加的督导记录。"))
    _refuse_if_locked(session)
    if session.status != SessionStatus.SUBMITTED:
        raise ValidationError(_("该记录当前不需要确认。"))
    if attendee.confirmed_at is None:
        attendee.confirmed_at = timezone.now()
    attendee.reflection = reflection.strip()
    attendee.full_clean()
    attendee.save(update_fields=["confirmed_at", "reflection"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=session,
        changes={str(_("确认人")): [None, attendee.trainee.name]},
    )
    if not session.attendees.filter(confirmed_at__isnull=True).exists():
        old = session.get_status_display()
        session.status = SessionStatus.CONFIRMED
        session.save(update_fields=["status", "updated_at"])
        _audit_status(session, actor, old)
    return attendee


@transaction.atomic
def sessions_lock_month(*, month: dt.date) -> int:
    """Lock every submitted or confirmed log of a month; drafts stay drafts but cannot change."""
    month = month_start(month)
    return SupervisionSession.objects.filter(
        date__gte=month,
        date__lte=month_end(month),
        status__in=[SessionStatus.SUBMITTED, SessionStatus.CONFIRMED],
    ).update(status=SessionStatus.LOCKED, updated_at=timezone.now())


@transaction.atomic
def month_close(*, month: dt.date, actor: User) -> MonthClose:
    """A district administrator closes a finished month: its logs are locked for good."""
    if not actor.is_district_admin:
        raise PermissionDenied(_("只有区管理员可以结账。"))
    month = month_start(month)
    if month >= month_start(timezone.localdate()):
        raise ValidationError({"month": [_("只能结账已经结束的月份。")]})
    closed, created = MonthClose.objects.get_or_create(month=month, defaults={"closed_by": actor})
    if not created:
        raise ValidationError(
            {"month": [_("%(month)s 已结账。") % {"month": f"{month:%Y年%-m月}"}]}
        )
    locked = sessions_lock_month(month=month)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=closed,
        changes={str(_("锁定记录数")): [None, locked]},
    )
    return closed


@transaction.atomic
def sessions_lock_due(*, today: dt.date | None = None) -> int:
    """Lock the logs of every month closed by hand or past its automatic lock date.

    Idempotent: locking an already locked log changes nothing.
    """
    today = today or timezone.localdate()
    policy = cadence_policy()
    # The last month whose automatic lock date has passed.
    last = month_start(today)
    while month_lock_date(last, policy) > today:
        last = month_start(last - dt.timedelta(days=1))
    pending = SupervisionSession.objects.filter(
        status__in=[SessionStatus.SUBMITTED, SessionStatus.CONFIRMED]
    )
    n = pending.filter(date__lte=month_end(last)).update(
        status=SessionStatus.LOCKED, updated_at=timezone.now()
    )
    for month in MonthClose.objects.filter(month__gt=last).values_list("month", flat=True):
        n += sessions_lock_month(month=month)
    return n
