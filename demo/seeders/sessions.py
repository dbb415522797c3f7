"""Demo supervision logs: HISTORY_MONTHS months up to yesterday for every active pairing.

Runs after the supervisor team and its pairings exist. What it draws:

- Mentor pairings mostly meet the cadence (two a month), with realistic gaps: a month with one
  session or none, and now and then a supervisor's whole "bad month" (holidays, flood season).
- A supervisor's drill-mode trainees are grouped 2–5 at a time for a monthly drill; a lone drill
  trainee is seen one-to-one instead. At each quarter's end the mentor trainees also sit a drill
  review (DOMAIN.md: "quarterly and annual reviews use drill-style"), so they have scores too.
- Drill scores start between 2 and 3 and improve by a trainee-specific slope, with noise.
- Months whose automatic lock date (the cadence policy's `lock_after_days` after month end)
  has passed by `ctx.today` are closed and their logs locked (nearly all confirmed). The months
  after them are open: most logs confirmed, some submitted and awaiting confirmation (more of
  the recent ones), a few drafts. The demo supervisor has a draft and the demo worker a log to
  confirm, so that every state shows on their homes.
- Nothing is dated on or after `ctx.today`: the logs end yesterday.
- A trainee on leave or seconded (their dated history) for any day of a month is not seen that
  month.

Rows are written as plain INSERTs (demo/seeders/session_rows.py), not through the services:
the services check one log at a time and the generator produces valid logs by construction
(same rules, see tests/demo/). The pairings are read in supervisor order and each
supervisor's logs are written as soon as a batch is full, so that at scale 50 (about 1.6
million logs) they are never all in memory.
Every value comes from `ctx.rng("sessions")` and `ctx.today`, so the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

from django.db.models import Q
from django.utils.translation import gettext as _

from demo.context import SeedContext
from demo.rows import BATCH_SIZE
from demo.seeders.session_rows import Log, SessionWriter, Team
from sessions.models import MonthClose, SessionStatus
from sessions.services import cadence_policy, month_end, month_lock_date
from supervisors.models import Assignment, SupervisionMode
from trainees.models import EmploymentState, Trainee, WorkerPeriod

AWAITING_DAYS = 12  # logs of the last days before today are often still awaiting confirmation
DRAFT_DAYS = 7  # ... and now and then still a draft
DRAFT_SHARE = 0.005  # about two drafts a week in the district at scale 1


@lru_cache(maxsize=4096)
def _weekdays(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return tuple(day for day in days if day.weekday() < 5)


def _days(
    rng: random.Random, month: dt.date, n: int, *, not_before: dt.date, before: dt.date
) -> list[dt.date]:
    """n distinct weekdays of the month, on or after `not_before` and before `before`, sorted."""
    days = _weekdays(max(month, not_before), min(month_end(month), before - dt.timedelta(days=1)))
    return sorted(rng.sample(days, min(n, len(days))))


def _groups(rng: random.Random, ids: list[int]) -> list[list[int]]:
    """Split drill trainees into groups of 2–5 (a remainder of one joins the last group)."""
    ids = ids[:]
    rng.shuffle(ids)
    groups: list[list[int]] = []
    while ids:
        size = min(rng.randint(2, 5), len(ids))
        groups.append(ids[:size])
        ids = ids[size:]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2].extend(groups.pop())
    return groups


def _teams(*, chunk_size: int = BATCH_SIZE) -> Iterator[Team]:
    """Each supervisor's active pairings, read in supervisor order a chunk at a time."""
    rows = (
        Assignment.objects.filter(ended_on__isnull=True)
        .order_by("supervisor_id", "trainee_id")
        .values_list(
            "supervisor_id",
            "supervisor__name",
            "supervisor__user_id",
            "trainee_id",
            "mode",
            "started_on",
            "trainee__name",
        )
        .iterator(chunk_size=chunk_size)
    )
    for (sup_id, sup_name, user_id), group in groupby(rows, key=itemgetter(0, 1, 2)):
        yield Team(sup_id, sup_name, user_id, [(r[3], r[4], r[5], r[6]) for r in group])


def seed_sessions(ctx: SeedContext) -> None:
    rng: random.Random = ctx.rng("sessions")
    policy = cadence_policy()
    months = ctx.months
    # Months whose automatic lock date has passed: closed by the district, logs locked.
    closed = [m for m in months if month_lock_date(m, policy) <= ctx.today]
    open_from = months[len(closed)] if len(closed) < len(months) else ctx.today
    district = ctx.users.get("district")
    demo_supervisor_id = ctx.supervisor.pk if ctx.supervisor else None
    demo_user = ctx.users.get("worker")
    demo_trainee_id = (
        Trainee.objects.filter(user=demo_user).values_list("pk", flat=True).first()
        if demo_user
        else None
    )
    writer = SessionWriter(rng, ctx)
    away = _away(ctx)
    for team in _teams():
        logs = _team_logs(rng, ctx, team, away)
        _assign_statuses(rng, ctx, logs, open_from=open_from)
        if team.supervisor_id == demo_supervisor_id:
            _demo_states(logs, open_from=open_from, demo_trainee_id=demo_trainee_id)
        writer.add(team, logs)
    writer.finish()
    MonthClose.objects.bulk_create(MonthClose(month=m, closed_by=district) for m in closed)
    ctx.say(_("督导记录 %(count)d 份。") % {"count": writer.count})


Away = dict[int, list[tuple[dt.date, dt.date]]]


def _away(ctx: SeedContext) -> Away:
    """The days (first, last) each worker was on leave or seconded within the history."""
    rows = (
        WorkerPeriod.objects.filter(state__in=[EmploymentState.LEAVE, EmploymentState.SECONDED])
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=ctx.first_month))
        .order_by("trainee_id", "starts_on")
        .values_list("trainee_id", "starts_on", "ends_on")
    )
    away: Away = {}
    for trainee_id, first, last in rows:
        away.setdefault(trainee_id, []).append((first, last or ctx.today))
    return away


def _team_logs(rng: random.Random, ctx: SeedContext, team: Team, away: Away) -> list[Log]:
    logs: list[Log] = []
    sup_id = team.supervisor_id
    for month in ctx.months:
        bad_month = rng.random() < 0.05
        last = month_end(month)
        present = [
            (t, mode, s)
            for t, mode, s, _n in team.pairs
            if s <= last and not any(a <= last and month <= b for a, b in away.get(t, ()))
        ]
        mentors = [(t, s) for t, mode, s in present if mode == SupervisionMode.MENTOR]
        drills = [(t, s) for t, mode, s in present if mode == SupervisionMode.DRILL]
        for trainee_id, started in mentors:
            n = rng.choices([0, 1, 2, 3], weights=[6, 14, 70, 10])[0]
            if bad_month:
                n = min(n, rng.choice([0, 1]))
            for day in _days(rng, month, n, not_before=started, before=ctx.today):
                logs.append(Log(sup_id, SupervisionMode.MENTOR, day, [trainee_id], False))
        drill_ids = [t for t, _s in drills]
        latest = max((s for _t, s in drills), default=month)
        if len(drill_ids) == 1:
            n = 0 if bad_month else rng.choices([0, 1], weights=[12, 88])[0]
            for day in _days(rng, month, n, not_before=latest, before=ctx.today):
                logs.append(Log(sup_id, SupervisionMode.MENTOR, day, drill_ids, False))
        elif drill_ids:
            for group in _groups(rng, drill_ids):
                n = 0 if bad_month else rng.choices([0, 1, 2], weights=[8, 82, 10])[0]
                for day in _days(rng, month, n, not_before=latest, before=ctx.today):
                    logs.append(Log(sup_id, SupervisionMode.DRILL, day, group, True))
        # Quarterly drill review for the mentor trainees (Mar, Jun, Sep, Dec).
        if month.month % 3 == 0 and len(mentors) >= 2:
            group = [t for t, _s in mentors][:5]
            latest = max(s for _t, s in mentors)
            for day in _days(rng, month, 1, not_before=latest, before=ctx.today):
                logs.append(Log(sup_id, SupervisionMode.DRILL, day, group, True))
    logs.sort(key=lambda lg: (lg.date, lg.trainee_ids[0]))
    return logs


def _assign_statuses(
    rng: random.Random, ctx: SeedContext, logs: list[Log], *, open_from: dt.date
) -> None:
    """Closed months: locked. Open months: mostly confirmed, some waiting, a few drafts."""
    awaiting_from = ctx.today - dt.timedelta(days=AWAITING_DAYS)
    drafts_from = ctx.today - dt.timedelta(days=DRAFT_DAYS)
    for log in logs:
        if log.date < open_from:
            log.status = SessionStatus.LOCKED
            # A few attendees never confirmed before the month locked.
            log.confirmed = [rng.random() > 0.02 for _t in log.trainee_ids]
            continue
        waiting = log.date >= awaiting_from and rng.random() < 0.45
        if waiting or rng.random() < 0.06:
            log.status = SessionStatus.SUBMITTED
            # In a group some may have confirmed already, never all of them.
            flags = [rng.random() < 0.4 for _t in log.trainee_ids]
            flags[rng.randrange(len(flags))] = False
            log.confirmed = flags
        elif log.date >= drafts_from and rng.random() < DRAFT_SHARE:
            log.status = SessionStatus.DRAFT
            log.confirmed = [False] * len(log.trainee_ids)
        else:
            log.status = SessionStatus.CONFIRMED
            log.confirmed = [True] * len(log.trainee_ids)


def _demo_states(logs: list[Log], *, open_from: dt.date, demo_trainee_id: int | None) -> None:
    """The demo logins see every state: the demo worker has their latest open log to confirm,
    and the demo supervisor's latest open log without them is still a draft."""
    open_logs = [lg for lg in logs if lg.date >= open_from]
    for log in [lg for lg in open_logs if demo_trainee_id in lg.trainee_ids][-1:]:
        log.status = SessionStatus.SUBMITTED
        log.confirmed = [t != demo_trainee_id for t in log.trainee_ids]
    for log in [lg for lg in open_logs if demo_trainee_id not in lg.trainee_ids][-1:]:
        log.status = SessionStatus.DRAFT
        log.confirmed = [False] * len(log.trainee_ids)
