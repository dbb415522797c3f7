"""The report reads the district's rules from their rows: the grade columns are the
CareerGrade rows, and the ratio a finding compares with is the SupervisionPolicy's."""

import datetime as dt

import pytest

from reports.figures import report_figures
from reports.periods import Period
from supervisors.models import SupervisionPolicy
from tests.factories import AssignmentFactory, TraineeFactory
from trainees.history import history_change
from trainees.models import CareerGrade, ChangeKind

pytestmark = pytest.mark.django_db

PERIOD = Period("year", 2025, 1)


def grade_columns() -> list[str]:
    return [key for key, _label in report_figures(period=PERIOD)["workforce"]["grade_columns"]]


def test_the_grade_columns_are_the_career_grade_rows(world):
    assert grade_columns() == ["grade_0"]  # no ladder entered: everyone is "not graded"
    for level in (1, 2, 3):
        CareerGrade.objects.create(level=level, name=f"{level}级")
    top = CareerGrade.objects.create(level=24, name="二十四级")  # a ladder longer than 18
    # Graded from before the report's year (a backdated change: the district, with a reason).
    history_change(
        trainee=world.worker,
        actor=world.users.district,
        kind=ChangeKind.GRADE,
        effective_on=dt.date(2024, 1, 1),
        grade=top,
        reason="补登调级",
    )
    assert grade_columns() == ["grade_0", "grade_1", "grade_2", "grade_3", "grade_24"]
    workforce = report_figures(period=PERIOD)["workforce"]
    assert (workforce["total"]["grade_24"], workforce["total"]["grade_0"]) == (1, 2)
    CareerGrade.objects.filter(level=3).delete()
    assert grade_columns() == ["grade_0", "grade_1", "grade_2", "grade_24"]


def test_the_ratio_finding_compares_with_the_districts_ratio(world):
    # 周督导 serves four covered workers, 吴督导 one: 1:2.5 at the end of 2025.
    for _ in range(3):
        AssignmentFactory(
            supervisor=world.supervisor, trainee=TraineeFactory(neighbourhood=world.na)
        )
    figures = report_figures(period=PERIOD)
    assert figures["headline"]["ratio"] == 2.5 and figures["meta"]["district_ratio"] == 10
    assert not any("高于" in line for line in figures["findings"])
    SupervisionPolicy.objects.update(district_ratio=2)
    figures = report_figures(period=PERIOD)
    assert figures["meta"]["district_ratio"] == 2
    assert any("督导配比为1:2.5，高于1:2的要求" in line for line in figures["findings"])
