"""The demo's certificate grants and grade ledger (demo/seeders/hr_year.py): past years' owed
grants paid, the last locked year's left for HR; this year's ledger computed for everyone on
the books and left for review, each proposal explained by its reasons."""

import datetime as dt

import pytest
from django.db import transaction

from accounts.models import User
from certification.grades.models import GradeYear, LedgerStatus
from certification.grants.models import GrantPayment
from certification.grants.rules import GrantStatus
from certification.grants.selectors import grant_rows
from demo.seed import seed_demo
from trainees.models import Trainee
from trainees.populations import on_books_q

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo(today=TODAY)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_past_grants_are_paid_and_the_last_years_are_owed(demo):
    district = User.objects.get(username="district")
    for year in (2023, 2024):
        rows = grant_rows(user=district, year=year)
        assert not rows.filter(status=GrantStatus.OWED).exists(), year
        assert rows.filter(status=GrantStatus.PAID).count() > 10, year
    last = grant_rows(user=district, year=2025)
    assert last.filter(status=GrantStatus.OWED).count() > 10
    assert not last.filter(status=GrantStatus.PAID).exists()
    for payment in GrantPayment.objects.select_related("certificate__level"):
        expected = {"assistant": 1500, "intermediate": 3000, "senior": 5000}
        assert payment.amount == expected[payment.certificate.level.code]
        assert payment.paid_on == dt.date(payment.year + 1, 3, 15)


@pytest.mark.django_db
def test_this_years_ledger_covers_everyone_and_explains_each_grade(demo):
    ledger = GradeYear.objects.get()
    assert (ledger.year, ledger.effective_on, ledger.status) == (
        2026,
        dt.date(2027, 1, 1),
        LedgerStatus.DRAFT,
    )
    on_books = set(
        Trainee.objects.filter(on_books_q(dt.date(2026, 12, 31))).values_list("pk", flat=True)
    )
    proposals = list(ledger.proposals.all())
    assert {p.trainee_id for p in proposals} == on_books
    moving = [p for p in proposals if p.moves]
    assert 0.2 < len(moving) / len(proposals) < 0.8
    for p in proposals:
        assert p.final_level == p.from_level + sum(r["grades"] for r in p.reasons), p.pk
