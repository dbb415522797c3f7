"""A worker's dated history (trainees.history): the one write path of placement, post, grade
and employment state, and the rules a change must meet (issue 12)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import NeighbourhoodFactory
from trainees.history import history_change
from trainees.models import (
    ChangeKind,
    EmploymentState,
    LeaveKind,
    Post,
    TraineeStatus,
    WorkerPeriod,
)
from trainees.services import trainee_set_status, trainee_update

pytestmark = pytest.mark.django_db

D = dt.date


def periods(trainee):
    return [
        (p.starts_on, p.ends_on, p.subdistrict_id, p.neighbourhood_id, p.post, p.state)
        for p in WorkerPeriod.objects.filter(trainee=trainee).order_by("starts_on")
    ]


def change(world, trainee, kind, day, **values):
    values.setdefault("reason", "补登")
    return history_change(
        trainee=trainee, actor=world.users.district, kind=kind, effective_on=day, **values
    )


def test_a_new_worker_has_one_open_period_from_the_day_they_joined(world):
    t = world.colleague
    assert periods(t) == [
        (D(2015, 3, 1), None, t.subdistrict_id, t.neighbourhood_id, Post.GENERAL, "on_duty")
    ]


def test_a_transfer_splits_the_period_and_the_worker_columns_follow_today(world):
    t = world.colleague
    change(
        world, t, ChangeKind.TRANSFER, D(2024, 3, 1), subdistrict=world.b, neighbourhood=world.nb
    )
    assert periods(t) == [
        (D(2015, 3, 1), D(2024, 2, 29), world.a.pk, world.na.pk, Post.GENERAL, "on_duty"),
        (D(2024, 3, 1), None, world.b.pk, world.nb.pk, Post.GENERAL, "on_duty"),
    ]
    t.refresh_from_db()
    assert (t.subdistrict_id, t.neighbourhood_id) == (world.b.pk, world.nb.pk)


def test_a_late_change_stops_at_the_next_recorded_change_of_that_field(world):
    """Recording in 2026 a post change of 2022 does not undo the post change of 2024."""
    t = world.colleague
    change(world, t, ChangeKind.POST, D(2024, 1, 1), post=Post.DIRECTOR)
    change(world, t, ChangeKind.POST, D(2022, 1, 1), post=Post.DEPUTY)
    assert [(p[0], p[1], p[4]) for p in periods(t)] == [
        (D(2015, 3, 1), D(2021, 12, 31), Post.GENERAL),
        (D(2022, 1, 1), D(2023, 12, 31), Post.DEPUTY),
        (D(2024, 1, 1), None, Post.DIRECTOR),
    ]


def test_a_late_transfer_carries_over_a_later_leave_without_ending_it(world):
    t = world.colleague
    change(world, t, ChangeKind.LEAVE, D(2025, 5, 1), leave_kind=LeaveKind.MATERNITY)
    change(world, t, ChangeKind.RETURN, D(2025, 9, 1))
    change(world, t, ChangeKind.TRANSFER, D(2024, 1, 1), subdistrict=world.b, neighbourhood=None)
    rows = periods(t)
    assert [(p[0], p[2], p[3], p[5]) for p in rows] == [
        (D(2015, 3, 1), world.a.pk, world.na.pk, "on_duty"),
        (D(2024, 1, 1), world.b.pk, None, "on_duty"),
        (D(2025, 5, 1), world.b.pk, None, "leave"),
        (D(2025, 9, 1), world.b.pk, None, "on_duty"),
    ]


def test_recording_what_is_already_so_is_refused_and_writes_nothing(world):
    t = world.colleague
    before = periods(t)
    with pytest.raises(ValidationError, match="没有需要登记的变动"):
        change(world, t, ChangeKind.POST, D(2024, 1, 1), post=Post.GENERAL)
    assert periods(t) == before


def test_leaving_and_coming_back_keeps_both_spells_and_the_gap(world):
    t = world.colleague
    change(world, t, ChangeKind.LEFT, D(2020, 7, 1))
    change(world, t, ChangeKind.REHIRED, D(2023, 2, 1), subdistrict=world.b, neighbourhood=world.nb)
    assert [(p[0], p[1], p[5]) for p in periods(t)] == [
        (D(2015, 3, 1), D(2020, 6, 30), "on_duty"),
        (D(2020, 7, 1), D(2023, 1, 31), "left"),
        (D(2023, 2, 1), None, "on_duty"),
    ]
    t.refresh_from_db()
    assert (t.status, t.joined, t.left_on) == (TraineeStatus.ACTIVE, D(2023, 2, 1), None)


def test_marking_a_worker_who_left_active_again_is_a_rehire_not_an_erasure(world):
    t = world.colleague
    change(world, t, ChangeKind.LEFT, D(2021, 1, 1))
    trainee_set_status(trainee=t, actor=world.users.district, status=TraineeStatus.ACTIVE)
    today = timezone.localdate()
    assert [(p[0], p[5]) for p in periods(t)] == [
        (D(2015, 3, 1), "on_duty"),
        (D(2021, 1, 1), "left"),
        (today, "on_duty"),
    ]


@pytest.mark.parametrize(
    ("first", "then", "message"),
    [
        (None, ChangeKind.RETURN, "不能办理“返岗”"),
        (ChangeKind.LEFT, ChangeKind.LEAVE, "不能办理“休假”"),
        (ChangeKind.LEFT, ChangeKind.TRANSFER, "不能办理“调动”"),
        (None, ChangeKind.REHIRED, "不能办理“再次入职”"),
    ],
)
def test_a_change_the_state_on_that_day_does_not_allow_is_refused(world, first, then, message):
    t = world.colleague
    if first:
        change(world, t, first, D(2022, 1, 1))
    values = {"subdistrict": world.b, "neighbourhood": None} if then == ChangeKind.TRANSFER else {}
    with pytest.raises(ValidationError, match=message):
        change(world, t, then, D(2023, 1, 1), **values)


def test_leave_needs_its_kind(world):
    with pytest.raises(ValidationError, match="休假类别"):
        change(world, world.colleague, ChangeKind.LEAVE, D(2023, 1, 1))


def test_nothing_can_be_dated_before_the_first_day(world):
    with pytest.raises(ValidationError, match="不能早于首次入职日期"):
        change(world, world.colleague, ChangeKind.POST, D(2014, 1, 1), post=Post.DEPUTY)


def test_a_subdistrict_office_records_recent_changes_but_not_corrections(world):
    t, admin = world.colleague, world.users.admin_a
    today = timezone.localdate()
    history_change(
        trainee=t,
        actor=admin,
        kind=ChangeKind.POST,
        effective_on=today - dt.timedelta(days=10),
        post=Post.DEPUTY,
    )
    with pytest.raises(ValidationError, match="须由区管理员办理") as caught:
        history_change(
            trainee=t,
            actor=admin,
            kind=ChangeKind.GRADE,
            effective_on=today - dt.timedelta(days=100),
            grade=None,
        )
    assert "effective_on" in caught.value.message_dict


def test_a_district_correction_needs_a_reason(world):
    with pytest.raises(ValidationError) as caught:
        history_change(
            trainee=world.colleague,
            actor=world.users.district,
            kind=ChangeKind.POST,
            effective_on=D(2020, 1, 1),
            post=Post.DEPUTY,
        )
    assert "reason" in caught.value.message_dict


def test_only_the_district_moves_a_worker_to_another_subdistrict(world):
    with pytest.raises(ValidationError, match="区管理员"):
        history_change(
            trainee=world.colleague,
            actor=world.users.admin_a,
            kind=ChangeKind.TRANSFER,
            effective_on=timezone.localdate(),
            subdistrict=world.b,
            neighbourhood=world.nb,
        )


def test_another_subdistricts_office_cannot_touch_the_history(world):
    with pytest.raises(PermissionDenied):
        history_change(
            trainee=world.worker_b,
            actor=world.users.admin_a,
            kind=ChangeKind.POST,
            effective_on=timezone.localdate(),
            post=Post.DEPUTY,
        )


def test_a_committee_of_another_subdistrict_is_refused(world):
    with pytest.raises(ValidationError, match="不属于所选街道"):
        change(
            world,
            world.colleague,
            ChangeKind.TRANSFER,
            D(2024, 1, 1),
            subdistrict=world.b,
            neighbourhood=world.na,
        )


def test_each_change_is_in_the_audit_trail_with_its_date_reason_and_document(world):
    t = world.colleague
    change(
        world,
        t,
        ChangeKind.TRANSFER,
        D(2024, 3, 1),
        subdistrict=world.b,
        neighbourhood=world.nb,
        document_no="长民政〔2024〕12号",
    )
    event = AuditEvent.objects.filter(object_id=str(t.pk)).latest("pk")
    assert event.changes["subdistrict"] == [world.a.name, world.b.name]
    assert event.changes["生效日期"] == [None, "2024-03-01"]
    assert event.changes["文号"] == [None, "长民政〔2024〕12号"]
    assert event.changes["原因"] == [None, "补登"]


def test_editing_the_committee_on_the_form_is_a_transfer_from_today(world):
    t = world.colleague
    other = NeighbourhoodFactory(subdistrict=world.a)
    trainee_update(trainee=t, actor=world.users.admin_a, neighbourhood=other)
    today = timezone.localdate()
    rows = periods(t)
    assert [(p[0], p[3]) for p in rows] == [(D(2015, 3, 1), world.na.pk), (today, other.pk)]
    assert WorkerPeriod.objects.get(trainee=t, starts_on=today).change == ChangeKind.TRANSFER


def test_a_leave_dated_ahead_reaches_the_worker_columns_on_its_day(world):
    from trainees.history import sync_due

    t = world.colleague
    today = timezone.localdate()
    start = today + dt.timedelta(days=3)
    change(world, t, ChangeKind.LEAVE, start, leave_kind=LeaveKind.STUDY)
    t.refresh_from_db()
    assert t.status == TraineeStatus.ACTIVE
    assert sync_due(start) == 1
    t.refresh_from_db()
    assert t.status == TraineeStatus.ON_LEAVE


def test_two_overlapping_periods_are_refused(world):
    """PostgreSQL refuses them itself (an exclusion constraint); on SQLite the service's own
    contiguity check is the guard, tested through a plan that would overlap."""
    from trainees.history import check_contiguous

    t = world.colleague
    first = WorkerPeriod.objects.get(trainee=t)
    clash = WorkerPeriod(
        trainee=t,
        starts_on=D(2016, 1, 1),
        ends_on=D(2016, 12, 31),
        subdistrict=world.a,
        post=Post.GENERAL,
        state=EmploymentState.ON_DUTY,
        change=ChangeKind.POST,
    )
    with pytest.raises(ValidationError):
        check_contiguous([first, clash])
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            clash.save()


def test_the_beat_runs_the_dated_changes_task(world, settings):
    from trainees.tasks import apply_dated_changes

    entry = settings.CELERY_BEAT_SCHEDULE["trainees-apply-dated-changes"]
    assert entry["task"] == "trainees.tasks.apply_dated_changes"
    change(world, world.colleague, ChangeKind.LEAVE, timezone.localdate(), leave_kind="sick")
    world.colleague.refresh_from_db()
    assert world.colleague.status == TraineeStatus.ON_LEAVE
    assert apply_dated_changes.apply().get() == 0  # already applied by the service


def test_the_kind_of_leave_and_the_reason_stay_with_those_who_manage_the_worker(world):
    from trainees.history import periods_of

    t = world.worker  # paired with world.supervisor, linked to world.users.worker
    change(world, t, ChangeKind.LEAVE, D(2025, 3, 1), leave_kind=LeaveKind.SICK, reason="住院")

    def leave(viewer):
        return [
            (p.leave_kind, p.reason) for p in periods_of(t, viewer=viewer) if p.state == "leave"
        ]

    assert leave(world.users.admin_a) == [("sick", "住院")]
    assert leave(world.users.worker) == [("sick", "住院")]
    assert leave(world.users.supervisor) == [("", "")]
