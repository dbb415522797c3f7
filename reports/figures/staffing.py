"""Staffing against the quota on the dashboard (issue 14, item 5): workers 在册 per 10,000
residents by subdistrict (the district's dashboard) or by committee (a subdistrict's), against
the district's norm, as of the period's last day. The figures are `trainees.staffing`'s."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from trainees.staffing import (
    StaffingRow,
    committee_staffing,
    staffing_norm,
    staffing_row,
    staffing_totals,
)

from .common import Scope


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _plain(row: StaffingRow) -> dict:
    return {
        "key": row.neighbourhood_id or row.subdistrict_id,
        "name": row.name,
        "residents": row.residents,
        "workers": row.workers,
        "counted_workers": row.counted_workers,
        "per_10k": _number(row.per_10k),
        "expected": _number(row.expected),
        "gap": _number(row.gap),
        "unknown": row.unknown,
        "committees": row.committees,
    }


def staffing_figures(scope: Scope, day: dt.date) -> dict:
    """JSON-ready: the norm, one row per unit (subdistricts, or the subdistrict's committees)
    and the scope's total. Five queries for the district, six for a subdistrict."""
    found = staffing_norm(day)
    norm = found.workers_per_10k if found is not None else None
    subdistricts, total = staffing_totals(on=day, subdistrict=scope.subdistrict_id, norm=norm)
    if scope.is_district:
        rows = subdistricts
    else:
        committees = committee_staffing(on=day, subdistrict=scope.subdistrict_id).order_by(
            "name", "pk"
        )
        rows = [staffing_row(c, norm) for c in committees]
    return {
        "as_of": day.isoformat(),
        "norm": _number(norm),
        "rows": [_plain(r) for r in rows],
        "total": _plain(total),
    }
