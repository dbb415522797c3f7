"""The workforce profile in the fixed format offices use (DOMAIN.md "Fixed-format tables").

Street by street and committee by committee, each with a total row (合计), by sex, age band
(≤30, 31–35, 36–45, >45), political status, education, post and certificate level, and a
separate table of grades: one column per CareerGrade row (the ladder the district keeps, e.g.
三岗十八级, 1–18), after a column 0 for workers not graded.

As of the day: the workers 在册 then, each in the subdistrict and committee, post and grade of
the period of their history covering the day; age on the day; the certificate level is the
highest level held on the day (from the certificate's date). Sex, political status and
education are the values on file (Dudao keeps no history of them).
"""

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from certification.models import Certificate, Level
from certification.selectors.population import certificate_held_q
from trainees.models import CareerGrade, Education, Gender, PoliticalStatus, Post

from ..periods import age_cutoff
from .common import OFFICE, Scope, committee_units, unit_key

# Workers without a grade (or on a grade row numbered 0) are counted as grade 0.
UNGRADED = 0


def grade_levels() -> list[int]:
    """The grade columns: 0 (not graded), then each CareerGrade row's level, lowest first."""
    levels = CareerGrade.objects.filter(level__gt=UNGRADED).order_by("level")
    return [UNGRADED, *levels.values_list("level", flat=True)]


def certificate_rank(day: dt.date, levels: list[tuple[int, str, str]]) -> Case:
    """Annotation on periods: the rank of the highest level the worker held on the day (or
    NULL): held from the certificate's date, never the exam day
    (certification.selectors.population). `levels` are (rank, code, name) rows.

    One membership test per level, highest first, so PostgreSQL hashes each level's holders
    once; the highest level found per worker by a lookup each cost 1.7 s a table at 100,000
    workers (issue 13)."""
    whens = [
        When(
            trainee_id__in=Certificate.objects.filter(
                certificate_held_q(day), level__rank=rank
            ).values("trainee_id"),
            then=Value(rank),
        )
        for rank, _code, _name in sorted(levels, key=lambda level: level[0], reverse=True)
    ]
    return Case(*whens, default=None, output_field=IntegerField())


def profile_columns(day: dt.date, levels: list[tuple[int, str, str]]) -> list[dict]:
    """Column groups of the fixed-format table: {label, columns: [(key, label, Q)]}, the Qs
    over the periods covering the day (`trainee__…` for the person)."""
    c31, c36, c46 = age_cutoff(day, 31), age_cutoff(day, 36), age_cutoff(day, 46)
    return [
        {
            "label": _("性别"),
            "columns": [
                (f"sex_{v}", str(label), Q(trainee__gender=v)) for v, label in Gender.choices
            ],
        },
        {
            "label": _("年龄"),
            "columns": [
                ("age_30", _("30岁及以下"), Q(trainee__birth_date__gt=c31)),
                (
                    "age_35",
                    _("31–35岁"),
                    Q(trainee__birth_date__lte=c31, trainee__birth_date__gt=c36),
                ),
                (
                    "age_45",
                    _("36–45岁"),
                    Q(trainee__birth_date__lte=c36, trainee__birth_date__gt=c46),
                ),
                ("age_46", _("45岁以上"), Q(trainee__birth_date__lte=c46)),
            ],
        },
        {
            "label": _("政治面貌"),
            "columns": [
                (f"pol_{v}", str(label), Q(trainee__political_status=v))
                for v, label in PoliticalStatus.choices
            ],
        },
        {
            "label": _("学历"),
            "columns": [
                (f"edu_{v}", str(label), Q(trainee__education=v)) for v, label in Education.choices
            ],
        },
        {
            "label": _("岗位"),
            "columns": [(f"post_{v}", str(label), Q(post=v)) for v, label in Post.choices],
        },
        {
            "label": _("职业水平证书"),
            "columns": [
                ("cert_none", _("无"), Q(cert_rank__isnull=True)),
                *[(f"cert_{code}", name, Q(cert_rank=rank)) for rank, code, name in levels],
            ],
        },
    ]


def _grade_q(level: int) -> Q:
    if level == UNGRADED:
        return Q(grade__isnull=True) | Q(grade__level=UNGRADED)
    return Q(grade__level=level)


def _aggregate(
    scope: Scope, day: dt.date, group: list[str], columns: list, grades: list[int], levels: list
) -> dict:
    aggregates = {"total": Count("pk")}
    aggregates.update({key: Count("pk", filter=q) for key, _label, q in columns})
    aggregates.update({f"grade_{g}": Count("pk", filter=_grade_q(g)) for g in grades})
    rows = (
        scope.periods_on(day)
        .annotate(cert_rank=certificate_rank(day, levels))
        .values(*group)
        .order_by()
        .annotate(**aggregates)
    )
    return {tuple(r[g] for g in group): r for r in rows}


def _rows(units: list[dict], found: dict, keys: list[str], key_of) -> tuple[list[dict], dict]:
    rows = []
    for unit in units:
        data = found.get(key_of(unit), {})
        rows.append({**unit, **{k: data.get(k, 0) for k in keys}})
    total = {k: sum(r[k] for r in rows) for k in keys}
    return rows, total


def workforce_figures(scope: Scope, day: dt.date) -> dict:
    """Five queries: levels, grades, units, committees, and one aggregate of both tables."""
    levels = list(Level.objects.order_by("rank").values_list("rank", "code", "name"))
    grades = grade_levels()
    groups = profile_columns(day, levels)
    columns = [c for g in groups for c in g["columns"]]
    keys = ["total", *[c[0] for c in columns], *[f"grade_{g}" for g in grades]]

    by_committee = _aggregate(
        scope, day, ["subdistrict_id", "neighbourhood_id"], columns, grades, levels
    )
    # The rows of the scope (subdistricts, or one subdistrict's committees) are sums of the
    # committees' counts: one scan of the workers for both tables.
    by_unit: dict[tuple, dict] = {}
    for (sub_id, nb_id), counts in by_committee.items():
        key = (unit_key(sub_id if scope.is_district else nb_id),)
        row = by_unit.setdefault(key, dict.fromkeys(keys, 0))
        for k in keys:
            row[k] += counts[k]
    units, total = _rows(scope.units(), by_unit, keys, lambda u: (u["key"],))
    committees, _total = _rows(
        committee_units(scope),
        {(f"{k[0]}:{unit_key(k[1])}",): v for k, v in by_committee.items()},
        keys,
        lambda u: (u["key"],),
    )
    return {
        "groups": [
            {
                "label": str(g["label"]),
                "columns": [[k, str(label)] for k, label, _q in g["columns"]],
            }
            for g in groups
        ],
        "grade_columns": [[f"grade_{g}", str(g)] for g in grades],
        "rows": units,
        "committees": [c for c in committees if c["total"] or not c["key"].endswith(OFFICE)],
        "total": total,
    }
