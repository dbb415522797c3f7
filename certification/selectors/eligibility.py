"""Who may sit which exam: the EligibilityRule rows (2006 interim rules, DOMAIN.md) in SQL for
lists and as pure functions (`certification.rules`) for per-worker reasons."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from trainees.models import Trainee
from trainees.selectors import trainee_scope

from ..models import Certificate, EligibilityRule, ExamYear, Level
from ..rules import Eligibility, RuleRow, WorkerFacts, educations_at_least, eligibility_for_level
from .population import active_on_q, levels_by_rank


def rule_rows() -> list[RuleRow]:
    return [
        RuleRow(
            pk=r.pk,
            level_id=r.level_id,
            min_education=r.min_education,
            social_work_only=r.social_work_only,
            required_level_id=r.required_level_id,
            years=r.years,
            years_since_certificate=r.years_since_certificate,
        )
        for r in EligibilityRule.objects.all()
    ]


def next_exam_year(today: dt.date) -> int:
    """The first exam whose registration has not closed yet; next calendar year if none known."""
    year = (
        ExamYear.objects.filter(registration_closes__gte=today)
        .order_by("year")
        .values_list("year", flat=True)
        .first()
    )
    return year or today.year + 1


def eligible_q(*, level: Level, rules: list[RuleRow], exam_year: int) -> Q:
    """Trainee filter: may sit `level` in `exam_year` (and does not hold it) — rules.py in SQL."""
    year_end = dt.date(exam_year - 1, 12, 31)
    any_rule = Q(pk__in=[])
    for rule in rules:
        if rule.level_id != level.pk:
            continue
        # rules.experience_years(start, Y) >= n  <=>  start <= 1 January of (Y - n)
        since = dt.date(exam_year - rule.years, 1, 1)
        q = Q(education__in=educations_at_least(rule.min_education))
        if rule.social_work_only:
            q &= Q(major_is_social_work=True)
        if rule.years_since_certificate and rule.required_level_id:
            q &= Exists(
                Certificate.objects.filter(
                    trainee_id=OuterRef("pk"),
                    level_id=rule.required_level_id,
                    date_passed__lte=since,
                )
            )
        else:
            q &= Q(started_community_work__lte=since)
            if rule.required_level_id:
                q &= Exists(
                    Certificate.objects.filter(
                        trainee_id=OuterRef("pk"),
                        level_id=rule.required_level_id,
                        date_passed__lte=year_end,
                    )
                )
        any_rule |= q
    holds = Exists(Certificate.objects.filter(trainee_id=OuterRef("pk"), level_id=level.pk))
    return any_rule & ~holds


def entry_levels() -> QuerySet[Level]:
    """Levels a worker without any certificate can qualify for: those with a rule that asks
    for no certificate (assistant and intermediate under the 2006 rules; not senior)."""
    return Level.objects.filter(eligibility_rules__required_level__isnull=True).distinct()


def pipeline_list(
    *, user: User, on: dt.date, exam_year: int, level: Level | None = None
) -> QuerySet[Trainee]:
    """Active workers holding no certificate who may sit the next exam (any level, or one)."""
    rules = rule_rows()
    levels = [level] if level else list(entry_levels().order_by("rank"))
    eligible = Q(pk__in=[])
    for lv in levels:
        eligible |= eligible_q(level=lv, rules=rules, exam_year=exam_year)
    return (
        trainee_scope(user)
        .filter(active_on_q(on))
        .filter(~Exists(Certificate.objects.filter(trainee_id=OuterRef("pk"))))
        .filter(eligible)
        .select_related("subdistrict", "neighbourhood")
    )


def worker_facts(trainee: Trainee, certificates: list[Certificate]) -> WorkerFacts:
    return WorkerFacts(
        education=trainee.education,
        major_is_social_work=trainee.major_is_social_work,
        started_community_work=trainee.started_community_work,
        certificates={c.level_id: c.date_passed for c in certificates},
    )


def eligibility_answers(
    *,
    trainees: list[Trainee],
    exam_year: int,
    levels: list[Level] | None = None,
    rules: list[RuleRow] | None = None,
) -> dict[int, list[Eligibility]]:
    """For each worker, an answer per level above the highest they hold: two queries at most."""
    levels = levels if levels is not None else levels_by_rank()
    rules = rules if rules is not None else rule_rows()
    names = {lv.pk: lv.name for lv in levels}
    held: dict[int, list[Certificate]] = {t.pk: [] for t in trainees}
    for cert in Certificate.objects.filter(trainee_id__in=list(held)):
        held[cert.trainee_id].append(cert)
    answers = {}
    for t in trainees:
        facts = worker_facts(t, held[t.pk])
        top = max((lv.rank for lv in levels if lv.pk in facts.certificates), default=0)
        answers[t.pk] = [
            eligibility_for_level(
                level_id=lv.pk,
                level_name=lv.name,
                rules=rules,
                facts=facts,
                exam_year=exam_year,
                level_names=names,
            )
            for lv in levels
            if lv.rank > top
        ]
    return answers
