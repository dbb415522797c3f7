"""Reads of the yearly assessment. Who is in a round, and where, is the history: a worker on
the books (在册) on at least one day of the year belongs to the round, placed where their last
such period that year placed them (at the year's end, or when they left)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.capabilities import scoped_subdistrict_id
from accounts.models import User

from ..models import ON_BOOKS_STATES, Trainee, WorkerPeriod
from ..selectors import period_scope
from .models import Assessment, AssessmentQuota, AssessmentResult, AssessmentRound
from .rules import excellent_allowed

# The page's "not entered yet" filter value.
NOT_ENTERED = "none"


def _on_books_in_year(year: int) -> Q:
    return (
        Q(state__in=ON_BOOKS_STATES)
        & Q(starts_on__lte=dt.date(year, 12, 31))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=dt.date(year, 1, 1)))
    )


def round_placements(
    year: int, periods: QuerySet[WorkerPeriod] | None = None
) -> QuerySet[WorkerPeriod]:
    """One period per worker on the books in `year`: their last on-books period of the year,
    which names the subdistrict (and committee) that assesses them. `periods` narrows it to a
    scope (`period_scope(user)`: a subdistrict's own placements)."""
    later = WorkerPeriod.objects.filter(
        _on_books_in_year(year),
        trainee_id=OuterRef("trainee_id"),
        starts_on__gt=OuterRef("starts_on"),
    )
    base = WorkerPeriod.objects.all() if periods is None else periods
    return base.filter(_on_books_in_year(year)).filter(~Exists(later)).order_by()


def _with_entry(qs: QuerySet[WorkerPeriod], round_: AssessmentRound) -> QuerySet[WorkerPeriod]:
    """`entry`: the worker's result in this round, joined (LEFT JOIN, one row per worker)."""
    return qs.annotate(
        entry=FilteredRelation(
            "trainee__assessments", condition=Q(trainee__assessments__round=round_)
        ),
        a_id=F("entry__id"),
        a_result=F("entry__result"),
        a_note=F("entry__note"),
    )


def round_get(year: int) -> AssessmentRound:
    round_ = AssessmentRound.objects.filter(year=year).first()
    if round_ is None:
        raise Http404
    return round_


def round_list() -> QuerySet[AssessmentRound]:
    return AssessmentRound.objects.select_related("locked_by")


def round_rows(*, user: User, round_: AssessmentRound) -> QuerySet[WorkerPeriod]:
    """The round's workers this user sees, one placement period each, with their result
    (`a_result`, `a_note`; None when not entered) in the same query (RoundFilter narrows it)."""
    return (
        _with_entry(round_placements(round_.year, period_scope(user)), round_)
        .select_related("trainee", "subdistrict", "neighbourhood")
        .order_by("subdistrict__code", "neighbourhood__name", "trainee__name", "trainee_id")
    )


@dataclass
class PlaceSummary:
    """One subdistrict's progress in a round and its 优秀 quota."""

    subdistrict_id: int
    name: str
    workers: int
    entered: int
    excellent: int
    share: int
    allowed: int
    by_result: dict[str, int]

    @property
    def missing(self) -> int:
        return self.workers - self.entered

    @property
    def over_quota(self) -> bool:
        return self.excellent > self.allowed


def round_summary(
    *, round_: AssessmentRound, user: User | None = None, subdistrict_ids=None
) -> list[PlaceSummary]:
    """Per subdistrict (in the user's scope): workers in the round, results entered, counts
    per result, and 优秀 used against allowed. Two queries whatever the size."""
    qs = _with_entry(round_placements(round_.year), round_)
    own = scoped_subdistrict_id(user) if user is not None else None
    if own is not None:
        qs = qs.filter(subdistrict_id=own)
    if subdistrict_ids is not None:
        qs = qs.filter(subdistrict_id__in=subdistrict_ids)
    counts = {f"n_{code}": Count("pk", filter=Q(a_result=code)) for code in AssessmentResult.values}
    rows = (
        qs.values("subdistrict_id", "subdistrict__name", "subdistrict__code")
        .annotate(workers=Count("pk"), entered=Count("a_id"), **counts)
        .order_by("subdistrict__code")
    )
    shares = dict(
        AssessmentQuota.objects.filter(round=round_).values_list(
            "subdistrict_id", "excellent_share"
        )
    )
    summary = []
    for row in rows:
        share = shares.get(row["subdistrict_id"], round_.excellent_share)
        summary.append(
            PlaceSummary(
                subdistrict_id=row["subdistrict_id"],
                name=row["subdistrict__name"],
                workers=row["workers"],
                entered=row["entered"],
                excellent=row[f"n_{AssessmentResult.EXCELLENT}"],
                share=share,
                allowed=excellent_allowed(share, row["workers"]),
                by_result={code: row[f"n_{code}"] for code in AssessmentResult.values},
            )
        )
    return summary


def worker_assessments(trainee: Trainee) -> QuerySet[Assessment]:
    """A worker's results over the years, newest first (the worker's page)."""
    return (
        Assessment.objects.filter(trainee=trainee)
        .select_related("round", "subdistrict")
        .order_by("-round__year")
    )
