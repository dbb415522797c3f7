"""What a log must be: its editable fields, scores and action items, and the rules that span
fields and rows (checked by every write in logs.py and correct.py)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from supervisors.models import Assignment, SupervisionMode, Supervisor

from ..models import ActionItem, Competency, DrillScore, SessionAttendee, SupervisionSession
from .cadence import month_is_locked

EDITABLE_FIELDS = (
    "mode",
    "date",
    "start_time",
    "end_time",
    "place",
    "delivery",
    "topic",
    "raised",
    "guidance",
    "next_session_on",
)
SCORE_MIN, SCORE_MAX = 1, 5
# What a log's history shows; the whole log at each submit or correction is a SessionVersion.
AUDITED_FIELDS = (*EDITABLE_FIELDS, "status")


@dataclass(frozen=True)
class Score:
    trainee_id: int
    competency: str
    score: int
    comment: str = ""


@dataclass(frozen=True)
class Action:
    what: str
    owner: str = ""
    due_on: dt.date | None = None


def check_rules(
    session: SupervisionSession,
    *,
    supervisor: Supervisor,
    attendee_ids: Sequence[int],
    scores: Sequence[Score],
    complete: bool,
) -> None:
    """The rules that span fields and rows. `complete` adds the ones a submitted log must meet.

    A draft may still lack attendees or scores; it may never name someone else's trainee.
    """
    errors: dict[str, list[ValidationError]] = {}

    def refuse(key: str, message: str, code: str) -> None:
        errors.setdefault(key, []).append(ValidationError(message, code=code))

    today = timezone.localdate()
    if session.date and session.date > today:
        refuse("date", _("督导日期不能晚于今天。"), "future_date")
    elif session.date and month_is_locked(session.date, today=today):
        # elif: the lock date of a month far ahead (9999-12) is past the calendar's end.
        refuse("date", _("该月督导记录已锁定，不能再新增或修改。"), "month_locked")
    if session.start_time and session.end_time and session.end_time <= session.start_time:
        refuse("end_time", _("结束时间必须晚于开始时间。"), "end_before_start")
    if session.next_session_on and session.date and session.next_session_on <= session.date:
        refuse("next_session_on", _("下次督导日期应晚于本次督导日期。"), "next_before_date")

    own = set(
        Assignment.objects.filter(
            supervisor=supervisor, ended_on__isnull=True, trainee_id__in=attendee_ids
        ).values_list("trainee_id", flat=True)
    )
    if set(attendee_ids) - own:
        # No names: the other trainee may be outside this supervisor's scope.
        refuse("attendees", _("只能为自己当前带教的学员记录督导。"), "not_own_trainee")
    if len(set(attendee_ids)) != len(attendee_ids):
        refuse("attendees", _("同一学员只能选择一次。"), "duplicate_attendee")

    n = len(set(attendee_ids))
    if complete and session.mode == SupervisionMode.MENTOR and n != 1:
        refuse("attendees", _("师徒式督导须选择且只能选择一名学员。"), "mentor_attendees")
    if complete and session.mode == SupervisionMode.DRILL and n < 2:
        refuse("attendees", _("训练式督导须选择至少两名学员。"), "drill_attendees")

    if session.mode == SupervisionMode.DRILL:
        for s in scores:
            if not SCORE_MIN <= s.score <= SCORE_MAX:
                refuse("scores", _("评分须在 1 到 5 分之间。"), "score_range")
                break
        if complete:
            given = {(s.trainee_id, s.competency) for s in scores}
            missing = [
                (tid, c) for tid in attendee_ids for c in Competency.values if (tid, c) not in given
            ]
            if missing:
                refuse(
                    "scores",
                    _("训练式督导须为每名学员的六项能力逐项评分（还缺 %(n)d 项）。")
                    % {"n": len(missing)},
                    "scores_missing",
                )
    if errors:
        raise ValidationError(errors)


def write_children(
    session: SupervisionSession,
    *,
    attendee_ids: Sequence[int],
    scores: Sequence[Score],
    actions: Sequence[Action],
) -> None:
    """Replace attendees, scores and actions; keep an attendee row (and reflection) that stays."""
    keep = set(attendee_ids)
    session.attendees.exclude(trainee_id__in=keep).delete()
    present = set(session.attendees.values_list("trainee_id", flat=True))
    SessionAttendee.objects.bulk_create(
        SessionAttendee(session=session, trainee_id=tid)
        for tid in attendee_ids
        if tid not in present
    )
    session.scores.all().delete()
    if session.mode == SupervisionMode.DRILL:
        DrillScore.objects.bulk_create(
            DrillScore(
                session=session,
                trainee_id=s.trainee_id,
                competency=s.competency,
                score=s.score,
                comment=s.comment,
            )
            for s in scores
            if s.trainee_id in keep
        )
    session.action_items.all().delete()
    ActionItem.objects.bulk_create(
        ActionItem(session=session, what=a.what, owner=a.owner, due_on=a.due_on)
        for a in actions
        if a.what.strip()
    )


def duration_minutes(session: SupervisionSession) -> int:
    if not (session.start_time and session.end_time and session.date):
        return 0
    return max(int(session.duration.total_seconds() // 60), 0)
