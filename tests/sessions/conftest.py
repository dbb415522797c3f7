"""Sessions fixtures on top of the shared personas: the supervisor gets a drill pair too."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from sessions.models import (
    Competency,
    DrillScore,
    SessionAttendee,
    SessionStatus,
    SupervisionSession,
)
from sessions.services import Score
from supervisors.models import SupervisionMode
from tests.factories import AssignmentFactory, TraineeFactory, UserFactory


@pytest.fixture
def team(world):
    """周督导 has 陆晓燕 (mentor) and two drill trainees 顾建国 and 钱海燕, all in subdistrict A."""
    colleague_user = UserFactory(username="colleague")
    world.colleague.user = colleague_user
    world.colleague.save()
    third = TraineeFactory(
        name="钱海燕", neighbourhood=world.na, user=UserFactory(username="third")
    )
    AssignmentFactory(supervisor=world.supervisor, trainee=world.colleague, mode="drill")
    AssignmentFactory(supervisor=world.supervisor, trainee=third, mode="drill")
    return SimpleNamespace(
        world=world,
        mentee=world.worker,
        drill=[world.colleague, third],
        colleague_user=colleague_user,
        third_user=third.user,
    )


def full_scores(*trainees, score: int = 3) -> list[Score]:
    return [Score(t.pk, c, score) for t in trainees for c in Competency.values]


def today() -> dt.date:
    return timezone.localdate()


def session_fields(**overrides) -> dict:
    fields = {
        "mode": SupervisionMode.MENTOR,
        "date": today(),
        "start_time": dt.time(9, 0),
        "end_time": dt.time(10, 30),
        "delivery": "on_site",
        "place": "华一居委会会议室",
        "topic": "楼组长议事会的组织",
        "raised": "居民参与不积极",
        "guidance": "先从楼组骨干入手",
    }
    fields.update(overrides)
    return fields


def make_session(
    supervisor,
    trainees,
    *,
    date: dt.date | None = None,
    status: str = SessionStatus.SUBMITTED,
    mode: str | None = None,
    scores: bool = False,
    confirmed: bool = False,
) -> SupervisionSession:
    """A log written straight to the database (no rules), for scope and query tests."""
    mode = mode or (SupervisionMode.DRILL if len(trainees) > 1 else SupervisionMode.MENTOR)
    session = SupervisionSession.objects.create(
        supervisor=supervisor,
        mode=mode,
        date=date or today(),
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 0),
        duration_minutes=60,
        topic="议题",
        status=status,
        version=0 if status == SessionStatus.DRAFT else 1,
    )
    SessionAttendee.objects.bulk_create(
        SessionAttendee(
            session=session, trainee=t, confirmed_at=timezone.now() if confirmed else None
        )
        for t in trainees
    )
    if scores:
        DrillScore.objects.bulk_create(
            DrillScore(session=session, trainee=t, competency=c, score=3)
            for t in trainees
            for c in Competency.values
        )
    return session
