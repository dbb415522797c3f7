"""The qualification's rules as pure functions over plain values.

The services, the selectors' per-row reasons and the demo generator all decide with these, so
the same worker gets the same answer everywhere. The rules' parameters are rows (Level,
EligibilityRule); only their shape is code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trainees.models import Education

EDUCATION_ORDER: list[str] = list(Education.values)  # lowest first (trainees.models)


class RegistrationStatus(models.TextChoices):
    NOT_REGISTERED = "not_registered", gettext_lazy("未登记")
    REGISTERED = "registered", gettext_lazy("已登记")
    DUE = "due", gettext_lazy("待再登记")
    LAPSED = "lapsed", gettext_lazy("登记已过期")


def educations_at_least(minimum: str) -> list[str]:
    return EDUCATION_ORDER[EDUCATION_ORDER.index(minimum) :]


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def registration_end(starts_on: dt.date, years: int) -> dt.date:
    """The last valid day of a period that starts on `starts_on` and lasts `years` years."""
    return add_years(starts_on, years) - dt.timedelta(days=1)


# --- pass windows -------------------------------------------------------------------------------


def window_pass_year(
    passed_years: Mapping[int, Iterable[int]], subject_ids: Iterable[int], window: int
) -> int | None:
    """The first exam year in which every subject has been passed within `window` years.

    `passed_years` maps a subject to the exam years it was passed in. The window rolls:
    with a 2-year window, two subjects in N and the third in N+1 pass in N+1; the third in N+2
    does not pass, because N's passes have fallen out of the window by then.
    """
    subjects = list(subject_ids)
    if not subjects or window < 1:
        return None
    years = {s: set(passed_years.get(s, ())) for s in subjects}
    if any(not ys for ys in years.values()):
        return None
    for end in sorted({y for ys in years.values() for y in ys}):
        start = end - window + 1
        if all(any(start <= y <= end for y in ys) for ys in years.values()):
            return end
    return None


# --- eligibility --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    """An EligibilityRule as plain values (loaded once per request or task)."""

    pk: int
    level_id: int
    min_education: str
    social_work_only: bool
    required_level_id: int | None
    years: int
    years_since_certificate: bool


@dataclass(frozen=True)
class WorkerFacts:
    education: str
    major_is_social_work: bool
    started_community_work: dt.date
    # Level id -> date the certificate of that level was obtained.
    certificates: Mapping[int, dt.date]


@dataclass(frozen=True)
class Eligibility:
    level_id: int
    level_name: str
    eligible: bool
    reason: str
    # The first exam year the worker may sit this level (None: no rule can ever apply).
    year: int | None
    rule_id: int | None = None


def experience_years(start: dt.date, exam_year: int) -> int:
    """Completed years from `start` to 31 December of the year before the exam, that day
    included (started on 1 January 2023: four years on 31 December 2026)."""
    end = dt.date(exam_year, 1, 1)  # the day after 31 December, so that day counts
    if start >= end:
        return 0
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def first_year_with(start: dt.date, years: int) -> int:
    """The first exam year by which `years` of experience from `start` are complete."""
    return start.year + years + (0 if (start.month, start.day) == (1, 1) else 1)


def _rule_base(rule: RuleRow, facts: WorkerFacts) -> dt.date | None:
    if rule.years_since_certificate and rule.required_level_id:
        return facts.certificates.get(rule.required_level_id)
    return facts.started_community_work


def _first_year(rule: RuleRow, facts: WorkerFacts) -> int | None:
    """The first exam year in which this rule lets the worker sit."""
    base = _rule_base(rule, facts)
    if base is None:
        return None
    year = first_year_with(base, rule.years)
    if rule.required_level_id and not rule.years_since_certificate:
        # The required certificate must be held by the end of the year before the exam.
        held = facts.certificates.get(rule.required_level_id)
        if held is None:
            return None
        year = max(year, held.year + 1)
    return year


def _rule_text(rule: RuleRow, level_names: Mapping[int, str]) -> str:
    education = str(Education(rule.min_education).label)
    parts = [education + (_("（社会工作专业）") if rule.social_work_only else "")]
    if rule.min_education != EDUCATION_ORDER[-1]:
        parts[0] = _("%(education)s及以上") % {"education": parts[0]}
    if rule.required_level_id:
        parts.append(_("持%(level)s证书") % {"level": level_names.get(rule.required_level_id, "")})
    if rule.years_since_certificate:
        parts.append(_("取得证书后满%(n)d年") % {"n": rule.years})
    elif rule.years:
        parts.append(_("社会工作年限满%(n)d年") % {"n": rule.years})
    else:
        parts.append(_("不限工作年限"))
    return "，".join(parts)


def eligibility_for_level(
    *,
    level_id: int,
    level_name: str,
    rules: Iterable[RuleRow],
    facts: WorkerFacts,
    exam_year: int,
    level_names: Mapping[int, str],
    explain: bool = True,
) -> Eligibility:
    """Whether the worker may sit this level in `exam_year`, why, and if not, from when.

    explain=False leaves the reasons empty (the demo generator asks millions of times)."""
    if level_id in facts.certificates:
        return Eligibility(
            level_id, level_name, False, _("已持有该等级证书") if explain else "", None
        )
    best: tuple[int, RuleRow] | None = None
    missing_certificate: RuleRow | None = None
    education_ok = False
    for rule in rules:
        if rule.level_id != level_id:
            continue
        if facts.education not in educations_at_least(rule.min_education):
            continue
        if rule.social_work_only and not facts.major_is_social_work:
            continue
        education_ok = True
        year = _first_year(rule, facts)
        if year is None:
            missing_certificate = missing_certificate or rule
            continue
        if best is None or (year, rule.years) < (best[0], best[1].years):
            best = (year, rule)
    if best is not None:
        year, rule = best
        if not explain:
            return Eligibility(level_id, level_name, year <= exam_year, "", year, rule.pk)
        text = _rule_text(rule, level_names)
        if year <= exam_year:
            base = _rule_base(rule, facts)
            have = experience_years(base, exam_year) if base else 0
            reason = _("符合条件：%(rule)s（截至%(y)d年12月31日满%(have)d年）") % {
                "rule": text,
                "y": exam_year - 1,
                "have": have,
            }
            return Eligibility(level_id, level_name, True, reason, exam_year, rule.pk)
        reason = _("尚不符合：%(rule)s，%(year)d年起可报考") % {"rule": text, "year": year}
        return Eligibility(level_id, level_name, False, reason, year, rule.pk)
    if not explain:
        return Eligibility(level_id, level_name, False, "", None)
    if missing_certificate is not None:
        required = level_names.get(missing_certificate.required_level_id or 0, "")
        reason = _("需先取得%(level)s证书（%(rule)s）") % {
            "level": required,
            "rule": _rule_text(missing_certificate, level_names),
        }
        return Eligibility(level_id, level_name, False, reason, None, missing_certificate.pk)
    if not education_ok:
        return Eligibility(level_id, level_name, False, _("学历或专业不符合报考条件"), None)
    return Eligibility(level_id, level_name, False, _("不符合报考条件"), None)
