"""A pairing covers its end date, and a reassignment ends the old pairing the day before the new
one starts: a worker handed on from one pairing to the next is covered on both days.

DOMAIN.md, "Dates that decide every figure"; issue 12. The suite's clock is pinned
(tests/conftest.py); the dates below are fixed.
"""

import datetime as dt

import pytest

from reports.figures import dashboard_figures, report_figures
from reports.periods import Period
from supervisors.models import Assignment, SupervisionMode
from supervisors.selectors import coverage_board
from supervisors.services import assignment_reassign
from tests.factories import AssignmentFactory, TraineeFactory


@pytest.fixture
def successors(world):
    """顾建国: one pairing ends 2025-09-30, the next starts 2025-10-01. 王: a pairing ended
    2025-09-29 and none after (uncovered from 2025-09-30)."""
    AssignmentFactory(
        supervisor=world.supervisor,
        trainee=world.colleague,
        started_on=dt.date(2025, 3, 1),
        ended_on=dt.date(2025, 9, 30),
        end_reason="督导师调整",
    )
    AssignmentFactory(
        supervisor=world.other_supervisor, trainee=world.colleague, started_on=dt.date(2025, 10, 1)
    )
    gone = TraineeFactory(neighbourhood=world.na)
    AssignmentFactory(
        supervisor=world.supervisor,
        trainee=gone,
        started_on=dt.date(2025, 3, 1),
        ended_on=dt.date(2025, 9, 29),
        end_reason="结束",
    )
    return gone


@pytest.mark.parametrize("day", [dt.date(2025, 9, 30), dt.date(2025, 10, 1)])
def test_the_coverage_board_covers_both_the_end_date_and_the_successors_start(
    world, successors, day
):
    totals = coverage_board(user=world.users.district, on=day)["totals"]
    # 4 workers: 陆晓燕, 沈丽华 (open pairings), 顾建国 (covered both days), the one uncovered.
    assert (totals["workers"], totals["covered"], totals["uncovered"]) == (4, 3, 1)


def test_the_report_counts_a_pairing_ending_on_the_last_day_of_the_month_as_coverage(
    world, successors
):
    september = report_figures(period=Period("month", 2025, 9))["headline"]
    assert (september["workers"], september["uncovered"]) == (4, 1)
    assert september["coverage_pct"] == 75.0
    # The day before, the pairing that ended on 2025-09-29 still covers its worker.
    board = coverage_board(user=world.users.district, on=dt.date(2025, 9, 29))["totals"]
    assert board["uncovered"] == 0


def test_a_reassignment_ends_the_old_pairing_the_day_before_the_new_one_starts(world):
    old = Assignment.objects.get(trainee=world.worker)
    new = assignment_reassign(
        trainee=world.worker,
        supervisor=world.other_supervisor,
        mode=SupervisionMode.DRILL,
        actor=world.users.district,
        reason="督导师调整",
        on=dt.date(2025, 10, 1),
    )
    old.refresh_from_db()
    assert old.ended_on == dt.date(2025, 9, 30)
    assert new.started_on == dt.date(2025, 10, 1) and new.ended_on is None
    for day in (dt.date(2025, 9, 30), dt.date(2025, 10, 1)):
        totals = coverage_board(user=world.users.district, on=day)["totals"]
        # 陆晓燕 and 沈丽华 covered; 顾建国 has never been paired.
        assert (totals["workers"], totals["covered"]) == (3, 2), day
        # One pairing in force on each day, not two.
        in_force = [
            a.supervisor_id
            for a in Assignment.objects.filter(trainee=world.worker)
            if a.started_on <= day and (a.ended_on is None or a.ended_on >= day)
        ]
        assert len(in_force) == 1, day
    september = dashboard_figures(period=Period("month", 2025, 9))["headline"]
    assert (september["workers"], september["uncovered"]) == (3, 1)
