"""Training in a period: coverage, credited hours and attendance.

- coverage: workers 在册 at the period's end credited with hours for a sitting in it, in the
  row of their placement on that day;
- hours: the hours credited to those workers for sittings in the period (all training, not
  only continuing-education events), via `training.selectors.hours`;
- attendance: of the attendances marked for sittings in the period, the share present, late
  or leaving early (absent and excused are not attended), each mark in the row of the
  worker's placement on the sitting's date.
"""

from django.db.models import Count, F, Q, Sum

from training.models import Attendance, AttendanceStatus

from ..periods import Period
from .common import Scope, num, pct, unit_key

ATTENDED = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY]


def _row(workers: int, trained: int, hours, marked: int, attended: int) -> dict:
    return {
        "workers": workers,
        "trained": trained,
        "coverage_pct": pct(trained, workers),
        "hours": num(hours),
        "hours_per_worker": round(float(hours or 0) / workers, 1) if workers else None,
        "marked": marked,
        "attended": attended,
        "attendance_pct": pct(attended, marked),
    }


def training_figures(scope: Scope, period: Period, units: list[dict]) -> dict:
    """Four queries: workers, coverage and hours, attendance per row; events in the period."""
    field = scope.unit_field
    cov = {
        unit_key(r[field]): r
        for r in scope.periods_on(period.end).values(field).order_by().annotate(workers=Count("pk"))
    }
    # The hours credited for sittings in the period (all training, as
    # `training.selectors.training_hours_subquery_for(ce_only=False)`), grouped by the row of
    # the worker's placement on the period's end for the workers 在册 then: one pass over the
    # period's marks instead of a sum per worker (1 s at 100,000 workers, issue 13).
    credited = (
        Attendance.objects.filter(
            scope.on_books_q(period.end),
            sitting__date__gte=period.start,
            sitting__date__lte=period.end,
            credited_hours__gt=0,
        )
        .values(unit=scope.unit())
        .order_by()
        .annotate(trained=Count("trainee_id", distinct=True), hours=Sum("credited_hours"))
    )
    for r in credited:
        row = cov.setdefault(unit_key(r["unit"]), {"workers": 0})
        row["trained"], row["hours"] = r["trained"], r["hours"]
    marks = Attendance.objects.filter(
        scope.placed_q(F("sitting__date")),
        sitting__date__gte=period.start,
        sitting__date__lte=period.end,
    )
    att = {
        unit_key(r["unit"]): r
        for r in marks.values(unit=scope.unit())
        .order_by()
        .annotate(marked=Count("pk"), attended=Count("pk", filter=Q(status__in=ATTENDED)))
    }
    events = marks.aggregate(
        n=Count("event", distinct=True), sittings=Count("sitting", distinct=True)
    )
    rows = []
    for unit in units:
        c, a = cov.get(unit["key"], {}), att.get(unit["key"], {})
        rows.append(
            {
                **unit,
                **_row(
                    c.get("workers", 0),
                    c.get("trained", 0),
                    c.get("hours"),
                    a.get("marked", 0),
                    a.get("attended", 0),
                ),
            }
        )
    total = _row(
        sum(r["workers"] for r in rows),
        sum(r["trained"] for r in rows),
        sum(float(c.get("hours") or 0) for c in cov.values()),
        sum(r["marked"] for r in rows),
        sum(r["attended"] for r in rows),
    )
    return {"rows": rows, "total": total, "events": events["n"], "sittings": events["sittings"]}
