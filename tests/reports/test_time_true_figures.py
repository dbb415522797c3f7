"""The report's figures as of a date group each worker by the history they had on that date
(issue 12; DOMAIN.md, "Dates that decide every figure"): a transfer, a leaving and a return, a
leave and a post change each show on the right side of their date.

Histories are written through the services (trainees.history, trainees.services), backdated by
the district administrator with a reason. The suite's clock is pinned (tests/conftest.py) to
November 2026; the dates below are fixed.
"""

import datetime as dt

import pytest

from reports.figures import report_figures
from reports.periods import Period
from reports.selectors import home_figures
from tests.reports.conftest import log
from trainees.history import history_change
from trainees.models import ChangeKind, LeaveKind, Post
from trainees.services import trainee_mark_left

pytestmark = pytest.mark.django_db

MAY, JUNE = Period("month", 2025, 5), Period("month", 2025, 6)


def change(world, trainee, kind, day, **values):
    return history_change(
        trainee=trainee,
        actor=world.users.district,
        kind=kind,
        effective_on=day,
        reason="补登",
        **values,
    )


def workers_by_row(figures: dict, section: str) -> dict[str, int]:
    return {r["name"]: r["workers"] for r in figures[section]["rows"]}


def test_a_transferred_worker_counts_in_the_old_unit_before_the_date_and_the_new_one_from_it(
    world,
):
    """顾建国 moves from 华阳路街道 (A) to 新泾镇 (B) on 30 June 2025, the June report's as-of
    date: May counts him in A, June in B — in every section, by subdistrict and by committee."""
    colleague = world.colleague
    log(world.supervisor, "mentor", dt.date(2025, 6, 10), [colleague])  # while still in A
    change(
        world,
        colleague,
        ChangeKind.TRANSFER,
        dt.date(2025, 6, 30),
        subdistrict=world.b,
        neighbourhood=world.nb,
    )
    may, june = report_figures(period=MAY), report_figures(period=JUNE)
    a, b = world.a.name, world.b.name
    # 陆晓燕 and 顾建国 in A, 沈丽华 in B; then 陆晓燕 in A, 沈丽华 and 顾建国 in B.
    for section in ("supervision", "training", "certification", "workforce"):
        key = "total" if section == "workforce" else "workers"
        assert {r["name"]: r[key] for r in may[section]["rows"]} == {a: 2, b: 1}, section
        assert {r["name"]: r[key] for r in june[section]["rows"]} == {a: 1, b: 2}, section
    committees = {r["name"]: r["total"] for r in june["workforce"]["committees"]}
    assert (committees[world.na.name], committees[world.nb.name]) == (1, 2)
    # The log of 10 June was attended in A: it stays A's, though he is in B at the month's end.
    sessions = {r["name"]: r["sessions"] for r in june["supervision"]["rows"]}
    assert sessions == {a: 1, b: 0}
    # A subdistrict's own report follows the same dates.
    a_may = report_figures(period=MAY, subdistrict_id=world.a.pk)
    a_june = report_figures(period=JUNE, subdistrict_id=world.a.pk)
    b_june = report_figures(period=JUNE, subdistrict_id=world.b.pk)
    assert workers_by_row(a_may, "supervision")[world.na.name] == 2
    assert workers_by_row(a_june, "supervision")[world.na.name] == 1
    assert workers_by_row(b_june, "supervision")[world.nb.name] == 2
    assert a_june["supervision"]["total"]["sessions"] == 1
    assert b_june["supervision"]["total"]["sessions"] == 0


def test_a_worker_who_left_and_came_back_counts_in_both_spells_and_not_in_the_gap(world):
    """顾建国 leaves on 1 March 2025 (his first day off the books) and is re-hired in the same
    committee on 1 September: counted at the end of February and from September, not between."""
    colleague = world.colleague
    trainee_mark_left(
        trainee=colleague,
        actor=world.users.district,
        left_on=dt.date(2025, 3, 1),
        reason="补登离职",
    )
    change(
        world,
        colleague,
        ChangeKind.REHIRED,
        dt.date(2025, 9, 1),
        subdistrict=world.a,
        neighbourhood=world.na,
    )
    trend = report_figures(period=Period("year", 2025, 1))["trend"]
    # 陆晓燕 and 沈丽华 throughout; 顾建国 in January and February, then again from September.
    assert [p["workers"] for p in trend] == [3, 3, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3]
    gap = report_figures(period=JUNE, subdistrict_id=world.a.pk)
    assert gap["headline"]["workers"] == 1
    assert gap["workforce"]["total"]["total"] == 1
    back = report_figures(period=Period("month", 2025, 9), subdistrict_id=world.a.pk)
    assert back["headline"]["workers"] == 2
    assert back["workforce"]["total"]["total"] == 2


def test_a_worker_on_leave_on_the_date_is_on_the_books_but_not_on_duty(world):
    """顾建国 on maternity leave from 1 May to 31 July 2025, and 陆晓燕 on sick leave since
    1 November 2026 (today): both stay 在册 (the report's population) and neither is 在岗."""
    change(
        world,
        world.colleague,
        ChangeKind.LEAVE,
        dt.date(2025, 5, 1),
        leave_kind=LeaveKind.MATERNITY,
    )
    change(world, world.colleague, ChangeKind.RETURN, dt.date(2025, 8, 1))
    june = report_figures(period=JUNE)
    assert june["headline"]["workers"] == 3
    assert june["workforce"]["total"]["total"] == 3
    assert workers_by_row(june, "certification")[world.a.name] == 2
    change(world, world.worker, ChangeKind.LEAVE, dt.date(2026, 11, 1), leave_kind=LeaveKind.SICK)
    home = home_figures(user=world.users.district)
    assert (home["on_books"], home["active"], home["on_leave"]) == (3, 2, 1)


def test_a_post_change_shows_in_the_post_breakdown_from_its_date(world):
    """顾建国 becomes 居委会主任 on 30 June 2025: May's post tables show him as 社区工作者,
    June's as 居委会主任."""
    change(world, world.colleague, ChangeKind.POST, dt.date(2025, 6, 30), post=Post.DIRECTOR)
    may, june = report_figures(period=MAY), report_figures(period=JUNE)

    def by_post(figures):
        return {r["key"]: r["workers"] for r in figures["certification"]["by_post"]}

    assert (by_post(may)[Post.GENERAL], by_post(may)[Post.DIRECTOR]) == (3, 0)
    assert (by_post(june)[Post.GENERAL], by_post(june)[Post.DIRECTOR]) == (2, 1)
    may_total, june_total = may["workforce"]["total"], june["workforce"]["total"]
    assert (may_total["post_general"], may_total["post_director"]) == (3, 0)
    assert (june_total["post_general"], june_total["post_director"]) == (2, 1)
