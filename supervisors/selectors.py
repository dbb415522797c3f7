"""Reads of the supervisor team, pairings and coverage. Scoping rules live here."""

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.capabilities import scope_by_subdistrict, scoped_subdistrict_id
from accounts.models import User
from neighbourhoods.selectors import subdistrict_scope
from trainees.populations import ON_DUTY_NOTE, paired_on_q, periods_on_duty

from .models import Assignment, SupervisionMode, SupervisionPolicy, Supervisor


def supervision_policy() -> SupervisionPolicy:
    """The district's row (seeded by a migration); its defaults if it was removed."""
    return SupervisionPolicy.objects.order_by("pk").first() or SupervisionPolicy()


def supervised_trainee_ids(user: User) -> QuerySet:
    """Ids of the workers currently paired with this supervisor login (a subquery, not a list)."""
    return Assignment.objects.filter(supervisor__user=user, ended_on__isnull=True).values(
        "trainee_id"
    )


def _active_load(on: dt.date | None = None) -> Subquery:
    """A supervisor's number of pairings: open ones, or those in force on `on` when given."""
    pairings = paired_on_q(on) if on is not None else Q(ended_on__isnull=True)
    return Coalesce(
        Subquery(
            Assignment.objects.filter(pairings, supervisor=OuterRef("pk"))
            .values("supervisor")
            .annotate(c=Count("pk"))
            .values("c")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def supervisor_scope(user: User) -> QuerySet[Supervisor]:
    qs = Supervisor.objects.all()
    if user.is_supervisor:
        return qs.filter(user=user)
    if user.is_worker:
        return qs.filter(assignments__trainee__user=user).distinct()
    own = scoped_subdistrict_id(user)
    if own is None:
        return scope_by_subdistrict(qs, user)  # the whole district, or nothing
    # A subdistrict's own team, and anyone currently supervising one of its workers.
    return qs.filter(
        Q(home_subdistrict_id=own)
        | Q(
            pk__in=Assignment.objects.filter(
                ended_on__isnull=True, trainee__subdistrict_id=own
            ).values("supervisor_id")
        )
    )


def supervisor_list(*, user: User) -> QuerySet[Supervisor]:
    return (
        supervisor_scope(user)
        .select_related("home_subdistrict")
        .annotate(
            load=_active_load(),
            mentor_count=Count(
                "assignments",
                filter=Q(
                    assignments__ended_on__isnull=True, assignments__mode=SupervisionMode.MENTOR
                ),
            ),
        )
    )


def get_supervisor_for_user(user: User, pk: int) -> Supervisor:
    supervisor = supervisor_list(user=user).filter(pk=pk).first()
    if supervisor is None:
        raise Http404
    return supervisor


def assignment_scope(user: User) -> QuerySet[Assignment]:
    qs = Assignment.objects.all()
    if user.is_supervisor:
        return qs.filter(supervisor__user=user)
    if user.is_worker:
        return qs.filter(trainee__user=user)
    return scope_by_subdistrict(qs, user, "trainee__subdistrict")


def assignment_list(*, user: User) -> QuerySet[Assignment]:
    return assignment_scope(user).select_related(
        "supervisor",
        "supervisor__home_subdistrict",
        "trainee",
        "trainee__subdistrict",
        "trainee__neighbourhood",
    )


def coverage_board(*, user: User, on: dt.date | None = None) -> dict:
    """Per subdistrict, on a date (today by default): workers 在岗 (on duty, the board's
    population — trainees.populations), supervisors serving them, ratio, uncovered, mode split.
    A pairing covers its end date (end dates are last days).

    Five queries whatever the size of the district: the subdistricts in scope, their workers
    and pairings, the supervisors' loads by home subdistrict, the district total of serving
    supervisors, and the district's policy.
    """
    on = on or timezone.localdate()
    scope = subdistrict_scope(user)
    # One scan of the periods covering the date (one per worker on duty, in the subdistrict
    # they were placed in then), each joined only to the pairings in force that day. Joining
    # every pairing a worker ever had and filtering inside the counts made the database
    # aggregate the whole history: 561 ms of SQL at 100,000 workers, now about 135 ms
    # (EXPLAIN ANALYZE on the scale-50 seed: parallel hash joins, one group per subdistrict).
    pairing = "pairing__"
    counts = (
        periods_on_duty(on)
        .filter(subdistrict__in=scope)
        .annotate(
            pairing=FilteredRelation(
                "trainee__assignments", condition=paired_on_q(on, "trainee__assignments__")
            )
        )
        .values("subdistrict_id")
        .annotate(
            workers=Count("trainee_id", distinct=True),
            covered=Count(f"{pairing}trainee_id", distinct=True),
            mentor=Count(
                f"{pairing}trainee_id",
                filter=Q(**{f"{pairing}mode": SupervisionMode.MENTOR}),
                distinct=True,
            ),
            drill=Count(
                f"{pairing}trainee_id",
                filter=Q(**{f"{pairing}mode": SupervisionMode.DRILL}),
                distinct=True,
            ),
            serving=Count(f"{pairing}supervisor_id", distinct=True),
        )
        .order_by()
    )
    by_subdistrict = {row["subdistrict_id"]: row for row in counts}
    rows = list(scope.order_by("code"))
    for row in rows:
        figures = by_subdistrict.get(row.pk, {})
        for key in ("workers", "covered", "mentor", "drill", "serving"):
            setattr(row, key, figures.get(key, 0))
    team = (
        Supervisor.objects.filter(is_active=True, home_subdistrict__in=scope)
        # Loads as of the board's date; the team itself (is_active, capacity) has no history.
        .annotate(load=_active_load(on))
        .values("home_subdistrict_id")
        .annotate(
            members=Count("pk"),
            at_capacity=Count("pk", filter=Q(load__gte=F("capacity"))),
        )
    )
    by_home = {row["home_subdistrict_id"]: row for row in team}
    for row in rows:
        home = by_home.get(row.pk, {})
        row.team = home.get("members", 0)
        row.at_capacity = home.get("at_capacity", 0)
        row.uncovered = row.workers - row.covered
        row.ratio = round(row.covered / row.serving, 1) if row.serving else None
        row.coverage_pct = round(100 * row.covered / row.workers, 1) if row.workers else None
    totals = {
        key: sum(getattr(r, key) for r in rows)
        for key in ("workers", "covered", "mentor", "drill", "uncovered", "team", "at_capacity")
    }
    serving_total = (
        Assignment.objects.filter(
            paired_on_q(on),
            Exists(
                periods_on_duty(on).filter(trainee_id=OuterRef("trainee_id"), subdistrict__in=scope)
            ),
        )
        .values("supervisor")
        .distinct()
        .count()
    )
    totals["serving"] = serving_total
    totals["ratio"] = round(totals["covered"] / serving_total, 1) if serving_total else None
    totals["coverage_pct"] = (
        round(100 * totals["covered"] / totals["workers"], 1) if totals["workers"] else None
    )
    # At the district's ratio (SupervisionPolicy), the supervisors still needed to cover the
    # uncovered workers.
    policy = supervision_policy()
    totals["needed"] = policy.supervisors_needed(totals["uncovered"])
    return {
        "rows": rows,
        "totals": totals,
        "ratio": policy.district_ratio,
        "on": on,
        "on_duty_note": ON_DUTY_NOTE,
    }
