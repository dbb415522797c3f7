"""The yearly assessment in the reports (issue 14): each row counts the workers its
subdistrict assessed, by result, with what is not entered yet; checked against the entries."""

import datetime as dt

import pytest

from reports.figures.assessment import assessment_figures
from reports.figures.common import Scope
from trainees.assessments.models import AssessmentResult
from trainees.assessments.services import Entry, results_set, round_open
from trainees.history import history_change
from trainees.models import ChangeKind

pytestmark = pytest.mark.django_db

R = AssessmentResult
YEAR = 2025


def test_rows_count_results_where_the_worker_was_assessed(world):
    # 顾建国 moved to 新泾镇 in August: 新泾镇 assesses him.
    history_change(
        trainee=world.colleague,
        actor=world.users.district,
        kind=ChangeKind.TRANSFER,
        effective_on=dt.date(YEAR, 8, 1),
        subdistrict=world.b,
        neighbourhood=world.nb,
        reason="调动",
    )
    earlier = round_open(year=YEAR - 1, excellent_share=100, actor=world.users.district)
    results_set(
        round_=earlier, entries=[Entry(world.worker_b.pk, R.EXCELLENT)], actor=world.users.district
    )
    round_ = round_open(year=YEAR, excellent_share=100, actor=world.users.district)
    results_set(
        round_=round_,
        entries=[Entry(world.worker.pk, R.EXCELLENT), Entry(world.colleague.pk, R.BASIC)],
        actor=world.users.district,
    )
    scope = Scope()
    figures = assessment_figures(scope, dt.date(YEAR, 12, 31), scope.units())
    assert (figures["year"], figures["locked"]) == (YEAR, False)
    rows = {r["name"]: r for r in figures["rows"]}
    a, b = rows[world.a.name], rows[world.b.name]
    assert (a["workers"], a["entered"], a[R.EXCELLENT], a["excellent_pct"]) == (1, 1, 1, 100.0)
    # 沈丽华's 优秀 is of the year before: not entered this year.
    assert (b["workers"], b["entered"], b[R.BASIC], b[R.EXCELLENT]) == (2, 1, 1, 0)
    assert figures["total"]["workers"] == 3 and figures["total"]["entered"] == 2
    # In January the year just ended is still the one shown.
    assert assessment_figures(scope, dt.date(YEAR + 1, 1, 31), scope.units())["year"] == YEAR
    # A subdistrict's rows are its committees.
    own = Scope(world.b.pk)
    committees = {
        r["name"]: r for r in assessment_figures(own, dt.date(YEAR, 12, 31), own.units())["rows"]
    }
    assert committees[world.nb.name]["workers"] == 2


def test_no_round_yet_gives_no_rows(world):
    scope = Scope()
    assert assessment_figures(scope, dt.date(YEAR, 12, 31), scope.units())["rows"] == []


def test_the_year_report_carries_the_assessment(world):
    import io

    from openpyxl import load_workbook

    from reports.figures import report_figures
    from reports.periods import Period, PeriodKind
    from reports.xlsx import render_xlsx

    round_ = round_open(year=YEAR, excellent_share=100, actor=world.users.district)
    results_set(
        round_=round_,
        entries=[Entry(world.worker.pk, R.EXCELLENT), Entry(world.worker_b.pk, R.COMPETENT)],
        actor=world.users.district,
    )
    figures = report_figures(period=Period(PeriodKind.YEAR, YEAR, 1))
    assert figures["assessment"]["year"] == YEAR
    sheet = load_workbook(io.BytesIO(render_xlsx(figures)))["年度考核"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0].endswith(f"（{YEAR}，录入中）")
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name[world.a.name][1:4] == [2, 1, 1]  # workers, entered, 优秀
    assert by_name["合计"][1:3] == [3, 2]
