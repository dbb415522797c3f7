"""Who is counted on a date and what they hold then: the predicates every certification read
uses (DOMAIN.md, "Dates that decide every figure").

A worker is *active on d* when they had joined by d and had not left by d (`joined <= d` and
`left_on` empty or after d; `Trainee.status` is only today's state). A worker *holds* a
certificate on d when one was obtained on or before d (certificates do not expire), and is
*registered* on d when a registration period (a Registration row) covers d.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from ..models import Certificate, Level, Registration


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


def levels_by_rank() -> list[Level]:
    """The levels, lowest first: one query, passed down so a page reads them once."""
    return list(Level.objects.order_by("rank"))
