"""A certificate counts from its date (by default its exam year's results-release date), never
from the exam day; in between the worker's page shows it pending (待发证).

DOMAIN.md, "Dates that decide every figure"; issue 12. The suite's clock is pinned
(tests/conftest.py); the dates below are fixed.
"""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from certification.models import Certificate
from certification.selectors import rate_overall
from certification.services import attempt_record
from tests.certification.conftest import certify, exam, level, scores

RELEASED = dt.date(2024, 8, 20)  # the 2024 results-release date used below (data per year)


def _at(day: dt.date):
    """The clock on `day`, at noon in Shanghai (pages read "today" from it)."""
    return time_machine.travel(
        timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0))), tick=False
    )


def _certified_on(world, day: dt.date) -> int:
    return rate_overall(user=world.users.district, on=day).certified


def _pass_2024_assistant(world):
    """陆晓燕 passes the 2024 assistant exam; 2024's results are published on RELEASED."""
    year = exam(2024)
    year.results_released_on = RELEASED
    year.save(update_fields=["results_released_on"])
    attempt_record(
        trainee=world.worker,
        exam_year=year,
        level=level("assistant"),
        scores=scores("assistant", 61, 60),
        actor=world.users.district,
    )
    return year


def test_a_passed_worker_is_certified_from_the_release_date_not_the_exam_day(world):
    year = _pass_2024_assistant(world)
    cert = Certificate.objects.get(trainee=world.worker)
    assert cert.date_passed == year.exam_date
    assert cert.date_issued == RELEASED
    day_after_exam = year.exam_date + dt.timedelta(days=1)
    between = dt.date(2024, 7, 15)
    assert year.exam_date < between < RELEASED
    # The district rate: 3 workers on the books, none certified until the release date.
    for day in (year.exam_date, day_after_exam, between, RELEASED - dt.timedelta(days=1)):
        overall = rate_overall(user=world.users.district, on=day)
        assert (overall.active, overall.certified) == (3, 0), day
        assert cert.is_pending_on(day)
    overall = rate_overall(user=world.users.district, on=RELEASED)
    assert (overall.active, overall.certified) == (3, 1)
    assert not cert.is_pending_on(RELEASED)


def test_the_certification_dashboard_counts_the_certificate_from_the_release_date(
    world, client_for
):
    _pass_2024_assistant(world)
    client = client_for(world.users.district)
    url = reverse("certification:dashboard")
    before = client.get(url, {"on": "2024-07-15"})
    on_release = client.get(url, {"on": RELEASED.isoformat()})
    assert before.status_code == on_release.status_code == 200
    assert before.context["overall"].certified == 0
    assert "0 人持有任一等级证书" in before.content.decode()
    assert on_release.context["overall"].certified == 1
    assert "1 人持有任一等级证书" in on_release.content.decode()


def test_the_worker_page_shows_the_certificate_pending_until_the_release_date(world, client_for):
    _pass_2024_assistant(world)
    url = reverse("trainees:detail", args=[world.worker.pk])
    with _at(dt.date(2024, 7, 15)):
        pending = client_for(world.users.district).get(url)
    with _at(RELEASED):
        held = client_for(world.users.district).get(url)
    assert pending.status_code == held.status_code == 200
    assert "待发证" in pending.content.decode()
    assert "自 2024-08-20 起计为持证" in pending.content.decode()
    assert "待发证" not in held.content.decode()


def test_a_certificate_with_its_own_date_counts_from_that_date_not_the_release_date(world):
    _pass_2024_assistant(world)
    # Corrected from the paper certificate: dated after the release.
    Certificate.objects.filter(trainee=world.worker).update(date_issued=dt.date(2024, 10, 8))
    assert _certified_on(world, RELEASED) == 0
    assert _certified_on(world, dt.date(2024, 10, 7)) == 0
    assert _certified_on(world, dt.date(2024, 10, 8)) == 1
    # A certificate written with its own date (here earlier than that year's release).
    cert = certify(world.colleague, "assistant", dt.date(2024, 6, 15))
    cert.date_issued = dt.date(2024, 8, 1)
    cert.save(update_fields=["date_issued"])
    assert _certified_on(world, dt.date(2024, 7, 31)) == 0
    assert _certified_on(world, dt.date(2024, 8, 1)) == 1
    assert _certified_on(world, RELEASED) == 1
