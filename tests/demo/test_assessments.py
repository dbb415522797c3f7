"""The demo's yearly assessments (demo/seeders/assessments.py): the three whole years before
today entered through the services and locked, every worker on the books with a result, the
优秀 within each subdistrict's quota, and the ungraded those who were at work under half the
year."""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction

from accounts.models import User
from demo.context import SeedContext
from demo.seed import seed_demo
from demo.seeders.assessments import seed_assessments
from trainees.assessments.models import Assessment, AssessmentResult, AssessmentRound
from trainees.assessments.selectors import round_placements, round_summary

TODAY = dt.date(2026, 12, 1)
R = AssessmentResult


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo(today=TODAY)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_past_rounds_are_locked_and_the_current_year_is_left_to_open(demo):
    rounds = dict(AssessmentRound.objects.values_list("year", "status"))
    assert rounds == {2023: "locked", 2024: "locked", 2025: "locked"}


@pytest.mark.django_db
def test_every_worker_on_the_books_in_2025_has_a_result_within_the_quota(demo):
    round_ = AssessmentRound.objects.get(year=2025)
    assert round_.is_locked
    on_books = set(round_placements(2025).values_list("trainee_id", flat=True))
    assessed = set(Assessment.objects.filter(round=round_).values_list("trainee_id", flat=True))
    assert len(on_books) > 1900 and assessed == on_books
    summary = round_summary(round_=round_)
    assert len(summary) == 10
    for place in summary:
        assert place.missing == 0
        assert 0 < place.excellent <= place.allowed, place.name


@pytest.mark.django_db
def test_the_results_look_like_a_real_year(demo):
    counts = Counter(Assessment.objects.filter(round__year=2025).values_list("result", flat=True))
    total = sum(counts.values())
    assert 0.09 <= counts[R.EXCELLENT] / total <= 0.15
    assert counts[R.COMPETENT] / total > 0.7
    assert 0 < counts[R.BASIC] / total < 0.06
    assert counts[R.INCOMPETENT] / total < 0.01
    assert 0 < counts[R.UNDETERMINED] / total < 0.1
    # Every ungraded worker says why.
    assert not Assessment.objects.filter(result=R.UNDETERMINED, note="").exists()
    assert not Assessment.objects.exclude(result=R.UNDETERMINED).exclude(note="").exists()


@pytest.mark.django_db
def test_the_late_joiners_of_2025_are_not_graded(demo):
    late = round_placements(2025).filter(trainee__started_community_work__gte=dt.date(2025, 7, 3))
    ids = set(late.values_list("trainee_id", flat=True))
    assert ids
    results = set(
        Assessment.objects.filter(round__year=2025, trainee_id__in=ids).values_list(
            "result", flat=True
        )
    )
    assert results == {R.UNDETERMINED}


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_results(demo):
    seeded = list(
        Assessment.objects.order_by("round__year", "trainee_id").values_list(
            "round__year", "trainee_id", "result", "note"
        )
    )
    with transaction.atomic():
        AssessmentRound.objects.all().delete()
        ctx = SeedContext(seed=2019, scale=1, today=TODAY)
        ctx.users = {u.username: u for u in User.objects.filter(username="district")}
        seed_assessments(ctx)
        again = list(
            Assessment.objects.order_by("round__year", "trainee_id").values_list(
                "round__year", "trainee_id", "result", "note"
            )
        )
        transaction.set_rollback(True)
    assert again == seeded
