"""Writes of supervision logs. Views, tasks and the demo's rules all come through here; the
admin site only shows logs (sessions/admin.py).

Life of a log: draft → submitted (version 1) → confirmed when every attendee has confirmed →
locked when its month is closed by a district administrator or `lock_after_days` after the
month's end. A submitted or confirmed log is changed only by a correction with a reason, which
stores a new version and asks the attendees to confirm again.

The package by concept: cadence.py (the policy row and when a month locks), rules.py (what a
log must be), logs.py (create, edit, submit), correct.py, confirm.py, months.py (closing and
locking months).
"""

from .cadence import (
    cadence_policy,
    month_end,
    month_is_locked,
    month_lock_date,
    month_start,
    session_is_locked,
)
from .confirm import session_confirm
from .correct import session_correct
from .logs import session_create, session_snapshot, session_submit, session_update
from .months import month_close, sessions_lock_due, sessions_lock_month
from .rules import AUDITED_FIELDS, EDITABLE_FIELDS, SCORE_MAX, SCORE_MIN, Action, Score

__all__ = [
    "AUDITED_FIELDS",
    "EDITABLE_FIELDS",
    "SCORE_MAX",
    "SCORE_MIN",
    "Action",
    "Score",
    "cadence_policy",
    "month_close",
    "month_end",
    "month_is_locked",
    "month_lock_date",
    "month_start",
    "session_confirm",
    "session_correct",
    "session_create",
    "session_is_locked",
    "session_snapshot",
    "session_submit",
    "session_update",
    "sessions_lock_due",
    "sessions_lock_month",
]
