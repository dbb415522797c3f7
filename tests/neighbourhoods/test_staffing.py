"""Staffing against the quota (issue 14, item 5): dated populations, the norm as data, the
service that records a population, and `trainees.staffing.staffing_rows` as of a date."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from neighbourhoods.models import ResidentPopulation, StaffingNorm
from neighbourhoods.services import population_set
from tests.factories import NeighbourhoodFactory, TraineeFactory
from trainees.history import history_change
from trainees.models import ChangeKind
from trainees.staffing import staffing_rows

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _set(world, nb, residents, day=None, source="街道统计"):
    return population_set(
        neighbourhood=nb,
        effective_from=day or _today() - dt.timedelta(days=30),
        residents=residents,
        source=source,
        actor=world.users.district,
    )


# --- the service ----------------------------------------------------------------------------------


def test_population_set_records_audits_and_is_idempotent(world):
    row, changed = _set(world, world.na, 5000)
    assert changed and row.residents == 5000 and row.recorded_by == world.users.district
    event = AuditEvent.objects.get(object_type="neighbourhoods.residentpopulation")
    assert event.action == AuditAction.CREATE and event.changes["residents"] == [None, 5000]
    # The same figure again changes nothing; a correction of the same date updates the row.
    assert _set(world, world.na, 5000)[1] is False
    _set(world, world.na, 5200)
    assert ResidentPopulation.objects.get().residents == 5200
    update = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert update.changes["residents"] == [5000, 5200]


def test_population_set_is_the_districts_and_checks_its_figures(world):
    for persona in ("admin_a", "leader", "supervisor", "worker"):
        with pytest.raises(PermissionDenied):
            population_set(
                neighbourhood=world.na,
                effective_from=_today(),
                residents=5000,
                actor=getattr(world.users, persona),
            )
    with pytest.raises(ValidationError, match="生效日期"):
        _set(world, world.na, 5000, day=_today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="不能超过"):
        _set(world, world.na, 250_000)
    with pytest.raises(ValidationError):
        _set(world, world.na, 0)
    assert not ResidentPopulation.objects.exists()


# --- the selector ---------------------------------------------------------------------------------


def test_the_norm_is_data_seeded_at_eighteen(world):
    assert StaffingNorm.objects.get().workers_per_10k == Decimal("18")


def test_staffing_rows_by_committee_subdistrict_and_district(world):
    today = _today()
    # A: 2 workers in 华一 (world) + 3 more = 5 workers over 2,500 residents: 20 per 10,000.
    for _ in range(3):
        TraineeFactory(neighbourhood=world.na)
    _set(world, world.na, 2500)
    # A second committee of A without a population: unknown, out of the ratio.
    unknown = NeighbourhoodFactory(name="华二居委会", subdistrict=world.a)
    TraineeFactory(neighbourhood=unknown)
    # B: one worker over 10,000 residents.
    _set(world, world.nb, 10_000)

    staffing = staffing_rows(on=today)
    assert staffing.norm == Decimal("18")
    rows = {r.name: r for r in staffing.rows}
    hua = rows["华一居委会"]
    assert (hua.residents, hua.workers, hua.per_10k, hua.expected, hua.gap) == (
        2500,
        5,
        Decimal("20.0"),
        Decimal("4.5"),
        Decimal("0.5"),
    )
    two = rows["华二居委会"]
    assert two.is_unknown and (two.workers, two.per_10k, two.expected, two.unknown) == (
        1,
        None,
        None,
        1,
    )
    by_place = {s.name: s for s in staffing.subdistricts}
    a = by_place["华阳路街道"]
    assert (a.residents, a.workers, a.counted_workers, a.per_10k, a.unknown, a.committees) == (
        2500,
        6,
        5,
        Decimal("20.0"),
        1,
        2,
    )
    b = by_place["新泾镇"]
    assert (b.per_10k, b.expected, b.gap) == (Decimal("1.0"), Decimal("18.0"), Decimal("-17.0"))
    total = staffing.total
    assert (total.residents, total.workers, total.counted_workers, total.unknown) == (
        12_500,
        7,
        6,
        1,
    )
    assert total.per_10k == Decimal("4.8") and total.expected == Decimal("22.5")

    # One subdistrict: its committees and its total only.
    only_b = staffing_rows(on=today, subdistrict=world.b)
    assert [r.name for r in only_b.rows] == ["新泾一村居委会"]
    assert only_b.total.name == "新泾镇" and only_b.total.workers == 1


def test_staffing_as_of_a_past_date_uses_the_population_and_placement_of_that_date(world):
    today = _today()
    past = today - dt.timedelta(days=40)
    _set(world, world.na, 4000, day=today - dt.timedelta(days=100))
    _set(world, world.na, 5000, day=today - dt.timedelta(days=10))
    # The colleague moved to B twenty days ago: counted in A in the past, in B now.
    history_change(
        trainee=world.colleague,
        kind=ChangeKind.TRANSFER,
        effective_on=today - dt.timedelta(days=20),
        actor=world.users.district,
        subdistrict=world.b,
        neighbourhood=world.nb,
    )
    then = {r.name: r for r in staffing_rows(on=past).rows}
    now = {r.name: r for r in staffing_rows(on=today).rows}
    assert (then["华一居委会"].residents, then["华一居委会"].workers) == (4000, 2)
    assert (now["华一居委会"].residents, now["华一居委会"].workers) == (5000, 1)
    assert now["新泾一村居委会"].workers == 2
    # Before any population: unknown.
    before = staffing_rows(on=today - dt.timedelta(days=200))
    assert all(r.is_unknown for r in before.rows) and before.total.per_10k is None


def test_a_changed_norm_changes_the_expected_figures_from_its_date(world):
    today = _today()
    _set(world, world.na, 10_000, day=today - dt.timedelta(days=60))
    StaffingNorm.objects.create(
        effective_from=today - dt.timedelta(days=5), workers_per_10k=Decimal("20")
    )
    assert staffing_rows(on=today).total.expected == Decimal("20.0")
    assert staffing_rows(on=today - dt.timedelta(days=6)).total.expected == Decimal("18.0")


def test_staffing_rows_queries_do_not_grow(world, django_assert_max_num_queries):
    def build(n: int) -> None:
        for i in range(n):
            nb = NeighbourhoodFactory(subdistrict=world.a if i % 2 else world.b)
            TraineeFactory(neighbourhood=nb)
            if i % 3:
                _set(world, nb, 3000 + i)

    build(2)
    # The norm, the committees annotated, the committees, residents and workers per subdistrict,
    # the subdistricts' names.
    with django_assert_max_num_queries(6):
        small = staffing_rows(on=_today())
    build(20)
    with django_assert_max_num_queries(6):
        large = staffing_rows(on=_today())
    assert len(large.rows) == len(small.rows) + 20
