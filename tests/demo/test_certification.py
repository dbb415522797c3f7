"""The demo's certification history (demo/seeders/certification.py): the rate rises from about
35% toward 60%, and the rows follow the rules the services enforce."""

import datetime as dt

import pytest

from accounts.models import User
from certification.models import Certificate, ExamAttempt, ExternalHours, Registration
from certification.rules import add_months
from certification.selectors import rate_overall
from certification.services import level_pass_date
from demo.context import SeedContext
from demo.seed import seed_demo
from demo.seeders.certification import seed_certification
from neighbourhoods.models import Subdistrict

# The demo's "today" when the figures below were set (the history ends the day before).
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            seed_demo(activity=False, today=TODAY)
            ctx = SeedContext(seed=2019, scale=1, today=TODAY, password="x")
            ctx.subdistricts = {s.code: s for s in Subdistrict.objects.all()}
            yield seed_certification(ctx)
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_rate_rises_from_about_35_toward_60(demo):
    # How long seeding takes is measured in bench/seed_demo.py, not here.
    district = User.objects.get(username="district")
    start = rate_overall(user=district, on=dt.date(2019, 1, 1))
    end = rate_overall(user=district, on=TODAY)
    assert 30 <= start.certified_pct <= 40
    assert 50 <= end.certified_pct <= 62
    assert end.registered < end.certified  # some registrations lapsed


@pytest.mark.django_db
def test_demo_certificates_follow_the_pass_rule(demo):
    from_exams = Certificate.objects.filter(
        trainee__exam_attempts__level=models_f("level")
    ).distinct()[:60]
    for cert in from_exams.select_related("trainee", "level"):
        assert level_pass_date(trainee=cert.trainee, level=cert.level) == cert.date_passed
    # Every completed sitting of assistant or intermediate led to a certificate.
    for attempt in ExamAttempt.objects.select_related("trainee", "level")[:200]:
        if level_pass_date(trainee=attempt.trainee, level=attempt.level):
            assert Certificate.objects.filter(trainee=attempt.trainee, level=attempt.level).exists()


@pytest.mark.django_db
def test_demo_registrations_follow_the_rules(demo):
    regs = list(
        Registration.objects.select_related("certificate__level").order_by(
            "certificate", "starts_on"
        )
    )
    assert regs
    previous = None
    for reg in regs:
        cert = reg.certificate
        if reg.kind == Registration.Kind.FIRST:
            assert (
                cert.date_passed
                <= reg.starts_on
                <= add_months(cert.date_passed, cert.level.first_registration_months)
            )
        else:
            assert previous is not None and previous.certificate_id == cert.pk
            assert reg.starts_on > previous.ends_on
        previous = reg


def models_f(name):
    from django.db.models import F

    return F(name)


@pytest.mark.django_db
def test_demo_external_hours_are_within_the_rule(demo):
    """Every record is 1–200 hours with evidence (external_hours_range; a 0.0-hour record
    once stopped `seed_demo --scale 50`) and dated before today."""
    hours = list(ExternalHours.objects.values_list("hours", "date", "evidence"))
    assert hours
    assert all(0 < h <= 200 and day < TODAY and evidence for h, day, evidence in hours)
