"""Correcting a submitted or confirmed log: with a reason, as a new version, and the
attendees confirm again."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from trainees.models import Trainee

from ..models import SessionStatus, SupervisionSession
from .cadence import refuse_if_locked
from .logs import audit_status, locked_row, require_owner, save_log, store_version
from .rules import Action, Score


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
    session = locked_row(session)
    require_owner(session, actor)
    refuse_if_locked(session)
    if session.status not in (SessionStatus.SUBMITTED, SessionStatus.CONFIRMED):
        raise ValidationError(_("只有已提交的记录需要更正；草稿可直接修改。"), code="not_submitted")
    if not reason or not reason.strip():
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("更正已提交的记录须填写更正原因。"), code="reason_required"
                )
            }
        )
    save_log(
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
    audit_status(session, actor, old)
    store_version(session, actor=actor, reason=reason.strip())
    return session
