"""A small district with a year (2025) of everything the report reads, around `world`."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from certification.models import (
    Certificate,
    ExamAttempt,
    ExamYear,
    Level,
    RateTarget,
    Registration,
    Subject,
    SubjectResult,
)
from sessions.models import DrillScore, SessionAttendee, SessionStatus, SupervisionSession
from tests.factories import AssignmentFactory, NeighbourhoodFactory, TraineeFactory
from trainees.models import CareerGrade, TraineeStatus
from training.models import Attendance, Enrolment, Sitting, TrainingEvent

YEAR_END = dt.date(2025, 12, 31)


def log(
    supervisor, mode, day, trainees, *, minutes=60, status=SessionStatus.CONFIRMED, scores=None
):
    session = SupervisionSession.objects.create(
        supervisor=supervisor,
        mode=mode,
        date=day,
        start_time=dt.time(9, 0),
        end_time=(dt.datetime(2000, 1, 1, 9) + dt.timedelta(minutes=minutes)).time(),
        duration_minutes=minutes,
        topic="议题",
        status=status,
    )
    for t in trainees:
        SessionAttendee.objects.create(session=session, trainee=t)
    for trainee, competency, score in scores or []:
        DrillScore.objects.create(
            session=session, trainee=trainee, competency=competency, score=score
        )
    return session


def certification_reference_data() -> tuple[Level, Level]:
    """Levels, subjects and the 2025 exam as the data migration seeds them.

    Transactional tests (browser journeys) flush the database, data migrations included.
    """
    assistant, _ = Level.objects.get_or_create(
        code="assistant", defaults={"name": "助理社会工作师", "rank": 1}
    )
    intermediate, _ = Level.objects.get_or_create(
        code="intermediate",
        defaults={"name": "社会工作师", "rank": 2, "window_years": 2, "ce_hours": 90},
    )
    for level, code, name, order in (
        (assistant, "assistant-ability", "社会工作综合能力（初级）", 1),
        (assistant, "assistant-practice", "社会工作实务（初级）", 2),
        (intermediate, "intermediate-ability", "社会工作综合能力（中级）", 1),
        (intermediate, "intermediate-law", "社会工作法规与政策", 2),
        (intermediate, "intermediate-practice", "社会工作实务（中级）", 3),
    ):
        Subject.objects.get_or_create(
            code=code, defaults={"level": level, "name": name, "order": order}
        )
    ExamYear.objects.get_or_create(
        year=2025,
        defaults={
            "exam_date": dt.date(2025, 5, 24),
            "registration_opens": dt.date(2025, 3, 5),
            "registration_closes": dt.date(2025, 3, 25),
        },
    )
    return assistant, intermediate


def add_activity(w) -> SimpleNamespace:
    """Sessions, training, certificates and exams in 2025 (and a little either side)."""
    a = w.a
    grade5 = CareerGrade.objects.get_or_create(level=5, defaults={"name": "五级"})[0]
    office = TraineeFactory(
        name="办公室",
        neighbourhood=None,
        subdistrict=a,
        gender="M",
        birth_date=dt.date(1995, 12, 31),
        political_status="cpc",
        post="general",
        education="master",
        grade=grade5,
    )
    left = TraineeFactory(
        name="离职者",
        neighbourhood=w.na,
        status=TraineeStatus.LEFT,
        left_on=dt.date(2025, 6, 30),
        birth_date=dt.date(1970, 1, 1),
        education="high_school",
    )
    late = TraineeFactory(name="新入职", neighbourhood=w.nb, joined=dt.date(2026, 1, 10))
    young = TraineeFactory(
        name="年轻人",
        neighbourhood=w.nb,
        birth_date=dt.date(1994, 12, 31),  # 31 on 2025-12-31
        political_status="cyl",
        post="member",
        grade=grade5,
    )
    villa = NeighbourhoodFactory(name="愚三居委会", subdistrict=a, housing_type="villa")
    villa_worker = TraineeFactory(name="洋房社工", neighbourhood=villa, post="secretary")
    # Pairings: the colleague's drill pairing ends in November; the young one starts in June.
    AssignmentFactory(
        supervisor=w.supervisor,
        trainee=w.colleague,
        mode="drill",
        started_on=dt.date(2025, 2, 1),
        ended_on=dt.date(2025, 11, 15),
    )
    AssignmentFactory(
        supervisor=w.other_supervisor, trainee=young, mode="drill", started_on=dt.date(2025, 6, 1)
    )
    AssignmentFactory(
        supervisor=w.supervisor,
        trainee=left,
        started_on=dt.date(2025, 1, 1),
        ended_on=dt.date(2025, 6, 30),
    )
    s, o = w.supervisor, w.other_supervisor
    for day in (
        dt.date(2025, 3, 3),
        dt.date(2025, 3, 17),
        dt.date(2025, 4, 7),
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 15),
    ):
        log(s, "mentor", day, [w.worker], minutes=90)
    log(s, "mentor", dt.date(2025, 5, 6), [w.worker], status=SessionStatus.DRAFT)
    log(s, "mentor", dt.date(2025, 2, 10), [left], minutes=45)
    log(
        s,
        "drill",
        dt.date(2025, 2, 20),
        [w.colleague, w.worker],
        minutes=120,
        scores=[
            (w.colleague, "mobilise", 2),
            (w.worker, "mobilise", 3),
            (w.colleague, "oversight", 2),
        ],
    )
    log(
        s,
        "drill",
        dt.date(2025, 10, 20),
        [w.colleague, w.worker],
        minutes=120,
        scores=[
            (w.colleague, "mobilise", 4),
            (w.worker, "mobilise", 4),
            (w.colleague, "oversight", 3),
        ],
    )
    log(o, "mentor", dt.date(2025, 6, 9), [w.worker_b])
    log(o, "mentor", dt.date(2025, 6, 23), [w.worker_b], status=SessionStatus.SUBMITTED)
    log(o, "drill", dt.date(2025, 7, 1), [young, w.worker_b], minutes=60)
    log(o, "mentor", dt.date(2024, 12, 9), [w.worker_b])  # previous period
    # Training: one event in May 2025, one in 2026 (outside the year).
    event = TrainingEvent.objects.create(title="全员培训", kind="all_staff", credited_hours=3)
    sitting = Sitting.objects.create(
        event=event,
        date=dt.date(2025, 5, 10),
        start_time=dt.time(9),
        end_time=dt.time(12),
        venue="区社会组织服务中心",
        capacity=50,
    )
    later = Sitting.objects.create(
        event=event,
        date=dt.date(2026, 2, 10),
        start_time=dt.time(9),
        end_time=dt.time(12),
        venue="区社会组织服务中心",
        capacity=50,
    )
    for trainee, status, hours, sit in (
        (w.worker, "present", "3", sitting),
        (w.colleague, "late", "3", sitting),
        (w.worker_b, "absent", "0", sitting),
        (office, "left_early", "1.5", sitting),
        (young, "present", "3", later),
    ):
        enrolment = Enrolment.objects.create(event=event, trainee=trainee, sitting=sit)
        Attendance.objects.create(
            enrolment=enrolment,
            event=event,
            sitting=sit,
            trainee=trainee,
            status=status,
            credited_hours=Decimal(hours),
        )
    # Certificates: the worker since 2024, worker B passed in 2025, the colleague only in 2026.
    assistant, intermediate = certification_reference_data()
    c1 = Certificate.objects.create(
        trainee=w.worker,
        level=assistant,
        number="A-1",
        date_passed=dt.date(2024, 6, 15),
        date_issued=dt.date(2024, 9, 1),
    )
    Registration.objects.create(
        certificate=c1,
        trainee=w.worker,
        kind="first",
        starts_on=dt.date(2024, 1, 15),
        ends_on=dt.date(2026, 1, 14),
    )
    c2 = Certificate.objects.create(
        trainee=w.worker_b,
        level=intermediate,
        number="B-1",
        date_passed=dt.date(2025, 5, 24),
        date_issued=dt.date(2025, 8, 1),
    )
    Registration.objects.create(
        certificate=c2,
        trainee=w.worker_b,
        kind="first",
        starts_on=dt.date(2025, 8, 1),
        ends_on=dt.date(2028, 7, 31),
    )
    Certificate.objects.create(
        trainee=w.colleague,
        level=assistant,
        number="C-1",
        date_passed=dt.date(2026, 6, 13),
        date_issued=dt.date(2026, 8, 1),
    )
    exam_2025 = ExamYear.objects.get(year=2025)
    attempt = ExamAttempt.objects.create(
        trainee=w.worker_b, exam_year=exam_2025, level=intermediate
    )
    for subject, score, passed in zip(
        Subject.objects.filter(level=intermediate).order_by("order"),
        (Decimal("72"), Decimal("65"), Decimal("61")),
        (True, True, True),
        strict=True,
    ):
        SubjectResult.objects.create(attempt=attempt, subject=subject, score=score, passed=passed)
    attempt2 = ExamAttempt.objects.create(trainee=w.colleague, exam_year=exam_2025, level=assistant)
    for subject, score, passed in zip(
        Subject.objects.filter(level=assistant).order_by("order"),
        (Decimal("58"), Decimal("66")),
        (False, True),
        strict=True,
    ):
        SubjectResult.objects.create(attempt=attempt2, subject=subject, score=score, passed=passed)
    RateTarget.objects.create(year=2025, target_pct=Decimal("40"), basis="certified")
    return SimpleNamespace(
        office=office, left=left, late=late, young=young, villa=villa, villa_worker=villa_worker
    )


@pytest.fixture
def report_world(world):
    world.extra = add_activity(world)
    return world
