"""Confirming a log: each attendee confirms what was written (with a reflection); the last
confirmation confirms the log."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record

from ..models import SessionAttendee, SessionStatus, SupervisionSession
from .cadence import refuse_if_locked
from .logs import audit_status, locked_row


@transaction.atomic
def session_confirm(
    *, session: SupervisionSession, actor: User, reflection: str = ""
) -> SessionAttendee:
    """An attendee confirms the log (with an optional reflection); the last one confirms it all."""
    session = locked_row(session)
    attendee = (
        session.attendees.filter(trainee__user=actor).select_related("trainee").first()
        if actor.is_authenticated
        else None
    )
    if attendee is None:
        raise PermissionDenied(_("只能确认自己参加的督导记录。"))
    refuse_if_locked(session)
    if session.status != SessionStatus.SUBMITTED:
        raise ValidationError(_("该记录当前不需要确认。"), code="not_awaiting_confirmation")
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
        audit_status(session, actor, old)
    return attendee
