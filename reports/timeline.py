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
from trainees.history import periods_of
from trainees.models import (
    OFF_BOOKS_STATES,
    ChangeKind,
    EmploymentState,
    LeaveKind,
    Post,
    Trainee,
    WorkerPeriod,
)
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
    # A change of the worker's history: what it rests on (文号) and why.
    document_no: str = ""
    reason: str = ""


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def placement_of(period: WorkerPeriod) -> str:
    """华阳路街道 · 华一居委会 (or · 街道社区办)."""
    place = period.neighbourhood.name if period.neighbourhood_id else _("街道社区办")
    return f"{period.subdistrict.name} · {place}"


def state_of(period: WorkerPeriod) -> str:
    """在岗, 休假（产假）, 借调, 离职, 退休."""
    state = str(EmploymentState(period.state).label)
    if period.state == EmploymentState.LEAVE and period.leave_kind:
        return _("%(state)s（%(kind)s）") % {
            "state": state,
            "kind": LeaveKind(period.leave_kind).label,
        }
    return state


def _grade(period: WorkerPeriod) -> str:
    return period.grade.name if period.grade_id else str(_("未定级"))


# Same-day order of history entries: a spell starts before, and ends after, anything else.
_CHANGE_RANK = {
    ChangeKind.JOINED: 0,
    ChangeKind.REHIRED: 0,
    ChangeKind.LEFT: 9,
    ChangeKind.RETIRED: 9,
}


def history_entries(periods: list[WorkerPeriod]) -> list[TimelineEntry]:
    """One entry per recorded change (the start of each period after the first), described
    against the period before it: from → to for a placement, a post or a grade; leave and
    secondment as the stretch they last (until the return, or still)."""
    entries = []
    for i, period in enumerate(periods):
        before = periods[i - 1] if i else None
        if before is None:
            kind, label = "joined", _("入职")
            what = _("%(place)s，%(post)s") % {
                "place": placement_of(period),
                "post": Post(period.post).label,
            }
        else:
            kind, label, what = _describe(before, period)
        ends_on, is_period = None, False
        if (
            before is not None
            and period.state in (EmploymentState.LEAVE, EmploymentState.SECONDED)
            and before.state != period.state
        ):
            # The stretch of leave (or secondment) runs to the day before the return.
            last = i
            while last + 1 < len(periods) and periods[last + 1].state == period.state:
                last += 1
            ends_on, is_period = periods[last].ends_on, True
        entries.append(
            TimelineEntry(
                period.starts_on,
                kind,
                label,
                what,
                ends_on=ends_on,
                is_period=is_period,
                rank=_CHANGE_RANK.get(kind, 7),
                document_no=period.document_no,
                reason=period.reason,
            )
        )
    return entries


def _describe(before: WorkerPeriod, period: WorkerPeriod) -> tuple[str, str, str]:
    """(kind code, label, what) of the change that began `period`."""
    parts: list[str] = []
    off_before = before.state in OFF_BOOKS_STATES
    off_now = period.state in OFF_BOOKS_STATES
    if off_now and not off_before:
        parts.append(_("原单位：%(place)s") % {"place": placement_of(before)})
    elif off_before and not off_now:
        post = Post(period.post).label
        parts.append(_("%(place)s，%(post)s") % {"place": placement_of(period), "post": post})
    else:
        if (before.subdistrict_id, before.neighbourhood_id) != (
            period.subdistrict_id,
            period.neighbourhood_id,
        ):
            parts.append(f"{placement_of(before)} → {placement_of(period)}")
        if before.post != period.post:
            old, new = Post(before.post).label, Post(period.post).label
            parts.append(_("岗位：%(old)s → %(new)s") % {"old": old, "new": new})
    if before.grade_id != period.grade_id:
        parts.append(_("等级：%(old)s → %(new)s") % {"old": _grade(before), "new": _grade(period)})
    if not (off_before or off_now):
        if before.state != period.state and period.state == EmploymentState.ON_DUTY:
            parts.append(_("结束%(state)s") % {"state": state_of(before)})
        elif (
            period.state == EmploymentState.LEAVE
            and period.leave_kind
            and period.leave_kind != before.leave_kind
        ):
            parts.append(str(LeaveKind(period.leave_kind).label))
    kind = period.change
    if kind in (ChangeKind.IMPORT, ChangeKind.MIGRATED, ChangeKind.JOINED):
        # Not a change an office named (a roster import, the migration): named from the values.
        kind = _inferred_kind(before, period)
    label = ChangeKind(kind).label if kind in ChangeKind.values else _("变动")
    return str(kind), str(label), "；".join(str(p) for p in parts)


_KIND_OF_STATE = {
    EmploymentState.LEAVE: ChangeKind.LEAVE,
    EmploymentState.SECONDED: ChangeKind.SECONDMENT,
    EmploymentState.LEFT: ChangeKind.LEFT,
    EmploymentState.RETIRED: ChangeKind.RETIRED,
}


def _inferred_kind(before: WorkerPeriod, period: WorkerPeriod) -> str:
    if before.state != period.state:
        if period.state == EmploymentState.ON_DUTY:
            off = before.state in OFF_BOOKS_STATES
            return ChangeKind.REHIRED if off else ChangeKind.RETURN
        return _KIND_OF_STATE[EmploymentState(period.state)]
    if (before.subdistrict_id, before.neighbourhood_id) != (
        period.subdistrict_id,
        period.neighbourhood_id,
    ):
        return ChangeKind.TRANSFER
    if before.post != period.post:
        return ChangeKind.POST
    if before.grade_id != period.grade_id:
        return ChangeKind.GRADE
    return "change"


def worker_timeline(
    *,
    trainee: Trainee,
    assignments: list[Assignment] | None = None,
    periods: list[WorkerPeriod] | None = None,
) -> list[TimelineEntry]:
    """The worker's dated facts, newest first. Four queries whatever the history's length
    (certificates, registrations, training attended, supervision sessions), plus one each for
    the history periods and the pairings unless the caller passes them (`periods_of`, and
    pairings with `supervisor` selected)."""
    if periods is None:
        periods = periods_of(trainee)
    if periods:
        entries = history_entries(periods)
    else:  # a record without a history (none should be left after the migration)
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
