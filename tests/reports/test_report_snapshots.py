"""The dashboard's snapshots (reports/snapshots.py): a complete period's figures are kept as the
live computation gives them, every kind of write drops exactly the periods it changes (and the
next read is the live figures again), each scope reads only its own, and a period not over is
never kept."""

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from reports import snapshots, tasks
from reports.figures import dashboard_figures
from reports.models import ReportSnapshot
from reports.periods import Period, latest_complete_period, period_containing
from reports.snapshots import dashboard_snapshot, report_snapshots_refresh
from sessions.models import CadencePolicy
from supervisors.models import Assignment
from supervisors.services import assignment_create, assignments_bulk_create
from tests.certification.conftest import certify
from tests.conftest import TEST_NOW
from tests.factories import NeighbourhoodFactory, TraineeFactory
from tests.reports.conftest import log
from tests.training.conftest import enrol, make_event, make_sitting
from trainees.history import history_change
from trainees.models import ChangeKind, WorkerPeriod
from training.models import Attendance, AttendanceStatus
from training.services import attendance_mark

D = dt.date
MONTHS = [Period("month", 2025, m) for m in range(1, 13)]
TODAY = TEST_NOW.date()  # tests/conftest.py pins the clock (DUDAO_TEST_NOW moves it)
# The dashboard's default period (the latest month that is over) and today's month.
LAST = latest_complete_period("month", TODAY)
CURRENT = period_containing("month", TODAY)
LAST_KEY = f"{LAST.year}-{LAST.number:02d}"


def as_json(figures: dict) -> dict:
    """What a JSONField gives back for these figures."""
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


def read(period: Period, subdistrict_id: int | None = None, language: str = "zh-hans") -> dict:
    with translation.override(language):
        return dashboard_snapshot(period=period, subdistrict_id=subdistrict_id, language=language)[
            0
        ]


def agrees(period: Period, subdistrict_id: int | None = None) -> dict:
    """The figures read (from the snapshot when kept) equal the live computation."""
    shown = read(period, subdistrict_id)
    with translation.override("zh-hans"):
        assert as_json(shown) == as_json(
            dashboard_figures(period=period, subdistrict_id=subdistrict_id)
        )
    return shown


def kept(subdistrict_id: int | None = None) -> list[str]:
    rows = ReportSnapshot.objects.filter(figures__isnull=False, subdistrict_id=subdistrict_id)
    return sorted(f"{r.year}-{r.number:02d}" for r in rows if r.period_kind == "month")


def months_to(last: int) -> list[str]:
    return [f"2025-{m:02d}" for m in range(1, last + 1)]


@pytest.fixture
def kept_year(report_world):
    """Every month of 2025 kept for the district, after the fixture's writes committed."""
    snapshots._flush()
    for period in MONTHS:
        agrees(period)
    assert kept() == months_to(12)
    return report_world


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """The write is a transaction of its own and commits: its on-commit drop runs. (The test's
    transaction never commits; the drop's hook is registered once per transaction, so it is
    told that a new one starts.)"""

    @contextmanager
    def commit() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            transaction.get_connection()._report_snapshots_hooks = None
            yield

    return commit


def test_a_snapshot_is_the_live_figures_read_back(kept_year):
    row = ReportSnapshot.objects.get(period_kind="month", year=2025, number=6, subdistrict=None)
    assert row.period_end == D(2025, 6, 30) and row.computed_at is not None
    assert read(MONTHS[5]) == row.figures
    for period in MONTHS:
        agrees(period)  # read back from the rows: still the live figures


def test_the_page_from_a_snapshot_is_the_live_page(report_world, client_for, settings):
    settings.DUDAO_DASHBOARD_CACHE_SECONDS = 0
    client = client_for(report_world.users.district)
    url = reverse("reports:dashboard")
    june = {"kind": "month", "year": 2025, "number": 6}

    def body(response) -> str:
        html = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())
        return html.split("data-computed-at", 1)[0] + html.split("立即重新统计", 1)[1]

    live = client.get(url, {**june, "refresh": "1"})
    live.content = live.content.replace(b"&amp;refresh=1", b"")
    kept_page = client.get(url, june)
    assert kept() == ["2025-06"]
    assert body(kept_page) == body(live)
    assert "督导次数" in body(kept_page)


def test_a_backdated_transfer_drops_the_months_from_its_day(kept_year, committed):
    with committed():
        history_change(
            trainee=kept_year.colleague,
            actor=kept_year.users.district,
            kind=ChangeKind.TRANSFER,
            effective_on=D(2025, 6, 15),
            reason="补登调动",
            subdistrict=kept_year.b,
            neighbourhood=kept_year.nb,
        )
    assert kept() == months_to(5)
    before = read(MONTHS[4])["comparison"]
    after = agrees(MONTHS[6])["comparison"]
    workers = {r["name"]: r["workers"] for r in after}
    assert (
        workers[kept_year.b.name] == {r["name"]: r["workers"] for r in before}[kept_year.b.name] + 1
    )


def test_a_certificate_drops_the_months_from_its_date(kept_year, committed):
    with committed():
        certify(kept_year.extra.young, "assistant", D(2025, 3, 1))
    assert kept() == months_to(2)
    for period in MONTHS:
        agrees(period)
    assert kept() == months_to(12)


def test_a_session_log_drops_the_months_from_its_date(kept_year, committed):
    sessions = read(MONTHS[7])["headline"]["sessions"]
    with committed():
        log(kept_year.supervisor, "mentor", D(2025, 8, 3), [kept_year.worker])
    assert kept() == months_to(7)
    assert agrees(MONTHS[7])["headline"]["sessions"] == sessions + 1


def test_a_log_moved_to_a_later_day_drops_from_where_it_was(kept_year, committed):
    session = log(kept_year.supervisor, "mentor", D(2025, 3, 3), [kept_year.worker])
    for period in MONTHS:
        agrees(period)
    snapshots._flush()  # the log's own transaction committed
    for period in MONTHS:
        agrees(period)
    session.refresh_from_db()
    session.date = D(2025, 9, 3)
    with committed():
        session.save()
    assert kept() == months_to(2)


def test_attendance_inserted_in_bulk_drops_the_months_from_its_sitting(kept_year):
    """attendance_mark inserts the marks with one INSERT … SELECT (no signal): the next read
    finds marks newer than the snapshot and drops the months from their sitting's day."""
    event = make_event()
    sitting = make_sitting(event, day=D(2025, 9, 10))
    (enrolment,) = enrol(event, [kept_year.worker_b], sitting)
    for period in MONTHS:
        agrees(period)
    assert kept() == months_to(12)
    computed = ReportSnapshot.objects.get(number=6, year=2025, subdistrict=None).computed_at
    attendance_mark(
        sitting=sitting, actor=kept_year.users.district, marks={enrolment.pk: "present"}
    )
    assert Attendance.objects.filter(enrolment=enrolment).exists()
    # June is over before the sitting: still the same snapshot, read once more.
    agrees(MONTHS[5])
    assert ReportSnapshot.objects.get(number=6, year=2025, subdistrict=None).computed_at == computed
    assert kept() == months_to(8)
    trained = agrees(MONTHS[8])["headline"]["training_coverage_pct"]
    for period in MONTHS:
        agrees(period)  # September on counted again
    assert kept() == months_to(12)
    # A correction is one UPDATE per status, seen through the audit event on the sitting.
    attendance_mark(sitting=sitting, actor=kept_year.users.district, marks={enrolment.pk: "absent"})
    assert Attendance.objects.get(enrolment=enrolment).status == AttendanceStatus.ABSENT
    agrees(MONTHS[5])
    assert kept() == months_to(8)
    assert agrees(MONTHS[8])["headline"]["training_coverage_pct"] < trained


def test_pairings_drop_the_months_from_their_start(kept_year, committed):
    with committed():
        pairing = assignment_create(
            supervisor=kept_year.supervisor,
            trainee=kept_year.colleague,
            mode="mentor",
            actor=kept_year.users.district,
            started_on=D(2025, 10, 1),
        )
    assert kept() == months_to(9)
    for period in MONTHS:
        agrees(period)
    # Ended: from its last day, not from its start.
    pairing = Assignment.objects.get(pk=pairing.pk)
    pairing.ended_on = D(2025, 11, 20)
    with committed():
        pairing.save()
    assert kept() == months_to(10)
    for period in MONTHS:
        agrees(period)
    # Many at once: one INSERT past the signals, seen by the next read.
    newcomer = TraineeFactory(neighbourhood=NeighbourhoodFactory(subdistrict=kept_year.a))
    snapshots._flush()  # the new worker's transaction committed
    for period in MONTHS:
        agrees(period)
    assignments_bulk_create(
        pairs=[(kept_year.other_supervisor.pk, newcomer.pk, "mentor")],
        actor=kept_year.users.district,
        started_on=D(2025, 11, 5),
    )
    agrees(MONTHS[0])
    assert kept() == months_to(10)
    for period in MONTHS:
        agrees(period)


def test_a_policy_change_drops_every_period(kept_year, committed):
    policy, _created = CadencePolicy.objects.get_or_create(pk=1)
    with committed():
        policy.mentor_min_per_month = policy.mentor_min_per_month + 1
        policy.save()
    assert kept() == []
    for period in MONTHS:
        agrees(period)


def test_a_read_in_the_writing_transaction_sees_the_write(kept_year):
    """Before the write commits (the test's transaction never does), a read in it drops the
    periods the write changed: the figures are never the ones before it."""
    sessions = read(MONTHS[7])["headline"]["sessions"]
    log(kept_year.supervisor, "mentor", D(2025, 8, 3), [kept_year.worker])
    assert read(MONTHS[7])["headline"]["sessions"] == sessions + 1
    assert kept() == months_to(8)


def test_a_write_while_computing_keeps_nothing(report_world, monkeypatch):
    """The claim is deleted by a write that commits while the figures are counted: the reader
    shows what it counted, but it is not kept."""

    def count_then_write(**kwargs):
        figures = dashboard_figures(**kwargs)
        log(report_world.supervisor, "mentor", D(2025, 6, 3), [report_world.worker])
        snapshots._flush()  # as its commit would
        return figures

    monkeypatch.setattr(snapshots, "dashboard_figures", count_then_write)
    read(MONTHS[5])
    assert kept() == []
    monkeypatch.undo()
    agrees(MONTHS[5])
    assert kept() == ["2025-06"]


def test_each_admin_reads_only_their_own_snapshot(report_world, client_for, settings):
    settings.DUDAO_DASHBOARD_CACHE_SECONDS = 0
    url = reverse("reports:dashboard")
    w = report_world
    district = client_for(w.users.district).get(url).content.decode()
    assert "长宁区专业化建设概况" in district
    # A subdistrict admin asking for the district or another subdistrict gets their own.
    for asked in ({}, {"subdistrict": w.b.pk}):
        page = client_for(w.users.admin_a).get(url, asked).content.decode()
        assert f"{w.a.name}专业化建设概况" in page
        assert "长宁区专业化建设概况" not in page
    page_b = client_for(w.users.admin_b).get(url, {"subdistrict": w.a.pk}).content.decode()
    assert f"{w.b.name}专业化建设概况" in page_b
    default = {
        "period_kind": "month",
        "year": LAST.year,
        "number": LAST.number,
        "language": "zh-hans",
    }
    assert set(
        ReportSnapshot.objects.filter(**default).values_list("subdistrict_id", flat=True)
    ) == {None, w.a.pk, w.b.pk}
    # Read again from the snapshots: still each their own.
    again = client_for(w.users.admin_a).get(url, {"subdistrict": ""}).content.decode()
    assert f"{w.a.name}专业化建设概况" in again and "长宁区专业化建设概况" not in again


def grow(world, n: int) -> None:
    for i in range(n):
        nb = NeighbourhoodFactory(subdistrict=world.a if i % 2 else world.b)
        t = TraineeFactory(neighbourhood=nb)
        log(world.supervisor, "mentor", LAST.start + dt.timedelta(days=i % 20), [t])


@pytest.mark.parametrize("extra", [0, 12])
@pytest.mark.parametrize("persona", ["district", "admin_a"])
def test_a_snapshot_read_costs_a_few_queries(
    world, client_for, settings, django_assert_num_queries, extra, persona
):
    settings.DUDAO_DASHBOARD_CACHE_SECONDS = 0
    grow(world, extra)
    client = client_for(getattr(world.users, persona))
    client.get(reverse("reports:dashboard"))  # computed and kept
    # Session, user, the snapshot and the form's subdistrict choices; for an admin, their
    # subdistrict, and the form's one choice is read twice (the select and its initial value).
    with django_assert_num_queries(4 if persona == "district" else 6):
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert kept(None if persona == "district" else world.a.pk) == [LAST_KEY]


def test_a_period_not_over_is_never_kept(report_world, client_for, settings):
    settings.DUDAO_DASHBOARD_CACHE_SECONDS = 0
    client = client_for(report_world.users.district)
    url = reverse("reports:dashboard")
    following = period_containing("month", CURRENT.end + dt.timedelta(days=1))
    quarter = period_containing("quarter", TODAY)
    for asked in (
        {"kind": "month", "year": CURRENT.year, "number": CURRENT.number},  # today's month
        {"kind": "month", "year": following.year, "number": following.number},
        {"kind": "quarter", "year": quarter.year, "number": quarter.number},
        {"kind": "year", "year": TODAY.year, "number": 1},
    ):
        assert client.get(url, asked).status_code == 200
        assert client.get(url, {**asked, "refresh": "1"}).status_code == 200
        assert "数据变动后" not in client.get(url, asked).content.decode()
    assert not ReportSnapshot.objects.exists()
    over = client.get(url, {"kind": "month", "year": LAST.year, "number": LAST.number})
    assert "（数据变动后即更新）" in over.content.decode()
    assert ReportSnapshot.objects.count() == 1


def test_the_refresh_fills_the_default_dashboards_once(report_world):
    assert report_snapshots_refresh(today=TODAY) == 3  # the district and its two subdistricts
    assert report_snapshots_refresh(today=TODAY) == 0
    for sub in (None, report_world.a.pk, report_world.b.pk):
        agrees(LAST, sub)


def test_each_language_has_its_own_snapshot(report_world):
    chinese = read(MONTHS[5])
    english = read(MONTHS[5], language="en")
    assert chinese["meta"]["scope"] == "长宁区" and english["meta"]["scope"] != "长宁区"
    assert read(MONTHS[5])["meta"]["scope"] == "长宁区"
    assert ReportSnapshot.objects.filter(number=6, year=2025).count() == 2


def test_writes_queue_one_refresh_after_they_commit(kept_year, committed, settings, monkeypatch):
    """With a worker (tasks not run in the request), a burst of writes queues one refresh,
    delayed; it runs later and fills the default dashboards again."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(snapshots.REFRESH_LOCK)
    queued = []
    monkeypatch.setattr(
        tasks.refresh_report_snapshots, "apply_async", lambda **kw: queued.append(kw)
    )
    for day in (D(2025, 8, 3), D(2025, 8, 4)):
        with committed():
            log(kept_year.supervisor, "mentor", day, [kept_year.worker])
    assert queued == [{"countdown": snapshots.REFRESH_DELAY_SECONDS}]
    assert kept() == months_to(7)
    assert tasks.refresh_report_snapshots() == 3  # the default month: district, A and B
    with committed():
        log(kept_year.supervisor, "mentor", D(2025, 8, 5), [kept_year.worker])
    assert len(queued) == 2  # the lock went with the run


def test_a_new_worker_s_first_period_inserted_in_bulk_drops_from_their_joining(kept_year):
    """A worker's first period is written with bulk_create (no signal): the next read finds a
    period newer than the snapshots and drops the months from its first day."""
    workers = read(MONTHS[6])["headline"]["workers"]
    TraineeFactory(name="七月入职", neighbourhood=kept_year.na, joined=D(2025, 7, 10))
    assert not snapshots._pending("here")  # no signal: only the inserted period tells
    assert agrees(MONTHS[5])["headline"]["workers"] == read(MONTHS[5])["headline"]["workers"]
    assert kept() == months_to(6)
    assert agrees(MONTHS[6])["headline"]["workers"] == workers + 1


def test_rows_loaded_with_deferred_dates_cost_no_query_each(
    report_world, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert len(list(WorkerPeriod.objects.only("pk"))) >= 3
