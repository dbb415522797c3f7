"""The demo logs (demo/seeders/sessions.py) follow the same rules as the services, end the day
before the demo's today, and drill scores improve over time."""

import datetime as dt

import pytest
from django.db.models import Avg, Count

from demo.context import SeedContext, month_add
from demo.seeders.sessions import seed_sessions
from sessions.models import DrillScore, MonthClose, SessionStatus, SupervisionSession
from tests.factories import AssignmentFactory, SupervisorFactory, TraineeFactory

pytestmark = pytest.mark.django_db

# The 1st of a month (the month before is still open), a day after the month before locked
# (month end + 11 days), and a leap day: the months are reckoned from the context's today.
DAYS = [dt.date(2026, 11, 1), dt.date(2026, 12, 15), dt.date(2028, 2, 29)]


def _ctx(today: dt.date = DAYS[0], seed: int = 7) -> SeedContext:
    return SeedContext(seed=seed, scale=1, today=today)


@pytest.fixture
def pairs(db):
    sup = SupervisorFactory()
    started = dt.date(2024, 1, 1)  # before the history of every day above
    for _i in range(3):
        AssignmentFactory(
            supervisor=sup, trainee=TraineeFactory(), mode="mentor", started_on=started
        )
    for _i in range(4):
        AssignmentFactory(
            supervisor=sup, trainee=TraineeFactory(), mode="drill", started_on=started
        )
    return sup


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_demo_sessions_follow_the_rules(pairs, today):
    ctx = _ctx(today)
    seed_sessions(ctx)
    sessions = SupervisionSession.objects.annotate(n=Count("attendees", distinct=True))
    assert sessions.count() > 18 * 3  # mostly on cadence over 18 months
    assert not sessions.filter(mode="mentor").exclude(n=1).exists()
    assert not sessions.filter(mode="drill", n__lt=2).exists()
    for s in sessions.filter(mode="drill"):
        assert s.scores.count() == 6 * s.n
    # 18 months of history that end yesterday.
    assert not sessions.filter(date__gte=today).exists()
    assert not sessions.filter(date__lt=ctx.first_month).exists()
    assert ctx.last_month == (today - dt.timedelta(days=1)).replace(day=1)
    assert month_add(ctx.first_month, 17) == ctx.last_month
    # Months whose lock date (month end + 10 days) has passed are closed and locked; the
    # rest are open.
    closed = sorted(MonthClose.objects.values_list("month", flat=True))
    assert closed == [m for m in ctx.months if month_add(m, 1) + dt.timedelta(days=10) <= today]
    open_from = month_add(closed[-1], 1)
    locked = sessions.filter(date__lt=open_from)
    assert set(locked.values_list("status", flat=True)) == {SessionStatus.LOCKED}
    recent = set(sessions.filter(date__gte=open_from).values_list("status", flat=True))
    assert recent <= {SessionStatus.CONFIRMED, SessionStatus.SUBMITTED, SessionStatus.DRAFT}
    # Every non-draft log has its first version.
    assert not sessions.exclude(status=SessionStatus.DRAFT).filter(versions__isnull=True).exists()


def test_drill_scores_improve(pairs):
    ctx = _ctx()
    seed_sessions(ctx)
    early = DrillScore.objects.filter(session__date__lt=month_add(ctx.first_month, 4)).aggregate(
        a=Avg("score")
    )
    late = DrillScore.objects.filter(session__date__gte=month_add(ctx.last_month, -3)).aggregate(
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
