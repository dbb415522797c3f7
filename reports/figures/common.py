"""What every part of the report shares: the scope, its units (rows) and "active on a day"."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from neighbourhoods.models import Neighbourhood, Subdistrict
from trainees.models import Trainee
from trainees.populations import on_books_q, paired_on_q

OFFICE = "office"  # the row of workers based in a subdistrict office (no committee)


def active_on(day: dt.date, prefix: str = "") -> Q:
    """The report's population: 在册 (on the books) that day (trainees.populations)."""
    return on_books_q(day, prefix)


def paired_on(day: dt.date, prefix: str = "") -> Q:
    """A pairing in force that day (its end date is its last day; trainees.populations)."""
    return paired_on_q(day, prefix)


def pct(n: float | int | None, d: float | int | None) -> float | None:
    return round(100 * n / d, 1) if d and n is not None else None


def num(value: Decimal | float | int | None, places: int = 1) -> float:
    return round(float(value or 0), places)


@dataclass(frozen=True)
class Scope:
    """The district (rows are subdistricts) or one subdistrict (rows are its committees)."""

    subdistrict_id: int | None = None

    @property
    def is_district(self) -> bool:
        return self.subdistrict_id is None

    @property
    def unit_field(self) -> str:
        """The Trainee field whose value names a row of the unit tables."""
        return "subdistrict_id" if self.is_district else "neighbourhood_id"

    def q(self, prefix: str = "") -> Q:
        if self.is_district:
            return Q()
        return Q(**{f"{prefix}subdistrict_id": self.subdistrict_id})

    def trainees(self) -> QuerySet[Trainee]:
        return Trainee.objects.filter(self.q())

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
