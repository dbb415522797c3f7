"""One worker's certification: the worker page's section and the continuing-education period
shown on the worker's own training page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from trainees.models import Trainee

from ..models import Certificate, Registration
from ..rules import RegistrationStatus
from .eligibility import eligibility_answers, next_exam_year
from .population import levels_by_rank
from .registration import ce_hours_in_period, with_registration_status


@dataclass(frozen=True)
class CePeriod:
    """The registration period in force on a day and the CE hours earned in it by that day."""

    level_name: str
    start: dt.date
    end: dt.date
    required: Decimal  # the level's `ce_hours`
    dudao: Decimal  # Dudao training that counts as CE
    external: Decimal  # external hours with evidence

    @property
    def total(self) -> Decimal:
        return self.dudao + self.external

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.total, Decimal("0"))


def worker_ce_period(*, trainee: Trainee, on: dt.date) -> CePeriod | None:
    """The period of the worker's highest-level registration in force on `on` (a Registration
    row: its own start and end), or None when no registration covers the day. Two queries."""
    registration = (
        Registration.objects.filter(trainee=trainee, starts_on__lte=on, ends_on__gte=on)
        .select_related("certificate__level")
        .order_by("-certificate__level__rank", "-starts_on")
        .first()
    )
    if registration is None:
        return None
    level = registration.certificate.level
    hours = ce_hours_in_period(trainee_id=trainee.pk, start=registration.starts_on, end=on)
    return CePeriod(
        level_name=level.name,
        start=registration.starts_on,
        end=registration.ends_on,
        required=level.ce_hours,
        dudao=hours["dudao"],
        external=hours["external"],
    )


def worker_certification(*, trainee: Trainee, on: dt.date) -> dict[str, Any]:
    """The worker page's section: certificates and their registration, CE, attempts, next exam.

    A certificate's CE hours are those earned by `on` in the registration period covering it.
    """
    levels = levels_by_rank()
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
        # Passed, certificate not yet dated by `on`: not held yet (待发证).
        cert.pending = cert.is_pending_on(on)
        cert.ce = (
            ce_hours_in_period(trainee_id=trainee.pk, start=cert.current_starts_on, end=on)
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
