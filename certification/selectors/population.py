"""Who is counted on a date and what they hold then: the predicates every certification read
uses (DOMAIN.md, "Dates that decide every figure").

The populations (在册 on the books, 在岗 on duty) come from `trainees.populations`; the rates
divide by 在册. A worker *holds* a certificate on d when the certificate's date
(`Certificate.date_issued`, by default its exam year's results-release date) is on or before d
— never from the exam day; between passing and that date the certificate is *pending* (待发证).
Certificates do not expire. A worker is *registered* on d when a registration period (a
Registration row) covers d.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from trainees.populations import on_books_q

from ..models import Certificate, Level, Registration


def active_on_q(day: dt.date, prefix: str = "") -> Q:
    """The rates' population: 在册 (on the books) on the day."""
    return on_books_q(day, prefix)


def certificate_held_q(day: dt.date, prefix: str = "") -> Q:
    """A certificate that counts on `day`: its date (发证日期) is on or before it."""
    return Q(**{f"{prefix}date_issued__lte": day})


def held_on(day: dt.date, ref: str = "pk") -> Exists:
    return Exists(Certificate.objects.filter(certificate_held_q(day), trainee_id=OuterRef(ref)))


def registered_on(day: dt.date, ref: str = "pk") -> Exists:
    return Exists(
        Registration.objects.filter(trainee_id=OuterRef(ref), starts_on__lte=day, ends_on__gte=day)
    )


def held_on_q(day: dt.date, field: str = "trainee_id") -> Q:
    """`held_on` as `field IN (the holders on the day)`: on a scan of many rows PostgreSQL
    hashes the holders once instead of probing the certificates row by row."""
    holders = Certificate.objects.filter(certificate_held_q(day)).values("trainee_id")
    return Q(**{f"{field}__in": holders})


def registered_on_q(day: dt.date, field: str = "trainee_id") -> Q:
    """`registered_on` as `field IN (the workers registered on the day)`, as `held_on_q`."""
    registered = Registration.objects.filter(starts_on__lte=day, ends_on__gte=day)
    return Q(**{f"{field}__in": registered.values("trainee_id")})


def top_rank_on(day: dt.date, levels: Sequence[Level], field: str = "trainee_id") -> Case:
    """The rank of the highest level held on the day, NULL for none: one hashed `IN` per level
    (`levels` from `levels_by_rank`), highest first."""
    whens = [
        When(
            Q(
                **{
                    f"{field}__in": Certificate.objects.filter(
                        certificate_held_q(day), level_id=level.pk
                    ).values("trainee_id")
                }
            ),
            then=Value(level.rank),
        )
        for level in sorted(levels, key=lambda level: level.rank, reverse=True)
    ]
    return Case(*whens, default=None, output_field=IntegerField())


def levels_by_rank() -> list[Level]:
    """The levels, lowest first: one query, passed down so a page reads them once."""
    return list(Level.objects.order_by("rank"))
