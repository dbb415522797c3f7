"""The certified-on-duty rate (持证上岗率) and the registered rate (有效登记率), as of a date.

Every figure is as of a date and counts each worker where they belonged on it: the queries run
over the workers' periods (trainees.populations — one period per worker 在册 covers a date),
so a breakdown by subdistrict, committee, housing type or post uses the placement and post of
that day, and a worker who moved, went on leave, left or came back counts as they were then.
Scope: `period_scope(user)` — a subdistrict administrator counts the workers placed in their
subdistrict on the date, a supervisor their own trainees and a worker themself. Each figure
is a database aggregate; each breakdown is one query, and the dashboard counts the overall
figures and four breakdowns in one scan (`rate_summary`). The monthly trend reads its past
month ends from snapshots (certification.snapshots) kept from the same count; `rate_trend_live`
is its definition.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.capabilities import scope_by_subdistrict
from accounts.models import User
from neighbourhoods.models import HousingType, Neighbourhood, Subdistrict
from neighbourhoods.selectors import subdistrict_scope
from trainees.models import Post, WorkerPeriod
from trainees.populations import period_covers_q
from trainees.selectors import period_scope

from .. import snapshots
from ..models import Certificate, Level, RateBasis, RateSnapshotRow, RateTarget
from ..rules import add_months
from .population import (
    held_on_q,
    levels_by_rank,
    registered_on,
    registered_on_q,
    top_rank_on,
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


def _counts(on: dt.date) -> dict[str, Count]:
    return {
        "active": Count("pk"),
        "certified": Count("pk", filter=held_on_q(on, WORKER)),
        "registered": Count("pk", filter=registered_on_q(on, WORKER)),
    }


def _overall_label(user: User) -> str:
    return _("全区") if user.sees_whole_district else _("合计")


def rate_overall(*, user: User, on: dt.date, filters: RateFilters | None = None) -> RateRow:
    """Active, certified and registered workers on a date: one query."""
    totals = _on(user, on, filters).aggregate(**_counts(on))
    return RateRow(None, _overall_label(user), **totals)


def _subdistrict_rows(rows: list[dict]) -> list[RateRow]:
    return [
        RateRow(
            r["subdistrict_id"],
            r["subdistrict__name"],
            r["active"],
            r["certified"],
            r["registered"],
        )
        for r in sorted(rows, key=lambda r: r["subdistrict__code"])
    ]


def _housing_type_rows(rows: list[dict]) -> list[RateRow]:
    labels = dict(HousingType.choices)
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


def _post_rows(rows: list[dict]) -> list[RateRow]:
    labels = dict(Post.choices)
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


def _level_rows(rows: list[dict], levels: list[Level]) -> list[RateRow]:
    """Rows by `top_rank` (the highest level held, None for none) with active and registered."""
    by_rank = {r["top_rank"]: r for r in rows}
    none = by_rank.get(None, {"active": 0, "registered": 0})
    out = [RateRow("none", _("未持证"), none["active"], 0, 0)]
    for level in levels:
        r = by_rank.get(level.rank, {"active": 0, "registered": 0})
        out.append(RateRow(level.code, level.name, r["active"], r["active"], r["registered"]))
    return out


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
    counts = _counts(on)
    if dimension == "subdistrict":
        rows = qs.values("subdistrict_id", "subdistrict__name", "subdistrict__code")
        return _subdistrict_rows(list(rows.annotate(**counts)))
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
        return _housing_type_rows(list(qs.values("neighbourhood__housing_type").annotate(**counts)))
    if dimension == "post":
        return _post_rows(list(qs.values("post").annotate(**counts)))
    if dimension == "level":
        # The highest level each active worker holds on the date; "none" for the rest.
        levels = levels if levels is not None else levels_by_rank()
        rows = (
            qs.annotate(top_rank=top_rank_on(on, levels, WORKER))
            .values("top_rank")
            .annotate(active=Count("pk"), registered=counts["registered"])
        )
        return _level_rows(list(rows), levels)
    raise ValueError(f"unknown breakdown {dimension!r}")


def _sum_by(rows: list[dict], *keys: str) -> list[dict]:
    """Add up grouped counts over fewer keys (a few hundred rows at most, see `rate_summary`)."""
    sums: dict[tuple, dict] = {}
    for r in rows:
        key = tuple(r[k] for k in keys)
        out = sums.setdefault(
            key,
            {
                **dict(zip(keys, key, strict=True)),
                **dict.fromkeys(("active", "certified", "registered"), 0),
            },
        )
        for count in ("active", "certified", "registered"):
            out[count] += r[count]
    return list(sums.values())


def rate_summary(
    *, user: User, on: dt.date, filters: RateFilters | None = None, levels: list[Level]
) -> tuple[RateRow, dict[str, list[RateRow]]]:
    """The overall figures and the breakdowns by subdistrict, housing type, post and level, from
    ONE scan of the periods covering the day: grouped by subdistrict, housing type, post and
    highest level held (at most a few hundred groups whatever the number of workers), then added
    up per breakdown. Each group's counts are the same as `rate_overall`'s and `rate_by`'s; a
    worker is certified when they hold some level."""
    rows = list(
        _on(user, on, filters)
        .annotate(top_rank=top_rank_on(on, levels, WORKER))
        .values("subdistrict_id", "neighbourhood__housing_type", "post", "top_rank")
        .annotate(
            active=Count("pk"),
            registered=Count("pk", filter=registered_on_q(on, WORKER)),
            # One name and code per subdistrict: aggregates, so the groups stay four short keys.
            subdistrict__name=Max("subdistrict__name"),
            subdistrict__code=Max("subdistrict__code"),
        )
    )
    for r in rows:
        r["certified"] = r["active"] if r["top_rank"] is not None else 0
    total = _sum_by(rows)
    overall = RateRow(
        None,
        _overall_label(user),
        *(total[0][c] if total else 0 for c in ("active", "certified", "registered")),
    )
    return overall, {
        "subdistrict": _subdistrict_rows(
            _sum_by(rows, "subdistrict_id", "subdistrict__name", "subdistrict__code")
        ),
        "housing_type": _housing_type_rows(_sum_by(rows, "neighbourhood__housing_type")),
        "post": _post_rows(_sum_by(rows, "post")),
        "level": _level_rows(_sum_by(rows, "top_rank"), levels),
    }


def month_ends(until: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The last day of each of the `months` months up to `until` (the last one is `until`)."""
    first_of_month = until.replace(day=1)
    ends = [add_months(first_of_month, -k) - dt.timedelta(days=1) for k in range(months - 1)]
    return sorted([*ends, until])


Figures = tuple[int, int, int]  # active, certified, registered


def _trend_live(qs: QuerySet[WorkerPeriod], days: list[dt.date]) -> dict[dt.date, Figures]:
    """The counts at each day over the periods `qs` (scoped, filtered): one query.

    The rows are the periods on the books that touch the days; on each day the one period
    covering it counts the worker, with the placement and post of that day (the filters apply
    to each period). The date each worker first held a certificate (its certificate date, not
    the exam day) is a per-row subquery computed once (the aggregate wraps the annotated rows),
    so "held on d" is a comparison, not a lookup per day.
    """
    first_held = (
        Certificate.objects.filter(trainee_id=OuterRef(WORKER))
        .order_by("date_issued")
        .values("date_issued")[:1]
    )
    qs = (
        qs.filter(starts_on__lte=days[-1])
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
    return {
        day: (totals[f"a{i}"] or 0, totals[f"c{i}"] or 0, totals[f"r{i}"] or 0)
        for i, day in enumerate(days)
    }


def rate_trend_live(
    *, user: User, until: dt.date, months: int = TREND_MONTHS, filters: RateFilters | None = None
) -> list[RateRow]:
    """The rate at each month end, counted from the history: the definition the snapshots
    (`rate_trend`) keep. One query, three conditional counts per month."""
    days = month_ends(until, months)
    figures = _trend_live(_scoped(user, filters), days)
    return [RateRow(day, f"{day:%Y-%m}", *figures[day]) for day in days]


def _uses_snapshots(user: User) -> bool:
    """Snapshots are kept by place (subdistrict, committee): the scopes by place can sum them; a
    supervisor's or a worker's scope is a handful of people, counted live."""
    return user.is_authenticated and not (user.is_supervisor or user.is_worker)


def _trend_from_snapshots(
    user: User, days: list[dt.date], filters: RateFilters
) -> dict[dt.date, Figures]:
    """The figures of the days whose snapshots are (made) ready, summed over the user's scope and
    filters: two queries when every day is ready (`snapshots.ready_days`, then one sum)."""
    if filters.neighbourhood_id:
        return {}  # one committee: not kept (see certification.snapshots), counted live
    ready = sorted(snapshots.ready_days(snapshots.storable(days)))
    if not ready:
        return {}
    rows = scope_by_subdistrict(RateSnapshotRow.objects.filter(day__in=ready), user)
    if filters.subdistrict_id:
        rows = rows.filter(subdistrict_id=filters.subdistrict_id)
    if filters.housing_type:
        rows = rows.filter(housing_type=filters.housing_type)  # "office": no committee
    if filters.post:
        rows = rows.filter(post=filters.post)
    sums = (
        rows.order_by()
        .values("day")
        .annotate(active=Sum("active"), certified=Sum("certified"), registered=Sum("registered"))
    )
    figures: dict[dt.date, Figures] = dict.fromkeys(ready, (0, 0, 0))
    for r in sums:
        figures[r["day"]] = (r["active"] or 0, r["certified"] or 0, r["registered"] or 0)
    return figures


def rate_trend(
    *,
    user: User,
    until: dt.date,
    months: int = TREND_MONTHS,
    filters: RateFilters | None = None,
    last: RateRow | None = None,
) -> list[RateRow]:
    """The rate at each month end (and on `until`), as `rate_trend_live` counts it: past month
    ends from the monthly snapshots (certification.snapshots) for the scopes by place, the other
    days live. `last`: the figures on `until` when the caller has them (the dashboard's overall).
    """
    filters = filters or RateFilters()
    days = month_ends(until, months)
    figures: dict[dt.date, Figures] = {}
    if last is not None:
        figures[until] = (last.active, last.certified, last.registered)
    if _uses_snapshots(user):
        figures.update(_trend_from_snapshots(user, [d for d in days if d not in figures], filters))
    rest = [d for d in days if d not in figures]
    if rest:
        figures.update(_trend_live(_scoped(user, filters), rest))
    return [RateRow(day, f"{day:%Y-%m}", *figures[day]) for day in days]


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


def shows_committees(user: User, filters: RateFilters) -> bool:
    """The committee breakdown is shown within one subdistrict (a filter or the user's scope): a
    city has thousands of committees, too many rows for one page."""
    return bool(filters.subdistrict_id or filters.neighbourhood_id) or not user.sees_whole_district


def rate_dashboard(
    *, user: User, on: dt.date, filters: RateFilters | None = None, months: int = TREND_MONTHS
) -> dict[str, Any]:
    """Everything on the rate dashboard. Queries, whatever the number of workers: target 1,
    levels 1, overall with the breakdowns by subdistrict, housing type, post and level 1
    (`rate_summary`), committees 1 (only within one subdistrict, see `shows_committees`, else
    None), the trend 2 once its month ends are kept (`rate_trend`: the snapshots' marks and their
    sums; a supervisor's or worker's trend: 1, live)."""
    filters = filters or RateFilters()
    check_filters_in_scope(user, filters)
    target = RateTarget.objects.filter(year=on.year).first()
    levels = levels_by_rank()
    overall, breakdowns = rate_summary(user=user, on=on, filters=filters, levels=levels)
    committees = None
    if shows_committees(user, filters):
        committees = rate_by(user=user, on=on, dimension="neighbourhood", filters=filters)
    return {
        "on": on,
        "overall": overall,
        "target": target,
        "gap": rate_gap(overall=overall, target=target),
        "breakdowns": {
            dim: committees if dim == "neighbourhood" else breakdowns[dim] for dim in BREAKDOWNS
        },
        "trend": rate_trend(user=user, until=on, months=months, filters=filters, last=overall),
    }


def subdistricts_for(user: User) -> QuerySet[Subdistrict]:
    return subdistrict_scope(user)
