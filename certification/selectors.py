"""Reads of certification: the certified-on-duty rate, its breakdowns, and the HR lists.

Scope: every query starts from `trainee_scope(user)`, so a subdistrict administrator sees only
their subdistrict, a supervisor their own trainees and a worker themself.

The rate is historically correct. A worker is *active on d* when they had joined by d and had
not left by d (`joined <= d` and `left_on` empty or after d; `Trainee.status` is only today's
state). A worker *holds* a certificate on d when one was obtained on or before d (certificates
do not expire), and is *registered* on d when a registration period covers d. Each figure is a
database aggregate; each breakdown is one query.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from neighbourhoods.models import HousingType, Neighbourhood, Subdistrict
from neighbourhoods.selectors import subdistrict_scope
from sessions.training_hours import training_hours_subquery_for
from trainees.models import Post, Trainee
from trainees.selectors import trainee_scope

from .models import (
    Certificate,
    EligibilityRule,
    ExamYear,
    ExternalHours,
    Level,
    RateBasis,
    RateTarget,
    Registration,
)
from .rules import (
    Eligibility,
    RegistrationStatus,
    RuleRow,
    WorkerFacts,
    add_months,
    educations_at_least,
    eligibility_for_level,
)

BREAKDOWNS = ("subdistrict", "neighbourhood", "housing_type", "post", "level")
TREND_MONTHS = 24


# --- building blocks ----------------------------------------------------------------------------


def active_on_q(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}joined__lte": day}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})
    )


def held_on(day: dt.date, ref: str = "pk") -> Exists:
    return Exists(Certificate.objects.filter(trainee_id=OuterRef(ref), date_passed__lte=day))


def registered_on(day: dt.date, ref: str = "pk") -> Exists:
    return Exists(
        Registration.objects.filter(trainee_id=OuterRef(ref), starts_on__lte=day, ends_on__gte=day)
    )


@dataclass(frozen=True)
class RateFilters:
    """The dashboard's optional narrowing; each value already checked against the scope."""

    subdistrict_id: int | None = None
    neighbourhood_id: int | None = None
    housing_type: str = ""
    post: str = ""

    def apply(self, qs: QuerySet[Trainee]) -> QuerySet[Trainee]:
        if self.subdistrict_id:
            qs = qs.filter(subdistrict_id=self.subdistrict_id)
        if self.neighbourhood_id:
            qs = qs.filter(neighbourhood_id=self.neighbourhood_id)
        if self.housing_type == "office":
            qs = qs.filter(neighbourhood__isnull=True)
        elif self.housing_type:
            qs = qs.filter(neighbourhood__housing_type=self.housing_type)
        if self.post:
            qs = qs.filter(post=self.post)
        return qs


@dataclass
class RateRow:
    key: Any
    label: str
    active: int
    certified: int
    registered: int
    extra: dict = field(default_factory=dict)

    @staticmethod
    def _pct(n: int, d: int) -> float | None:
        return round(100 * n / d, 1) if d else None

    @property
    def certified_pct(self) -> float | None:
        return self._pct(self.certified, self.active)

    @property
    def registered_pct(self) -> float | None:
        return self._pct(self.registered, self.active)


def _scoped(user: User, filters: RateFilters | None) -> QuerySet[Trainee]:
    qs = trainee_scope(user)
    return (filters or RateFilters()).apply(qs)


def check_filters_in_scope(user: User, filters: RateFilters) -> None:
    """A subdistrict or committee outside the user's scope is not found (404), not empty."""
    if user.sees_whole_district:
        return
    own = user.subdistrict_id if user.is_subdistrict_admin else None
    if filters.subdistrict_id and filters.subdistrict_id != own:
        raise Http404
    if (
        filters.neighbourhood_id
        and not Neighbourhood.objects.filter(
            pk=filters.neighbourhood_id, subdistrict_id=own
        ).exists()
    ):
        raise Http404


# --- the rate ----------------------------------------------------------------------------------


def rate_overall(*, user: User, on: dt.date, filters: RateFilters | None = None) -> RateRow:
    """Active, certified and registered workers on a date: one query."""
    totals = (
        _scoped(user, filters)
        .filter(active_on_q(on))
        .aggregate(
            active=Count("pk"),
            certified=Count("pk", filter=held_on(on)),
            registered=Count("pk", filter=registered_on(on)),
        )
    )
    return RateRow(None, _("全区") if user.sees_whole_district else _("合计"), **totals)


def _levels() -> list[Level]:
    return list(Level.objects.order_by("rank"))


def rate_by(
    *,
    user: User,
    on: dt.date,
    dimension: str,
    filters: RateFilters | None = None,
    levels: list[Level] | None = None,
) -> list[RateRow]:
    """The rate broken down by one dimension: one GROUP BY query (levels: one more, cached)."""
    qs = _scoped(user, filters).filter(active_on_q(on))
    counts = {
        "active": Count("pk"),
        "certified": Count("pk", filter=held_on(on)),
        "registered": Count("pk", filter=registered_on(on)),
    }
    if dimension == "subdistrict":
        rows = qs.values("subdistrict_id", "subdistrict__name", "subdistrict__code").annotate(
            **counts
        )
        return [
            RateRow(
                r["subdistrict_id"],
                r["subdistrict__name"],
                r["active"],
                r["certified"],
                r["registered"],
            )
            for r in rows.order_by("subdistrict__code")
        ]
    if dimension == "neighbourhood":
        # Office staff (no committee) form one row per subdistrict.
        rows = qs.values(
            "neighbourhood_id",
            "neighbourhood__name",
            "subdistrict_id",
            "subdistrict__name",
            "subdistrict__code",
        ).annotate(**counts)
        return [
            RateRow(
                r["neighbourhood_id"],
                r["neighbourhood__name"] or _("街道社区办"),
                r["active"],
                r["certified"],
                r["registered"],
                {"subdistrict": r["subdistrict__name"], "subdistrict_id": r["subdistrict_id"]},
            )
            for r in rows.order_by("subdistrict__code", "neighbourhood__name")
        ]
    if dimension == "housing_type":
        labels = dict(HousingType.choices)
        rows = qs.values("neighbourhood__housing_type").annotate(**counts)
        order = list(labels)
        out = [
            RateRow(
                r["neighbourhood__housing_type"] or "office",
                str(labels.get(r["neighbourhood__housing_type"], _("街道社区办"))),
                r["active"],
                r["certified"],
                r["registered"],
            )
            for r in rows
        ]
        return sorted(out, key=lambda r: order.index(r.key) if r.key in order else len(order))
    if dimension == "post":
        labels = dict(Post.choices)
        rows = qs.values("post").annotate(**counts)
        order = list(labels)
        out = [
            RateRow(
                r["post"],
                str(labels.get(r["post"], r["post"])),
                r["active"],
                r["certified"],
                r["registered"],
            )
            for r in rows
        ]
        return sorted(out, key=lambda r: order.index(r.key) if r.key in order else len(order))
    if dimension == "level":
        # The highest level each active worker holds on the date; "none" for the rest.
        top = (
            Certificate.objects.filter(trainee_id=OuterRef("pk"), date_passed__lte=on)
            .order_by("-level__rank")
            .values("level__rank")[:1]
        )
        rows = (
            qs.annotate(top_rank=Subquery(top, output_field=IntegerField()))
            .values("top_rank")
            .annotate(active=Count("pk"), registered=Count("pk", filter=registered_on(on)))
        )
        by_rank = {r["top_rank"]: r for r in rows}
        levels = levels if levels is not None else _levels()
        out = []
        none = by_rank.get(None, {"active": 0, "registered": 0})
        out.append(RateRow("none", _("未持证"), none["active"], 0, 0))
        for level in levels:
            r = by_rank.get(level.rank, {"active": 0, "registered": 0})
            out.append(RateRow(level.code, level.name, r["active"], r["active"], r["registered"]))
        return out
    raise ValueError(f"unknown breakdown {dimension!r}")


def month_ends(until: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The last day of each of the `months` months up to `until` (the last one is `until`)."""
    first_of_month = until.replace(day=1)
    ends = [add_months(first_of_month, -k) - dt.timedelta(days=1) for k in range(months - 1)]
    return sorted([*ends, until])


def rate_trend(
    *, user: User, until: dt.date, months: int = TREND_MONTHS, filters: RateFilters | None = None
) -> list[RateRow]:
    """The rate at each month end: one query, three conditional counts per month.

    The date each worker first held a certificate is a per-row subquery computed once (the
    aggregate wraps the annotated rows), so "held on m" is a comparison, not a lookup per month.
    """
    days = month_ends(until, months)
    first_held = (
        Certificate.objects.filter(trainee_id=OuterRef("pk"))
        .order_by("date_passed")
        .values("date_passed")[:1]
    )
    qs = (
        _scoped(user, filters)
        .filter(joined__lte=days[-1])
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=days[0]))
        .annotate(first_held=Subquery(first_held, output_field=DateField()))
        .annotate(**{f"reg{i}": registered_on(day) for i, day in enumerate(days)})
    )
    aggregates = {}
    for i, day in enumerate(days):
        active = active_on_q(day)
        aggregates[f"a{i}"] = Count("pk", filter=active)
        aggregates[f"c{i}"] = Count("pk", filter=active & Q(first_held__lte=day))
        aggregates[f"r{i}"] = Count("pk", filter=active & Q(**{f"reg{i}": True}))
    totals = qs.aggregate(**aggregates)
    return [
        RateRow(
            day, f"{day:%Y-%m}", totals[f"a{i}"] or 0, totals[f"c{i}"] or 0, totals[f"r{i}"] or 0
        )
        for i, day in enumerate(days)
    ]


@dataclass
class Gap:
    target: RateTarget
    basis_label: str
    rate: float | None
    needed: int  # more workers needed to reach the target, 0 when reached

    @property
    def reached(self) -> bool:
        return self.needed == 0


def rate_gap(*, overall: RateRow, target: RateTarget | None) -> Gap | None:
    """People still needed: ceil(target × active) − counted, never negative."""
    if target is None:
        return None
    counted = overall.certified if target.basis == RateBasis.CERTIFIED else overall.registered
    wanted = math.ceil(Decimal(overall.active) * target.target_pct / Decimal(100))
    rate = overall.certified_pct if target.basis == RateBasis.CERTIFIED else overall.registered_pct
    return Gap(
        target=target,
        basis_label=str(RateBasis(target.basis).label),
        rate=rate,
        needed=max(wanted - counted, 0),
    )


def rate_dashboard(
    *, user: User, on: dt.date, filters: RateFilters | None = None, months: int = TREND_MONTHS
) -> dict[str, Any]:
    """Everything on the rate dashboard. Queries: target 1, levels 1, overall 1, one per
    breakdown (5), trend 1 — nine, whatever the number of workers."""
    filters = filters or RateFilters()
    check_filters_in_scope(user, filters)
    target = RateTarget.objects.filter(year=on.year).first()
    levels = _levels()
    overall = rate_overall(user=user, on=on, filters=filters)
    return {
        "on": on,
        "overall": overall,
        "target": target,
        "gap": rate_gap(overall=overall, target=target),
        "breakdowns": {
            dim: rate_by(user=user, on=on, dimension=dim, filters=filters, levels=levels)
            for dim in BREAKDOWNS
        },
        "trend": rate_trend(user=user, until=on, months=months, filters=filters),
    }


# --- registration status ------------------------------------------------------------------------


def certificate_scope(user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(trainee__in=trainee_scope(user))


def with_registration_status(
    qs: QuerySet[Certificate], *, on: dt.date, levels: list[Level] | None = None
) -> QuerySet[Certificate]:
    """Annotate each certificate with its registration status on a date and the period dates.

    due: the current period ends within the level's notice days (90) and no later period has
    been recorded; lapsed: registered before, but no period covers the date.
    """
    current = Registration.objects.filter(
        certificate_id=OuterRef("pk"), starts_on__lte=on, ends_on__gte=on
    ).order_by("-ends_on")
    levels = levels if levels is not None else _levels()
    due_when = [
        When(
            Q(
                level_id=level.pk,
                current_ends_on__isnull=False,
                current_ends_on__lte=on + dt.timedelta(days=level.renewal_notice_days),
                renewed=False,
            ),
            then=Value(RegistrationStatus.DUE),
        )
        for level in levels
    ]
    return qs.annotate(
        current_starts_on=Subquery(current.values("starts_on")[:1], output_field=DateField()),
        current_ends_on=Subquery(current.values("ends_on")[:1], output_field=DateField()),
        last_ends_on=Subquery(
            Registration.objects.filter(certificate_id=OuterRef("pk"), starts_on__lte=on)
            .order_by("-ends_on")
            .values("ends_on")[:1],
            output_field=DateField(),
        ),
        renewed=Exists(
            Registration.objects.filter(certificate_id=OuterRef("pk"), starts_on__gt=on)
        ),
    ).annotate(
        registration_status=Case(
            *due_when,
            When(current_ends_on__isnull=False, then=Value(RegistrationStatus.REGISTERED)),
            When(last_ends_on__isnull=False, then=Value(RegistrationStatus.LAPSED)),
            default=Value(RegistrationStatus.NOT_REGISTERED),
            output_field=CharField(),
        )
    )


def certified_list(*, user: User, on: dt.date) -> QuerySet[Certificate]:
    """Certificates of workers in scope with the registration status on a date."""
    return with_registration_status(
        certificate_scope(user).select_related(
            "level", "trainee", "trainee__subdistrict", "trainee__neighbourhood"
        ),
        on=on,
    )


def registration_attention_list(*, user: User, on: dt.date) -> QuerySet[Certificate]:
    """Active workers' certificates whose registration is due or has lapsed on the date."""
    return certified_list(user=user, on=on).filter(
        active_on_q(on, "trainee__"),
        registration_status__in=[RegistrationStatus.DUE, RegistrationStatus.LAPSED],
    )


def ce_list(*, user: User, on: dt.date) -> QuerySet[Certificate]:
    """Certificates in a current registration period with the CE hours credited in it.

    Dudao training that counts as CE (sessions.training_hours) plus external hours; `shortfall`
    is what the level still needs for re-registration (72 or 90 hours).
    """
    decimal = DecimalField(max_digits=7, decimal_places=1)
    external = (
        ExternalHours.objects.filter(
            trainee_id=OuterRef("trainee_id"),
            date__gte=OuterRef("current_starts_on"),
            date__lte=OuterRef("current_ends_on"),
        )
        .values("trainee_id")
        .annotate(h=Sum("hours"))
        .values("h")[:1]
    )
    return (
        certified_list(user=user, on=on)
        .filter(active_on_q(on, "trainee__"), current_ends_on__isnull=False)
        .annotate(
            ce_dudao=training_hours_subquery_for(
                trainee_ref="trainee_id",
                start=OuterRef("current_starts_on"),
                end=OuterRef("current_ends_on"),
            ),
            ce_external=Coalesce(
                Subquery(external, output_field=decimal), Value(Decimal("0")), output_field=decimal
            ),
        )
        .annotate(
            ce_total=F("ce_dudao") + F("ce_external"),
            ce_required=F("level__ce_hours"),
        )
        .annotate(shortfall=F("ce_required") - F("ce_total"))
    )


def ce_shortfall_list(*, user: User, on: dt.date) -> QuerySet[Certificate]:
    return ce_list(user=user, on=on).filter(shortfall__gt=0)


# --- eligibility --------------------------------------------------------------------------------


def rule_rows() -> list[RuleRow]:
    return [
        RuleRow(
            pk=r.pk,
            level_id=r.level_id,
            min_education=r.min_education,
            social_work_only=r.social_work_only,
            required_level_id=r.required_level_id,
            years=r.years,
            years_since_certificate=r.years_since_certificate,
        )
        for r in EligibilityRule.objects.all()
    ]


def next_exam_year(today: dt.date) -> int:
    """The first exam whose registration has not closed yet; next calendar year if none known."""
    year = (
        ExamYear.objects.filter(registration_closes__gte=today)
        .order_by("year")
        .values_list("year", flat=True)
        .first()
    )
    return year or today.year + 1


def eligible_q(*, level: Level, rules: list[RuleRow], exam_year: int) -> Q:
    """Trainee filter: may sit `level` in `exam_year` (and does not hold it) — rules.py in SQL."""
    year_end = dt.date(exam_year - 1, 12, 31)
    any_rule = Q(pk__in=[])
    for rule in rules:
        if rule.level_id != level.pk:
            continue
        # rules.experience_years(start, Y) >= n  <=>  start <= 1 January of (Y - n)
        since = dt.date(exam_year - rule.years, 1, 1)
        q = Q(education__in=educations_at_least(rule.min_education))
        if rule.social_work_only:
            q &= Q(major_is_social_work=True)
        if rule.years_since_certificate and rule.required_level_id:
            q &= Exists(
                Certificate.objects.filter(
                    trainee_id=OuterRef("pk"),
                    level_id=rule.required_level_id,
                    date_passed__lte=since,
                )
            )
        else:
            q &= Q(started_community_work__lte=since)
            if rule.required_level_id:
                q &= Exists(
                    Certificate.objects.filter(
                        trainee_id=OuterRef("pk"),
                        level_id=rule.required_level_id,
                        date_passed__lte=year_end,
                    )
                )
        any_rule |= q
    holds = Exists(Certificate.objects.filter(trainee_id=OuterRef("pk"), level_id=level.pk))
    return any_rule & ~holds


def pipeline_list(
    *, user: User, on: dt.date, exam_year: int, level: Level | None = None
) -> QuerySet[Trainee]:
    """Active workers holding no certificate who may sit the next exam (any level, or one)."""
    rules = rule_rows()
    levels = [level] if level else [lv for lv in _levels() if lv.rank <= 2]
    eligible = Q(pk__in=[])
    for lv in levels:
        eligible |= eligible_q(level=lv, rules=rules, exam_year=exam_year)
    return (
        trainee_scope(user)
        .filter(active_on_q(on))
        .filter(~Exists(Certificate.objects.filter(trainee_id=OuterRef("pk"))))
        .filter(eligible)
        .select_related("subdistrict", "neighbourhood")
    )


def worker_facts(trainee: Trainee, certificates: list[Certificate]) -> WorkerFacts:
    return WorkerFacts(
        education=trainee.education,
        major_is_social_work=trainee.major_is_social_work,
        started_community_work=trainee.started_community_work,
        certificates={c.level_id: c.date_passed for c in certificates},
    )


def eligibility_answers(
    *,
    trainees: list[Trainee],
    exam_year: int,
    levels: list[Level] | None = None,
    rules: list[RuleRow] | None = None,
) -> dict[int, list[Eligibility]]:
    """For each worker, an answer per level above the highest they hold: two queries at most."""
    levels = levels if levels is not None else _levels()
    rules = rules if rules is not None else rule_rows()
    names = {lv.pk: lv.name for lv in levels}
    held: dict[int, list[Certificate]] = {t.pk: [] for t in trainees}
    for cert in Certificate.objects.filter(trainee_id__in=list(held)):
        held[cert.trainee_id].append(cert)
    answers = {}
    for t in trainees:
        facts = worker_facts(t, held[t.pk])
        top = max((lv.rank for lv in levels if lv.pk in facts.certificates), default=0)
        answers[t.pk] = [
            eligibility_for_level(
                level_id=lv.pk,
                level_name=lv.name,
                rules=rules,
                facts=facts,
                exam_year=exam_year,
                level_names=names,
            )
            for lv in levels
            if lv.rank > top
        ]
    return answers


# --- one worker ---------------------------------------------------------------------------------


def worker_certification(*, trainee: Trainee, on: dt.date) -> dict[str, Any]:
    """The worker page's section: certificates and their registration, CE, attempts, next exam."""
    from .services import ce_hours_in_period

    levels = _levels()
    certificates = list(
        with_registration_status(
            Certificate.objects.filter(trainee=trainee).select_related("level"),
            on=on,
            levels=levels,
        )
        .prefetch_related("registrations")
        .order_by("-level__rank")
    )
    for cert in certificates:
        cert.ce = (
            ce_hours_in_period(
                trainee_id=trainee.pk, start=cert.current_starts_on, end=cert.current_ends_on
            )
            if cert.current_starts_on
            else None
        )
    attempts = list(
        trainee.exam_attempts.select_related("exam_year", "level").prefetch_related(
            "results__subject"
        )
    )
    exam_year = next_exam_year(on)
    answers = eligibility_answers(trainees=[trainee], exam_year=exam_year, levels=levels)
    return {
        "certificates": certificates,
        "attempts": attempts,
        "exam_year": exam_year,
        "eligibility": answers[trainee.pk],
        "statuses": RegistrationStatus,
    }


def subdistricts_for(user: User) -> QuerySet[Subdistrict]:
    return subdistrict_scope(user)
