"""The demo's resident populations (demo/seeders/populations.py): about 690,000 residents over
the district's committees, two dated figures each, a few committees unknown, and the staffing
figures that follow from them."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, Max, Min, Sum

from demo.seed import seed_demo
from neighbourhoods.models import MAX_RESIDENTS, Neighbourhood, ResidentPopulation
from trainees.staffing import staffing_rows

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo(today=TODAY, activity=False)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_populations_are_realistic_and_dated(demo):
    committees = Neighbourhood.objects.count()
    latest = ResidentPopulation.objects.filter(effective_from=dt.date(TODAY.year - 1, 1, 1))
    figures = latest.aggregate(total=Sum("residents"), low=Min("residents"), high=Max("residents"))
    assert 600_000 <= figures["total"] <= 780_000
    assert figures["low"] >= 2_000 and figures["high"] <= 7_000 < MAX_RESIDENTS
    # Two figures per committee known (the census and last year's), a few committees none.
    per = dict(
        ResidentPopulation.objects.values("neighbourhood_id")
        .annotate(n=Count("pk"))
        .values_list("neighbourhood_id", "n")
    )
    assert set(per.values()) == {2}
    assert 3 <= committees - len(per) <= committees // 20
    assert not ResidentPopulation.objects.filter(effective_from__gt=TODAY).exists()


@pytest.mark.django_db
def test_the_demo_staffing_shows_ratios_and_unknown_committees(demo):
    staffing = staffing_rows(on=TODAY - dt.timedelta(days=1))
    assert staffing.norm == 18
    assert staffing.total.unknown >= 3
    assert len(staffing.subdistricts) == 10
    assert all(s.per_10k is not None and s.per_10k > 0 for s in staffing.subdistricts)
    unknown = [r for r in staffing.rows if r.is_unknown]
    assert unknown and all(r.per_10k is None for r in unknown)
    # The census figure applies before last year's count.
    census = staffing_rows(on=dt.date(2021, 6, 1))
    assert census.total.residents != staffing.total.residents
