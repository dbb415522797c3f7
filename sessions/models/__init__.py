"""Supervision session logs (app label "supervision_sessions"); training is its own app."""

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

__all__ = [
    "ActionItem",
    "CadencePolicy",
    "Competency",
    "Delivery",
    "DrillScore",
    "MonthClose",
    "SessionAttendee",
    "SessionStatus",
    "SessionVersion",
    "SupervisionSession",
]
