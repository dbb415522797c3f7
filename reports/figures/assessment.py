"""The yearly assessment in the reports (年度考核, issue 14): the results of the round of the
report's year, row by row (subdistricts, or a subdistrict's committees).

A worker counts in the row that assessed them — their last placement on the books that year
(`round_placements`), the same placement the offices entered under. The round of the year the
period ends in is read; before it is opened, the year before's (a report of January still
shows last year's results). A round still open is printed with its state, so its counts are
not mistaken for final ones.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, FilteredRelation, Q

from trainees.assessments.models import AssessmentResult, AssessmentRound
from trainees.assessments.selectors import round_placements

from .common import Scope, pct, unit_key

RESULTS = list(AssessmentResult.values)


def _round_for(day: dt.date) -> AssessmentRound | None:
    return (
        AssessmentRound.objects.filter(year__lte=day.year, year__gte=day.year - 1)
        .order_by("-year")
        .first()
    )


def assessment_figures(scope: Scope, day: dt.date, units: list[dict]) -> dict:
    """Per row and in all: workers in the round, results entered, counts per result and the
    优秀 share of those entered. Two queries (the round, one grouped count)."""
    round_ = _round_for(day)
    empty = {code: 0 for code in RESULTS}
    if round_ is None:
        return {"year": None, "locked": False, "rows": [], "total": None}
    placed = round_placements(round_.year).filter(scope.q())
    counts = {f"n_{code}": Count("pk", filter=Q(entry__result=code)) for code in RESULTS}
    grouped = (
        placed.annotate(
            entry=FilteredRelation(
                "trainee__assessments", condition=Q(trainee__assessments__round=round_)
            )
        )
        .values(scope.unit_field)
        .annotate(workers=Count("pk"), **counts)
        .order_by()
    )
    by_unit = {unit_key(row[scope.unit_field]): row for row in grouped}
    rows = []
    total = {"workers": 0, "entered": 0, **empty}
    for unit in units:
        row = by_unit.get(unit["key"], {})
        results = {code: row.get(f"n_{code}", 0) for code in RESULTS}
        entered = sum(results.values())
        workers = row.get("workers", 0)
        rows.append(
            {
                **unit,
                "workers": workers,
                "entered": entered,
                **results,
                "excellent_pct": pct(results[AssessmentResult.EXCELLENT], entered),
            }
        )
        total["workers"] += workers
        total["entered"] += entered
        for code in RESULTS:
            total[code] += results[code]
    total["excellent_pct"] = pct(total[AssessmentResult.EXCELLENT], total["entered"])
    return {"year": round_.year, "locked": round_.is_locked, "rows": rows, "total": total}
