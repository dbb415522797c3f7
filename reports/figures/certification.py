"""Certification as of a period's end (DOMAIN.md "What certified means for the rate").

Every worker counts in the row (committee, housing type, post) of their placement on the day.

- certified-on-duty rate (持证上岗率): workers 在册 holding a certificate of any level on the day
  (from the certificate's date) ÷ workers 在册;
- registered rate (有效登记率): workers 在册 with a registration in force that day ÷ 在册;
- target and gap: the district's RateTarget of the period's year, on the basis it names;
- exam results: subject results of the exams held in the period (of the workers placed in the
  scope on the exam day), and certificates dated in it (placed in the scope on that date);
- pipeline: workers 在册 who may sit a level at the next exam and do not hold it
  (`certification.selectors.eligible_q`, the certification app's rules in SQL);
- registrations due: registrations ending within the level's notice days after the day with
  no later one (待再登记), and holders whose registration has lapsed.
"""

import datetime as dt

from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from certification.models import Certificate, Level, RateTarget, Registration, SubjectResult
from certification.selectors import (
    eligible_q,
    next_exam_year,
    rule_rows,
)
from certification.selectors.population import certificate_held_q
from neighbourhoods.models import HousingType
from trainees.models import Post, Trainee

from ..periods import Period
from .common import Scope, num, pct, unit_key

# The two predicates below are membership tests rather than `EXISTS` per worker
# (certification.selectors `held_on`, `registered_on`, same rules): PostgreSQL answers them
# from one hashed scan of the certificates or registrations, where the lookups per worker
# cost 0.2–0.9 s per date at 100,000 workers (issue 13).


def certified_q(day: dt.date) -> Q:
    """On a query of periods: the worker holds a certificate on the day."""
    return Q(
        trainee_id__in=Certificate.objects.filter(certificate_held_q(day)).values("trainee_id")
    )


def registered_q(day: dt.date) -> Q:
    """On a query of periods: the worker's registration is in force on the day."""
    in_force = Registration.objects.filter(starts_on__lte=day, ends_on__gte=day)
    return Q(trainee_id__in=in_force.values("trainee_id"))


def _rate_rows(scope: Scope, day: dt.date, field: str) -> dict:
    """Counts grouped by a field of the period covering the day (placement, post, …)."""
    rows = (
        scope.periods_on(day)
        .values(field)
        .order_by()
        .annotate(
            workers=Count("pk"),
            certified=Count("pk", filter=certified_q(day)),
            registered=Count("pk", filter=registered_q(day)),
        )
    )
    return {r[field]: r for r in rows}


def _rate(workers: int, certified: int, registered: int) -> dict:
    return {
        "workers": workers,
        "certified": certified,
        "registered": registered,
        "certified_pct": pct(certified, workers),
        "registered_pct": pct(registered, workers),
    }


def rates_by_unit(scope: Scope, day: dt.date, units: list[dict]) -> tuple[list[dict], dict]:
    found = {unit_key(k): v for k, v in _rate_rows(scope, day, scope.unit_field).items()}
    rows = []
    for unit in units:
        r = found.get(unit["key"], {})
        rows.append(
            {**unit, **_rate(r.get("workers", 0), r.get("certified", 0), r.get("registered", 0))}
        )
    total = _rate(*(sum(r[k] for r in rows) for k in ("workers", "certified", "registered")))
    return rows, total


def _rates_by(scope: Scope, day: dt.date, field: str, choices, none_label: str) -> list[dict]:
    found = _rate_rows(scope, day, field)
    out = []
    for value, label in [*choices, (None, none_label)]:
        r = found.get(value)
        if r is None and value is None:
            continue
        r = r or {}
        out.append(
            {
                "key": value or "",
                "name": str(label),
                **_rate(r.get("workers", 0), r.get("certified", 0), r.get("registered", 0)),
            }
        )
    return out


def _target(period: Period, total: dict) -> dict:
    target = RateTarget.objects.filter(year=period.end.year).first()
    if target is None:
        return {"target_pct": None, "basis": None, "basis_label": None, "gap": None}
    actual = total["registered_pct" if target.basis == "registered" else "certified_pct"]
    return {
        "target_pct": num(target.target_pct),
        "basis": target.basis,
        "basis_label": str(target.get_basis_display()),
        "gap": round(float(target.target_pct) - actual, 1) if actual is not None else None,
    }


def _exam_results(scope: Scope, period: Period) -> dict:
    results = SubjectResult.objects.filter(
        scope.placed_q(F("attempt__exam_year__exam_date"), "attempt__trainee__periods__"),
        attempt__exam_year__exam_date__gte=period.start,
        attempt__exam_year__exam_date__lte=period.end,
    )
    subjects = [
        {
            "level": r["subject__level__name"],
            "subject": r["subject__name"],
            "sat": r["sat"],
            "passed": r["passed"],
            "pass_pct": pct(r["passed"], r["sat"]),
            "average": num(r["average"]) if r["average"] is not None else None,
        }
        for r in results.values("subject__level__name", "subject__name")
        .order_by("subject__level__rank", "subject__order", "subject__name")
        .annotate(sat=Count("pk"), passed=Count("pk", filter=Q(passed=True)), average=Avg("score"))
    ]
    obtained = [
        {"level": r["level__name"], "n": r["n"]}
        for r in Certificate.objects.filter(
            # Counted by the certificate's date (发证日期), as the rates are.
            scope.placed_q(F("date_issued")),
            date_issued__gte=period.start,
            date_issued__lte=period.end,
        )
        .values("level__name")
        .order_by("level__rank")
        .annotate(n=Count("pk"))
    ]
    candidates = results.values("attempt__trainee_id").distinct().count() if subjects else 0
    return {"subjects": subjects, "certificates": obtained, "candidates": candidates}


def _pipeline(scope: Scope, day: dt.date) -> dict:
    """Eligible for each level at the next exam (certification's own rules, in SQL).

    Rules, levels and exam years are read once; then one aggregate counts every level.
    """
    exam_year = next_exam_year(day)
    rules = rule_rows()
    levels = list(Level.objects.order_by("rank"))
    aggregates = {
        f"l{level.pk}": Count(
            "pk", filter=eligible_q(level=level, rules=rules, exam_year=exam_year)
        )
        for level in levels
    }
    workers = Trainee.objects.filter(scope.on_books(day, "pk"))
    found = workers.aggregate(**aggregates) if levels else {}
    return {
        "exam_year": exam_year,
        "levels": [
            {"level": level.name, "eligible": found.get(f"l{level.pk}")} for level in levels
        ],
    }


def _registrations(scope: Scope, day: dt.date) -> dict:
    """Due for re-registration within each level's notice days, and lapsed, per level."""
    later = Registration.objects.filter(
        certificate_id=OuterRef("certificate_id"), starts_on__gt=OuterRef("starts_on")
    )
    latest = Registration.objects.filter(scope.on_books(day), starts_on__lte=day).exclude(
        Exists(later.filter(starts_on__lte=day))
    )
    rows = []
    for level in Level.objects.order_by("rank"):
        horizon = day + dt.timedelta(days=level.renewal_notice_days)
        mine = latest.filter(certificate__level=level)
        rows.append(
            {
                "level": level.name,
                "due": mine.filter(ends_on__gte=day, ends_on__lte=horizon)
                .exclude(Exists(later))
                .count(),
                # The latest registration started by the day ended before it: none in force.
                "lapsed": mine.filter(ends_on__lt=day).count(),
            }
        )
    return {"rows": rows}


def certification_figures(scope: Scope, period: Period, units: list[dict]) -> dict:
    day = period.end
    rows, total = rates_by_unit(scope, day, units)
    return {
        "rows": rows,
        "total": total,
        "target": _target(period, total),
        "by_housing": _rates_by(
            scope, day, "neighbourhood__housing_type", HousingType.choices, _("街道社区办")
        ),
        "by_post": _rates_by(scope, day, "post", Post.choices, _("未填")),
        "exams": _exam_results(scope, period),
        "pipeline": _pipeline(scope, day),
        "registrations": _registrations(scope, day),
    }
