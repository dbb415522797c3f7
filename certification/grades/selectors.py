"""Reads of the grade ledger: the facts the rules read, the proposals a user sees, the counts.

The population of a year's ledger is every worker on the books the day before the effective
date (trainees.populations), with the post and grade that period gives; the year's facts
(assessment, certificates) are those of the calendar year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from accounts.capabilities import scoped_subdistrict_id, sees_whole_district
from accounts.models import User
from trainees.assessments.models import Assessment
from trainees.models import WorkerPeriod
from trainees.populations import period_on_books_q

from ..models import Certificate, Level
from .models import TOP_GRADE, GradeBand, GradeProposal, GradeRule, GradeYear
from .rules import Band, Facts, Rule

DAY = dt.timedelta(days=1)


def ledger_get(year: int) -> GradeYear | None:
    return GradeYear.objects.filter(year=year).select_related("applied_by").first()


def ledger_list() -> QuerySet[GradeYear]:
    return GradeYear.objects.select_related("applied_by").annotate(
        n_workers=Count("proposals"),
        n_moves=Count("proposals", filter=~Q(proposals__final_level=F("proposals__from_level"))),
    )


def bands() -> dict[str, Band]:
    return {b.post: Band(b.lowest, b.highest) for b in GradeBand.objects.all()}


def active_rules() -> list[Rule]:
    return [
        Rule(r.kind, r.key, r.grades, r.blocks)
        for r in GradeRule.objects.filter(active=True).order_by("kind", "key")
    ]


@dataclass(frozen=True)
class Placement:
    trainee_id: int
    subdistrict_id: int
    neighbourhood_id: int | None
    post: str


def ledger_facts(year: int, effective_on: dt.date) -> Iterator[tuple[Placement, Facts]]:
    """Each worker on the books the day before `effective_on`, with what the rules read. One
    query (streamed), whatever the size."""
    before = effective_on - DAY
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    certs = Certificate.objects.filter(trainee_id=OuterRef("trainee_id")).order_by("-level__rank")
    result = Assessment.objects.filter(round__year=year, trainee_id=OuterRef("trainee_id"))
    levels = list(Level.objects.order_by("rank").values_list("rank", "code", "name"))
    codes = {rank: code for rank, code, _name in levels}
    names = {rank: name for rank, _code, name in levels}
    rows = (
        WorkerPeriod.objects.filter(period_on_books_q(before))
        .annotate(
            result=Subquery(result.values("result")[:1]),
            rank_before=Subquery(certs.filter(date_issued__lt=start).values("level__rank")[:1]),
            rank_end=Subquery(certs.filter(date_issued__lte=end).values("level__rank")[:1]),
        )
        .values_list(
            "trainee_id",
            "subdistrict_id",
            "neighbourhood_id",
            "post",
            "grade__level",
            "trainee__started_community_work",
            "trainee__education",
            "result",
            "rank_before",
            "rank_end",
        )
        .order_by("trainee_id")
    )
    for (
        trainee_id,
        subdistrict_id,
        neighbourhood_id,
        post,
        level,
        started,
        education,
        result_,
        rank_before,
        rank_end,
    ) in rows.iterator(chunk_size=5000):
        yield (
            Placement(trainee_id, subdistrict_id, neighbourhood_id, post),
            Facts(
                level=level or 0,
                started=started,
                education=education,
                result=result_,
                rank_before=rank_before or 0,
                rank_end=rank_end or 0,
                level_codes=codes,
                level_names=names,
            ),
        )


def proposal_rows(*, user: User, ledger: GradeYear) -> QuerySet[GradeProposal]:
    """The ledger's proposals of the workers this user sees: the whole district's, or a
    subdistrict office's own — those it placed the day before the effective date, which is
    the placement each proposal keeps (`subdistrict`), so no join to the histories."""
    qs = ledger.proposals.select_related("trainee", "subdistrict", "neighbourhood", "adjusted_by")
    if not sees_whole_district(user):
        own = scoped_subdistrict_id(user)
        qs = qs.filter(subdistrict_id=own) if own is not None else qs.none()
    return qs.order_by("subdistrict__code", "neighbourhood__name", "trainee__name", "pk")


@dataclass
class LedgerCounts:
    """Per subdistrict: workers, rising, adjusted; and workers per grade after the year."""

    places: list[dict]
    total: dict
    grades: list[int]
    by_grade: dict[str, list[int]]  # subdistrict name → counts per final grade 0..18


def ledger_counts(rows: QuerySet[GradeProposal]) -> LedgerCounts:
    """Two grouped queries over the user's proposals."""
    places = list(
        rows.order_by()
        .values("subdistrict_id", "subdistrict__code", "subdistrict__name")
        .annotate(
            workers=Count("pk"),
            moves=Count("pk", filter=~Q(final_level=F("from_level"))),
            adjusted=Count("pk", filter=~Q(final_level=F("proposed_level"))),
        )
        .order_by("subdistrict__code")
    )
    total = {
        "workers": sum(p["workers"] for p in places),
        "moves": sum(p["moves"] for p in places),
        "adjusted": sum(p["adjusted"] for p in places),
    }
    grades = list(range(TOP_GRADE + 1))
    by_grade: dict[str, list[int]] = {p["subdistrict__name"]: [0] * len(grades) for p in places}
    for row in (
        rows.order_by()
        .values("subdistrict__name", "final_level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_grade[row["subdistrict__name"]][row["final_level"]] = row["n"]
    return LedgerCounts(places=places, total=total, grades=grades, by_grade=by_grade)
