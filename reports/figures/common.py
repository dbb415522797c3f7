"""What every part of the report shares: the scope, its units (rows) and who is counted.

Every figure groups a worker by where they were placed on the figure's date, read from the
period of their history covering it (trainees.populations), never from today's columns: a
worker who moved from A to B counts in A before the move and in B from its date. Figures as of
a day are queries over `Scope.periods_on(day)` (one row per worker 在册 then); figures over
dated records (a supervision log, a mark, an exam) reach the worker's period covering the
record's date through `Scope.placed_q` and group by `Scope.unit()`.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from neighbourhoods.models import Neighbourhood, Subdistrict
from trainees.models import WorkerPeriod
from trainees.populations import (
    paired_on_q,
    period_covers_q,
    period_on_books_q,
    periods_on,
)

OFFICE = "office"  # the row of workers based in a subdistrict office (no committee)
# From a row with a `trainee` (a log's attendee, a mark, a pairing) to that worker's periods.
PERIODS = "trainee__periods__"


def paired_on(day: dt.date, prefix: str = "") -> Q:
    """A pairing in force that day (its end date is its last day; trainees.populations)."""
    return paired_on_q(day, prefix)


def pct(n: float | int | None, d: float | int | None) -> float | None:
    return round(100 * n / d, 1) if d and n is not None else None


def num(value: Decimal | float | int | None, places: int = 1) -> float:
    return round(float(value or 0), places)


@dataclass(frozen=True)
class Scope:
    """The district (rows are subdistricts) or one subdistrict (rows are its committees).

    A worker is in a subdistrict's scope on a day when the period of their history covering
    that day places them there.
    """

    subdistrict_id: int | None = None

    @property
    def is_district(self) -> bool:
        return self.subdistrict_id is None

    @property
    def unit_field(self) -> str:
        """The WorkerPeriod field whose value names a row of the unit tables."""
        return "subdistrict_id" if self.is_district else "neighbourhood_id"

    def q(self, prefix: str = "") -> Q:
        """Periods placed in the scope (`prefix` leads from the queried model to a period)."""
        if self.is_district:
            return Q()
        return Q(**{f"{prefix}subdistrict_id": self.subdistrict_id})

    def unit(self, prefix: str = PERIODS) -> F:
        """The row a joined period belongs to (group by it after `placed_q`/`on_books_q`)."""
        return F(f"{prefix}{self.unit_field}")

    def periods_on(self, day: dt.date) -> QuerySet[WorkerPeriod]:
        """One row per worker 在册 on the day and placed in the scope then, carrying their
        placement, post and grade on that day (`trainee__…` for the person)."""
        return periods_on(day).filter(self.q())

    def on_books(self, day: dt.date, ref: str = "trainee_id") -> Exists:
        """The worker `ref` names in the outer query was 在册 in the scope on the day."""
        return Exists(self.periods_on(day).filter(trainee_id=OuterRef(ref)))

    def placed_q(self, day, prefix: str = PERIODS) -> Q:
        """Through a join to the worker's periods: the one covering `day` (a date, or an
        expression such as F("session__date") for a record's own date), placed in the scope.
        Periods never overlap, so the join adds at most one row per record."""
        return period_covers_q(day, prefix) & self.q(prefix)

    def on_books_q(self, day: dt.date, prefix: str = PERIODS) -> Q:
        """As `placed_q`, for a worker 在册 on the day."""
        return period_on_books_q(day, prefix) & self.q(prefix)

    def units(self) -> list[dict]:
        """The rows, in the order offices print them (one query)."""
        if self.is_district:
            return [
                {"key": str(pk), "name": name}
                for pk, name in Subdistrict.objects.order_by("code").values_list("pk", "name")
            ]
        rows = [
            {"key": str(pk), "name": name}
            for pk, name in Neighbourhood.objects.filter(subdistrict_id=self.subdistrict_id)
            .order_by("name")
            .values_list("pk", "name")
        ]
        return [*rows, {"key": OFFICE, "name": _("街道社区办")}]


def unit_key(value: int | None) -> str:
    return OFFICE if value is None else str(value)


def committee_units(scope: Scope) -> list[dict]:
    """Committee by committee (and each subdistrict office), with the subdistrict's name."""
    qs = Neighbourhood.objects.filter(scope.q()).order_by("subdistrict__code", "name")
    subs = Subdistrict.objects.filter(
        **({} if scope.is_district else {"pk": scope.subdistrict_id})
    ).order_by("code")
    rows: list[dict] = []
    by_sub: dict[int, list[dict]] = {}
    for pk, name, sub_id in qs.values_list("pk", "name", "subdistrict_id"):
        by_sub.setdefault(sub_id, []).append({"key": f"{sub_id}:{pk}", "name": name})
    for sub_id, sub_name in subs.values_list("pk", "name"):
        for row in by_sub.get(sub_id, []):
            rows.append({**row, "subdistrict": sub_name})
        rows.append({"key": f"{sub_id}:{OFFICE}", "name": _("街道社区办"), "subdistrict": sub_name})
    return rows


def fmt(value: float | int | None) -> str:
    """A figure as printed everywhere (dashboard, PDF, findings): 40.0 → "40", 12.50 → "12.5"."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)
