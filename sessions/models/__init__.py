"""Supervision session logs and training attendance (app label "supervision_sessions")."""

from .supervision import (
    ActionItem,
    CadencePolicy,
    Competency,
    Delivery,
    DrillScore,
    MonthClose,
    SessionAttendee,
    SessionStatus,
    SessionVersion,
    SupervisionSession,
)
from .training import (
    Attendance,
    AttendanceStatus,
    CheckinUse,
    CreditPolicy,
    Enrolment,
    LeaveRequest,
    Sitting,
    TrainingEvent,
    TrainingKind,
)

__all__ = [
    "ActionItem",
    "Attendance",
    "AttendanceStatus",
    "CadencePolicy",
    "CheckinUse",
    "Competency",
    "CreditPolicy",
    "Delivery",
    "DrillScore",
    "Enrolment",
    "LeaveRequest",
    "MonthClose",
    "SessionAttendee",
    "SessionStatus",
    "SessionVersion",
    "Sitting",
    "SupervisionSession",
    "TrainingEvent",
    "TrainingKind",
]
