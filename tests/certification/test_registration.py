"""Registration periods, their status on a date, and re-registration's CE hours."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from certification.models import Registration
from certification.rules import RegistrationStatus
from certification.selectors import ce_shortfall_list, certified_list, registration_attention_list
from certification.services import external_hours_add, registration_first, registration_renew
from tests.certification.conftest import certify
from tests.helpers import raises_rule
from training.models import Attendance, Enrolment, Sitting, TrainingEvent


def attend(trainee, day: dt.date, hours: str, *, ce: bool = True) -> None:
    event = TrainingEvent.objects.create(
        title="社区治理专题培训", kind="topic", credited_hours=Decimal(hours), counts_as_ce=ce
    )
    sitting = Sitting.objects.create(
        event=event,
        date=day,
        start_time=dt.time(9),
        end_time=dt.time(17),
        venue="区社工中心",
        capacity=50,
    )
    enrolment = Enrolment.objects.create(event=event, trainee=trainee, sitting=sitting)
    Attendance.objects.create(
        enrolment=enrolment,
        event=event,
        sitting=sitting,
        trainee=trainee,
        status="present",
        credited_hours=Decimal(hours),
    )


def status(user, on):
    return {c.pk: c.registration_status for c in certified_list(user=user, on=on)}


def test_first_registration_within_a_year_valid_three_years(world):
    cert = certify(world.worker, "assistant", dt.date(2022, 6, 18))
    with raises_rule(field="starts_on", message="首次登记须在取得证书后 12 个月内办理"):
        registration_first(certificate=cert, starts_on=dt.date(2023, 7, 1), actor=None)
    reg = registration_first(certificate=cert, starts_on=dt.date(2022, 9, 1), actor=None)
    assert reg.ends_on == dt.date(2025, 8, 31)
    # The same request again returns the same period.
    assert registration_first(certificate=cert, starts_on=dt.date(2022, 9, 1), actor=None) == reg


def test_status_moves_from_registered_to_due_to_lapsed(world):
    user = world.users.district
    cert = certify(world.worker, "assistant", dt.date(2022, 6, 18))
    assert status(user, dt.date(2022, 8, 1))[cert.pk] == RegistrationStatus.NOT_REGISTERED
    registration_first(certificate=cert, starts_on=dt.date(2022, 9, 1), actor=None)
    assert status(user, dt.date(2024, 1, 1))[cert.pk] == RegistrationStatus.REGISTERED
    assert status(user, dt.date(2025, 6, 1))[cert.pk] == RegistrationStatus.REGISTERED
    assert status(user, dt.date(2025, 6, 2))[cert.pk] == RegistrationStatus.DUE  # 90 days left
    assert status(user, dt.date(2025, 8, 31))[cert.pk] == RegistrationStatus.DUE
    assert status(user, dt.date(2025, 9, 1))[cert.pk] == RegistrationStatus.LAPSED
    attention = registration_attention_list(user=user, on=dt.date(2025, 9, 1))
    assert [c.pk for c in attention] == [cert.pk]


def test_renewal_needs_the_levels_ce_hours_from_training_and_external_records(world):
    cert = certify(world.worker, "assistant", dt.date(2022, 6, 18))
    registration_first(certificate=cert, starts_on=dt.date(2022, 9, 1), actor=None)
    # Not yet in the 90 days before expiry.
    with raises_rule(field="filed_on", message="再登记须在有效期届满前 90 天内办理"):
        registration_renew(certificate=cert, filed_on=dt.date(2025, 5, 1), actor=None)
    attend(world.worker, dt.date(2023, 4, 10), "40")
    attend(world.worker, dt.date(2023, 5, 10), "30", ce=False)  # does not count as CE
    attend(world.worker, dt.date(2022, 8, 10), "30")  # before the period
    shortfall = {
        c.pk: c for c in ce_shortfall_list(user=world.users.district, on=dt.date(2025, 7, 1))
    }
    assert shortfall[cert.pk].ce_total == Decimal("40")
    assert shortfall[cert.pk].shortfall == Decimal("32")
    with pytest.raises(ValidationError, match="继续教育学时不足"):
        registration_renew(certificate=cert, filed_on=dt.date(2025, 7, 1), actor=None)
    with raises_rule(field="evidence", message="请注明证明材料"):
        external_hours_add(
            trainee=world.worker,
            date=dt.date(2024, 11, 2),
            hours=Decimal("32"),
            provider="市社工协会",
            evidence=" ",
            actor=world.users.district,
        )
    external_hours_add(
        trainee=world.worker,
        date=dt.date(2024, 11, 2),
        hours=Decimal("32"),
        provider="市社工协会",
        evidence="继续教育证书编号 2024-117",
        actor=world.users.admin_a,
    )
    assert not ce_shortfall_list(user=world.users.district, on=dt.date(2025, 7, 1)).exists()
    renewal = registration_renew(certificate=cert, filed_on=dt.date(2025, 7, 1), actor=None)
    assert (renewal.starts_on, renewal.ends_on) == (dt.date(2025, 9, 1), dt.date(2028, 8, 31))
    assert renewal.ce_hours == Decimal("72")
    assert (
        status(world.users.district, dt.date(2025, 7, 2))[cert.pk] == RegistrationStatus.REGISTERED
    )


def test_renewal_after_a_lapse_starts_on_the_filing_date(world):
    cert = certify(world.worker, "intermediate", dt.date(2019, 6, 15))
    registration_first(certificate=cert, starts_on=dt.date(2019, 10, 1), actor=None)
    attend(world.worker, dt.date(2021, 3, 3), "90")
    renewal = registration_renew(certificate=cert, filed_on=dt.date(2023, 1, 5), actor=None)
    assert renewal.starts_on == dt.date(2023, 1, 5)
    assert status(world.users.district, dt.date(2022, 12, 1))[cert.pk] == RegistrationStatus.LAPSED
    assert Registration.objects.filter(certificate=cert).count() == 2
