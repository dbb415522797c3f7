"""Writing a log: a supervisor creates, edits (as a draft) and submits their own logs.

Submitting keeps version 1 of the whole log (SessionVersion); a submitted log is changed only
through `session_correct` (correct.py), which shares the writing below.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can_write_logs
from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_diff, audit_record, audit_snapshot
from supervisors.models import Supervisor
from trainees.models import Trainee

from ..models import SessionStatus, SessionVersion, SupervisionSession
from .cadence import refuse_if_locked
from .rules import (
    AUDITED_FIELDS,
    EDITABLE_FIELDS,
    Action,
    Score,
    check_rules,
    duration_minutes,
    write_children,
)


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


def store_version(session: SupervisionSession, *, actor: User, reason: str = "") -> None:
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
    supervisor = getattr(actor, "supervisor", None) if can_write_logs(actor) else None
    if supervisor is None:
        raise PermissionDenied(_("只有督导师可以填写督导记录。"))
    return supervisor


def require_owner(session: SupervisionSession, actor: User) -> None:
    if not can_write_logs(actor) or session.supervisor.user_id != actor.pk:
        raise PermissionDenied(_("只有填写该记录的督导师可以修改。"))


def save_log(
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
    check_rules(
        session,
        supervisor=session.supervisor,
        attendee_ids=attendee_ids,
        scores=scores,
        complete=complete,
    )
    session.duration_minutes = duration_minutes(session)
    session.full_clean()
    session.save()
    write_children(session, attendee_ids=attendee_ids, scores=scores, actions=action_items)
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


def audit_status(session: SupervisionSession, actor: User, old: str) -> None:
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
    audit_status(session, actor, old)
    store_version(session, actor=actor)


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
    save_log(
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


def locked_row(session: SupervisionSession) -> SupervisionSession:
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
    session = locked_row(session)
    require_owner(session, actor)
    refuse_if_locked(session)
    if session.status != SessionStatus.DRAFT:
        raise ValidationError(_("记录已提交，如需修改请填写更正原因。"), code="not_draft")
    save_log(
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
    session = locked_row(session)
    require_owner(session, actor)
    refuse_if_locked(session)
    if session.status != SessionStatus.DRAFT:
        raise ValidationError(_("该记录已提交。"), code="not_draft")
    scores = [Score(s.trainee_id, s.competency, s.score, s.comment) for s in session.scores.all()]
    check_rules(
        session,
        supervisor=session.supervisor,
        attendee_ids=list(session.attendees.values_list("trainee_id", flat=True)),
        scores=scores,
        complete=True,
    )
    _mark_submitted(session, actor=actor)
    return session
