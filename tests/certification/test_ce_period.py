"""Continuing education is counted within the worker's actual registration periods (the
Registration rows' own start and end), never in 3-year steps from the pass date; the hours a
period needs are the level's row (DOMAIN.md, "Training counts for who was there then")."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from certification.models import ExternalHours, Level, Registration
from certification.rules import add_years, registration_end
from certification.selectors import ce_list, worker_ce_period, worker_certification
from tests.certification.conftest import certify
from tests.certification.test_registration import attend


def registered_worker(world, today: dt.date):
    """陆晓燕 passed about four years ago and registered 200 days later; renewed since.

    Counted from the pass date, the period would have started 3 years after it (about 400
    days ago); her registration rows say about 200 days ago.
    """
    passed = today - dt.timedelta(days=1500)
    first = passed + dt.timedelta(days=200)
    renewal = registration_end(first, 3) + dt.timedelta(days=1)
    cert = certify(world.worker, "assistant", passed, registrations=[first, renewal])
    assert add_years(passed, 3) < renewal <= today  # the two ways of counting differ
    attend(world.worker, today - dt.timedelta(days=300), "20")  # before the renewal
    attend(world.worker, today - dt.timedelta(days=100), "12")  # in the current period
    return cert, renewal


def test_the_workers_page_counts_hours_in_the_registration_period(world, client_for):
    today = timezone.localdate()
    cert, renewal = registered_worker(world, today)
    client = client_for(world.users.worker)
    period = client.get(reverse("training:mine")).context["ce_period"]
    assert (period.start, period.end) == (renewal, registration_end(renewal, 3))
    assert (period.dudao, period.required) == (Decimal("12"), Decimal("72"))

    # Edit the rows: the renewal filed earlier, the level asking 90 hours.
    earlier = today - dt.timedelta(days=350)
    Registration.objects.filter(certificate=cert, starts_on=renewal).update(
        starts_on=earlier, ends_on=registration_end(earlier, 3)
    )
    Level.objects.filter(code="assistant").update(ce_hours=Decimal("90"))
    page = client.get(reverse("training:mine"))
    period = page.context["ce_period"]
    assert (period.start, period.total, period.required) == (earlier, Decimal("32"), Decimal("90"))
    text = page.content.decode()
    assert "需 90.0 学时" in text and "助理社会工作师证书当前登记有效期" in text


def test_no_registration_in_force_means_no_period(world, client_for):
    today = timezone.localdate()
    certify(world.worker, "assistant", today - dt.timedelta(days=400))  # never registered
    attend(world.worker, today - dt.timedelta(days=30), "6")
    page = client_for(world.users.worker).get(reverse("training:mine"))
    assert page.context["ce_period"] is None
    assert "你目前没有有效的证书登记" in page.content.decode()


def test_hours_count_by_the_day_asked_within_that_days_period(world):
    today = timezone.localdate()
    cert, renewal = registered_worker(world, today)
    ExternalHours.objects.create(
        trainee=world.worker,
        date=renewal + dt.timedelta(days=10),
        hours=Decimal("4"),
        provider="市社工协会",
        evidence="证书 2024-117",
    )
    day = today - dt.timedelta(days=50)  # after both attendances and the external hours
    period = worker_ce_period(trainee=world.worker, on=day)
    assert (period.dudao, period.external) == (Decimal("12"), Decimal("4"))
    # Asked for a day before the 12 hours were earned, they do not count yet.
    before = today - dt.timedelta(days=101)
    assert worker_ce_period(trainee=world.worker, on=before).dudao == Decimal("0")
    (row,) = ce_list(user=world.users.district, on=before)
    assert (row.ce_total, row.shortfall) == (Decimal("4"), Decimal("68"))
    (mine,) = worker_certification(trainee=world.worker, on=before)["certificates"]
    assert mine.ce["total"] == Decimal("4")
    # A day in the first period counts the first period's hours.
    first_period_day = renewal - dt.timedelta(days=1)
    assert worker_ce_period(trainee=world.worker, on=first_period_day).dudao == Decimal("20")
