"""The demo logs follow the same rules as the services, and drill scores improve over time."""

import datetime as dt
import random
from types import SimpleNamespace

import pytest
from django.db.models import Avg, Count

from sessions.demo import seed_sessions
from sessions.models import DrillScore, MonthClose, SessionStatus, SupervisionSession
from tests.factories import AssignmentFactory, SupervisorFactory, TraineeFactory

pytestmark = pytest.mark.django_db


def _ctx(seed: int = 7):
    return SimpleNamespace(
        rng=lambda step: random.Random(f"test:{seed}:{step}"), say=lambda text: None, users={}
    )


@pytest.fixture
def pairs(db):
    sup = SupervisorFactory()
    for _i in range(3):
        AssignmentFactory(supervisor=sup, trainee=TraineeFactory(), mode="mentor")
    for _i in range(4):
        AssignmentFactory(supervisor=sup, trainee=TraineeFactory(), mode="drill")
    return sup


def test_demo_sessions_follow_the_rules(pairs):
    seed_sessions(_ctx())
    sessions = SupervisionSession.objects.annotate(n=Count("attendees", distinct=True))
    assert sessions.count() > 18 * 3  # mostly on cadence over 18 months
    assert not sessions.filter(mode="mentor").exclude(n=1).exists()
    assert not sessions.filter(mode="drill", n__lt=2).exists()
    for s in sessions.filter(mode="drill"):
        assert s.scores.count() == 6 * s.n
    assert not sessions.filter(date__gte=dt.date(2026, 11, 1)).exists()
    assert not sessions.filter(date__lt=dt.date(2025, 5, 1)).exists()
    closed = sessions.filter(date__lt=dt.date(2026, 10, 1))
    assert set(closed.values_list("status", flat=True)) == {SessionStatus.LOCKED}
    october = set(sessions.filter(date__gte=dt.date(2026, 10, 1)).values_list("status", flat=True))
    assert october <= {SessionStatus.CONFIRMED, SessionStatus.SUBMITTED, SessionStatus.DRAFT}
    assert MonthClose.objects.count() == 17
    # Every non-draft log has its first version.
    assert not sessions.exclude(status=SessionStatus.DRAFT).filter(versions__isnull=True).exists()


def test_drill_scores_improve(pairs):
    seed_sessions(_ctx())
    early = DrillScore.objects.filter(session__date__lt=dt.date(2025, 9, 1)).aggregate(
        a=Avg("score")
    )
    late = DrillScore.objects.filter(session__date__gte=dt.date(2026, 7, 1)).aggregate(
        a=Avg("score")
    )
    assert late["a"] > early["a"] + 0.5


def test_demo_is_deterministic(pairs):
    seed_sessions(_ctx())
    first = list(SupervisionSession.objects.order_by("date", "pk").values_list("date", "topic"))
    SupervisionSession.objects.all().delete()
    MonthClose.objects.all().delete()
    seed_sessions(_ctx())
    again = list(SupervisionSession.objects.order_by("date", "pk").values_list("date", "topic"))
    assert first == again
