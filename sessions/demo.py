"""Demo supervision logs for seed_demo: ~18 months (2025-05 .. 2026-10) for every active pairing.

Runs after the supervisor team and its pairings exist. What it draws:

- Mentor pairings mostly meet the cadence (two a month), with realistic gaps: a month with one
  session or none, and now and then a supervisor's whole "bad month" (holidays, flood season).
- A supervisor's drill-mode trainees are grouped 2–5 at a time for a monthly drill; a lone drill
  trainee is seen one-to-one instead. At each quarter's end the mentor trainees also sit a drill
  review (DOMAIN.md: "quarterly and annual reviews use drill-style"), so they have scores too.
- Drill scores start between 2 and 3 and improve by a trainee-specific slope, with noise.
- Months up to 2026-09 are closed and their logs locked (nearly all confirmed); October 2026 is
  open: most logs confirmed, some submitted and awaiting confirmation, a few drafts.

Rows are written with bulk_create, not through the services: the services check one log at a
time and the generator produces valid logs by construction (same rules, see the tests).
Every value comes from `ctx.rng("sessions")` and DEMO_TODAY, so the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import Role, User
from supervisors.models import Assignment, SupervisionMode, Supervisor
from trainees.models import Trainee

from .models import (
    ActionItem,
    Competency,
    Delivery,
    DrillScore,
    MonthClose,
    SessionAttendee,
    SessionStatus,
    SessionVersion,
    SupervisionSession,
)
from .services import month_end

FIRST_MONTH = dt.date(2025, 5, 1)
LAST_MONTH = dt.date(2026, 10, 1)
LAST_CLOSED_MONTH = dt.date(2026, 9, 1)
BATCH = 2000
SHANGHAI = ZoneInfo("Asia/Shanghai")

MENTOR_TOPICS = [
    "楼组长议事会的组织与主持",
    "如何回应居民的加装电梯诉求",
    "垃圾分类中的居民动员",
    "老旧小区停车矛盾的协商",
    "新任社工的入户走访技巧",
    "社区志愿者队伍的培育",
    "居民自治公约的修订",
    "与物业、业委会的三方协调",
    "困难群体的需求评估",
    "社区活动方案的策划与评估",
]
DRILL_TOPICS = [
    "议题形成演练：从居民诉求到公共议题",
    "协商议事会情景模拟",
    "治理资源盘点与地图绘制",
    "自治项目申报演练",
    "监督评议会的组织演练",
    "多元主体动员的角色扮演",
]
RAISED = [
    "居民参与不积极，议事会常常只来几位老人。",
    "业委会与物业意见对立，居委会夹在中间。",
    "加装电梯低层住户反对，协调多次无进展。",
    "志愿者骨干老龄化，年轻人很难动员。",
    "外籍居民较多，沟通渠道有限。",
    "动迁安置小区的公共空间被占用，居民投诉多。",
]
GUIDANCE = [
    "先从楼组骨干入手，分楼栋召开小范围恳谈会，再汇总成议题。",
    "明确三方的职责边界，用协商议事规则约束发言，会后形成书面纪要。",
    "用入户访谈梳理低层住户的具体顾虑，寻找补偿与共识方案。",
    "结合青年的兴趣设计短周期项目，降低参与门槛。",
    "借助涉外志愿者和双语通知建立沟通渠道。",
    "把问题清单化，按轻重缓急排序，逐项明确责任人和时限。",
]
ACTIONS = [
    "召开楼组长恳谈会",
    "整理居民诉求清单",
    "起草议事规则草案",
    "走访低层住户并记录意见",
    "联系街道社区办争取项目资金",
    "撰写本次活动小结",
]
REFLECTIONS = [
    "这次督导让我明白了先听后说的重要性。",
    "议题要从居民身边的小事找，我下次会先做走访。",
    "协商规则很实用，准备在下次议事会上试用。",
    "",
    "",
]
PLACES = ["居委会会议室", "社区党群服务站", "街道社工站", "睦邻中心活动室"]


@dataclass
class _Log:
    supervisor_id: int
    mode: str
    date: dt.date
    trainee_ids: list[int]
    scored: bool
    session: SupervisionSession | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _months() -> list[dt.date]:
    months, m = [], FIRST_MONTH
    while m <= LAST_MONTH:
        months.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    return months


def _days(rng: random.Random, month: dt.date, n: int, *, not_before: dt.date) -> list[dt.date]:
    """n distinct weekdays of the month, on or after `not_before`, sorted."""
    first = max(month, not_before)
    days = [
        first + dt.timedelta(days=i)
        for i in range((month_end(month) - first).days + 1)
        if (first + dt.timedelta(days=i)).weekday() < 5
    ]
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


def seed_sessions(ctx: Any) -> None:
    rng: random.Random = ctx.rng("sessions")
    pairs = list(
        Assignment.objects.filter(ended_on__isnull=True)
        .order_by("supervisor_id", "trainee_id")
        .values_list("supervisor_id", "trainee_id", "mode", "started_on")
    )
    if not pairs:
        return
    names = dict(Trainee.objects.filter(pk__in=[p[1] for p in pairs]).values_list("pk", "name"))
    supervisor_names = dict(Supervisor.objects.values_list("pk", "name"))
    supervisor_users = dict(Supervisor.objects.values_list("pk", "user_id"))
    district = User.objects.filter(role=Role.DISTRICT_ADMIN).order_by("pk").first()

    by_supervisor: dict[int, list[tuple[int, str, dt.date]]] = defaultdict(list)
    for sup_id, trainee_id, mode, started_on in pairs:
        by_supervisor[sup_id].append((trainee_id, mode, started_on))

    # Per trainee and competency: a starting level and a monthly slope.
    skill: dict[tuple[int, str], tuple[float, float]] = {}
    for _sup, trainee_id, _mode, _start in pairs:
        for c in Competency.values:
            skill[(trainee_id, c)] = (rng.uniform(1.8, 3.0), rng.uniform(0.03, 0.12))

    logs: list[_Log] = []
    months = _months()
    for sup_id, team in by_supervisor.items():
        for month in months:
            bad_month = rng.random() < 0.05
            present = [(t, mode, s) for t, mode, s in team if s <= month_end(month)]
            mentors = [(t, s) for t, mode, s in present if mode == SupervisionMode.MENTOR]
            drills = [(t, s) for t, mode, s in present if mode == SupervisionMode.DRILL]
            for trainee_id, started in mentors:
                n = rng.choices([0, 1, 2, 3], weights=[6, 14, 70, 10])[0]
                if bad_month:
                    n = min(n, rng.choice([0, 1]))
                for day in _days(rng, month, n, not_before=started):
                    logs.append(_Log(sup_id, SupervisionMode.MENTOR, day, [trainee_id], False))
            drill_ids = [t for t, _s in drills]
            latest = max((s for _t, s in drills), default=month)
            if len(drill_ids) == 1:
                n = 0 if bad_month else rng.choices([0, 1], weights=[12, 88])[0]
                for day in _days(rng, month, n, not_before=latest):
                    logs.append(_Log(sup_id, SupervisionMode.MENTOR, day, drill_ids, False))
            elif drill_ids:
                for group in _groups(rng, drill_ids):
                    n = 0 if bad_month else rng.choices([0, 1, 2], weights=[8, 82, 10])[0]
                    for day in _days(rng, month, n, not_before=latest):
                        logs.append(_Log(sup_id, SupervisionMode.DRILL, day, group, True))
            # Quarterly drill review for the mentor trainees (Mar, Jun, Sep, Dec).
            if month.month % 3 == 0 and len(mentors) >= 2:
                group = [t for t, _s in mentors][:5]
                latest = max(s for _t, s in mentors)
                for day in _days(rng, month, 1, not_before=latest):
                    logs.append(_Log(sup_id, SupervisionMode.DRILL, day, group, True))

    _assign_statuses(rng, logs, ctx)
    _write(rng, logs, names, supervisor_names, supervisor_users, skill, district)
    MonthClose.objects.bulk_create(
        MonthClose(month=m, closed_by=district) for m in months if m <= LAST_CLOSED_MONTH
    )
    ctx.say(_("督导记录 %(count)d 份。") % {"count": len(logs)})


def _assign_statuses(rng: random.Random, logs: list[_Log], ctx: Any) -> None:
    """Closed months: locked. October 2026: mostly confirmed, some waiting, a few drafts."""
    october: list[_Log] = []
    for log in logs:
        if log.date.replace(day=1) <= LAST_CLOSED_MONTH:
            log.extra["status"] = SessionStatus.LOCKED
            # A few attendees never confirmed before the month locked.
            log.extra["confirmed"] = [rng.random() > 0.02 for _t in log.trainee_ids]
        else:
            october.append(log)
            waiting = log.date >= dt.date(2026, 10, 20) and rng.random() < 0.45
            waiting = waiting or rng.random() < 0.06
            if waiting:
                log.extra["status"] = SessionStatus.SUBMITTED
                # In a group some may have confirmed already, never all of them.
                flags = [rng.random() < 0.4 for _t in log.trainee_ids]
                flags[rng.randrange(len(flags))] = False
                log.extra["confirmed"] = flags
            else:
                log.extra["status"] = SessionStatus.CONFIRMED
                log.extra["confirmed"] = [True] * len(log.trainee_ids)
    # The demo logins see every state: the demo supervisor has a draft and logs to be
    # confirmed, and the demo worker has one to confirm.
    demo_sup = getattr(ctx, "supervisor", None)
    demo_user = getattr(ctx, "users", {}).get("worker")
    demo_trainee = (
        Trainee.objects.filter(user=demo_user).values_list("pk", flat=True).first()
        if demo_user
        else None
    )
    mine = [lg for lg in october if demo_sup and lg.supervisor_id == demo_sup.pk]
    mine.sort(key=lambda lg: lg.date)
    for log in [lg for lg in mine if demo_trainee in lg.trainee_ids][-1:]:
        log.extra["status"] = SessionStatus.SUBMITTED
        log.extra["confirmed"] = [t != demo_trainee for t in log.trainee_ids]
    drafts = [lg for lg in mine if demo_trainee not in lg.trainee_ids][-1:]
    others = [lg for lg in october if lg not in mine and lg.date >= dt.date(2026, 10, 25)]
    drafts += rng.sample(others, min(2, len(others)))
    for log in drafts:
        log.extra["status"] = SessionStatus.DRAFT
        log.extra["confirmed"] = [False] * len(log.trainee_ids)


def _score(rng: random.Random, base: float, slope: float, months_in: int) -> int:
    value = base + slope * months_in + rng.gauss(0, 0.35)
    return max(1, min(5, round(value)))


def _write(
    rng: random.Random,
    logs: list[_Log],
    names: dict[int, str],
    supervisor_names: dict[int, str],
    supervisor_users: dict[int, int | None],
    skill: dict[tuple[int, str], tuple[float, float]],
    district: User | None,
) -> None:
    logs.sort(key=lambda lg: (lg.date, lg.supervisor_id, lg.trainee_ids[0]))
    sessions: list[SupervisionSession] = []
    for log in logs:
        drill = log.mode == SupervisionMode.DRILL
        start_hour = rng.choice([9, 10, 14, 15])
        start = dt.time(start_hour, rng.choice([0, 30]))
        minutes = rng.choice([90, 120]) if drill else rng.choice([45, 60, 60, 90])
        end_dt = dt.datetime.combine(log.date, start) + dt.timedelta(minutes=minutes)
        remote = rng.random() < 0.12
        status = log.extra["status"]
        submitted = status != SessionStatus.DRAFT
        session = SupervisionSession(
            supervisor_id=log.supervisor_id,
            mode=log.mode,
            date=log.date,
            start_time=start,
            end_time=end_dt.time(),
            duration_minutes=minutes,
            place="线上（视频会议）" if remote else rng.choice(PLACES),
            delivery=Delivery.REMOTE if remote else Delivery.ON_SITE,
            topic=rng.choice(DRILL_TOPICS if drill else MENTOR_TOPICS),
            raised=rng.choice(RAISED),
            guidance=rng.choice(GUIDANCE),
            next_session_on=log.date + dt.timedelta(days=30 if drill else 14),
            status=status,
            version=1 if submitted else 0,
            submitted_at=_at(log.date, rng.randint(0, 2), 18) if submitted else None,
        )
        log.session = session
        sessions.append(session)
    SupervisionSession.objects.bulk_create(sessions, batch_size=BATCH)

    attendees: list[SessionAttendee] = []
    scores: list[tuple[int, int, str, int, str]] = []
    actions: list[ActionItem] = []
    versions: list[SessionVersion] = []
    for log in logs:
        session = log.session
        assert session is not None and session.pk
        rows = []
        for trainee_id, confirmed in zip(log.trainee_ids, log.extra["confirmed"], strict=True):
            when = _at(log.date, rng.randint(1, 6), 20) if confirmed else None
            reflection = rng.choice(REFLECTIONS) if confirmed else ""
            attendees.append(
                SessionAttendee(
                    session_id=session.pk,
                    trainee_id=trainee_id,
                    confirmed_at=when,
                    reflection=reflection,
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
            months_in = (log.date.year - FIRST_MONTH.year) * 12 + log.date.month - FIRST_MONTH.month
            for trainee_id in log.trainee_ids:
                for c in Competency.values:
                    base, slope = skill[(trainee_id, c)]
                    value = _score(rng, base, slope, months_in)
                    scores.append((session.pk, trainee_id, c, value, ""))
                    score_rows.append(
                        {"trainee_id": trainee_id, "competency": c, "score": value, "comment": ""}
                    )
        action_rows = []
        if rng.random() < 0.6:
            what = rng.choice(ACTIONS)
            owner = names.get(log.trainee_ids[0], "")
            due = log.date + dt.timedelta(days=14)
            actions.append(ActionItem(session_id=session.pk, what=what, owner=owner, due_on=due))
            action_rows.append({"what": what, "owner": owner, "due_on": due.isoformat()})
        if session.status != SessionStatus.DRAFT:
            versions.append(
                SessionVersion(
                    session_id=session.pk,
                    number=1,
                    snapshot={
                        "supervisor": {
                            "id": session.supervisor_id,
                            "name": supervisor_names.get(session.supervisor_id, ""),
                        },
                        "mode": session.mode,
                        "date": session.date.isoformat(),
                        "start_time": session.start_time.strftime("%H:%M"),
                        "end_time": session.end_time.strftime("%H:%M"),
                        "duration_minutes": session.duration_minutes,
                        "place": session.place,
                        "delivery": session.delivery,
                        "topic": session.topic,
                        "raised": session.raised,
                        "guidance": session.guidance,
                        "next_session_on": session.next_session_on.isoformat(),
                        "attendees": rows,
                        "scores": score_rows,
                        "action_items": action_rows,
                    },
                    changed_by_id=supervisor_users.get(session.supervisor_id),
                )
            )
    SessionAttendee.objects.bulk_create(attendees, batch_size=BATCH)
    _insert_scores(scores)
    ActionItem.objects.bulk_create(actions, batch_size=BATCH)
    SessionVersion.objects.bulk_create(versions, batch_size=BATCH)


def _insert_scores(rows: list[tuple[int, int, str, int, str]]) -> None:
    """Scores are most of the demo's rows (~140,000): plain INSERTs skip building model
    instances, which is where bulk_create spends its time. Values are ints and short strings."""
    table = DrillScore._meta.db_table
    columns = ", ".join(
        connection.ops.quote_name(DrillScore._meta.get_field(name).column)
        for name in ("session", "trainee", "competency", "score", "comment")
    )
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES (%s, %s, %s, %s, %s)"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH * 5):
            cursor.executemany(sql, rows[i : i + BATCH * 5])


def _at(day: dt.date, days_after: int, hour: int) -> dt.datetime:
    when = dt.datetime.combine(day + dt.timedelta(days=days_after), dt.time(hour))
    # Never after the demo's "today".
    when = min(when, dt.datetime(2026, 10, 31, 21))
    return when.replace(tzinfo=SHANGHAI)
