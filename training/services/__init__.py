"""Writes of training, one module per concept: events and sittings, the audience and its
placement, attendance (marked by hand), QR check-in, leave. The public names are here."""

from .attendance import (
    Marked,
    attendance_mark,
    credit_policy,
    credited,
    repeat_absence_messages,
)
from .audience import (
    AudienceRule,
    Placement,
    audience,
    certificate_holders_register,
    enrolment_add,
    enrolment_move,
    enrolment_remove,
    enrolments_add_by_rule,
    enrolments_place,
)
from .checkin import CHECKIN_OPENS_BEFORE, CheckedIn, checkin_record
from .events import (
    EVENT_FIELDS,
    event_create,
    event_update,
    sitting_bounds,
    sitting_create,
    sitting_update,
)
from .leave import leave_request_create, leave_request_decide

__all__ = [
    "CHECKIN_OPENS_BEFORE",
    "EVENT_FIELDS",
    "AudienceRule",
    "CheckedIn",
    "Marked",
    "Placement",
    "attendance_mark",
    "audience",
    "certificate_holders_register",
    "checkin_record",
    "credit_policy",
    "credited",
    "enrolment_add",
    "enrolment_move",
    "enrolment_remove",
    "enrolments_add_by_rule",
    "enrolments_place",
    "event_create",
    "event_update",
    "leave_request_create",
    "leave_request_decide",
    "repeat_absence_messages",
    "sitting_bounds",
    "sitting_create",
    "sitting_update",
]
