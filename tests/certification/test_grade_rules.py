"""The grade rules (三岗十八级, issue 14 item 2), one rule row at a time, through the pure
`propose` and through the rows the district edits (a changed row changes the proposal)."""

import datetime as dt

import pytest

from certification.grades.models import RuleKind
from certification.grades.rules import Band, Facts, Rule, propose

YEAR = 2025
STAFF = Band(1, 12)
HEAD = Band(7, 18)
SEEDED = [
    Rule(RuleKind.SERVICE, "2", 1),
    Rule(RuleKind.ASSESSMENT, "excellent", 1),
    Rule(RuleKind.ASSESSMENT, "basic", 0, blocks=True),
    Rule(RuleKind.ASSESSMENT, "incompetent", 0, blocks=True),
    Rule(RuleKind.CERTIFICATE, "assistant", 1),
    Rule(RuleKind.CERTIFICATE, "intermediate", 2),
    Rule(RuleKind.CERTIFICATE, "senior", 3),
    Rule(RuleKind.DEGREE, "bachelor", 1),
    Rule(RuleKind.DEGREE, "master", 2),
    Rule(RuleKind.DEGREE, "doctor", 3),
]
CODES = {1: "assistant", 2: "intermediate", 3: "senior"}


def facts(**kw) -> Facts:
    base = dict(
        level=5,
        started=dt.date(2020, 3, 1),  # 5 full years at the end of 2025: no 2-year step
        education="junior_college",
        result="competent",
        rank_before=0,
        rank_end=0,
        level_codes=CODES,
        level_names={1: "助理社会工作师", 2: "社会工作师", 3: "高级社会工作师"},
    )
    base.update(kw)
    return Facts(**base)


def level(f: Facts, rules=SEEDED, band=STAFF) -> int:
    return propose(f, year=YEAR, band=band, rules=rules).level


def kinds(f: Facts, rules=SEEDED, band=STAFF) -> list[str]:
    return [r["kind"] for r in propose(f, year=YEAR, band=band, rules=rules).reasons]


def test_nothing_moves_a_competent_worker_between_service_steps():
    assert level(facts()) == 5 and kinds(facts()) == []


def test_service_every_two_full_years_adds_a_grade():
    f = facts(started=dt.date(2019, 6, 1))  # 6 full years at the end of 2025, 5 a year before
    assert level(f) == 6 and kinds(f) == [RuleKind.SERVICE]
    every_three = [Rule(RuleKind.SERVICE, "3", 1), *SEEDED[1:]]
    assert level(f, every_three) == 6  # 6 is also a multiple of 3
    assert level(facts(started=dt.date(2021, 6, 1)), every_three) == 5  # 4 years: no
    assert level(f, [Rule(RuleKind.SERVICE, "2", 2)]) == 7  # the row's grades


def test_the_anniversary_must_fall_in_the_year():
    # 6 full years only on 2026-01-02: not in 2025.
    assert level(facts(started=dt.date(2020, 1, 2))) == 5


def test_excellent_adds_its_rows_grades_and_zero_turns_it_off():
    assert level(facts(result="excellent")) == 6
    rules = [
        r if r.key != "excellent" else Rule(RuleKind.ASSESSMENT, "excellent", 0) for r in SEEDED
    ]
    assert level(facts(result="excellent"), rules) == 5


@pytest.mark.parametrize("result", ["basic", "incompetent"])
def test_a_blocking_result_stops_every_rise_of_the_year(result):
    f = facts(result=result, started=dt.date(2019, 6, 1), rank_end=1)
    assert level(f) == 5
    assert "当年不予晋级" in propose(f, year=YEAR, band=STAFF, rules=SEEDED).reasons[0]["text"]
    unblocked = [r if r.key != result else Rule(RuleKind.ASSESSMENT, result, 0) for r in SEEDED]
    assert level(f, unblocked) == 7  # service + assistant certificate


@pytest.mark.parametrize(("rank", "gain"), [(1, 1), (2, 2), (3, 3)])
def test_a_certificate_of_the_year_adds_its_levels_grades(rank, gain):
    assert level(facts(rank_end=rank)) == 5 + gain


def test_a_higher_certificate_adds_only_the_difference_and_an_old_one_nothing():
    assert level(facts(rank_before=1, rank_end=2)) == 6  # 2 - 1
    assert level(facts(rank_before=2, rank_end=2)) == 5  # held before the year
    rules = [
        r if r.key != "intermediate" else Rule(RuleKind.CERTIFICATE, "intermediate", 4)
        for r in SEEDED
    ]
    assert level(facts(rank_before=1, rank_end=2), rules) == 8


@pytest.mark.parametrize(
    ("education", "floor"), [("bachelor", 2), ("master", 3), ("doctor", 4), ("junior_college", 1)]
)
def test_a_degree_sets_the_lowest_grade_above_the_band_start(education, floor):
    assert level(facts(level=1, education=education)) == floor
    assert level(facts(level=1, education=education), band=HEAD) == max(7, 6 + floor)


def test_an_ungraded_worker_starts_at_the_bands_lowest():
    assert level(facts(level=0)) == 1
    assert level(facts(level=0), band=HEAD) == 7


def test_the_band_caps_rises_but_never_demotes():
    assert level(facts(level=12, result="excellent")) == 12
    assert kinds(facts(level=12, result="excellent")) == [RuleKind.ASSESSMENT, "band"]
    assert level(facts(level=14)) == 14  # above a staff band after a post change: kept
    assert level(facts(level=11, result="excellent"), band=Band(1, 15)) == 12


def test_inactive_rows_are_not_read_and_rises_add_up():
    f = facts(started=dt.date(2019, 6, 1), result="excellent", rank_end=2, education="bachelor")
    assert level(f) == 5 + 1 + 1 + 2
    assert level(f, []) == 5
