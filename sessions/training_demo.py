"""Demo training for seed_demo: the all-staff training, monthly subdistrict trainings and
exam-preparation courses over the demo period (2025-05 .. 2026-10), with attendance.

- All-staff training (全员培训): every active worker, five sittings on 2025-06-10..14 at two
  venues, placed by the same balanced placement the page uses; about 95% attend.
- Each subdistrict runs a monthly training for a rotating third of its active workers (so every
  worker is asked about every three months); about 90% attend.
- Exam-preparation courses (考前辅导) in the spring before each exam (2025-05, 2026-03/04),
  for workers with a degree, about 150 a sitting; about 85% attend.
- Statuses: mostly present (two thirds of them by QR check-in, with a time before the start),
  some late, left early, absent, and leave approved (with its LeaveRequest).

Rows are written with bulk_create (no per-row service calls), from `ctx.rng("training")` and
fixed dates only, so the output is deterministic. Runs in a few seconds at scale 1.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from neighbourhoods.models import Subdistrict
from trainees.models import Education, Trainee, TraineeStatus

from .models import (
    Attendance,
    AttendanceStatus,
    CreditPolicy,
    Enrolment,
    LeaveRequest,
    Sitting,
    TrainingEvent,
    TrainingKind,
)
from .training_services import credited

FIRST_MONTH = dt.date(2025, 5, 1)
LAST_MONTH = dt.date(2026, 10, 1)
BATCH = 2000
ALL_STAFF_DAYS = [dt.date(2025, 6, d) for d in (10, 11, 12, 13, 14)]
ALL_STAFF_VENUES = ("长宁区文化艺术中心", "长宁区社区党校")
EXAM_PREP_MONTHS = (dt.date(2025, 5, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1))
MONTHLY_TOPICS = [
    "社区分类治理与三清单",
    "居民议事会的组织与主持",
    "垃圾分类的持续动员",
    "加装电梯中的协商",
    "社区志愿服务管理",
    "为老服务与困难群体帮扶",
    "社区安全与应急处置",
    "居民自治项目的设计",
    "数字化工具与社区云",
    "沟通协商技巧",
    "社区治理资源盘点",
    "监督评议会的组织",
]
# (present, late, left early, absent, excused) weights by kind.
WEIGHTS = {
    TrainingKind.ALL_STAFF: (88, 4, 3, 3, 2),
    TrainingKind.SUBDISTRICT: (80, 5, 5, 6, 4),
    TrainingKind.EXAM_PREP: (75, 6, 4, 11, 4),
}
STATUSES = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.LEFT_EARLY,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)
LEAVE_REASONS = ("家中有事", "身体不适，病假", "社区值班，无法脱岗", "外出参加街道会议")


def _months() -> list[dt.date]:
    months, m = [], FIRST_MONTH
    while m <= LAST_MONTH:
        months.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    return months


def _weekday(rng: random.Random, month: dt.date) -> dt.date:
    while True:
        day = month.replace(day=rng.randint(5, 25))
        if day.weekday() < 5:
            return day


class _Plan:
    """Events, sittings and (trainee, sitting) pairs gathered before the bulk writes."""

    def __init__(self) -> None:
        self.events: list[TrainingEvent] = []
        self.sittings: list[list[Sitting]] = []  # per event
        self.placements: list[list[tuple[int, int]]] = []  # per event: (trainee id, sitting idx)

    def add(self, event: TrainingEvent, sittings: list[Sitting], people: list[int]) -> None:
        """Place people over the sittings, least full relative to capacity first (the same
        rule as enrolments_place), in the order given (subdistrict, committee, name)."""
        fill = [0] * len(sittings)
        placed = []
        for tid in people:
            best = min(
                (i for i in range(len(sittings)) if fill[i] < sittings[i].capacity),
                key=lambda i: (fill[i] / sittings[i].capacity, i),
                default=None,
            )
            if best is None:
                break
            fill[best] += 1
            placed.append((tid, best))
        self.events.append(event)
        self.sittings.append(sittings)
        self.placements.append(placed)


def seed_training(ctx: Any) -> None:
    rng = ctx.rng("training")
    district = getattr(ctx, "users", {}).get("district")
    active = list(
        Trainee.objects.filter(status=TraineeStatus.ACTIVE)
        .order_by("subdistrict__code", "neighbourhood__name", "name", "pk")
        .values_list("pk", "subdistrict_id", "education")
    )
    if not active:
        return
    plan = _Plan()

    # The all-staff training: everyone, five sittings of equal size.
    event = TrainingEvent(
        title="2025年长宁区社区工作者全员培训",
        kind=TrainingKind.ALL_STAFF,
        description="社区分类治理、三清单一攻略一导则与督导机制解读（十个一）。",
        credited_hours=Decimal("6.0"),
        counts_as_ce=True,
        created_by=district,
    )
    per_sitting = -(-len(active) // len(ALL_STAFF_DAYS)) + 20
    sittings = [
        Sitting(
            date=day,
            start_time=dt.time(9, 0),
            end_time=dt.time(16, 0),
            venue=ALL_STAFF_VENUES[i % 2],
            capacity=per_sitting,
        )
        for i, day in enumerate(ALL_STAFF_DAYS)
    ]
    plan.add(event, sittings, [pk for pk, _s, _e in active])

    # Monthly subdistrict trainings for a rotating third of each subdistrict's workers.
    by_sub: dict[int, list[int]] = {}
    for pk, sub_id, _edu in active:
        by_sub.setdefault(sub_id, []).append(pk)
    subdistricts = list(Subdistrict.objects.filter(pk__in=by_sub).order_by("code"))
    for n, month in enumerate(_months()):
        for sub in subdistricts:
            people = by_sub[sub.pk][n % 3 :: 3]
            day = _weekday(rng, month)
            event = TrainingEvent(
                title=f"{sub.name}{month:%Y年%-m月}社区工作者培训："
                f"{MONTHLY_TOPICS[(n + sub.pk) % len(MONTHLY_TOPICS)]}",
                kind=TrainingKind.SUBDISTRICT,
                organiser=sub,
                credited_hours=Decimal("2.0"),
                counts_as_ce=True,
            )
            sitting = Sitting(
                date=day,
                start_time=dt.time(14, 0),
                end_time=dt.time(16, 0),
                venue=f"{sub.name}社区党群服务中心",
                capacity=len(people) + 10,
            )
            plan.add(event, [sitting], people)

    # Exam-preparation courses: workers with a degree (eligible sooner), about 150 a sitting.
    graduates = [pk for pk, _s, edu in active if edu != Education.HIGH_SCHOOL]
    for k, month in enumerate(EXAM_PREP_MONTHS):
        chosen = sorted(rng.sample(graduates, min(len(graduates), 300)))
        event = TrainingEvent(
            title=f"{month.year}年社会工作者职业水平考试考前辅导（第{k + 1}期）",
            kind=TrainingKind.EXAM_PREP,
            description="社会工作综合能力、社会工作实务、法规与政策重点讲解。",
            credited_hours=Decimal("8.0"),
            counts_as_ce=False,
            created_by=district,
        )
        days = sorted({_weekday(rng, month) for _i in range(2)})
        sittings = [
            Sitting(
                date=day,
                start_time=dt.time(9, 0),
                end_time=dt.time(17, 0),
                venue="长宁区社会工作者协会培训室",
                capacity=160,
            )
            for day in days
        ]
        plan.add(event, sittings, chosen)

    _write(ctx, rng, plan, district)


def _write(ctx: Any, rng: random.Random, plan: _Plan, district) -> None:
    TrainingEvent.objects.bulk_create(plan.events, batch_size=BATCH)
    flat: list[Sitting] = []
    for event, sittings in zip(plan.events, plan.sittings, strict=True):
        for s in sittings:
            s.event = event
            flat.append(s)
    Sitting.objects.bulk_create(flat, batch_size=BATCH)
    enrolments: list[Enrolment] = []
    for event, sittings, placed in zip(plan.events, plan.sittings, plan.placements, strict=True):
        enrolments += [Enrolment(event=event, trainee_id=t, sitting=sittings[i]) for t, i in placed]
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)

    policy = CreditPolicy.current()
    shares = {s: policy.share(s) for s in STATUSES}
    attendances: list[Attendance] = []
    leaves: list[LeaveRequest] = []
    for e in enrolments:
        event, sitting = e.event, e.sitting
        status = rng.choices(STATUSES, weights=WEIGHTS[event.kind])[0]
        start = timezone.make_aware(dt.datetime.combine(sitting.date, sitting.start_time))
        qr = status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) and rng.random() < 0.7
        if status == AttendanceStatus.LATE:
            checked = start + dt.timedelta(minutes=rng.randint(3, 40))
        else:
            checked = start - dt.timedelta(minutes=rng.randint(2, 45))
        attendances.append(
            Attendance(
                enrolment=e,
                event=event,
                sitting=sitting,
                trainee_id=e.trainee_id,
                status=status,
                credited_hours=credited(event.credited_hours, shares[status]),
                checked_in_at=checked if qr else None,
                via_qr=qr,
                marked_by=None if qr else district,
            )
        )
        if status == AttendanceStatus.EXCUSED:
            asked = start - dt.timedelta(days=rng.randint(2, 6))
            leaves.append(
                LeaveRequest(
                    enrolment=e,
                    reason=rng.choice(LEAVE_REASONS),
                    state=LeaveRequest.State.APPROVED,
                    decided_at=asked + dt.timedelta(days=1),
                )
            )
    Attendance.objects.bulk_create(attendances, batch_size=BATCH)
    LeaveRequest.objects.bulk_create(leaves, batch_size=BATCH)
    counts = Attendance.objects.aggregate(n=Count("pk"))
    ctx.say(
        _("培训 %(events)d 次，场次 %(sittings)d 个，报名 %(enrolments)d 人次，出勤记录 %(n)d 条。")
        % {
            "events": len(plan.events),
            "sittings": len(flat),
            "enrolments": len(enrolments),
            "n": counts["n"],
        }
    )
