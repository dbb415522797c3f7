"""Staffing against the quota (issue 14, item 5): workers per 10,000 residents by committee,
subdistrict and district, as of a date, against the district's norm (about 18, DOMAIN.md).

The workers are those on the books (在册) on the date, placed where their period covering it
placed them (`trainees.populations`, the one "as of a date" module); the residents are each
committee's population with the latest effective date on or before it
(`neighbourhoods.ResidentPopulation`); the norm is the `StaffingNorm` row in force then. A
committee without a population is shown as unknown and left out of its subdistrict's and the
district's ratio (its workers too), with a count of such committees. Workers placed at a
subdistrict's office rather than at a committee (社区办) are counted apart: no residents are
theirs alone.

`staffing_rows` is what the dashboard, the staffing page and the district's workbook read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from neighbourhoods.models import Neighbourhood, ResidentPopulation, StaffingNorm, Subdistrict

from .models import WorkerPeriod
from .populations import period_on_books_q, period_on_duty_q, periods_on

PER = Decimal(10_000)
TENTH = Decimal("0.1")


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def staffing_norm(on: dt.date) -> StaffingNorm | None:
    """The norm in force on `on` (None before the first one)."""
    return StaffingNorm.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def _population_on(on: dt.date, field: str) -> Subquery:
    latest = ResidentPopulation.objects.filter(
        neighbourhood_id=OuterRef("pk"), effective_from__lte=on
    ).order_by("-effective_from")
    return Subquery(latest.values(field)[:1])


def _count_on(q: Q) -> Coalesce:
    periods = (
        WorkerPeriod.objects.filter(q, neighbourhood_id=OuterRef("pk"))
        .order_by()
        .values("neighbourhood_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(periods, output_field=IntegerField()), Value(0))


# The committees' orders the staffing page offers; unknown populations last in every one.
SORTS: dict[str, tuple] = {
    "place": ("subdistrict__code", "name", "pk"),
    "per_10k": (F("per_10k").asc(nulls_last=True), "subdistrict__code", "name", "pk"),
    "gap": (F("gap").asc(nulls_last=True), "subdistrict__code", "name", "pk"),
    "residents": (F("residents").desc(nulls_last=True), "subdistrict__code", "name", "pk"),
    "workers": ("-workers", "subdistrict__code", "name", "pk"),
}


def committee_staffing(
    *,
    on: dt.date,
    subdistrict: Subdistrict | int | None = None,
    norm: Decimal | None = None,
    sort: str = "",
) -> QuerySet[Neighbourhood]:
    """Committees (of one subdistrict, or all) annotated as of `on`: `residents` and
    `population_from` (None when unknown), `workers` (在册), `on_duty` (在岗), and for sorting
    in the database `per_10k` and, given the norm, `gap` (None when the residents are
    unknown); ordered by `sort` (a key of SORTS; "gap" needs the norm). One query, whatever
    the number of workers; the page pages it."""
    qs = Neighbourhood.objects.select_related("subdistrict").order_by()
    if subdistrict is not None:
        qs = qs.filter(subdistrict_id=getattr(subdistrict, "pk", subdistrict))
    qs = qs.annotate(
        residents=_population_on(on, "residents"),
        population_from=_population_on(on, "effective_from"),
        workers=_count_on(period_on_books_q(on)),
        on_duty=_count_on(period_on_duty_q(on)),
    ).annotate(
        per_10k=ExpressionWrapper(
            F("workers") * 10000.0 / F("residents"), output_field=FloatField()
        ),
    )
    if norm is not None:
        qs = qs.annotate(
            gap=ExpressionWrapper(
                F("workers") - F("residents") * float(norm) / 10000.0, output_field=FloatField()
            )
        )
    if sort in SORTS and (sort != "gap" or norm is not None):
        qs = qs.order_by(*SORTS[sort])
    return qs


@dataclass(frozen=True)
class StaffingRow:
    """One line of the staffing table: a committee, a subdistrict's total or the district's.

    - `residents`: the population as of the date; for a total, the sum over the committees
      whose population is known; None when none is.
    - `workers`: 在册 on the date, placed there (a total: in its committees); `on_duty`: 在岗.
    - `counted_workers`: the workers of the committees whose population is known — the
      ratio's numerator (a committee: `workers`, or 0 when unknown).
    - `per_10k`: counted_workers per 10,000 residents, one decimal (None when unknown).
    - `expected`: residents × norm / 10,000, one decimal (None when unknown or no norm).
    - `gap`: counted_workers − expected (negative: short of the norm).
    - `unknown`: committees without a population (a committee row: 0 or 1).
    - `committees`: committees in the row (1 for a committee row).
    - `office_workers`: (totals) workers placed at the subdistrict's office, in no ratio.
    - `population_from`: (committee rows) the effective date of the population used.
    """

    subdistrict_id: int | None
    subdistrict_name: str
    neighbourhood_id: int | None
    name: str
    residents: int | None
    workers: int
    on_duty: int
    counted_workers: int
    per_10k: Decimal | None
    expected: Decimal | None
    gap: Decimal | None
    unknown: int
    committees: int = 1
    office_workers: int = 0
    population_from: dt.date | None = None

    @property
    def is_unknown(self) -> bool:
        return self.residents is None


@dataclass(frozen=True)
class Staffing:
    """`staffing_rows`' answer: the committees (by subdistrict code, then name), each
    subdistrict's total and the district's (or the one subdistrict's) total."""

    on: dt.date
    norm: Decimal | None
    rows: list[StaffingRow]
    subdistricts: list[StaffingRow]
    total: StaffingRow


def _figures(
    residents: int | None, counted: int, norm: Decimal | None
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    if not residents:
        return None, None, None
    per_10k = _tenth(Decimal(counted) * PER / Decimal(residents))
    if norm is None:
        return per_10k, None, None
    expected = _tenth(Decimal(residents) * norm / PER)
    return per_10k, expected, _tenth(Decimal(counted) - expected)


def staffing_row(
    committee: Neighbourhood, norm: Decimal | None, subdistrict_name: str = ""
) -> StaffingRow:
    """A committee annotated by `committee_staffing` as a row."""
    residents = committee.residents
    counted = committee.workers if residents else 0
    per_10k, expected, gap = _figures(residents, counted, norm)
    return StaffingRow(
        subdistrict_id=committee.subdistrict_id,
        subdistrict_name=subdistrict_name or committee.subdistrict.name,
        neighbourhood_id=committee.pk,
        name=committee.name,
        residents=residents,
        workers=committee.workers,
        on_duty=committee.on_duty,
        counted_workers=counted,
        per_10k=per_10k,
        expected=expected,
        gap=gap,
        unknown=0 if residents else 1,
        population_from=committee.population_from,
    )


def staffing_totals(
    *, on: dt.date, subdistrict: Subdistrict | int | None = None, norm: Decimal | None = None
) -> tuple[list[StaffingRow], StaffingRow]:
    """Each subdistrict's total and the district's (or the one subdistrict's), as of `on`:
    three grouped aggregates in the database and the subdistricts' names, whatever the
    number of committees or workers."""
    sub_id = getattr(subdistrict, "pk", subdistrict)
    places = Subdistrict.objects.order_by("code")
    if sub_id is not None:
        places = places.filter(pk=sub_id)
    committees = Neighbourhood.objects.order_by()
    if sub_id is not None:
        committees = committees.filter(subdistrict_id=sub_id)
    later = ResidentPopulation.objects.filter(
        neighbourhood_id=OuterRef("neighbourhood_id"),
        effective_from__lte=on,
        effective_from__gt=OuterRef("effective_from"),
    )
    in_force = ResidentPopulation.objects.filter(
        effective_from__lte=on, neighbourhood__in=committees
    ).filter(~Exists(later))
    known = Q(
        Exists(
            ResidentPopulation.objects.filter(
                neighbourhood_id=OuterRef("neighbourhood_id"), effective_from__lte=on
            )
        )
    )
    periods = periods_on(on)
    if sub_id is not None:
        periods = periods.filter(subdistrict_id=sub_id)
    by_place: dict[int, dict[str, int]] = defaultdict(dict)
    # The committees per subdistrict.
    for row in committees.values("subdistrict_id").annotate(n=Count("pk")):
        by_place[row["subdistrict_id"]]["committees"] = row["n"]
    # The residents known and how many committees have a population.
    for row in in_force.values("neighbourhood__subdistrict_id").annotate(
        residents=Sum("residents"), known=Count("pk")
    ):
        place = by_place[row["neighbourhood__subdistrict_id"]]
        place["residents"], place["known"] = row["residents"], row["known"]
    # The workers: at committees, at committees with a population, at the office; on duty.
    at_committee = Q(neighbourhood_id__isnull=False)
    for row in periods.values("subdistrict_id").annotate(
        workers=Count("pk", filter=at_committee),
        counted=Count("pk", filter=at_committee & known),
        on_duty=Count("pk", filter=at_committee & period_on_duty_q(on)),
        office=Count("pk", filter=~at_committee),
    ):
        place = by_place[row["subdistrict_id"]]
        for key in ("workers", "counted", "on_duty", "office"):
            place[key] = row[key]
    totals = []
    for sub in places.only("pk", "name"):
        f = by_place.get(sub.pk, {})
        totals.append(_total(sub.pk, sub.name, f, norm))
    # The whole: the sum of the subdistricts' figures (one row each).
    whole: dict[str, int] = defaultdict(int)
    for f in by_place.values():
        for key, value in f.items():
            whole[key] += value or 0
    name = totals[0].subdistrict_name if sub_id is not None and totals else ""
    return totals, _total(sub_id, name, whole, norm)


def _total(sub_id: int | None, name: str, f: dict[str, int], norm: Decimal | None) -> StaffingRow:
    residents = f.get("residents") or None
    counted = f.get("counted", 0) if residents else 0
    per_10k, expected, gap = _figures(residents, counted, norm)
    committees = f.get("committees", 0)
    return StaffingRow(
        subdistrict_id=sub_id,
        subdistrict_name=name,
        neighbourhood_id=None,
        name=name,
        residents=residents,
        workers=f.get("workers", 0),
        on_duty=f.get("on_duty", 0),
        counted_workers=counted,
        per_10k=per_10k,
        expected=expected,
        gap=gap,
        unknown=committees - f.get("known", 0),
        committees=committees,
        office_workers=f.get("office", 0),
    )


def staffing_rows(*, on: dt.date, subdistrict: Subdistrict | int | None = None) -> Staffing:
    """Workers per 10,000 residents against the norm as of `on`, for every committee (of one
    subdistrict when given), each subdistrict's total and the whole's: a `Staffing` of
    `StaffingRow`s (see its docstring for each figure). Six queries, whatever the size:
    the norm, the committees annotated, the three grouped totals and the subdistricts.

    Not scoped to a user: the caller shows it to whoever may see that subdistrict (or the
    district) and passes the subdistrict accordingly."""
    found = staffing_norm(on)
    norm = found.workers_per_10k if found is not None else None
    committees = committee_staffing(on=on, subdistrict=subdistrict).order_by(
        "subdistrict__code", "name", "pk"
    )
    rows = [staffing_row(c, norm) for c in committees]
    subdistricts, total = staffing_totals(on=on, subdistrict=subdistrict, norm=norm)
    if subdistrict is None:
        total = replace(total, name="", subdistrict_name="")
    return Staffing(on=on, norm=norm, rows=rows, subdistricts=subdistricts, total=total)
