"""The certified-on-duty rate (持证上岗率) and the registered rate (有效登记率), as of a date.

Every figure is as of a date and counts each worker where they belonged on it: the queries run
over the workers' periods (trainees.populations — one period per worker 在册 covers a date),
so a breakdown by subdistrict, committee, housing type or post uses the placement and post of
that day, and a worker who moved, went on leave, left or came back counts as they were then.
Scope: `period_scope(user)` — a subdistrict administrator counts the workers placed in their
subdistrict on the date, a supervisor their own trainees and a worker themself. Each figure
is a database aggregate; each breakdown is one query.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from neighbourhoods.models import HousingType, Neighbourhood, Subdistrict
from neighbourhoods.selectors import subdistrict_scope
from trainees.models import Post, WorkerPeriod
from trainees.populations import period_covers_q
from trainees.selectors import period_scope

from ..models import Certificate, Level, RateBasis, RateTarget
from ..rules import add_months
from .population import (
    certificate_held_q,
    held_on,
    levels_by_rank,
    registered_on,
)

BREAKDOWNS = ("subdistrict", "neighbourhood", "housing_type", "post", "level")
TREND_MONTHS = 24


@dataclass(frozen=True)
class RateFilters:
    """The dashboard's optional narrowing; each value already checked against the scope."""

    subdistrict_id: int | None = None
    neighbourhood_id: int | None = None
    housing_type: str = ""
    post: str = ""

    def apply(self, qs: QuerySet[WorkerPeriod]) -> QuerySet[WorkerPeriod]:
        """Narrow periods (placement and post as of each period)."""
        if self.subdistrict_id:
            qs = qs.filter(subdistrict_id=self.subdistrict_id)
        if self.neighbourhood_id:
            qs = qs.filter(neighbourhood_id=self.neighbourhood_id)
        if self.housing_type == "office":
            qs = qs.filter(neighbourhood__isnull=True)
        elif self.housing_type:
            qs = qs.filter(neighbourhood__housing_type=self.housing_type)
        if self.post:
            qs = qs.filter(post=self.post)
        return qs


@dataclass
class RateRow:
    key: Any
    label: str
    active: int
    certified: int
    registered: int
    extra: dict = field(default_factory=dict)

    @staticmethod
    def _pct(n: int, d: int) -> float | None:
        return round(100 * n / d, 1) if d else None

    @property
    def certified_pct(self) -> float | None:
        return self._pct(self.certified, self.active)

    @property
    def registered_pct(self) -> float | None:
        return self._pct(self.registered, self.active)


def _scoped(user: User, filters: RateFilters | None) -> QuerySet[WorkerPeriod]:
    return (filters or RateFilters()).apply(period_scope(user))


def _on(user: User, on: dt.date, filters: RateFilters | None) -> QuerySet[WorkerPeriod]:
    """One row per worker 在册 on the date, where they belonged then, within scope and filters."""
    return _scoped(user, filters).filter(period_covers_q(on))


WORKER = "trainee_id"  # the outer reference of `held_on` / `registered_on` on a period


def check_filters_in_scope(user: User, filters: RateFilters) -> None:
    """A subdistrict or committee outside the user's scope is not found (404), not empty."""
    if user.sees_whole_district:
        return
    own = user.subdistrict_id if user.is_subdistrict_admin else None
    if filters.subdistrict_id and filters.subdistrict_id != own:
        raise Http404
    if (
        filters.neighbourhood_id
        and not Neighbourhood.objects.filter(
            pk=filters.neighbourhood_id, subdistrict_id=own
        ).exists()
    ):
        raise Http404


# --- the rate ----------------------------------------------------------------------------------


def rate_overall(*, user: User, on: dt.date, filters: RateFilters | None = None) -> RateRow:
    """Active, certified and registered workers on a date: one query."""
    totals = _on(user, on, filters).aggregate(
        active=Count("pk"),
        certified=Count("pk", filter=held_on(on, WORKER)),
        registered=Count("pk", filter=registered_on(on, WORKER)),
    )
    return RateRow(None, _("全区") if user.sees_whole_district else _("合计"), **totals)


def rate_by(
    *,
    user: User,
    on: dt.date,
    dimension: str,
    filters: RateFilters | None = None,
    levels: list[Level] | None = None,
) -> list[RateRow]:
    """The rate broken down by one dimension: one GROUP BY query (levels: one more, cached)."""
    qs = _on(user, on, filters)
    counts = {
        "active": Count("pk"),
        "certified": Count("pk", filter=held_on(on, WORKER)),
        "registered": Count("pk", filter=registered_on(on, WORKER)),
    }
    if dimension == "subdistrict":
        rows = qs.values("subdistrict_id", "subdistrict__name", "subdistrict__code").annotate(
            **counts
        )
        return [
            RateRow(
                r["subdistrict_id"],
                r["subdistrict__name"],
                r["active"],
                r["certified"],
                r["registered"],
            )
            for r in rows.order_by("subdistrict__code")
        ]
    if dimension == "neighbourhood":
        # Office staff (no committee) form one row per subdistrict.
        rows = qs.values(
            "neighbourhood_id",
            "neighbourhood__name",
            "subdistrict_id",
            "subdistrict__name",
            "subdistrict__code",
        ).annotate(**counts)
        return [
            RateRow(
                r["neighbourhood_id"],
                r["neighbourhood__name"] or _("街道社区办"),
                r["active"],
                r["certified"],
                r["registered"],
                {"subdistrict": r["subdistrict__name"], "subdistrict_id": r["subdistrict_id"]},
            )
            for r in rows.order_by("subdistrict__code", "neighbourhood__name")
        ]
    if dimension == "housing_type":
        labels = dict(HousingType.choices)
        rows = qs.values("neighbourhood__housing_type").annotate(**counts)
        order = list(labels)
        out = [
            RateRow(
                r["neighbourhood__housing_type"] or "office",
                str(labels.get(r["neighbourhood__housing_type"], _("街道社区办"))),
                r["active"],
                r["certified"],
                r["registered"],
            )
            for r in rows
        ]
        return sorted(out, key=lambda r: order.index(r.key) if r.key in order else len(order))
    if dimension == "post":
        labels = dict(Post.choices)
        rows = qs.values("post").annotate(**counts)
        order = list(labels)
        out = [
            RateRow(
                r["post"],
                str(labels.get(r["post"], r["post"])),
                r["active"],
                r["certified"],
                r["registered"],
            )
            for r in rows
        ]
        return sorted(out, key=lambda r: order.index(r.key) if r.key in order else len(order))
    if dimension == "level":
        # The highest level each active worker holds on the date; "none" for the rest.
        top = (
            Certificate.objects.filter(certificate_held_q(on), trainee_id=OuterRef(WORKER))
            .order_by("-level__rank")
            .values("level__rank")[:1]
        )
        rows = (
            qs.annotate(top_rank=Subquery(top, output_field=IntegerField()))
            .values("top_rank")
            .annotate(active=Count("pk"), registered=Count("pk", filter=registered_on(on, WORKER)))
        )
        by_rank = {r["top_rank"]: r for r in rows}
        levels = levels if levels is not None else levels_by_rank()
        out = []
        none = by_rank.get(None, {"active": 0, "registered": 0})
        out.append(RateRow("none", _("未持证"), none["active"], 0, 0))
        for level in levels:
            r = by_rank.get(level.rank, {"active": 0, "registered": 0})
            out.append(RateRow(level.code, level.name, r["active"], r["active"], r["registered"]))
        return out
    raise ValueError(f"unknown breakdown {dimension!r}")


def month_ends(until: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The last day of each of the `months` months up to `until` (the last one is `until`)."""
    first_of_month = until.replace(day=1)
    ends = [add_months(first_of_month, -k) - dt.timedelta(days=1) for k in range(months - 1)]
    return sorted([*ends, until])


def rate_trend(
    *, user: User, until: dt.date, months: int = TREND_MONTHS, filters: RateFilters | None = None
) -> list[RateRow]:
    """The rate at each month end: one query, three conditional counts per month.

    The rows are the periods on the books that touch the months; at each month end the one
    period covering it counts the worker, with the placement and post of that day (the filters
    apply to each period). The date each worker first held a certificate (its certificate
    date, not the exam day) is a per-row subquery computed once (the aggregate wraps the
    annotated rows), so "held on m" is a comparison, not a lookup per month.
    """
    days = month_ends(until, months)
    first_held = (
        Certificate.objects.filter(trainee_id=OuterRef(WORKER))
        .order_by("date_issued")
        .values("date_issued")[:1]
    )
    qs = (
        _scoped(user, filters)
        .filter(starts_on__lte=days[-1])
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=days[0]))
        .annotate(first_held=Subquery(first_held, output_field=DateField()))
        .annotate(**{f"reg{i}": registered_on(day, WORKER) for i, day in enumerate(days)})
    )
    aggregates = {}
    for i, day in enumerate(days):
        active = period_covers_q(day)
        aggregates[f"a{i}"] = Count("pk", filter=active)
        aggregates[f"c{i}"] = Count("pk", filter=active & Q(first_held__lte=day))
        aggregates[f"r{i}"] = Count("pk", filter=active & Q(**{f"reg{i}": True}))
    totals = qs.aggregate(**aggregates)
    return [
        RateRow(
            day, f"{day:%Y-%m}", totals[f"a{i}"] or 0, totals[f"c{i}"] or 0, totals[f"r{i}"] or 0
        )
        for i, day in enumerate(days)
    ]


@dataclass
class Gap:
    target: RateTarget
    basis_label: str
    rate: float | None
    needed: int  # more workers needed to reach the target, 0 when reached

    @property
    def reached(self) -> bool:
        return self.needed == 0


def rate_gap(*, overall: RateRow, target: RateTarget | None) -> Gap | None:
    """People still needed: ceil(target × active) − counted, never negative."""
    if target is None:
        return None
    counted = overall.certified if target.basis == RateBasis.CERTIFIED else overall.registered
    wanted = math.ceil(Decimal(overall.active) * target.target_pct / Decimal(100))
    rate = overall.certified_pct if target.basis == RateBasis.CERTIFIED else overall.registered_pct
    return Gap(
        target=target,
        basis_label=str(RateBasis(target.basis).label),
        rate=rate,
        needed=max(wanted - counted, 0),
    )


def rate_dashboard(
    *, user: User, on: dt.date, filters: RateFilters | None = None, months: int = TREND_MONTHS
) -> dict[str, Any]:
    """Everything on the rate dashboard. Queries: target 1, levels 1, overall 1, one per
    breakdown (5), trend 1 — nine, whatever the number of workers."""
    filters = filters or RateFilters()
    check_filters_in_scope(user, filters)
    target = RateTarget.objects.filter(year=on.year).first()
    levels = levels_by_rank()
    overall = rate_overall(user=user, on=on, filters=filters)
    return {
        "on": on,
        "overall": overall,
        "target": target,
        "gap": rate_gap(overall=overall, target=target),
        "breakdowns": {
            dim: rate_by(user=user, on=on, dimension=dim, filters=filters, levels=levels)
            for dim in BREAKDOWNS
        },
        "trend": rate_trend(user=user, until=on, months=months, filters=filters),
    }


def subdistricts_for(user: User) -> QuerySet[Subdistrict]:
    return subdistrict_scope(user)
