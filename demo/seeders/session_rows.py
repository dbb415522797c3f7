"""The rows of the demo's supervision logs: each log, its attendees, drill scores, action items
and first version, written a batch of whole teams at a time with plain INSERTs (demo/rows.py).

demo/seeders/sessions.py decides which logs there are and their states; this module draws
what each says (times, place, topic, scores, confirmations) and writes them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from demo.context import SeedContext
from demo.data import (
    ACTIONS,
    DRILL_TOPICS,
    GUIDANCE,
    MENTOR_TOPICS,
    PLACES,
    RAISED,
    REFLECTIONS,
)
from demo.rows import BATCH_SIZE, RowWriter
from sessions.models import (
    ActionItem,
    Competency,
    Delivery,
    DrillScore,
    SessionAttendee,
    SessionStatus,
    SessionVersion,
    SupervisionSession,
)
from supervisors.models import SupervisionMode

SHANGHAI = ZoneInfo("Asia/Shanghai")
COMPETENCIES = tuple(Competency.values)


@dataclass
class Log:
    """One log to write: when, whose, who attended, and its state (set by the sessions seeder)."""

    supervisor_id: int
    mode: str
    date: dt.date
    trainee_ids: list[int]
    scored: bool
    status: str = SessionStatus.CONFIRMED
    confirmed: list[bool] = field(default_factory=list)


@dataclass
class Team:
    """One supervisor and their active pairings: (trainee id, mode, started on, trainee name)."""

    supervisor_id: int
    supervisor_name: str
    user_id: int | None
    pairs: list[tuple[int, str, dt.date, str]]


def _score(rng: random.Random, base: float, slope: float, months_in: int) -> int:
    value = base + slope * months_in + rng.gauss(0, 0.35)
    return max(1, min(5, round(value)))


class SessionWriter:
    """Collects the logs of whole teams and writes them once a batch is full."""

    def __init__(self, rng: random.Random, ctx: SeedContext) -> None:
        self.rng = rng
        self.first_month = ctx.first_month
        # Confirmations and submissions of yesterday's logs happened yesterday evening.
        self.latest = dt.datetime.combine(ctx.today - dt.timedelta(days=1), dt.time(21))
        self.pending: list[tuple[Team, list[Log], dict[tuple[int, str], tuple[float, float]]]]
        self.pending = []
        self.size = 0
        self.sessions = RowWriter(
            SupervisionSession,
            (
                "supervisor",
                "mode",
                "date",
                "start_time",
                "end_time",
                "duration_minutes",
                "place",
                "delivery",
                "topic",
                "raised",
                "guidance",
                "next_session_on",
                "status",
                "version",
                "submitted_at",
            ),
            ids=True,
        )
        self.attendees = RowWriter(
            SessionAttendee, ("session", "trainee", "confirmed_at", "reflection")
        )
        self.scores = RowWriter(DrillScore, ("session", "trainee", "competency", "score"))
        self.actions = RowWriter(ActionItem, ("session", "what", "owner", "due_on"))
        self.versions = RowWriter(SessionVersion, ("session", "number", "snapshot", "changed_by"))

    @property
    def count(self) -> int:
        return self.sessions.count

    def add(self, team: Team, logs: list[Log]) -> None:
        # Per trainee and competency: a starting level and a monthly slope.
        skill = {
            (trainee_id, c): (self.rng.uniform(1.8, 3.0), self.rng.uniform(0.03, 0.12))
            for trainee_id, _m, _s, _n in team.pairs
            for c in COMPETENCIES
        }
        self.pending.append((team, logs, skill))
        self.size += len(logs)
        if self.size >= BATCH_SIZE:
            self.flush()

    def _at(self, day: dt.date, days_after: int, hour: int) -> dt.datetime:
        when = dt.datetime.combine(day + dt.timedelta(days=days_after), dt.time(hour))
        return min(when, self.latest).replace(tzinfo=SHANGHAI)

    def flush(self) -> None:
        rng = self.rng
        sessions: list[tuple] = []
        attendees: list[tuple] = []
        scores: list[tuple] = []
        actions: list[tuple] = []
        versions: list[tuple] = []
        for team, logs, skill in self.pending:
            names = {t: name for t, _m, _s, name in team.pairs}
            for log in logs:
                session = self._session(log)
                sessions.append(session)
                session_id = session[0]
                rows = []
                for trainee_id, confirmed in zip(log.trainee_ids, log.confirmed, strict=True):
                    attendees.append(
                        (
                            session_id,
                            trainee_id,
                            self._at(log.date, rng.randint(1, 6), 20) if confirmed else None,
                            rng.choice(REFLECTIONS) if confirmed else "",
                        )
                    )
                    rows.append(
                        {
                            "trainee_id": trainee_id,
                            "name": names.get(trainee_id, ""),
                            "confirmed_at": None,
                            "reflection": "",
                        }
                    )
                score_rows = []
                if log.scored:
                    months_in = (log.date.year - self.first_month.year) * 12 + (
                        log.date.month - self.first_month.month
                    )
                    for trainee_id in log.trainee_ids:
                        for c in COMPETENCIES:
                            base, slope = skill[(trainee_id, c)]
                            value = _score(rng, base, slope, months_in)
                            scores.append((session_id, trainee_id, c, value))
                            score_rows.append(
                                {
                                    "trainee_id": trainee_id,
                                    "competency": c,
                                    "score": value,
                                    "comment": "",
                                }
                            )
                action_rows = []
                if rng.random() < 0.6:
                    what = rng.choice(ACTIONS)
                    owner = names.get(log.trainee_ids[0], "")
                    due = log.date + dt.timedelta(days=14)
                    actions.append((session_id, what, owner, due))
                    action_rows.append({"what": what, "owner": owner, "due_on": due.isoformat()})
                if log.status != SessionStatus.DRAFT:
                    snapshot = _snapshot(session, team, rows, score_rows, action_rows)
                    versions.append((session_id, 1, snapshot, team.user_id))
        self.sessions.write(sessions)
        self.attendees.write(attendees)
        self.scores.write(scores)
        self.actions.write(actions)
        self.versions.write(versions)
        self.pending, self.size = [], 0

    def finish(self) -> None:
        self.flush()
        self.sessions.finish()

    def _session(self, log: Log) -> tuple:
        """The log's row, in the order of the sessions writer's fields, its id first."""
        rng = self.rng
        drill = log.mode == SupervisionMode.DRILL
        start = dt.time(rng.choice([9, 10, 14, 15]), rng.choice([0, 30]))
        minutes = rng.choice([90, 120]) if drill else rng.choice([45, 60, 60, 90])
        end = dt.datetime.combine(log.date, start) + dt.timedelta(minutes=minutes)
        remote = rng.random() < 0.12
        submitted = log.status != SessionStatus.DRAFT
        return (
            self.sessions.new_id(),
            log.supervisor_id,
            log.mode,
            log.date,
            start,
            end.time(),
            minutes,
            "线上（视频会议）" if remote else rng.choice(PLACES),
            Delivery.REMOTE if remote else Delivery.ON_SITE,
            rng.choice(DRILL_TOPICS if drill else MENTOR_TOPICS),
            rng.choice(RAISED),
            rng.choice(GUIDANCE),
            log.date + dt.timedelta(days=30 if drill else 14),
            log.status,
            1 if submitted else 0,
            self._at(log.date, rng.randint(0, 2), 18) if submitted else None,
        )


def _snapshot(
    session: tuple,
    team: Team,
    rows: list[dict[str, Any]],
    score_rows: list[dict[str, Any]],
    action_rows: list[dict[str, Any]],
) -> dict[str, Any]:
    """Version 1 as the submit service records it (sessions.services), from the log's row."""
    (
        _pk,
        supervisor_id,
        mode,
        date,
        start,
        end,
        minutes,
        place,
        delivery,
        topic,
        raised,
        guidance,
        next_on,
        *_rest,
    ) = session
    return {
        "supervisor": {"id": supervisor_id, "name": team.supervisor_name},
        "mode": mode,
        "date": date.isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "duration_minutes": minutes,
        "place": place,
        "delivery": delivery,
        "topic": topic,
        "raised": raised,
        "guidance": guidance,
        "next_session_on": next_on.isoformat(),
        "attendees": rows,
        "scores": score_rows,
        "action_items": action_rows,
    }
