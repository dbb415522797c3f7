"""Reads of training, by concept: scope and access helpers, events and their figures, hours.
The public names are here."""

from .ce_period import ce_period_for, ce_period_source_register
from .events import (
    RosterRow,
    enrolment_list,
    event_absentees,
    event_figures,
    event_list,
    event_sittings,
    pending_leave,
    sitting_board,
    sitting_roster,
)
from .hours import (
    hours_per_worker,
    my_trainings,
    training_hours,
    training_hours_subquery,
    training_hours_subquery_for,
    year_bounds,
)
from .scope import (
    ATTENDED,
    ATTENDED_Q,
    _certificate_model,
    attendance_for_trainee,
    can_manage_event,
    enrolment_scope,
    event_scope,
    get_enrolment_for_user,
    get_event_for_user,
    get_leave_request_for_user,
    get_sitting_for_user,
)

__all__ = [
    "ATTENDED",
    "ATTENDED_Q",
    "RosterRow",
    "_certificate_model",
    "attendance_for_trainee",
    "can_manage_event",
    "ce_period_for",
    "ce_period_source_register",
    "enrolment_list",
    "enrolment_scope",
    "event_absentees",
    "event_figures",
    "event_list",
    "event_scope",
    "event_sittings",
    "get_enrolment_for_user",
    "get_event_for_user",
    "get_leave_request_for_user",
    "get_sitting_for_user",
    "hours_per_worker",
    "my_trainings",
    "pending_leave",
    "sitting_board",
    "sitting_roster",
    "training_hours",
    "training_hours_subquery",
    "training_hours_subquery_for",
    "year_bounds",
]
