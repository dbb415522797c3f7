"""The demo workers' dated histories (demo/seeders/careers.py, through trainees.history): moves,
posts, grades, leave, secondments, departures and returns since 2019, each worker's periods
without overlap or gap, and each worker's own columns the period covering today."""

import datetime as dt
import re
from collections import Counter, defaultdict

import pytest
from django.db import transaction

from demo.seed import seed_demo
from trainees.models import (
    ChangeKind,
    EmploymentState,
    Gender,
    LeaveKind,
    Post,
    Trainee,
    TraineeStatus,
    WorkerPeriod,
)

TODAY = dt.date(2026, 12, 1)
ON_BOOKS = {EmploymentState.ON_DUTY, EmploymentState.LEAVE, EmploymentState.SECONDED}
STATUS = {
    EmploymentState.ON_DUTY: TraineeStatus.ACTIVE,
    EmploymentState.LEAVE: TraineeStatus.ON_LEAVE,
    EmploymentState.SECONDED: TraineeStatus.ON_LEAVE,
    EmploymentState.LEFT: TraineeStatus.LEFT,
    EmploymentState.RETIRED: TraineeStatus.LEFT,
}
GRADES = {Post.PARTY_SECRETARY: (7, 18), Post.DIRECTOR: (7, 18), Post.DEPUTY: (4, 15)}
PROMOTED_FROM = {
    Post.PARTY_SECRETARY: Post.DEPUTY,
    Post.DIRECTOR: Post.DEPUTY,
    Post.DEPUTY: Post.COMMITTEE_MEMBER,
    Post.COMMITTEE_MEMBER: Post.GENERAL,
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo district (no activity) as of TODAY: its workers and their periods in order."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo(activity=False, today=TODAY)
        workers = {t.pk: t for t in Trainee.objects.select_related("neighbourhood")}
        periods: dict[int, list[WorkerPeriod]] = defaultdict(list)
        for period in WorkerPeriod.objects.select_related(
            "grade", "neighbourhood", "recorded_by"
        ).order_by("trainee_id", "starts_on"):
            periods[period.trainee_id].append(period)
        yield workers, periods
        transaction.set_rollback(True)


def _changes(periods, kind):
    return [(tid, i) for tid, ps in periods.items() for i, p in enumerate(ps) if p.change == kind]


def _until_changed(ps, i):
    """The last day in the state of ps[i] (a grade review or a move may fall within a leave),
    and the period after it (None when it lasts until today)."""
    j = i
    while j + 1 < len(ps) and ps[j + 1].state == ps[i].state:
        j += 1
    return ps[j].ends_on, (ps[j + 1] if j + 1 < len(ps) else None)


@pytest.mark.django_db
def test_every_worker_has_one_unbroken_history(demo):
    workers, periods = demo
    assert set(periods) == set(workers)
    for tid, ps in periods.items():
        assert ps[0].change == ChangeKind.JOINED and ps[0].state == EmploymentState.ON_DUTY
        assert ps[0].starts_on >= workers[tid].started_community_work
        for before, after in zip(ps, ps[1:], strict=False):
            # The last day of one period is the day before the next one starts.
            assert before.ends_on is not None and before.ends_on + dt.timedelta(days=1) == (
                after.starts_on
            )
        assert ps[-1].ends_on is None
        # Nothing is dated on or after the demo's today.
        assert ps[-1].starts_on < TODAY
        for p in ps:
            if p.neighbourhood_id:
                assert p.neighbourhood.subdistrict_id == p.subdistrict_id
            assert (p.state == EmploymentState.LEAVE) == bool(p.leave_kind)
            low, high = GRADES.get(p.post, (0, 12))
            assert low <= p.grade.level <= high, (p, p.grade.level)


@pytest.mark.django_db
def test_each_workers_columns_are_the_period_covering_today(demo):
    workers, periods = demo
    for tid, worker in workers.items():
        ps = periods[tid]
        (now,) = [
            p for p in ps if p.starts_on <= TODAY and (p.ends_on is None or p.ends_on >= TODAY)
        ]
        assert (worker.subdistrict_id, worker.neighbourhood_id, worker.post, worker.grade_id) == (
            now.subdistrict_id,
            now.neighbourhood_id,
            now.post,
            now.grade_id,
        )
        assert worker.status == STATUS[now.state]
        # Joined: the first day of the latest spell on the books; left: the first day off them.
        spell = [p for p in ps if p.state in ON_BOOKS and p.starts_on <= TODAY]
        start = spell[-1]
        for p in reversed(spell[:-1]):
            if p.ends_on + dt.timedelta(days=1) != start.starts_on:
                break
            start = p
        assert worker.joined == start.starts_on
        assert worker.left_on == (now.starts_on if now.state not in ON_BOOKS else None)


@pytest.mark.django_db
def test_some_workers_moved_changed_post_and_stepped_up_a_grade(demo):
    workers, periods = demo
    moves = _changes(periods, ChangeKind.TRANSFER)
    across = [
        (t, i) for t, i in moves if periods[t][i - 1].subdistrict_id != periods[t][i].subdistrict_id
    ]
    # A few percent moved since 2019, some of them to another subdistrict with a document.
    assert 0.03 * len(workers) < len({t for t, _i in moves}) < 0.1 * len(workers)
    assert 0.1 * len(moves) < len(across) < 0.5 * len(moves)
    assert all(re.fullmatch(r"长民政〔20\d\d〕\d+号", periods[t][i].document_no) for t, i in across)
    # Promotions into today's posts: each from the post below.
    posts = _changes(periods, ChangeKind.POST)
    assert len(posts) > 0.02 * len(workers)
    for t, i in posts:
        assert periods[t][i - 1].post == PROMOTED_FROM[periods[t][i].post]
    # Grades: yearly reviews on 1 January, one district document a year, mostly one step; and
    # the first grading of new workers at the end of their first year.
    grades = _changes(periods, ChangeKind.GRADE)
    assert len(grades) > len(workers)
    steps = Counter()
    documents = defaultdict(set)
    for t, i in grades:
        before, after = periods[t][i - 1], periods[t][i]
        assert after.grade.level > before.grade.level
        if before.grade.level == 0:
            assert after.reason == "试用期满定级"
            continue
        assert (after.starts_on.month, after.starts_on.day) == (1, 1)
        steps[after.grade.level - before.grade.level] += 1
        documents[after.starts_on.year].add(after.document_no)
    assert steps[1] > 5 * steps[2] > 0 and set(steps) <= {1, 2}
    assert all(len(numbers) == 1 for numbers in documents.values())
    assert min(documents) == 2019


@pytest.mark.django_db
def test_leave_and_secondments_end_with_a_return(demo):
    workers, periods = demo
    kinds = Counter()
    for t, i in _changes(periods, ChangeKind.LEAVE):
        leave = periods[t][i]
        kinds[leave.leave_kind] += 1
        last, back = _until_changed(periods[t], i)
        if back is None:
            continue  # still on leave today
        assert back.change == ChangeKind.RETURN and back.state == EmploymentState.ON_DUTY
        days = (last - leave.starts_on).days + 1
        if leave.leave_kind == LeaveKind.MATERNITY:
            worker = workers[t]
            assert worker.gender == Gender.FEMALE
            assert 24 <= worker.age_on(leave.starts_on) <= 38
            assert 98 <= days <= 158
    assert kinds[LeaveKind.MATERNITY] > kinds[LeaveKind.SICK] > kinds[LeaveKind.STUDY] > 10
    seconded = _changes(periods, ChangeKind.SECONDMENT)
    assert len(seconded) > 10
    for t, i in seconded:
        assert periods[t][i].reason.startswith("借调至")
        last, back = _until_changed(periods[t], i)
        assert back is None or back.change == ChangeKind.RETURN
        assert 90 <= ((last or TODAY) - periods[t][i].starts_on).days + 1 <= 365 or back is None


@pytest.mark.django_db
def test_some_are_away_today_as_the_roster_plans(demo):
    workers, periods = demo
    away = [t for t, w in workers.items() if w.status == TraineeStatus.ON_LEAVE]
    assert len(away) == round(len(workers) * 0.015)
    open_kinds = Counter(
        periods[t][-1].leave_kind or periods[t][-1].state
        for t in away
        if periods[t][-1].ends_on is None
    )
    assert open_kinds[EmploymentState.SECONDED] > 0 and open_kinds[LeaveKind.MATERNITY] > 0
    assert sum(open_kinds.values()) == len(away)
    # Heads of committees are on duty today.
    assert all(workers[t].post not in (Post.PARTY_SECRETARY, Post.DIRECTOR) for t in away)


@pytest.mark.django_db
def test_some_left_some_retired_and_a_handful_came_back(demo):
    workers, periods = demo
    left = [t for t, w in workers.items() if w.status == TraineeStatus.LEFT]
    assert len(left) == round(len(workers) * 0.03)
    retired = [t for t in left if periods[t][-1].state == EmploymentState.RETIRED]
    assert 0 < len(retired) < len(left) / 2
    for t in retired:
        age = workers[t].age_on(periods[t][-1].starts_on)
        assert age >= (50 if workers[t].gender == Gender.FEMALE else 60)
    assert all(periods[t][-1].starts_on >= dt.date(2019, 1, 1) for t in left)

    back = _changes(periods, ChangeKind.REHIRED)
    assert 5 <= len(back) <= 20
    for t, i in back:
        gone = periods[t][i - 1]
        assert gone.state == EmploymentState.LEFT and gone.change == ChangeKind.LEFT
        # Counted again from the day they came back; their earlier spell is kept.
        assert workers[t].joined == periods[t][i].starts_on > periods[t][0].starts_on
        assert workers[t].status != TraineeStatus.LEFT


@pytest.mark.django_db
def test_histories_are_recorded_by_the_district_with_reasons(demo):
    _workers, periods = demo
    later = [p for ps in periods.values() for p in ps[1:]]
    assert later and all(p.reason for p in later)
    assert {p.recorded_by.username for ps in periods.values() for p in ps} == {"district"}


def _histories(today: dt.date) -> list[tuple]:
    with transaction.atomic():
        seed_demo(activity=False, today=today)
        rows = list(
            WorkerPeriod.objects.order_by("trainee__id_number_hash", "starts_on").values_list(
                "trainee__id_number_hash",
                "starts_on",
                "ends_on",
                "subdistrict__code",
                "neighbourhood__name",
                "post",
                "grade__level",
                "state",
                "leave_kind",
                "change",
                "reason",
                "document_no",
            )
        )
        transaction.set_rollback(True)
    return rows


@pytest.mark.django_db
def test_the_same_seed_and_today_give_the_same_histories():
    assert _histories(TODAY) == _histories(TODAY)
