"""The monthly rate snapshots (certification.snapshots): the trend read from them is the live
count, a write drops exactly the month ends it changes, and each scope sums only its own rows."""

import datetime as dt

from django.utils import timezone

from certification.models import Certificate, RateSnapshot, RateSnapshotRow, Registration
from certification.selectors import RateFilters, rate_dashboard, rate_trend, rate_trend_live
from certification.services import certificate_correct
from certification.tasks import refresh_rate_snapshots
from tests.certification.conftest import certify, random_district
from tests.factories import TraineeFactory
from trainees.history import history_change
from trainees.models import ChangeKind

D = dt.date
ON = D(2026, 11, 1)  # the clock is pinned at 2026-11-18: month ends up to 2026-10-31 are kept


def kept() -> list[dt.date]:
    return sorted(RateSnapshot.objects.filter(complete=True).values_list("day", flat=True))


def figures(rows) -> list[tuple]:
    return [(r.key, r.active, r.certified, r.registered) for r in rows]


def trend_agrees(user, filters=None) -> list[tuple]:
    """The trend from the snapshots equals the live count; returns it."""
    shown = figures(rate_trend(user=user, until=ON, filters=filters))
    assert shown == figures(rate_trend_live(user=user, until=ON, filters=filters))
    return shown


def test_past_month_ends_are_kept_and_read_back(world):
    random_district(world, 30, seed=11)
    first = trend_agrees(world.users.district)
    days = kept()
    assert len(days) == 23 and days[-1] == D(2026, 10, 31) and ON not in days
    assert RateSnapshotRow.objects.filter(day=D(2026, 10, 31)).exists()
    # Read again from the rows: the same figures.
    assert trend_agrees(world.users.district) == first


def test_a_backdated_transfer_drops_and_recounts_the_months_from_its_day(world):
    trend_agrees(world.users.district)
    before_b = trend_agrees(world.users.district, RateFilters(subdistrict_id=world.b.pk))
    history_change(
        trainee=world.colleague,
        actor=world.users.district,
        kind=ChangeKind.TRANSFER,
        effective_on=D(2025, 6, 15),
        reason="补登调动",
        subdistrict=world.b,
        neighbourhood=world.nb,
    )
    assert kept()[-1] == D(2025, 5, 31)  # June 2025 on are dropped, the earlier months kept
    after_b = trend_agrees(world.users.district, RateFilters(subdistrict_id=world.b.pk))
    moved = {a[0]: a[1] - b[1] for a, b in zip(after_b, before_b, strict=True)}
    assert all(moved[day] == 0 for day in moved if day < D(2025, 6, 15))
    assert all(moved[day] == 1 for day in moved if day >= D(2025, 6, 30))
    assert kept()[-1] == D(2026, 10, 31)  # counted again on the read


def test_a_backdated_certificate_and_registration_drop_the_months_from_their_dates(world):
    # The trend covers the month ends from 2024-11-30 to 2026-10-31.
    trend_agrees(world.users.district)
    cert = certify(world.worker, "assistant", D(2025, 3, 1))
    assert kept()[-1] == D(2025, 2, 28)
    shown = {day: c for day, _a, c, _r in trend_agrees(world.users.district)}
    assert shown[D(2025, 2, 28)] == 0 and shown[D(2025, 3, 31)] == 1

    # A registration recorded now, dated back.
    Registration.objects.create(
        certificate=cert,
        trainee=world.worker,
        kind=Registration.Kind.FIRST,
        starts_on=D(2025, 6, 10),
        ends_on=D(2028, 6, 9),
    )
    assert kept()[-1] == D(2025, 5, 31)
    shown = {day: r for day, _a, _c, r in trend_agrees(world.users.district)}
    assert shown[D(2025, 5, 31)] == 0 and shown[D(2025, 6, 30)] == 1

    # The certificate's date corrected to a later day: the months from the earlier one change.
    certificate_correct(
        certificate=Certificate.objects.get(pk=cert.pk),
        actor=world.users.district,
        number=cert.number,
        date_passed=cert.date_passed,
        date_issued=D(2025, 8, 20),
    )
    assert kept()[-1] == D(2025, 2, 28)
    shown = {day: c for day, _a, c, _r in trend_agrees(world.users.district)}
    assert shown[D(2025, 7, 31)] == 0 and shown[D(2025, 8, 31)] == 1

    # Deleted: the months from the registration's first day and the certificate's date.
    Registration.objects.filter(certificate=cert).delete()
    Certificate.objects.get(pk=cert.pk).delete()
    assert kept()[-1] == D(2025, 5, 31)
    shown = {day: c for day, _a, c, _r in trend_agrees(world.users.district)}
    assert shown[D(2026, 10, 31)] == 0


def test_a_worker_created_in_bulk_makes_the_months_since_they_joined_stale(world):
    before = dict((day, a) for day, a, _c, _r in trend_agrees(world.users.district))
    # The factory writes the first period in bulk, past every signal.
    TraineeFactory(
        neighbourhood=world.na, joined=D(2026, 2, 10), started_community_work=D(2026, 2, 10)
    )
    after = dict((day, a) for day, a, _c, _r in trend_agrees(world.users.district))
    assert after[D(2026, 1, 31)] == before[D(2026, 1, 31)]
    assert after[D(2026, 2, 28)] == before[D(2026, 2, 28)] + 1


def test_a_subdistrict_office_sums_only_its_own_rows(world):
    random_district(world, 40, seed=12)
    district = trend_agrees(world.users.district)
    own = trend_agrees(world.users.admin_a)
    b_only = trend_agrees(world.users.district, RateFilters(subdistrict_id=world.b.pk))
    for d_row, a_row, b_row in zip(district, own, b_only, strict=True):
        assert d_row[1:] == tuple(x + y for x, y in zip(a_row[1:], b_row[1:], strict=True))
    assert any(row[1] for row in b_only)
    # Filters that read the committee (its housing type) and the post, within the scope.
    for flt in (
        RateFilters(housing_type="office"),
        RateFilters(housing_type="villa"),
        RateFilters(post="general"),
    ):
        trend_agrees(world.users.admin_a, flt)


def test_a_supervisors_trend_is_counted_live(world):
    board = rate_dashboard(user=world.users.supervisor, on=ON)
    assert RateSnapshot.objects.count() == 0
    assert figures(board["trend"]) == figures(
        rate_trend_live(user=world.users.supervisor, until=ON)
    )


def test_the_background_refresh_counts_the_dropped_month_ends_again(world):
    trend_agrees(world.users.district)
    certify(world.worker, "assistant", D(2026, 3, 1))
    assert kept()[-1] == D(2026, 2, 28)
    # The task queued after the write's commit (certification.tasks.refresh_rate_snapshots).
    assert refresh_rate_snapshots() == 23
    # It counts as of today (the pinned clock): up to the last month end before today.
    today = timezone.localdate()
    assert kept()[-1] == today.replace(day=1) - dt.timedelta(days=1)
    trend_agrees(world.users.district)
