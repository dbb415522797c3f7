"""Reads of the certificate grants: each certificate issued in a year with what is owed for it.

A certificate is judged in the year of its date (`date_issued`, the day it counts from, as
every certification figure): the grant row of its level in force that day gives the amount
and whether the year's assessment must be at least 合格; the worker must have been on the books
that day (a certificate earned before joining is not the district's to reward). The row
belongs to the subdistrict that placed the worker at the year's end — the one that assessed
them (`round_placements`) — so an office sees the grants of the workers it assessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.capabilities import scoped_subdistrict_id, sees_whole_district
from accounts.models import User
from neighbourhoods.models import Subdistrict
from trainees.assessments.models import AT_LEAST_COMPETENT, Assessment, AssessmentRound
from trainees.assessments.selectors import round_placements
from trainees.models import WorkerPeriod
from trainees.populations import period_on_books_q

from ..models import Certificate
from .models import GrantPayment, GrantRule
from .rules import GrantStatus, HoldReason

ZERO = Decimal("0")


def round_locked(year: int) -> bool:
    return AssessmentRound.objects.filter(year=year, status="locked").exists()


def _rule(field_name: str) -> Subquery:
    rules = GrantRule.objects.filter(
        level_id=OuterRef("level_id"), valid_from__lte=OuterRef("date_issued")
    ).order_by("-valid_from")
    return Subquery(rules.values(field_name)[:1])


def grant_rows(
    *, user: User | None, year: int, locked: bool | None = None
) -> QuerySet[Certificate]:
    """The certificates issued in `year` of the workers this user's scope assessed that year
    (`user` None: the whole district, for the district's workbook), each with `status`
    (GrantStatus), `hold` (HoldReason or ""), `due` (the scheme's amount), `result` (the
    year's assessment) and the placement (`place_*`). `locked`: whether the year's round is
    locked (read when not given)."""
    if locked is None:
        locked = round_locked(year)
    # The worker's placement that assessed them (their last on the books in the year), looked
    # up per certificate: a few thousand index probes rather than a scan of every period.
    place = round_placements(year).filter(trainee_id=OuterRef("trainee_id"))
    scoped = place
    if user is not None and not sees_whole_district(user):
        own = scoped_subdistrict_id(user)
        scoped = place.filter(subdistrict_id=own) if own is not None else place.none()
    on_books = WorkerPeriod.objects.filter(
        period_on_books_q(OuterRef("date_issued")), trainee_id=OuterRef("trainee_id")
    )
    result = Assessment.objects.filter(round__year=year, trainee_id=OuterRef("trainee_id"))
    qualifies = Q(result__in=AT_LEAST_COMPETENT) | Q(needs=False)
    # Each status and its reason, first match wins; "waiting" only while the round is open.
    waiting = [] if locked else [(Q(needs=True), GrantStatus.WAITING, "")]
    cases = [
        (Q(grant_payment__isnull=False), GrantStatus.PAID, ""),
        (Q(due__isnull=True), GrantStatus.HELD, HoldReason.NO_SCHEME),
        (Q(on_books=False), GrantStatus.HELD, HoldReason.NOT_ON_BOOKS),
        *waiting,
        (qualifies, GrantStatus.OWED, ""),
        (Q(result__isnull=True), GrantStatus.HELD, HoldReason.NO_RESULT),
    ]
    status = [When(q, then=Value(s)) for q, s, _r in cases]
    hold = [When(q, then=Value(r)) for q, _s, r in cases]
    return (
        Certificate.objects.filter(
            date_issued__gte=dt.date(year, 1, 1),
            date_issued__lte=dt.date(year, 12, 31),
        )
        .filter(Exists(scoped))
        .annotate(
            place_subdistrict_id=Subquery(place.values("subdistrict_id")[:1]),
            place_subdistrict=Subquery(place.values("subdistrict__name")[:1]),
            place_code=Subquery(place.values("subdistrict__code")[:1]),
            place_committee=Subquery(place.values("neighbourhood__name")[:1]),
            place_neighbourhood_id=Subquery(place.values("neighbourhood_id")[:1]),
            on_books=Exists(on_books),
            result=Subquery(result.values("result")[:1]),
            due=_rule("amount"),
            needs=_rule("needs_assessment"),
        )
        .annotate(status=Case(*status, default=Value(GrantStatus.HELD), output_field=CharField()))
        .annotate(hold=Case(*hold, default=Value(HoldReason.RESULT), output_field=CharField()))
        .select_related("trainee", "level", "grant_payment")
        .order_by("place_code", "place_committee", "trainee__name", "level__rank", "pk")
    )


@dataclass
class GrantTotal:
    """One subdistrict's grants of the year (or the district's, `name` 合计)."""

    name: str
    owed: int = 0
    owed_amount: Decimal = ZERO
    paid: int = 0
    paid_amount: Decimal = ZERO
    waiting: int = 0
    held: int = 0
    by_level: dict[str, int] = field(default_factory=dict)

    def add(self, other: GrantTotal) -> None:
        self.owed += other.owed
        self.owed_amount += other.owed_amount
        self.paid += other.paid
        self.paid_amount += other.paid_amount
        self.waiting += other.waiting
        self.held += other.held


def grant_totals(rows: QuerySet[Certificate]) -> tuple[list[GrantTotal], GrantTotal]:
    """Per subdistrict and in all: how many owed and paid (and how much), waiting, held. One
    grouped query over `grant_rows`."""
    # Grouped by the placement's id only (each name or code would be one more subquery per
    # certificate); the names come from the subdistricts, in their code order.
    grouped = (
        rows.order_by()
        .values("place_subdistrict_id")
        .annotate(
            n_owed=Count("pk", filter=Q(status=GrantStatus.OWED)),
            a_owed=Coalesce(Sum("due", filter=Q(status=GrantStatus.OWED)), ZERO),
            n_paid=Count("pk", filter=Q(status=GrantStatus.PAID)),
            a_paid=Coalesce(Sum("grant_payment__amount", filter=Q(status=GrantStatus.PAID)), ZERO),
            n_waiting=Count("pk", filter=Q(status=GrantStatus.WAITING)),
            n_held=Count("pk", filter=Q(status=GrantStatus.HELD)),
        )
    )
    by_place = {row["place_subdistrict_id"]: row for row in grouped}
    names = Subdistrict.objects.filter(pk__in=list(by_place)).order_by("code")
    grouped = [
        {**by_place[pk], "place_subdistrict": name} for pk, name in names.values_list("pk", "name")
    ]
    totals = []
    total = GrantTotal(name="")
    for row in grouped:
        one = GrantTotal(
            name=row["place_subdistrict"],
            owed=row["n_owed"],
            owed_amount=Decimal(row["a_owed"]),
            paid=row["n_paid"],
            paid_amount=Decimal(row["a_paid"]),
            waiting=row["n_waiting"],
            held=row["n_held"],
        )
        totals.append(one)
        total.add(one)
    return totals, total


def grant_rules() -> QuerySet[GrantRule]:
    return GrantRule.objects.select_related("level", "updated_by")


def worker_grants(trainee_id: int) -> QuerySet:
    """A worker's paid grants (the worker page)."""
    return GrantPayment.objects.filter(certificate__trainee_id=trainee_id).select_related(
        "certificate__level"
    )
