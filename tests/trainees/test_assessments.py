"""The yearly assessment's services (年度考核, issue 14 item 1): who enters whose result, the
优秀 quota per subdistrict as data, the district's lock, and the audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from tests.factories import TraineeFactory
from trainees.assessments.models import Assessment, AssessmentResult, RoundStatus
from trainees.assessments.rules import excellent_allowed
from trainees.assessments.selectors import round_summary, worker_assessments
from trainees.assessments.services import (
    Entry,
    quota_set,
    results_set,
    round_lock,
    round_open,
    round_unlock,
)
from trainees.history import history_change
from trainees.models import ChangeKind

pytestmark = pytest.mark.django_db

R = AssessmentResult
YEAR = 2025  # the year before the pinned clock's (2026-11-18)


@pytest.fixture
def round_(world):
    return round_open(year=YEAR, excellent_share=15, actor=world.users.district)


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def a_workers(world, n: int) -> list:
    """`n` more workers in subdistrict A's committee (joined in 2015, so on the books)."""
    return [TraineeFactory(neighbourhood=world.na) for _ in range(n)]


# --- the pure rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "workers", "allowed"), [(15, 19, 2), (15, 20, 3), (0, 100, 0), (100, 3, 3)]
)
def test_the_quota_is_the_share_rounded_down(share, workers, allowed):
    assert excellent_allowed(share, workers) == allowed


# --- opening a round ------------------------------------------------------------------------------


def test_only_the_district_opens_a_round_once_per_year(world, round_):
    assert round_.status == RoundStatus.OPEN
    with pytest.raises(ValidationError, match="已经发起"):
        round_open(year=YEAR, excellent_share=15, actor=world.users.district)
    with pytest.raises(PermissionDenied):
        round_open(year=2024, excellent_share=15, actor=world.users.admin_a)
    next_year = timezone.localdate().year + 1  # a year not yet begun (the pinned clock)
    with pytest.raises(ValidationError, match="年度应在"):
        round_open(year=next_year, excellent_share=15, actor=world.users.district)
    with pytest.raises(ValidationError, match="0 到 100"):
        round_open(year=2024, excellent_share=101, actor=world.users.district)
    event = AuditEvent.objects.get(object_type="trainees.assessmentround")
    assert event.action == AuditAction.CREATE and event.changes["year"] == YEAR


# --- entering results: scope and the year's population --------------------------------------------


def test_a_subdistrict_enters_its_own_workers_and_not_anothers(world, round_):
    results_set(
        round_=round_,
        entries=[
            Entry(world.worker.pk, R.COMPETENT, "表现稳定"),
            Entry(world.colleague.pk, R.BASIC),
        ],
        actor=world.users.admin_a,
    )
    saved = Assessment.objects.get(trainee=world.worker)
    assert (saved.result, saved.note, saved.subdistrict) == (R.COMPETENT, "表现稳定", world.a)
    assert saved.entered_by == world.users.admin_a

    with pytest.raises(ValidationError) as refused:
        results_set(
            round_=round_,
            entries=[Entry(world.worker.pk, R.INCOMPETENT), Entry(world.worker_b.pk, R.COMPETENT)],
            actor=world.users.admin_a,
        )
    assert "不由您所在的街道（镇）考核" in messages_of(refused.value)
    assert list(refused.value.error_dict) == [str(world.worker_b.pk)]
    # All or nothing: the valid row was not saved either.
    assert Assessment.objects.get(trainee=world.worker).result == R.COMPETENT
    assert not Assessment.objects.filter(trainee=world.worker_b).exists()

    # The district enters anyone's.
    results_set(
        round_=round_, entries=[Entry(world.worker_b.pk, R.COMPETENT)], actor=world.users.district
    )
    assert Assessment.objects.get(trainee=world.worker_b).subdistrict == world.b


@pytest.mark.parametrize("persona", ["leader", "supervisor", "worker"])
def test_read_only_roles_cannot_enter_results(world, round_, persona):
    with pytest.raises(PermissionDenied):
        results_set(
            round_=round_,
            entries=[Entry(world.worker.pk, R.EXCELLENT)],
            actor=getattr(world.users, persona),
        )
    assert not Assessment.objects.exists()


def test_a_worker_not_on_the_books_that_year_is_refused(world, round_):
    newcomer = TraineeFactory(neighbourhood=world.na, joined=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError, match="2025 年不在册"):
        results_set(
            round_=round_, entries=[Entry(newcomer.pk, R.UNDETERMINED)], actor=world.users.admin_a
        )


def test_the_subdistrict_at_the_years_end_assesses_a_transferred_worker(world, round_):
    history_change(
        trainee=world.colleague,
        actor=world.users.district,
        kind=ChangeKind.TRANSFER,
        effective_on=dt.date(YEAR, 7, 1),
        subdistrict=world.b,
        neighbourhood=world.nb,
        reason="调动",
    )
    with pytest.raises(ValidationError, match="不由您所在的街道"):
        results_set(
            round_=round_,
            entries=[Entry(world.colleague.pk, R.COMPETENT)],
            actor=world.users.admin_a,
        )
    results_set(
        round_=round_, entries=[Entry(world.colleague.pk, R.COMPETENT)], actor=world.users.admin_b
    )
    assert Assessment.objects.get(trainee=world.colleague).subdistrict == world.b


def test_a_worker_who_left_during_the_year_is_assessed_where_they_last_were(world, round_):
    history_change(
        trainee=world.colleague,
        actor=world.users.district,
        kind=ChangeKind.LEFT,
        effective_on=dt.date(YEAR, 3, 1),
        reason="离职",
    )
    # 不确定等次: the office's call for someone who left early in the year.
    results_set(
        round_=round_,
        entries=[Entry(world.colleague.pk, R.UNDETERMINED, "3 月离职")],
        actor=world.users.admin_a,
    )
    assert Assessment.objects.get(trainee=world.colleague).result == R.UNDETERMINED


def test_a_blank_result_clears_an_entered_one(world, round_):
    actor = world.users.admin_a
    results_set(round_=round_, entries=[Entry(world.worker.pk, R.COMPETENT)], actor=actor)
    results_set(round_=round_, entries=[Entry(world.worker.pk, "")], actor=actor)
    assert not Assessment.objects.exists()
    with pytest.raises(ValidationError, match="有效的考核结果"):
        results_set(round_=round_, entries=[Entry(world.worker.pk, "superb")], actor=actor)
    twice = [Entry(world.worker.pk, R.COMPETENT), Entry(world.worker.pk, R.BASIC)]
    with pytest.raises(ValidationError, match="只能录入一个"):
        results_set(round_=round_, entries=twice, actor=actor)


# --- the 优秀 quota -------------------------------------------------------------------------------


def test_excellent_up_to_the_quota_is_accepted_and_one_more_refused(world, round_):
    # A: 陆晓燕, 顾建国 and 18 more = 20 workers; 15% of 20 = 3 优秀.
    more = a_workers(world, 18)
    actor = world.users.admin_a
    results_set(round_=round_, entries=[Entry(w.pk, R.EXCELLENT) for w in more[:3]], actor=actor)
    assert Assessment.objects.filter(result=R.EXCELLENT).count() == 3

    with pytest.raises(ValidationError) as refused:
        results_set(round_=round_, entries=[Entry(more[3].pk, R.EXCELLENT)], actor=actor)
    message = messages_of(refused.value)
    assert "华阳路街道的优秀名额为 3 人" in message
    assert "15%" in message and "共 20 人" in message and "将有 4 人评为优秀" in message
    assert Assessment.objects.filter(result=R.EXCELLENT).count() == 3
    # Another result for the same worker is fine.
    results_set(round_=round_, entries=[Entry(more[3].pk, R.COMPETENT)], actor=actor)


def test_changing_the_quota_row_changes_what_is_allowed(world, round_):
    actor = world.users.admin_a
    two = [Entry(world.worker.pk, R.EXCELLENT), Entry(world.colleague.pk, R.EXCELLENT)]
    # 15% of A's 2 workers allows none.
    with pytest.raises(ValidationError, match="优秀名额为 0 人"):
        results_set(round_=round_, entries=two[:1], actor=actor)

    quota_set(round_=round_, subdistrict=world.a, share=50, actor=world.users.district)
    with pytest.raises(ValidationError, match="优秀名额为 1 人"):
        results_set(round_=round_, entries=two, actor=actor)
    results_set(round_=round_, entries=two[:1], actor=actor)

    quota_set(round_=round_, subdistrict=world.a, share=100, actor=world.users.district)
    results_set(round_=round_, entries=two, actor=actor)
    (place,) = round_summary(round_=round_, user=actor)
    assert (place.excellent, place.allowed, place.share) == (2, 2, 100)

    # B keeps the round's share; only the district sets shares.
    with pytest.raises(PermissionDenied):
        quota_set(round_=round_, subdistrict=world.a, share=10, actor=actor)
    quota_event = AuditEvent.objects.filter(changes__has_key="quota").order_by("pk").last()
    assert quota_event.changes["quota"] == ["华阳路街道", 50, 100]


def test_a_lowered_quota_lets_an_office_move_its_excellent_down(world, round_):
    quota_set(round_=round_, subdistrict=world.a, share=100, actor=world.users.district)
    actor = world.users.admin_a
    both = [Entry(world.worker.pk, R.EXCELLENT), Entry(world.colleague.pk, R.EXCELLENT)]
    results_set(round_=round_, entries=both, actor=actor)
    quota_set(round_=round_, subdistrict=world.a, share=None, actor=world.users.district)
    # Over quota now (0 allowed); taking one 优秀 away is still accepted.
    results_set(round_=round_, entries=[Entry(world.worker.pk, R.COMPETENT)], actor=actor)
    assert Assessment.objects.filter(result=R.EXCELLENT).count() == 1


# --- lock and unlock ------------------------------------------------------------------------------


def test_a_round_locks_only_when_every_worker_has_a_result(world, round_):
    district = world.users.district
    results_set(round_=round_, entries=[Entry(world.worker.pk, R.COMPETENT)], actor=district)
    with pytest.raises(ValidationError) as refused:
        round_lock(round_=round_, actor=district)
    message = messages_of(refused.value)
    assert "尚有 2 名在册人员未录入" in message
    assert "华阳路街道 1" in message and "新泾镇 1" in message

    with pytest.raises(PermissionDenied):
        round_lock(round_=round_, actor=world.users.admin_a)

    results_set(
        round_=round_,
        entries=[Entry(world.colleague.pk, R.BASIC), Entry(world.worker_b.pk, R.INCOMPETENT)],
        actor=district,
    )
    round_lock(round_=round_, actor=district)
    round_.refresh_from_db()
    assert round_.is_locked and round_.locked_by == district and round_.locked_at

    with pytest.raises(ValidationError, match="已锁定"):
        results_set(
            round_=round_, entries=[Entry(world.worker.pk, R.EXCELLENT)], actor=world.users.admin_a
        )
    with pytest.raises(ValidationError, match="已锁定"):
        quota_set(round_=round_, subdistrict=world.a, share=50, actor=district)


def test_unlocking_needs_the_district_and_a_reason(world, round_):
    district = world.users.district
    results_set(
        round_=round_,
        entries=[Entry(w.pk, R.COMPETENT) for w in (world.worker, world.colleague, world.worker_b)],
        actor=district,
    )
    round_lock(round_=round_, actor=district)
    with pytest.raises(PermissionDenied):
        round_unlock(round_=round_, reason="更正", actor=world.users.admin_a)
    with pytest.raises(ValidationError, match="解锁原因"):
        round_unlock(round_=round_, reason="  ", actor=district)
    round_unlock(round_=round_, reason="新泾镇更正一人结果", actor=district)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN and round_.unlock_reason == "新泾镇更正一人结果"
    results_set(
        round_=round_, entries=[Entry(world.worker_b.pk, R.BASIC)], actor=world.users.admin_b
    )
    statuses = [
        e.changes["status"]
        for e in AuditEvent.objects.filter(object_type="trainees.assessmentround")
        .exclude(changes__has_key="year")
        .order_by("pk")
    ]
    assert statuses == [["录入中", "已锁定"], ["已锁定", "录入中"]]


# --- the audit trail and the worker's years -------------------------------------------------------


def test_every_result_change_is_audited_with_who_and_what(world, round_):
    actor = world.users.admin_a
    results_set(round_=round_, entries=[Entry(world.worker.pk, R.COMPETENT, "好")], actor=actor)
    # Unchanged rows write nothing.
    assert (
        results_set(round_=round_, entries=[Entry(world.worker.pk, R.COMPETENT, "好")], actor=actor)
        == 0
    )
    results_set(round_=round_, entries=[Entry(world.worker.pk, R.BASIC, "好")], actor=actor)
    results_set(round_=round_, entries=[Entry(world.worker.pk, "")], actor=actor)
    events = list(AuditEvent.objects.filter(object_type="trainees.assessment").order_by("pk"))
    assert [(e.action, e.changes["result"]) for e in events] == [
        (AuditAction.CREATE, ["", "合格"]),
        (AuditAction.UPDATE, ["合格", "基本合格"]),
        (AuditAction.DELETE, ["基本合格", ""]),
    ]
    assert {e.actor for e in events} == {actor}
    assert "陆晓燕" in events[0].object_repr and events[0].changes["note"] == ["", "好"]


def test_a_workers_results_over_the_years(world, round_):
    older = round_open(year=2024, excellent_share=15, actor=world.users.district)
    results_set(round_=older, entries=[Entry(world.worker.pk, R.BASIC)], actor=world.users.admin_a)
    results_set(
        round_=round_, entries=[Entry(world.worker.pk, R.COMPETENT)], actor=world.users.admin_a
    )
    assert [(a.round.year, a.result) for a in worker_assessments(world.worker)] == [
        (2025, R.COMPETENT),
        (2024, R.BASIC),
    ]


def test_a_round_over_a_lowered_quota_cannot_be_locked(world, round_):
    district = world.users.district
    quota_set(round_=round_, subdistrict=world.a, share=100, actor=district)
    results_set(
        round_=round_,
        entries=[
            Entry(world.worker.pk, R.EXCELLENT),
            Entry(world.colleague.pk, R.COMPETENT),
            Entry(world.worker_b.pk, R.COMPETENT),
        ],
        actor=district,
    )
    quota_set(round_=round_, subdistrict=world.a, share=None, actor=district)
    with pytest.raises(ValidationError, match="华阳路街道的优秀人数超过名额"):
        round_lock(round_=round_, actor=district)
    assert not round_.is_locked
