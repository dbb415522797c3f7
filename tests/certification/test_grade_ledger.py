"""The grade ledger's services and pages (年度调级, issue 14 item 2): proposals computed from
the rule rows for the workers on the books, HR's adjustment with a reason, applying through the
history (a 调级 period from the effective date), scope, and the page's query count."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from certification.grades.models import GradeProposal, GradeYear, LedgerJob, LedgerStatus
from certification.grades.services import (
    grade_rule_set,
    ledger_apply,
    ledger_compute,
    ledger_job_request,
    ledger_job_run,
    ledger_open,
    proposal_adjust,
)
from tests.factories import TraineeFactory
from trainees.history import history_change
from trainees.models import CareerGrade, ChangeKind, WorkerPeriod

from .conftest import certify

pytestmark = pytest.mark.django_db

YEAR = 2025
EFFECTIVE = dt.date(YEAR + 1, 1, 1)


@pytest.fixture
def graded(world):
    """Everyone at grade 5; the worker 6 full years in by the end of 2025 (a service step)."""
    grades = {
        n: CareerGrade.objects.get_or_create(level=n, defaults={"name": f"{n}级"})[0]
        for n in range(19)
    }
    for t in (world.worker, world.colleague, world.worker_b):
        history_change(
            trainee=t,
            actor=world.users.district,
            kind=ChangeKind.GRADE,
            effective_on=dt.date(2016, 1, 1),
            grade=grades[5],
            reason="定级",
        )
    world.worker.started_community_work = dt.date(2019, 6, 1)
    world.worker.save(update_fields=["started_community_work"])
    for t in (world.colleague, world.worker_b):
        t.started_community_work = dt.date(2020, 3, 1)
        t.save(update_fields=["started_community_work"])
    return grades


def open_ledger(world):
    """Open the year's ledger and run its queued job, as the Celery task does."""
    ledger = ledger_open(
        actor=world.users.district,
        year=YEAR,
        effective_on=EFFECTIVE,
        document_no="长人社〔2026〕1号",
    )
    assert ledger.job == LedgerJob.COMPUTE and not ledger.proposals.exists()
    assert ledger_job_run(ledger_id=ledger.pk, actor_id=world.users.district.pk) == "compute"
    ledger.refresh_from_db()
    assert (ledger.job, ledger.progress) == ("", 100)
    return ledger


def proposal(ledger, trainee) -> GradeProposal:
    return ledger.proposals.get(trainee=trainee)


def test_proposals_name_the_rule_that_moves_a_grade(world, graded):
    certify(world.colleague, "intermediate", dt.date(YEAR, 6, 30))
    ledger = open_ledger(world)
    worker, colleague, other = (
        proposal(ledger, t) for t in (world.worker, world.colleague, world.worker_b)
    )
    assert (worker.from_level, worker.proposed_level) == (5, 6)
    assert [r["kind"] for r in worker.reasons] == ["service"]
    assert (colleague.proposed_level, colleague.reasons[0]["kind"]) == (7, "certificate")
    assert other.proposed_level == 5 and not other.moves


def test_changing_a_rule_row_changes_the_proposals_on_recompute(world, graded):
    ledger = open_ledger(world)
    assert proposal(ledger, world.worker).proposed_level == 6
    grade_rule_set(actor=world.users.district, kind="service", key="2", grades=2)
    assert proposal(ledger, world.worker).proposed_level == 6  # kept until recomputed
    ledger_compute(actor=world.users.district, ledger=ledger)
    assert proposal(ledger, world.worker).proposed_level == 7
    grade_rule_set(actor=world.users.district, kind="service", key="2", grades=2, active=False)
    ledger_compute(actor=world.users.district, ledger=ledger)
    assert proposal(ledger, world.worker).proposed_level == 5


def test_an_adjustment_needs_a_reason_stays_in_band_and_survives_recompute(world, graded):
    ledger = open_ledger(world)
    p = proposal(ledger, world.colleague)
    with pytest.raises(ValidationError, match="原因"):
        proposal_adjust(actor=world.users.district, proposal=p, final_level=6, reason="")
    with pytest.raises(ValidationError, match="等级范围"):
        proposal_adjust(actor=world.users.district, proposal=p, final_level=13, reason="破格")
    with pytest.raises(PermissionDenied):
        proposal_adjust(actor=world.users.admin_a, proposal=p, final_level=6, reason="表现突出")
    proposal_adjust(actor=world.users.district, proposal=p, final_level=6, reason="表现突出")
    ledger_compute(actor=world.users.district, ledger=ledger)
    p = proposal(ledger, world.colleague)
    assert (p.proposed_level, p.final_level, p.adjust_reason) == (5, 6, "表现突出")


def test_applying_writes_a_grade_period_from_the_effective_date(world, graded):
    ledger = open_ledger(world)
    moved = ledger_apply(actor=world.users.district, ledger=ledger)
    assert moved == 1
    ledger.refresh_from_db()
    assert ledger.status == LedgerStatus.APPLIED
    period = WorkerPeriod.objects.get(trainee=world.worker, starts_on=EFFECTIVE)
    assert (period.grade.level, period.change, period.document_no) == (
        6,
        ChangeKind.GRADE,
        "长人社〔2026〕1号",
    )
    before = WorkerPeriod.objects.get(
        trainee=world.worker, ends_on=EFFECTIVE - dt.timedelta(days=1)
    )
    assert before.grade.level == 5
    assert AuditEvent.objects.filter(object_type="trainees.trainee", changes__grade=[5, 6]).exists()
    with pytest.raises(ValidationError, match="已执行"):
        ledger_compute(actor=world.users.district, ledger=ledger)


def test_a_grade_changed_after_computing_stops_the_apply(world, graded):
    ledger = open_ledger(world)
    history_change(
        trainee=world.worker,
        actor=world.users.district,
        kind=ChangeKind.GRADE,
        effective_on=dt.date(YEAR, 12, 1),
        grade=graded[8],
        reason="破格晋级",
    )
    with pytest.raises(ValidationError, match=world.worker.name):
        ledger_apply(actor=world.users.district, ledger=ledger)
    assert not WorkerPeriod.objects.filter(starts_on=EFFECTIVE).exists()


def test_who_left_before_the_effective_date_is_not_in_the_ledger(world, graded):
    history_change(
        trainee=world.worker_b,
        actor=world.users.district,
        kind=ChangeKind.LEFT,
        effective_on=dt.date(YEAR, 10, 1),
        reason="辞职",
    )
    ledger = open_ledger(world)
    assert not ledger.proposals.filter(trainee=world.worker_b).exists()


def test_only_the_district_opens_and_the_date_must_be_in_the_next_year(world, graded):
    with pytest.raises(PermissionDenied):
        ledger_open(actor=world.users.admin_a, year=YEAR, effective_on=EFFECTIVE)
    with pytest.raises(ValidationError, match="生效日期"):
        ledger_open(actor=world.users.district, year=YEAR, effective_on=dt.date(YEAR, 12, 31))


# --- pages -----------------------------------------------------------------------------------


def test_the_district_reviews_adjusts_and_applies_on_the_pages(
    world, graded, client_for, django_capture_on_commit_callbacks
):
    c = client_for(world.users.district)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            reverse("certification:grade-list"),
            {"year": YEAR, "effective_on": EFFECTIVE.isoformat()},
        )
    assert response.status_code == 302
    page = c.get(reverse("certification:grade-year", args=[YEAR])).content.decode()
    assert world.worker.name in page and world.worker_b.name not in page  # moves only by default
    ledger = world.worker.grade_proposals.get().ledger
    p = proposal(ledger, world.worker)
    bad = c.post(
        reverse("certification:grade-proposal", args=[YEAR, p.pk]), {"final_level": 7, "reason": ""}
    )
    assert bad.status_code == 400 and "须填写原因" in bad.content.decode()
    c.post(
        reverse("certification:grade-proposal", args=[YEAR, p.pk]),
        {"final_level": 7, "reason": "表彰"},
    )
    confirm = c.get(reverse("certification:grade-action", args=[YEAR, "apply"]))
    assert "1 人" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        applied = c.post(reverse("certification:grade-action", args=[YEAR, "apply"]))
    assert applied.status_code == 302
    world.worker.refresh_from_db()
    assert world.worker.grade.level == 7  # the effective date is in the past of the pinned clock


def test_an_office_sees_its_own_workers_read_only(world, graded, client_for):
    certify(world.worker_b, "assistant", dt.date(YEAR, 6, 30))
    ledger = open_ledger(world)
    c = client_for(world.users.admin_a)
    body = c.get(reverse("certification:grade-year", args=[YEAR]) + "?moves=all").content.decode()
    assert world.worker.name in body and world.worker_b.name not in body
    other = proposal(ledger, world.worker_b)
    assert c.get(reverse("certification:grade-proposal", args=[YEAR, other.pk])).status_code == 404
    assert c.post(reverse("certification:grade-action", args=[YEAR, "apply"])).status_code == 403
    assert c.post(reverse("certification:grade-list"), {"year": YEAR}).status_code == 403


@pytest.mark.parametrize("who", ["supervisor", "worker", "outsider"])
def test_supervisors_and_workers_are_refused(world, graded, client_for, who):
    open_ledger(world)
    c = client_for(getattr(world.users, who))
    assert c.get(reverse("certification:grade-list")).status_code == 403
    assert c.get(reverse("certification:grade-year", args=[YEAR])).status_code == 403


def test_the_year_page_makes_the_same_queries_at_two_sizes(
    world, graded, client_for, django_assert_max_num_queries
):
    c = client_for(world.users.district)
    ledger = open_ledger(world)
    url = reverse("certification:grade-year", args=[YEAR]) + "?moves=all"
    # session + user, ledger, counts per subdistrict, counts per grade, page count, page rows
    with django_assert_max_num_queries(8):
        assert c.get(url).status_code == 200
    for i in range(30):
        TraineeFactory(
            neighbourhood=world.nb, birth_date=dt.date(1981, 1, 1) + dt.timedelta(days=i)
        )
    ledger_compute(actor=world.users.district, ledger=ledger)
    with django_assert_max_num_queries(8):
        response = c.get(url)
    assert response.context["page"].paginator.count == 33


def test_a_job_in_progress_shows_its_progress_and_refuses_another(world, graded, client_for):
    ledger = ledger_open(actor=world.users.district, year=YEAR, effective_on=EFFECTIVE)
    GradeYear.objects.filter(pk=ledger.pk).update(progress=40)
    page = client_for(world.users.district).get(reverse("certification:grade-year", args=[YEAR]))
    body = page.content.decode()
    assert 'http-equiv="refresh"' in body and "已完成 40%" in body
    assert "确认并执行调级" not in body
    with pytest.raises(ValidationError, match="测算中"):
        ledger_job_request(actor=world.users.district, ledger=ledger, job=LedgerJob.APPLY)
    # A job silent for over half an hour had its worker killed: it may be asked again.
    GradeYear.objects.filter(pk=ledger.pk).update(job_at=timezone.now() - dt.timedelta(hours=1))
    ledger.refresh_from_db()
    ledger_job_request(actor=world.users.district, ledger=ledger, job=LedgerJob.COMPUTE)


def test_a_refused_job_leaves_its_reason_on_the_page(world, graded, client_for):
    ledger = open_ledger(world)
    history_change(
        trainee=world.worker,
        actor=world.users.district,
        kind=ChangeKind.GRADE,
        effective_on=dt.date(YEAR, 12, 1),
        grade=graded[8],
        reason="破格晋级",
    )
    ledger_job_request(actor=world.users.district, ledger=ledger, job=LedgerJob.APPLY)
    assert ledger_job_run(ledger_id=ledger.pk, actor_id=world.users.district.pk) == "refused"
    ledger.refresh_from_db()
    assert ledger.job == "" and world.worker.name in ledger.job_error
    body = client_for(world.users.district).get(reverse("certification:grade-year", args=[YEAR]))
    assert "请重新测算后再执行" in body.content.decode()
