"""The grade rules as a pure function: one worker's facts and the rule rows in, the proposed
grade and the reasons out (no query; selectors.py gathers the facts, tests call it directly)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from trainees.assessments.models import AssessmentResult

from .models import RuleKind


@dataclass(frozen=True)
class Band:
    lowest: int
    highest: int


@dataclass(frozen=True)
class Rule:
    kind: str
    key: str
    grades: int
    blocks: bool = False


@dataclass(frozen=True)
class Facts:
    """What the rules read of one worker for year `year`."""

    level: int  # the grade held the day before the effective date (0 = not graded)
    started: dt.date | None  # started community work (工龄起算)
    education: str
    result: str | None  # the year's assessment result
    rank_before: int  # the highest certificate rank held before the year (0 = none)
    rank_end: int  # the highest held at the year's end
    level_codes: dict[int, str] = field(default_factory=dict)  # certificate rank → level code
    level_names: dict[int, str] = field(default_factory=dict)  # certificate rank → its name


@dataclass
class Proposal:
    level: int
    reasons: list[dict]

    def add(self, kind: str, grades: int, text: str) -> None:
        self.reasons.append({"kind": kind, "grades": grades, "text": text})


def full_years(started: dt.date, day: dt.date) -> int:
    years = day.year - started.year - ((day.month, day.day) < (started.month, started.day))
    return max(years, 0)


def propose(facts: Facts, *, year: int, band: Band, rules: list[Rule]) -> Proposal:
    """The grade the rules give for `year` and why: the degree's floor, then the rises of the
    year (service, assessment, certificate) unless the assessment blocks them, kept within the
    post's band."""
    current = facts.level
    proposal = Proposal(level=current, reasons=[])
    by_kind: dict[str, dict[str, Rule]] = {}
    for rule in rules:
        by_kind.setdefault(rule.kind, {})[rule.key] = rule

    level = current
    if level < band.lowest:
        proposal.add(
            "band", band.lowest - level, _("按岗位起点等级定级（%(n)s级）") % {"n": band.lowest}
        )
        level = band.lowest
    degree = by_kind.get(RuleKind.DEGREE, {}).get(facts.education)
    if degree is not None and level < band.lowest + degree.grades:
        floor = band.lowest + degree.grades
        proposal.add(
            RuleKind.DEGREE,
            floor - level,
            _("学历起点：不低于%(n)s级") % {"n": floor},
        )
        level = floor

    assessed = by_kind.get(RuleKind.ASSESSMENT, {}).get(facts.result or "")
    rises: list[tuple[str, int, str]] = []
    if facts.started is not None:
        end, before = dt.date(year, 12, 31), dt.date(year - 1, 12, 31)
        for key, rule in by_kind.get(RuleKind.SERVICE, {}).items():
            every = int(key) if key.isascii() and key.isdigit() and 0 < int(key) < 100 else 0
            if not every:
                continue
            now, then = full_years(facts.started, end), full_years(facts.started, before)
            steps = now // every - then // every
            if steps > 0 and rule.grades:
                rises.append(
                    (
                        RuleKind.SERVICE,
                        steps * rule.grades,
                        _("工作满%(years)s年（每满%(every)s年晋%(n)s级）")
                        % {"years": now, "every": every, "n": rule.grades},
                    )
                )
    if assessed is not None and assessed.grades:
        rises.append(
            (
                RuleKind.ASSESSMENT,
                assessed.grades,
                _("%(year)s年度考核结果：%(result)s")
                % {"year": year, "result": _result(facts.result)},
            )
        )
    if facts.rank_end > facts.rank_before:
        certs = by_kind.get(RuleKind.CERTIFICATE, {})

        def grades_of(rank: int) -> int:
            rule = certs.get(facts.level_codes.get(rank, ""))
            return rule.grades if rule else 0

        gain = grades_of(facts.rank_end) - grades_of(facts.rank_before)
        if gain:
            rises.append(
                (
                    RuleKind.CERTIFICATE,
                    gain,
                    _("当年取得职业水平证书（%(level)s）")
                    % {"level": facts.level_names.get(facts.rank_end, "")},
                )
            )
    if assessed is not None and assessed.blocks:
        if any(g > 0 for _k, g, _t in rises):
            proposal.add(
                RuleKind.ASSESSMENT,
                0,
                _("%(year)s年度考核结果为%(result)s，当年不予晋级")
                % {"year": year, "result": _result(facts.result)},
            )
        rises = [r for r in rises if r[1] < 0]
    for kind, grades, text in rises:
        proposal.add(kind, grades, text)
        level += grades
    # The band caps the rises, but the ledger never demotes a worker above it (a post change
    # is HR's decision, not a yearly rule's).
    ceiling = max(band.highest, current)
    if level > ceiling:
        proposal.add(
            "band", ceiling - level, _("已达本岗位最高等级（%(n)s级）") % {"n": band.highest}
        )
        level = ceiling
    level = max(level, band.lowest)
    proposal.level = level
    return proposal


def _result(code: str | None) -> str:
    try:
        return str(AssessmentResult(code).label)
    except ValueError:
        return _("未录入")
