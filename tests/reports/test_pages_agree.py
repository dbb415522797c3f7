"""Home, coverage board, certification and reports agree on the number of workers for the same
date and population (issue 12, "Done when"), with workers who moved, went on leave, left and
came back. The histories are written through the services, backdated by the district."""

import datetime as dt

import pytest
from django.utils import timezone

from certification.selectors import rate_by, rate_overall
from reports.figures import report_figures
from reports.periods import Period
from reports.selectors import home_figures
from supervisors.selectors import coverage_board
from tests.factories import TraineeFactory
from trainees.history import history_change
from trainees.models import ChangeKind, LeaveKind

pytestmark = pytest.mark.django_db


def change(world, trainee, kind, day, **values):
    history_change(
        trainee=trainee,
        actor=world.users.district,
        kind=kind,
        effective_on=day,
        reason="补登",
        **values,
    )


@pytest.fixture
def histories(world):
    """Five workers in A and B whose histories cross the dates the tests look at."""
    today = timezone.localdate()
    long_ago = dt.date(2021, 1, 1)
    mover = TraineeFactory(name="调动者", neighbourhood=world.na, joined=long_ago)
    change(
        world, mover, ChangeKind.TRANSFER, dt.date(2024, 3, 1), subdistrict=world.b,
        neighbourhood=world.nb,
    )  # fmt: skip
    on_leave = TraineeFactory(name="休假者", neighbourhood=world.nb, joined=long_ago)
    change(world, on_leave, ChangeKind.LEAVE, dt.date(2023, 5, 1), leave_kind=LeaveKind.MATERNITY)
    change(world, on_leave, ChangeKind.RETURN, dt.date(2023, 10, 1))
    change(world, on_leave, ChangeKind.LEAVE, today - dt.timedelta(days=3), leave_kind="study")
    returned = TraineeFactory(name="返聘者", neighbourhood=world.na, joined=long_ago)
    change(world, returned, ChangeKind.LEFT, dt.date(2022, 7, 1))
    change(
        world, returned, ChangeKind.REHIRED, dt.date(2024, 9, 1), subdistrict=world.b,
        neighbourhood=None,
    )  # fmt: skip
    seconded = TraineeFactory(name="借调者", neighbourhood=world.na, joined=long_ago)
    change(world, seconded, ChangeKind.SECONDMENT, dt.date(2023, 6, 1))
    TraineeFactory(name="新人", neighbourhood=world.nb, joined=dt.date(2025, 2, 1))
    return world


@pytest.mark.parametrize("day", [dt.date(2022, 12, 31), dt.date(2023, 6, 30), dt.date(2024, 6, 30)])
def test_the_report_and_the_rate_dashboard_count_the_same_workers_by_subdistrict(histories, day):
    district = histories.users.district
    figures = report_figures(period=Period("month", day.year, day.month))
    by_report = {row["name"]: row["workers"] for row in figures["comparison"]}
    by_rate = {
        row.label: row.active for row in rate_by(user=district, on=day, dimension="subdistrict")
    }
    assert by_report == {name: by_rate.get(name, 0) for name in by_report}
    overall = rate_overall(user=district, on=day)
    assert figures["headline"]["workers"] == overall.active == sum(by_rate.values())


def test_home_coverage_board_and_rate_agree_on_today(histories):
    district = histories.users.district
    today = timezone.localdate()
    home = home_figures(user=district)
    board = coverage_board(user=district, on=today)
    rate = rate_overall(user=district, on=today)
    # 在册: every worker on the books; 在岗: neither on leave nor seconded.
    assert home["on_books"] == rate.active == 8
    assert home["active"] == board["totals"]["workers"] == 6
    assert home["on_leave"] == home["on_books"] - home["active"]


def test_a_subdistrict_office_sees_the_same_figure_on_each_page(histories):
    """B's office, on a date when the mover and the returned worker were already in B."""
    admin_b = histories.users.admin_b
    day = dt.date(2024, 12, 31)
    report = report_figures(period=Period("month", 2024, 12), subdistrict_id=histories.b.pk)
    rate = rate_overall(user=admin_b, on=day)
    board = coverage_board(user=admin_b, on=day)
    # In B then: 沈丽华, 调动者, 休假者 (back from leave), 返聘者 — 新人 joined in 2025.
    assert report["headline"]["workers"] == rate.active == 4
    assert board["totals"]["workers"] == 4
