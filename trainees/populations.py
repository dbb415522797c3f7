"""Who is counted on a date, and where: the one place that defines the populations and the
"on date d" predicates every selector, figure, report and export uses (STYLE.md, "Time";
DOMAIN.md, "Dates that decide every figure").

A worker's history is a run of dated periods (`WorkerPeriod`, written only by
trainees.history): placement (subdistrict, committee), post, grade and employment state, each
period ending on its last day. Exactly one period covers each day from the day they first
joined; before it there is none.

Two populations, never confused, each with one label everywhere:

- 在册 (on the books, `on_books_q`): the period covering d is 在岗, 休假 or 借调 — joined on or
  before d and not yet left by d, including workers on leave or seconded. Leaving (离职/退休) is
  a period too, starting on the first day off the books, so a worker who leaves on d is counted
  on d - 1 and not on d; one who comes back is counted again from the day they return.
- 在岗 (on duty, `on_duty_q`): the period covering d is 在岗 (neither on leave nor seconded).

Where a worker belongs on d (subdistrict, committee, post, grade) is the period covering d, so
figures broken down by place, post or grade are queries over periods: `periods_on(d)` gives
one row per worker on the books on d, carrying their placement then (`subdistrict_id`,
`neighbourhood_id`, `post`, `grade_id`, and `trainee__…` for the person).

Pairings (督导结对) end on their last day too (`paired_on_q`): a pairing that ends on d covers d,
and a reassignment ends the old pairing the day before the new one starts.

The `*_q` predicates on workers take a `prefix` for related lookups (`on_books_q(d, "trainee__")`
on certificates or attendance); `period_*_q` take the prefix of a period relation
(`"worker_periods__"` on subdistricts and committees).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import ON_BOOKS_STATES, EmploymentState, WorkerPeriod

# The labels and footnotes of the two populations: every page that counts workers uses these,
# so one label never names two populations.
ON_BOOKS_LABEL = _("在册")
ON_DUTY_LABEL = _("在岗")
ON_BOOKS_NOTE = _("在册：当日已入职且尚未离职、退休，含休假、借调人员。")
ON_DUTY_NOTE = _("在岗：在册且当日未休假、未借调。")


def period_covers_q(day, prefix: str = "") -> Q:
    """A period that includes `day` (a date or a date expression)."""
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


def period_on_books_q(day: dt.date, prefix: str = "") -> Q:
    return period_covers_q(day, prefix) & Q(**{f"{prefix}state__in": ON_BOOKS_STATES})


def period_on_duty_q(day: dt.date, prefix: str = "") -> Q:
    return period_covers_q(day, prefix) & Q(**{f"{prefix}state": EmploymentState.ON_DUTY})


def periods_on(day: dt.date) -> QuerySet[WorkerPeriod]:
    """One row per worker on the books (在册) on `day`, with where they belonged then."""
    return WorkerPeriod.objects.filter(period_on_books_q(day)).order_by()


def periods_on_duty(day: dt.date) -> QuerySet[WorkerPeriod]:
    """One row per worker on duty (在岗) on `day`, with where they belonged then."""
    return WorkerPeriod.objects.filter(period_on_duty_q(day)).order_by()


def _ref(prefix: str) -> OuterRef:
    """The worker's id in the outer query: `pk` on workers, `trainee_id` for "trainee__" (the
    foreign key's own column, so no join is added). A to-many prefix ("trainees__") cannot
    work inside an aggregate: count periods instead (`period_*_q` with "worker_periods__")."""
    if not prefix:
        return OuterRef("pk")
    return OuterRef(f"{prefix[:-2]}_id")


def on_books_q(day: dt.date, prefix: str = "") -> Q:
    """在册 on `day`: the worker's period covering it is on the books."""
    return Q(Exists(WorkerPeriod.objects.filter(period_on_books_q(day), trainee_id=_ref(prefix))))


def on_books_during_q(start, end, prefix: str = "") -> Q:
    """在册 on at least one day from `start` to `end` (dates or date expressions): the workers
    an event spanning those days served."""
    overlapping = (
        Q(starts_on__lte=end)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        & Q(state__in=ON_BOOKS_STATES)
    )
    return Q(Exists(WorkerPeriod.objects.filter(overlapping, trainee_id=_ref(prefix))))


def on_duty_q(day: dt.date, prefix: str = "") -> Q:
    """在岗 on `day`: the worker's period covering it is on duty."""
    return Q(Exists(WorkerPeriod.objects.filter(period_on_duty_q(day), trainee_id=_ref(prefix))))


def paired_on_q(day: dt.date, prefix: str = "") -> Q:
    """A pairing (supervisors.Assignment) in force on `day`: started by it, ended on or after it."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def paired_throughout_q(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """A pairing in force on every day from `start` to `end` (both included)."""
    return Q(**{f"{prefix}started_on__lte": start}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": end})
    )
