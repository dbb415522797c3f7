"""Registration (登记) on a date, the renewal notice window, and continuing education (继续教育).

Every rule is a row: a registration period is a Registration row (its own start and end, not
a count of years from the pass date); the notice window is `Level.renewal_notice_days` of the
certificate's level; the hours a period needs are `Level.ce_hours`. Continuing-education hours
as of a date are those earned by that date within the period that covers it (DOMAIN.md,
"Training counts for who was there then").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from trainees.selectors import trainee_scope
from training.selectors import training_hours, training_hours_subquery_for

from ..models import Certificate, ExternalHours, Level, Registration
from ..rules import RegistrationStatus
from .population import active_on_q, levels_by_rank

HOURS = DecimalField(max_digits=7, decimal_places=1)


def certificate_scope(user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(trainee__in=trainee_scope(user))


def renewal_notice_q(*, on: dt.date, levels: list[Level], level: str, ends_on: str) -> Q:
    """A period ending within its level's notice days after `on` (`level` and `ends_on` name
    the level id and the period's last day in the filtered query)."""
    due = Q(pk__in=[])
    for lv in levels:
        horizon = on + dt.timedelta(days=lv.renewal_notice_days)
        due |= Q(**{level: lv.pk, f"{ends_on}__lte": horizon})
    return due


def with_registration_status(
    qs: QuerySet[Certificate], *, on: dt.date, levels: list[Level] | None = None
) -> QuerySet[Certificate]:
    """Annotate each certificate with its registration status on a date and the period dates.

    due: the current period ends within the level's notice days and no later period has been
    recorded; lapsed: registered before, but no period covers the date.
    """
    current = Registration.objects.filter(
        certificate_id=OuterRef("pk"), starts_on__lte=on, ends_on__gte=on
    ).order_by("-ends_on")
    levels = levels if levels is not None else levels_by_rank()
    due = renewal_notice_q(on=on, levels=levels, level="level_id", ends_on="current_ends_on")
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
            When(
                due & Q(current_ends_on__isnull=False, renewed=False),
                then=Value(RegistrationStatus.DUE),
            ),
            When(current_ends_on__isnull=False, then=Value(RegistrationStatus.REGISTERED)),
            When(last_ends_on__isnull=False, then=Value(RegistrationStatus.LAPSED)),
            default=Value(RegistrationStatus.NOT_REGISTERED),
            output_field=CharField(),
        )
    )


def certified_list(
    *, user: User, on: dt.date, levels: list[Level] | None = None
) -> QuerySet[Certificate]:
    """Certificates of workers in scope with the registration status on a date."""
    return with_registration_status(
        certificate_scope(user).select_related(
            "level", "trainee", "trainee__subdistrict", "trainee__neighbourhood"
        ),
        on=on,
        levels=levels,
    )


def registration_attention_list(
    *, user: User, on: dt.date, levels: list[Level] | None = None
) -> QuerySet[Certificate]:
    """Active workers' certificates whose registration is due or has lapsed on the date."""
    return certified_list(user=user, on=on, levels=levels).filter(
        active_on_q(on, "trainee__"),
        registration_status__in=[RegistrationStatus.DUE, RegistrationStatus.LAPSED],
    )


def registrations_due(*, on: dt.date, levels: list[Level] | None = None) -> QuerySet[Registration]:
    """Periods in force on `on` that end within their level's notice days, held by a worker
    active that day and not yet followed by a later period (the renewal reminders)."""
    levels = levels if levels is not None else levels_by_rank()
    later = Registration.objects.filter(
        certificate_id=OuterRef("certificate_id"), starts_on__gt=OuterRef("starts_on")
    )
    return (
        Registration.objects.filter(starts_on__lte=on, ends_on__gte=on)
        .filter(
            renewal_notice_q(on=on, levels=levels, level="certificate__level_id", ends_on="ends_on")
        )
        .filter(active_on_q(on, "trainee__"))
        .exclude(Exists(later))
    )


def ce_hours_in_period(*, trainee_id: int, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """Continuing-education hours credited in start..end: Dudao training plus external."""
    dudao = training_hours(trainee_id=trainee_id, start=start, end=end, ce_only=True)
    external = sum(
        ExternalHours.objects.filter(
            trainee_id=trainee_id, date__gte=start, date__lte=end
        ).values_list("hours", flat=True),
        Decimal("0"),
    )
    return {"dudao": dudao, "external": external, "total": dudao + external}


def ce_list(*, user: User, on: dt.date) -> QuerySet[Certificate]:
    """Certificates in a registration period on `on`, with the CE hours earned in it by then.

    Dudao training that counts as CE plus external hours, from the period's first day to `on`;
    `shortfall` is what the level's `ce_hours` still asks for re-registration.
    """
    external = (
        ExternalHours.objects.filter(
            trainee_id=OuterRef("trainee_id"), date__gte=OuterRef("current_starts_on"), date__lte=on
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
                trainee_ref="trainee_id", start=OuterRef("current_starts_on"), end=on
            ),
            ce_external=Coalesce(
                Subquery(external, output_field=HOURS), Value(Decimal("0")), output_field=HOURS
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
