"""The worker's timeline (时间线): every dated fact Dudao keeps about one person, newest first.

It reads trainees, supervisors, sessions, training and certification, so it lives at the top of
the layers with the worker's page (reports/worker_file.py). The caller resolves the worker
through `get_trainee_for_user`, which owns the scoping; nothing here widens what is shown
(no identity fields, no session notes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from certification.models import Certificate, Registration
from sessions.models import SessionAttendee, SessionStatus
from supervisors.models import Assignment
from trainees.models import Trainee
from training.models import Attendance, AttendanceStatus

# Marked as there: late and leaving early still attended (their hours are what was credited).
ATTENDED = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY]


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date
    kind: str  # a stable code for styling and tests
    label: str
    what: str
    # For periods (registrations, pairings): the last day, included; None while open.
    ends_on: dt.date | None = None
    is_period: bool = False
    # Same-day order, oldest fact first (joining before anything else on that day).
    rank: int = 0


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def worker_timeline(
    *, trainee: Trainee, assignments: list[Assignment] | None = None
) -> list[TimelineEntry]:
    """The worker's dated facts, newest first. Four queries whatever the history's length
    (certificates, registrations, training attended, supervision sessions), plus one for the
    pairings unless the caller passes them (with `supervisor` selected)."""
    entries = [TimelineEntry(trainee.joined, "joined", _("入职"), "", rank=0)]
    if trainee.left_on:
        entries.append(TimelineEntry(trainee.left_on, "left", _("离职"), "", rank=9))

    for cert in Certificate.objects.filter(trainee=trainee).select_related("level"):
        entries.append(
            TimelineEntry(
                cert.date_passed,
                "passed",
                _("考试通过"),
                _("%(level)s考试通过") % {"level": cert.level.name},
                rank=1,
            )
        )
        entries.append(
            TimelineEntry(
                cert.date_issued,
                "certified",
                _("持证"),
                _("%(level)s证书（编号 %(number)s）自该日起持有")
                % {"level": cert.level.name, "number": cert.number},
                rank=2,
            )
        )

    registrations = Registration.objects.filter(trainee=trainee).select_related(
        "certificate__level"
    )
    for reg in registrations:
        entries.append(
            TimelineEntry(
                reg.starts_on,
                "registration",
                _("登记"),
                _("%(level)s证书登记（%(kind)s）")
                % {"level": reg.certificate.level.name, "kind": reg.get_kind_display()},
                ends_on=reg.ends_on,
                is_period=True,
                rank=3,
            )
        )

    if assignments is None:
        assignments = list(Assignment.objects.filter(trainee=trainee).select_related("supervisor"))
    for a in assignments:
        entries.append(
            TimelineEntry(
                a.started_on,
                "pairing",
                _("督导结对"),
                _("督导师 %(supervisor)s，%(mode)s")
                % {"supervisor": a.supervisor.name, "mode": a.get_mode_display()},
                ends_on=a.ended_on,
                is_period=True,
                rank=4,
            )
        )

    attended = (
        Attendance.objects.filter(trainee=trainee, status__in=ATTENDED)
        .select_related("event", "sitting")
        .only("credited_hours", "event__title", "sitting__date")
    )
    for row in attended:
        entries.append(
            TimelineEntry(
                row.sitting.date,
                "training",
                _("参加培训"),
                _("%(event)s，%(hours)s 学时")
                % {"event": row.event.title, "hours": _hours(row.credited_hours)},
                rank=5,
            )
        )

    # Drafts are the supervisor's unfinished notes, not yet a record of a session.
    sessions = (
        SessionAttendee.objects.filter(trainee=trainee)
        .exclude(session__status=SessionStatus.DRAFT)
        .select_related("session")
        .only("session__date", "session__mode")
    )
    for attendee in sessions:
        entries.append(
            TimelineEntry(
                attendee.session.date,
                "supervision",
                _("接受督导"),
                attendee.session.get_mode_display(),
                rank=6,
            )
        )

    entries.sort(key=lambda e: (e.day, e.rank), reverse=True)
    return entries
