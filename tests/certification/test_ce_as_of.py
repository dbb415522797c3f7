"""Continuing-education hours as of a date count only hours earned by that date, within the
registration period in force on it (DOMAIN.md, "Training counts for who was there then"):
the CE shortfall list on a day, and re-registration on its filing date."""

import datetime as dt
from decimal import Decimal

from certification.models import ExternalHours
from certification.selectors import ce_list, ce_shortfall_list
from certification.services import registration_first, registration_renew
from tests.certification.conftest import certify
from tests.certification.test_registration import attend
from tests.helpers import raises_rule

FILED = dt.date(2025, 7, 1)  # in the 90 days before the first period ends (2025-08-31)


def external(trainee, day: dt.date, hours: str) -> None:
    ExternalHours.objects.create(
        trainee=trainee, date=day, hours=Decimal(hours), provider="市社工协会", evidence="2025-9"
    )


def registered(world):
    """陆晓燕: assistant certificate, registered 2022-09-01 to 2025-08-31; 40 CE hours in 2023."""
    cert = certify(world.worker, "assistant", dt.date(2022, 6, 18))
    registration_first(certificate=cert, starts_on=dt.date(2022, 9, 1), actor=None)
    attend(world.worker, dt.date(2023, 4, 10), "40")
    return cert


def test_the_shortfall_list_ignores_training_attended_after_the_date(world):
    cert = registered(world)
    attend(world.worker, FILED + dt.timedelta(days=1), "32")  # the day after
    (row,) = ce_list(user=world.users.district, on=FILED)
    assert (row.ce_dudao, row.ce_total, row.shortfall) == (
        Decimal("40"),
        Decimal("40"),
        Decimal("32"),
    )
    assert [c.pk for c in ce_shortfall_list(user=world.users.district, on=FILED)] == [cert.pk]
    # The day after, the 32 hours are earned and nothing is missing.
    after = FILED + dt.timedelta(days=1)
    (row,) = ce_list(user=world.users.district, on=after)
    assert row.ce_total == Decimal("72")
    assert not ce_shortfall_list(user=world.users.district, on=after).exists()


def test_the_shortfall_list_ignores_external_hours_dated_after_the_date(world):
    registered(world)
    external(world.worker, FILED, "10")  # on the day: counts
    external(world.worker, FILED + dt.timedelta(days=1), "22")  # after it: not yet
    (row,) = ce_list(user=world.users.district, on=FILED)
    assert (row.ce_external, row.shortfall) == (Decimal("10"), Decimal("22"))


def test_renewal_counts_hours_up_to_the_filing_date_not_the_rest_of_the_period(world):
    cert = registered(world)
    # Both earned inside the ending period, but after the filing date.
    attend(world.worker, dt.date(2025, 8, 1), "20")
    external(world.worker, dt.date(2025, 8, 15), "12")
    with raises_rule(
        message="继续教育学时不足：本登记有效期内已有 40 学时（督导系统培训 40，外部 0）"
    ):
        registration_renew(certificate=cert, filed_on=FILED, actor=None)
    # Filed once they are earned, the same hours carry it.
    renewal = registration_renew(certificate=cert, filed_on=dt.date(2025, 8, 20), actor=None)
    assert renewal.ce_hours == Decimal("72")
    assert renewal.starts_on == dt.date(2025, 9, 1)
