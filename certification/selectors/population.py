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

from django.db.models import Exists, OuterRef, Q

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


def levels_by_rank() -> list[Level]:
    """The levels, lowest first: one query, passed down so a page reads them once."""
    return list(Level.objects.order_by("rank"))
