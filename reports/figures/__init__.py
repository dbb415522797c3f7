"""Every figure of the district report and the dashboards, each a database aggregate.

`report_figures` and `dashboard_figures` return plain, JSON-ready dicts (the snapshot stored
with a ReportRun), so tests can compare them with independent computations. The number of
queries depends on the kind of period (months in it), never on the amount of data.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neighbourhoods.models import Subdistrict
from supervisors.models import Assignment
from supervisors.selectors import supervision_policy
from training.models import Attendance

from ..periods import Period, PeriodKind
from .assessment import assessment_figures
from .certification import _target as rate_target
from .certification import certification_figures, certified_q, rates_by_unit, registered_q
from .common import Scope, fmt, paired_on, pct
from .staffing import staffing_figures
from .supervision import growth_figures, supervision_figures
from .training import training_figures
from .workforce import workforce_figures

__all__ = [
    "METRICS",
    "Scope",
    "dashboard_figures",
    "headline_metrics",
    "report_figures",
    "trend_figures",
]

# The headline figures: key, label, unit; rates are percentages of the stated base.
METRICS = [
    ("workers", gettext_lazy("在册社区工作者"), ""),
    ("serving", gettext_lazy("在岗督导师"), ""),
    ("ratio", gettext_lazy("督导配比（1:n）"), ""),
    ("coverage_pct", gettext_lazy("督导覆盖率"), "%"),
    ("sessions", gettext_lazy("督导次数"), ""),
    ("hours", gettext_lazy("督导时长（小时）"), ""),
    ("sessions_per_supervisor", gettext_lazy("人均督导次数（每名督导师）"), ""),
    ("cadence_pct", gettext_lazy("督导频次达标率"), "%"),
    ("training_coverage_pct", gettext_lazy("培训覆盖率"), "%"),
    ("training_hours_per_worker", gettext_lazy("人均培训学时"), ""),
    ("attendance_pct", gettext_lazy("培训出勤率"), "%"),
    ("certified_pct", gettext_lazy("持证上岗率"), "%"),
    ("registered_pct", gettext_lazy("有效登记率"), "%"),
]


def headline_metrics(figures: dict) -> list[dict]:
    """The headline figures as the dashboard and the PDF print them: value, previous, change."""
    return [
        {
            "key": key,
            "label": label,
            "unit": unit,
            "value": figures["headline"].get(key),
            "previous": figures["previous"]["headline"].get(key),
            "change": figures["change"].get(key),
        }
        for key, label, unit in METRICS
    ]


RATE_KEYS = ("coverage_pct", "cadence_pct", "training_coverage_pct", "certified_pct")


def _trend_points(period: Period) -> list[Period]:
    if period.kind == PeriodKind.MONTH:
        points = [period]
        while len(points) < 6:
            points.insert(0, points[0].previous)
        return points
    return [Period(PeriodKind.MONTH, m.year, m.month) for m in period.month_starts()]


def trend_figures(scope: Scope, period: Period) -> list[dict]:
    """Month by month: coverage and certified rate at the month's end, training that month,
    over the workers 在册 in the scope at the month's end (placed there then).

    One query per month (six for a month's report, twelve for a year's).
    """
    points = []
    for month in _trend_points(period):
        day = month.end
        trained = Attendance.objects.filter(
            sitting__date__gte=month.start, sitting__date__lte=day, credited_hours__gt=0
        )
        in_force = Assignment.objects.filter(paired_on(day))
        # Membership tests, not EXISTS per worker: one hashed scan of each table per month
        # (0.9 s a month at 100,000 workers with lookups per worker, issue 13).
        row = scope.periods_on(day).aggregate(
            workers=Count("pk"),
            covered=Count("pk", filter=Q(trainee_id__in=in_force.values("trainee_id"))),
            certified=Count("pk", filter=certified_q(day)),
            registered=Count("pk", filter=registered_q(day)),
            trained=Count("pk", filter=Q(trainee_id__in=trained.values("trainee_id"))),
        )
        points.append(
            {
                "label": month.short_label,
                "end": day.isoformat(),
                "workers": row["workers"],
                "coverage_pct": pct(row["covered"], row["workers"]),
                "certified_pct": pct(row["certified"], row["workers"]),
                "registered_pct": pct(row["registered"], row["workers"]),
                "training_coverage_pct": pct(row["trained"], row["workers"]),
            }
        )
    return points


def _units_and_sections(scope: Scope, period: Period, *, full: bool) -> dict:
    units = scope.units()
    sup = supervision_figures(scope, period, units)
    trn = training_figures(scope, period, units)
    if full:
        cert = certification_figures(scope, period, units)
    else:
        rows, total = rates_by_unit(scope, period.end, units)
        cert = {"rows": rows, "total": total, "target": rate_target(period, total)}
    comparison = []
    for s, t, c in zip(sup["rows"], trn["rows"], cert["rows"], strict=True):
        comparison.append(
            {
                "key": s["key"],
                "name": s["name"],
                "workers": s["workers"],
                "ratio": s["ratio"],
                "coverage_pct": s["coverage_pct"],
                "sessions_per_supervisor": s["sessions_per_supervisor"],
                "cadence_pct": s["cadence_pct"],
                "training_coverage_pct": t["coverage_pct"],
                "training_hours_per_worker": t["hours_per_worker"],
                "certified_pct": c["certified_pct"],
                "registered_pct": c["registered_pct"],
            }
        )
    st, tt, ct = sup["total"], trn["total"], cert["total"]
    headline = {
        "workers": st["workers"],
        "serving": st["serving"],
        "ratio": st["ratio"],
        "coverage_pct": st["coverage_pct"],
        "uncovered": st["uncovered"],
        "sessions": st["sessions"],
        "hours": st["hours"],
        "sessions_per_supervisor": st["sessions_per_supervisor"],
        "cadence_pct": st["cadence_pct"],
        "training_coverage_pct": tt["coverage_pct"],
        "training_hours": tt["hours"],
        "training_hours_per_worker": tt["hours_per_worker"],
        "attendance_pct": tt["attendance_pct"],
        "certified_pct": ct["certified_pct"],
        "registered_pct": ct["registered_pct"],
        "target_pct": cert["target"]["target_pct"],
        "gap": cert["target"]["gap"],
    }
    return {
        "supervision": sup,
        "training": trn,
        "certification": cert,
        "comparison": comparison,
        "headline": headline,
    }


def _change(current: dict, previous: dict) -> dict:
    out = {}
    for key, value in current.items():
        before = previous.get(key)
        if isinstance(value, int | float) and isinstance(before, int | float):
            out[key] = round(value - before, 1)
        else:
            out[key] = None
    return out


def _points(delta: float) -> str:
    return fmt(abs(float(delta)))


def findings(figures: dict, previous: dict, scope_name: str) -> list[str]:
    """Short sentences from the figures: the target, the ratio, and large changes by row."""
    h, out = figures["headline"], []
    labels = dict((k, str(label)) for k, label, _u in METRICS)
    if h["certified_pct"] is not None and h["target_pct"] is not None and h["gap"] is not None:
        if h["gap"] > 0:
            out.append(
                _("%(scope)s持证上岗率为%(rate)s%%，距年度目标%(target)s%%还差%(gap)s个百分点。")
                % {
                    "scope": scope_name,
                    "rate": fmt(h["certified_pct"]),
                    "target": fmt(h["target_pct"]),
                    "gap": _points(h["gap"]),
                }
            )
        else:
            out.append(
                _("%(scope)s持证上岗率为%(rate)s%%，已达到年度目标%(target)s%%。")
                % {
                    "scope": scope_name,
                    "rate": fmt(h["certified_pct"]),
                    "target": fmt(h["target_pct"]),
                }
            )
    # The district's ratio in force when the figures were read (SupervisionPolicy).
    required = figures["meta"]["district_ratio"]
    if h["ratio"] is not None and h["ratio"] > required:
        out.append(
            _(
                "督导配比为1:%(ratio)s，高于1:%(required)s的要求；尚有%(n)d名社区工作者未安排督导师。"
            )
            % {"ratio": fmt(h["ratio"]), "required": required, "n": h["uncovered"]}
        )
    elif h["uncovered"]:
        out.append(_("尚有%(n)d名社区工作者未安排督导师。") % {"n": h["uncovered"]})
    ph = previous["headline"]
    for key in RATE_KEYS:
        if h[key] is not None and ph.get(key) is not None and abs(h[key] - ph[key]) >= 5:
            delta = round(h[key] - ph[key], 1)
            out.append(_sentence(scope_name, labels[key], delta))
    before = {r["key"]: r for r in previous["comparison"]}
    changes = []
    for row in figures["comparison"]:
        old = before.get(row["key"], {})
        for key in RATE_KEYS:
            if row[key] is not None and old.get(key) is not None:
                delta = round(row[key] - old[key], 1)
                if abs(delta) >= 5:
                    changes.append((abs(delta), row["name"], labels[key], delta))
    for _size, name, label, delta in sorted(changes, key=lambda c: (-c[0], c[1], c[2]))[:8]:
        out.append(_sentence(name, label, delta))
    ranked = [r for r in figures["comparison"] if r["coverage_pct"] is not None and r["workers"]]
    if len(ranked) > 1:
        low = min(ranked, key=lambda r: (r["coverage_pct"], r["name"]))
        out.append(
            _("督导覆盖率最低的是%(name)s（%(rate)s%%）。")
            % {"name": low["name"], "rate": fmt(low["coverage_pct"])}
        )
    return out


def _sentence(name: str, label: str, delta: float) -> str:
    if delta < 0:
        return _("%(name)s%(label)s下降%(points)s个百分点") % {
            "name": name,
            "label": label,
            "points": _points(delta),
        }
    return _("%(name)s%(label)s上升%(points)s个百分点") % {
        "name": name,
        "label": label,
        "points": _points(delta),
    }


def scope_name(subdistrict_id: int | None) -> str:
    if subdistrict_id is None:
        return _("长宁区")
    return Subdistrict.objects.values_list("name", flat=True).get(pk=subdistrict_id)


def _meta(period: Period, subdistrict_id: int | None, name: str) -> dict:
    return {
        "kind": period.kind,
        "year": period.year,
        "number": period.number,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": period.end.isoformat(),
        "previous_label": period.previous.label,
        "subdistrict_id": subdistrict_id,
        "scope": name,
        "unit_label": _("街道（镇）") if subdistrict_id is None else _("居委会"),
    }


def dashboard_figures(*, period: Period, subdistrict_id: int | None = None) -> dict:
    """Headline, change against the previous period, trend and the ranking of rows."""
    scope = Scope(subdistrict_id)
    name = scope_name(subdistrict_id)
    current = _units_and_sections(scope, period, full=False)
    previous = _units_and_sections(scope, period.previous, full=False)
    return {
        "meta": _meta(period, subdistrict_id, name),
        **current,
        "previous": {"headline": previous["headline"], "comparison": previous["comparison"]},
        "change": _change(current["headline"], previous["headline"]),
        "trend": trend_figures(scope, period),
        "staffing": staffing_figures(scope, period.end),
    }


def report_figures(*, period: Period, subdistrict_id: int | None = None) -> dict:
    """Everything the report prints, as of the period's end (see each section's module)."""
    scope = Scope(subdistrict_id)
    name = scope_name(subdistrict_id)
    current = _units_and_sections(scope, period, full=True)
    previous = _units_and_sections(scope, period.previous, full=False)
    current["supervision"]["growth"] = growth_figures(scope, period)
    figures = {
        "meta": {
            **_meta(period, subdistrict_id, name),
            "district_ratio": supervision_policy().district_ratio,
        },
        "workforce": workforce_figures(scope, period.end),
        "assessment": assessment_figures(scope, period.end, scope.units()),
        **current,
        "previous": {"headline": previous["headline"], "comparison": previous["comparison"]},
        "change": _change(current["headline"], previous["headline"]),
        "trend": trend_figures(scope, period),
    }
    figures["findings"] = findings(figures, figures["previous"], name)
    return figures
