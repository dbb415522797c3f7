"""Supervision in a period: ratio and coverage as of its end, sessions and hours in it, the
mentor/drill split, cadence compliance month by month, and growth per competency.

Rules the figures follow (each worker in the row of the placement they had on the figure's
date: the period's end for coverage, a log's own date, a month's last day for cadence):
- coverage: workers 在册 on the day with a pairing in force that day;
- ratio: covered workers ÷ supervisors serving them that day (the plan's 1:n is the
  district's SupervisionPolicy row; a finding compares the two);
- sessions and hours: submitted (not draft) logs dated in the period that a worker of the row
  attended; a group log counts once per row;
- cadence: a pairing in force for a whole month meets it when the trainee attended at least
  the policy's minimum of submitted logs with that supervisor that month (the current policy);
- growth: average drill score per competency in the first vs the last part of the period
  (`Period.growth_windows`).
"""

import datetime as dt

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    Q,
    Value,
    When,
)

from sessions.models import (
    Competency,
    DrillScore,
    SessionAttendee,
    SessionStatus,
    SupervisionSession,
)
from sessions.services import cadence_policy, month_end
from supervisors.models import Assignment, SupervisionMode
from trainees.models import WorkerPeriod

from ..periods import Period
from .common import Scope, num, paired_on, pct, unit_key

SUBMITTED = ~Q(status=SessionStatus.DRAFT)


def _coverage(scope: Scope, day: dt.date) -> tuple[dict, dict]:
    """Workers, covered (by mode) and serving supervisors per row, and district totals."""
    in_force = Assignment.objects.filter(paired_on(day))

    def paired(pairings) -> Q:
        # A membership test: one hashed scan of the pairings, not a lookup per worker.
        return Q(trainee_id__in=pairings.values("trainee_id"))

    rows = (
        scope.periods_on(day)
        .values(scope.unit_field)
        .order_by()
        .annotate(
            workers=Count("pk"),
            covered=Count("pk", filter=paired(in_force)),
            mentor=Count("pk", filter=paired(in_force.filter(mode=SupervisionMode.MENTOR))),
            drill=Count("pk", filter=paired(in_force.filter(mode=SupervisionMode.DRILL))),
        )
    )
    by_unit = {unit_key(r[scope.unit_field]): r for r in rows}
    serving_qs = Assignment.objects.filter(paired_on(day), scope.on_books_q(day))
    for r in (
        serving_qs.values(unit=scope.unit())
        .order_by()
        .annotate(n=Count("supervisor", distinct=True))
    ):
        by_unit.setdefault(unit_key(r["unit"]), {})["serving"] = r["n"]
    serving = serving_qs.aggregate(n=Count("supervisor", distinct=True))["n"]
    return by_unit, {"serving": serving}


def _session_counts(scope: Scope, period: Period) -> tuple[dict, dict]:
    """Sessions, hours and the mode split per row and in all: one query.

    The distinct (row, log) pairs of the period are counted per row over a derived table, so
    a group log counts once in each row it touched; each attendee is in the row of their
    placement on the log's date. The totals count each log of those pairs once (a log counts
    when one of its attendees was placed in the scope on its date), from the same pairs: a
    second pass over the logs with a lookup per log cost 2 s of a year report at 100,000
    workers (issue 13).
    """
    pairs = (
        SessionAttendee.objects.filter(
            scope.placed_q(F("session__date")),
            ~Q(session__status=SessionStatus.DRAFT),
            session__date__gte=period.start,
            session__date__lte=period.end,
        )
        .values(
            unit=scope.unit(),
            log=F("session_id"),
            minutes=F("session__duration_minutes"),
            mentor=Case(
                When(session__mode=SupervisionMode.MENTOR, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by()
        .distinct()
    )
    inner, params = pairs.query.sql_with_params()
    sums = "COUNT(*), COALESCE(SUM(minutes), 0), COALESCE(SUM(mentor), 0)"
    by_unit: dict[str, dict] = {}
    total = {"sessions": 0, "minutes": 0, "mentor_sessions": 0}
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH pairs AS ({inner}) "
            f"SELECT 0, unit, {sums} FROM pairs GROUP BY unit "
            f"UNION ALL SELECT 1, NULL, {sums} "
            "FROM (SELECT DISTINCT log, minutes, mentor FROM pairs) AS logs",
            params,
        )
        for is_total, unit, n, minutes, mentor in cursor.fetchall():
            figures = {"sessions": n, "minutes": minutes, "mentor_sessions": mentor}
            if is_total:
                total = figures
            else:
                by_unit[unit_key(unit)] = figures
    return by_unit, total


def _cadence(scope: Scope, period: Period) -> tuple[dict, dict, list[dict]]:
    """Pairing-months that met the cadence, per row and per month: one query for the period.

    A pairing-month is a pairing in force on every day of the month (`paired_throughout_q`),
    in the row of the worker's placement on the month's last day (`Scope.placed_q`); it meets
    the cadence when the trainee attended at least the policy's minimum for its mode of
    submitted (not draft) logs with that supervisor that month.

    The attendances are counted once, grouped by (month, supervisor, trainee), and joined to
    the pairing-months: a count per pairing per month, as a correlated subquery, read 1.6
    million logs' attendees pairing by pairing and cost 20 s of the dashboard at 100,000
    workers (issue 13). Written in SQL because the months are a table of their own here.
    """
    policy = cadence_policy()
    month_starts = period.month_starts()
    months_sql = " UNION ALL ".join(["SELECT %s, %s, %s"] * len(month_starts))
    months_params: list = []
    for i, start in enumerate(month_starts):
        months_params += [i, start, month_end(start)]
    in_scope = "" if scope.is_district else "WHERE period.subdistrict_id = %s"
    # For one subdistrict, only the attendances of workers ever placed there can match.
    ever_in_scope = (
        ""
        if scope.is_district
        else f"AND attendee.trainee_id IN (SELECT trainee_id FROM {WorkerPeriod._meta.db_table} "
        "WHERE subdistrict_id = %s)"
    )
    sql = f"""
        WITH months (i, first_day, last_day) AS ({months_sql}),
        attended AS (
            SELECT months.i, log.supervisor_id, attendee.trainee_id, COUNT(*) AS n
            FROM months
            JOIN {SupervisionSession._meta.db_table} log
                ON log.date >= months.first_day AND log.date <= months.last_day
            JOIN {SessionAttendee._meta.db_table} attendee ON attendee.session_id = log.id
            WHERE log.status <> %s {ever_in_scope}
            GROUP BY months.i, log.supervisor_id, attendee.trainee_id
        )
        SELECT months.i, period.{scope.unit_field}, COUNT(*),
            SUM(CASE WHEN COALESCE(attended.n, 0) >=
                CASE WHEN pairing.mode = %s THEN %s ELSE %s END THEN 1 ELSE 0 END)
        FROM months
        JOIN {Assignment._meta.db_table} pairing
            ON pairing.started_on <= months.first_day
            AND (pairing.ended_on IS NULL OR pairing.ended_on >= months.last_day)
        JOIN {WorkerPeriod._meta.db_table} period
            ON period.trainee_id = pairing.trainee_id
            AND period.starts_on <= months.last_day
            AND (period.ends_on IS NULL OR period.ends_on >= months.last_day)
        LEFT JOIN attended
            ON attended.i = months.i
            AND attended.supervisor_id = pairing.supervisor_id
            AND attended.trainee_id = pairing.trainee_id
        {in_scope}
        GROUP BY months.i, period.{scope.unit_field}
    """
    params = [
        *months_params,
        SessionStatus.DRAFT,
        *([] if scope.is_district else [scope.subdistrict_id]),
        SupervisionMode.DRILL,
        policy.drill_min_per_month,
        policy.mentor_min_per_month,
        *([] if scope.is_district else [scope.subdistrict_id]),
    ]
    months = [{"month": start.isoformat(), "pairs": 0, "met": 0} for start in month_starts]
    by_unit: dict[str, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for i, unit, pairs, met in cursor.fetchall():
            row = by_unit.setdefault(unit_key(unit), {"pairs": 0, "met": 0})
            row["pairs"] += pairs
            row["met"] += met or 0
            months[i]["pairs"] += pairs
            months[i]["met"] += met or 0
    for month in months:
        month["pct"] = pct(month["met"], month["pairs"])
    totals = {"pairs": sum(m["pairs"] for m in months), "met": sum(m["met"] for m in months)}
    return by_unit, totals, months


def growth_figures(scope: Scope, period: Period) -> dict:
    """Average drill score per competency, first vs last window of the period (one query);
    the scores of workers placed in the scope on the session's date."""
    (f_start, f_end), (l_start, l_end) = period.growth_windows()
    # Only the scores of the two windows are read (half of a year's, in its first and last
    # quarter); the rest of the period counts in neither average.
    rows = (
        DrillScore.objects.filter(
            scope.placed_q(F("session__date")),
            ~Q(session__status=SessionStatus.DRAFT),
            Q(session__date__gte=f_start, session__date__lte=f_end)
            | Q(session__date__gte=l_start, session__date__lte=l_end),
            session__date__gte=period.start,
            session__date__lte=period.end,
        )
        .values("competency")
        .order_by()
        .annotate(
            first=Avg("score", filter=Q(session__date__gte=f_start, session__date__lte=f_end)),
            last=Avg("score", filter=Q(session__date__gte=l_start, session__date__lte=l_end)),
            first_n=Count("pk", filter=Q(session__date__gte=f_start, session__date__lte=f_end)),
            last_n=Count("pk", filter=Q(session__date__gte=l_start, session__date__lte=l_end)),
        )
    )
    found = {r["competency"]: r for r in rows}
    out = []
    for code, label in Competency.choices:
        r = found.get(code, {})
        first = round(r["first"], 2) if r.get("first") is not None else None
        last = round(r["last"], 2) if r.get("last") is not None else None
        out.append(
            {
                "code": code,
                "label": str(label),
                "first": first,
                "last": last,
                "first_n": r.get("first_n", 0),
                "last_n": r.get("last_n", 0),
                "change": round(last - first, 2)
                if first is not None and last is not None
                else None,
            }
        )
    return {
        "windows": [
            [f_start.isoformat(), f_end.isoformat()],
            [l_start.isoformat(), l_end.isoformat()],
        ],
        "rows": out,
    }


def _unit_row(cov: dict, ses: dict, cad: dict) -> dict:
    workers, covered, serving = cov.get("workers", 0), cov.get("covered", 0), cov.get("serving", 0)
    sessions = ses.get("sessions", 0) or 0
    return {
        "workers": workers,
        "covered": covered,
        "uncovered": workers - covered,
        "coverage_pct": pct(covered, workers),
        "mentor": cov.get("mentor", 0),
        "drill": cov.get("drill", 0),
        "serving": serving,
        "ratio": round(covered / serving, 1) if serving else None,
        "sessions": sessions,
        "hours": num((ses.get("minutes", 0) or 0) / 60),
        "mentor_sessions": ses.get("mentor_sessions", 0) or 0,
        "drill_sessions": sessions - (ses.get("mentor_sessions", 0) or 0),
        "sessions_per_supervisor": round(sessions / serving, 1) if serving else None,
        "cadence_pairs": cad.get("pairs", 0),
        "cadence_met": cad.get("met", 0),
        "cadence_pct": pct(cad.get("met", 0), cad.get("pairs", 0)),
    }


def supervision_figures(scope: Scope, period: Period, units: list[dict]) -> dict:
    cov, cov_total = _coverage(scope, period.end)
    ses, ses_total = _session_counts(scope, period)
    cad, cad_total, months = _cadence(scope, period)
    rows = [
        {**u, **_unit_row(cov.get(u["key"], {}), ses.get(u["key"], {}), cad.get(u["key"], {}))}
        for u in units
    ]
    summed = {k: sum(r[k] for r in rows) for k in ("workers", "covered", "mentor", "drill")}
    total = _unit_row({**summed, **cov_total}, ses_total, cad_total)
    return {"rows": rows, "total": total, "cadence_months": months}
