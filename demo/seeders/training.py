"""Demo training over the demo's history (HISTORY_MONTHS months up to yesterday), with attendance.

- All-staff training (全员培训): the latest June within the history whose five sittings
  (10–14 June, two venues) are all before today; every worker on duty (在岗) on all five days,
  from their dated histories (nobody on leave, seconded, not yet joined or already gone),
  placed by the same balanced placement the page uses; about 95% attend.
- Each subdistrict runs a monthly training for a rotating third of the workers on duty in it on
  the day (so every worker is asked about every three months); about 90% attend. A month's
  training falls on a weekday between the 5th and the 25th; in the month of today only if that
  day has passed.
- Exam-preparation courses (考前辅导) in the two months before each recorded exam (certification's
  ExamYear rows) that fall within the history, for workers with a degree on duty on the
  course's days, about 150 a sitting; about 85% attend.
- Statuses: mostly present (two thirds of them by QR check-in, with a time before the start),
  some late, left early, absent, and leave approved (with its LeaveRequest).

Rows are written with bulk_create (no per-row service calls), a batch of enrolments with their
attendance at a time, from `ctx.rng("training")` and `ctx.today` only, so the output is
deterministic. Runs in a few seconds at scale 1.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from certification.models import ExamYear
from demo.context import SeedContext, month_add
from demo.rows import RowWriter, batched
from neighbourhoods.models import Subdistrict
from trainees.models import Education, Trainee, WorkerPeriod
from trainees.populations import periods_on_duty
from training.models import (
    Attendance,
    AttendanceStatus,
    CreditPolicy,
    Enrolment,
    LeaveRequest,
    Sitting,
    TrainingEvent,
    TrainingKind,
)
from training.services import credited

ALL_STAFF_DAYS = (10, 11, 12, 13, 14)  # of June
ALL_STAFF_VENUES = ("长宁区文化艺术中心", "长宁区社区党校")
EXAM_PREP_MONTHS_BEFORE = (2, 1)  # courses this many months before the exam's month
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


def _weekday(rng: random.Random, month: dt.date) -> dt.date:
    while True:
        day = month.replace(day=rng.randint(5, 25))
        if day.weekday() < 5:
            return day


def _place(sittings: list[Sitting], people: list[int]) -> Iterator[tuple[int, int]]:
    """(trainee id, sitting index): least full relative to capacity first (the same rule as
    enrolments_place), in the order given (subdistrict, committee, name)."""
    fill = [0] * len(sittings)
    for tid in people:
        best = min(
            (i for i in range(len(sittings)) if fill[i] < sittings[i].capacity),
            key=lambda i: (fill[i] / sittings[i].capacity, i),
            default=None,
        )
        if best is None:
            return
        fill[best] += 1
        yield tid, best


class _Roster:
    """Who was on duty (在岗) on given days, in roster order (subdistrict, committee, name):
    one query a day over the workers' periods (trainees.populations)."""

    def __init__(self) -> None:
        roster = Trainee.objects.order_by("subdistrict__code", "neighbourhood__name", "name", "pk")
        self.order = {pk: i for i, pk in enumerate(roster.values_list("pk", flat=True))}

    def on_duty(
        self,
        days: list[dt.date],
        *,
        subdistrict: Subdistrict | None = None,
        graduates: bool = False,
    ) -> list[int]:
        """The workers on duty on every one of `days` (in `subdistrict` then, if given)."""
        found: set[int] | None = None
        for day in days:
            periods = periods_on_duty(day)
            if subdistrict is not None:
                periods = periods.filter(subdistrict=subdistrict)
            if graduates:
                periods = periods.exclude(trainee__education=Education.HIGH_SCHOOL)
            ids = set(periods.values_list("trainee_id", flat=True))
            found = ids if found is None else found & ids
        return sorted(found or (), key=self.order.__getitem__)


def seed_training(ctx: SeedContext) -> None:
    rng = ctx.rng("training")
    district = ctx.users.get("district")
    roster = _Roster()
    if not roster.order:
        return
    writer = _Writer(rng, district)

    # The all-staff training: the latest June in the history whose sittings have all passed.
    june = max(
        (m for m in ctx.months if m.month == 6 and m.replace(day=ALL_STAFF_DAYS[-1]) < ctx.today),
        default=None,
    )
    if june is not None:
        days = [june.replace(day=d) for d in ALL_STAFF_DAYS]
        people = roster.on_duty(days)
        per_sitting = -(-len(people) // len(days)) + 20
        writer.add(
            TrainingEvent(
                title=f"{june.year}年长宁区社区工作者全员培训",
                kind=TrainingKind.ALL_STAFF,
                description="社区分类治理、三清单一攻略一导则与督导机制解读（十个一）。",
                credited_hours=Decimal("6.0"),
                counts_as_ce=True,
                created_by=district,
            ),
            [
                Sitting(
                    date=day,
                    start_time=dt.time(9, 0),
                    end_time=dt.time(16, 0),
                    venue=ALL_STAFF_VENUES[i % 2],
                    capacity=per_sitting,
                )
                for i, day in enumerate(days)
            ],
            people,
        )

    # Monthly subdistrict trainings for a rotating third of each subdistrict's workers on duty
    # on the day (the third by place on the roster).
    placed = WorkerPeriod.objects.values("subdistrict_id")
    subdistricts = list(Subdistrict.objects.filter(pk__in=placed).order_by("code"))
    for n, month in enumerate(ctx.months):
        for sub in subdistricts:
            day = _weekday(rng, month)
            if day >= ctx.today:
                continue
            people = [
                pk for pk in roster.on_duty([day], subdistrict=sub) if roster.order[pk] % 3 == n % 3
            ]
            if not people:
                continue
            writer.add(
                TrainingEvent(
                    title=f"{sub.name}{month:%Y年%-m月}社区工作者培训："
                    f"{MONTHLY_TOPICS[(n + sub.pk) % len(MONTHLY_TOPICS)]}",
                    kind=TrainingKind.SUBDISTRICT,
                    organiser=sub,
                    credited_hours=Decimal("2.0"),
                    counts_as_ce=True,
                ),
                [
                    Sitting(
                        date=day,
                        start_time=dt.time(14, 0),
                        end_time=dt.time(16, 0),
                        venue=f"{sub.name}社区党群服务中心",
                        capacity=len(people) + 10,
                    )
                ],
                people,
            )

    # Exam-preparation courses before each recorded exam in the history: workers with a degree
    # (eligible sooner) on duty on the course's days, about 150 a sitting.
    exams = ExamYear.objects.filter(exam_date__gte=ctx.first_month, exam_date__lt=ctx.today)
    for exam in exams.order_by("year"):
        k = 0
        for before in EXAM_PREP_MONTHS_BEFORE:
            month = month_add(exam.exam_date, -before)
            if month < ctx.first_month:
                continue
            days = sorted({_weekday(rng, month) for _i in range(2)})
            graduates = sorted(roster.on_duty(days, graduates=True))
            k += 1
            writer.add(
                TrainingEvent(
                    title=f"{exam.year}年社会工作者职业水平考试考前辅导（第{k}期）",
                    kind=TrainingKind.EXAM_PREP,
                    description="社会工作综合能力、社会工作实务、法规与政策重点讲解。",
                    credited_hours=Decimal("8.0"),
                    counts_as_ce=False,
                    created_by=district,
                ),
                [
                    Sitting(
                        date=day,
                        start_time=dt.time(9, 0),
                        end_time=dt.time(17, 0),
                        venue="长宁区社会工作者协会培训室",
                        capacity=160,
                    )
                    for day in days
                ],
                sorted(rng.sample(graduates, min(len(graduates), 300))),
            )

    writer.finish()
    counts = Attendance.objects.aggregate(n=Count("pk"))
    ctx.say(
        _("培训 %(events)d 次，场次 %(sittings)d 个，报名 %(enrolments)d 人次，出勤记录 %(n)d 条。")
        % {
            "events": writer.events,
            "sittings": writer.sittings,
            "enrolments": writer.enrolments,
            "n": counts["n"],
        }
    )


class _Writer:
    """Writes one event at a time: the event, its sittings, then its enrolments with their
    attendance (and approved leave) a batch at a time."""

    def __init__(self, rng: random.Random, district: User | None) -> None:
        self.rng = rng
        self.district_id = district.pk if district else None
        policy = CreditPolicy.current()
        self.shares = {s: policy.share(s) for s in STATUSES}
        self.events = self.sittings = 0
        self.enrolment_rows = RowWriter(Enrolment, ("event", "trainee", "sitting"), ids=True)
        self.attendance_rows = RowWriter(
            Attendance,
            (
                "enrolment",
                "event",
                "sitting",
                "trainee",
                "status",
                "credited_hours",
                "checked_in_at",
                "via_qr",
                "marked_by",
            ),
        )
        self.leave_rows = RowWriter(LeaveRequest, ("enrolment", "reason", "state", "decided_at"))

    @property
    def enrolments(self) -> int:
        return self.enrolment_rows.count

    def add(self, event: TrainingEvent, sittings: list[Sitting], people: list[int]) -> None:
        event.save()
        for sitting in sittings:
            sitting.event = event
        Sitting.objects.bulk_create(sittings)
        self.events += 1
        self.sittings += len(sittings)
        hours = {s: credited(event.credited_hours, share) for s, share in self.shares.items()}
        weights = WEIGHTS[event.kind]
        starts = [timezone.make_aware(dt.datetime.combine(s.date, s.start_time)) for s in sittings]
        for chunk in batched(_place(sittings, people)):
            enrolments, attendances, leaves = [], [], []
            for trainee_id, i in chunk:
                enrolment_id = self.enrolment_rows.new_id()
                sitting_id = sittings[i].pk
                enrolments.append((enrolment_id, event.pk, trainee_id, sitting_id))
                status, checked, leave = self._mark(weights, starts[i])
                attendances.append(
                    (
                        enrolment_id,
                        event.pk,
                        sitting_id,
                        trainee_id,
                        status,
                        hours[status],
                        checked,
                        checked is not None,
                        None if checked else self.district_id,
                    )
                )
                if leave is not None:
                    leaves.append((enrolment_id, *leave))
            self.enrolment_rows.write(enrolments)
            self.attendance_rows.write(attendances)
            self.leave_rows.write(leaves)

    def _mark(
        self, weights: tuple[int, ...], start: dt.datetime
    ) -> tuple[str, dt.datetime | None, tuple[str, str, dt.datetime] | None]:
        """Status, QR check-in time (None: marked by the office), and approved leave if any."""
        rng = self.rng
        status = rng.choices(STATUSES, weights=weights)[0]
        qr = status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) and rng.random() < 0.7
        if status == AttendanceStatus.LATE:
            checked = start + dt.timedelta(minutes=rng.randint(3, 40))
        else:
            checked = start - dt.timedelta(minutes=rng.randint(2, 45))
        leave = None
        if status == AttendanceStatus.EXCUSED:
            asked = start - dt.timedelta(days=rng.randint(2, 6))
            leave = (
                rng.choice(LEAVE_REASONS),
                LeaveRequest.State.APPROVED,
                asked + dt.timedelta(days=1),
            )
        return status, checked if qr else None, leave

    def finish(self) -> None:
        self.enrolment_rows.finish()
