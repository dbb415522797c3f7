"""Marking a sitting: one POST, a constant number of queries, hours by the credit policy."""

from decimal import Decimal

import pytest
from django.db.models.expressions import RawSQL
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from neighbourhoods.models import Neighbourhood
from tests.factories import NeighbourhoodFactory
from tests.training.conftest import enrol, make_event, make_sitting, many_workers
from training.models import Attendance, AttendanceStatus, CreditPolicy
from training.selectors import ROWS_PER_PART
from training.services import attendance_mark
from training.services.attendance import id_set

pytestmark = pytest.mark.django_db


def _big_sitting(world, n: int):
    committees = [world.na, world.nb] + [
        NeighbourhoodFactory(subdistrict=sub) for sub in (world.a, world.b) for _i in range(4)
    ]
    event = make_event(hours="4")
    sitting = make_sitting(event)
    enrolments = enrol(event, many_workers(n, committees), sitting)
    return event, sitting, enrolments


# Django session, user, the sitting with its event and organiser, SAVEPOINT, the roster's
# enrolments and attendance (one query), the credit policy, ≤ 5 UPDATEs and ≤ 5
# INSERT … SELECTs (one per status, each one statement for any number of ids), one audit
# INSERT (the corrected statuses, second save only), RELEASE SAVEPOINT.
# The first save below: 5 INSERTs (present, late, left early, absent, excused) → 12; the
# second: 1 UPDATE (the third now late; the rest are unchanged) + the audit INSERT → 9.
FIRST_SAVE_QUERIES = 12
SECOND_SAVE_QUERIES = 9


@pytest.mark.parametrize("n", [600, 2000])
def test_saving_a_big_roster_takes_constant_queries(
    world, client_for, django_assert_num_queries, n
):
    event, sitting, enrolments = _big_sitting(world, n)
    client = client_for(world.users.district)
    # First save: everyone present except a few exceptions of every status.
    exceptions = {
        AttendanceStatus.LATE: enrolments[0:10],
        AttendanceStatus.LEFT_EARLY: enrolments[10:15],
        AttendanceStatus.ABSENT: enrolments[15:40],
        AttendanceStatus.EXCUSED: enrolments[40:45],
    }
    marks = ",".join(f"{e.pk}:{s}" for s, rows in exceptions.items() for e in rows)
    data = {"marks": marks, "fill": AttendanceStatus.PRESENT}
    url = reverse("training:sitting-mark", args=[sitting.pk])
    with django_assert_num_queries(FIRST_SAVE_QUERIES):
        response = client.post(url, data)
    assert response.status_code == 302
    assert Attendance.objects.filter(sitting=sitting).count() == n
    assert Attendance.objects.filter(status=AttendanceStatus.PRESENT).count() == n - 45
    # Second save: every row sent again, a third of them changed: the same count at any size.
    statuses = {e.pk: AttendanceStatus.PRESENT for e in enrolments}
    for e in enrolments[: n // 3]:
        statuses[e.pk] = AttendanceStatus.LATE
    data = {"marks": ",".join(f"{pk}:{s}" for pk, s in statuses.items())}
    with django_assert_num_queries(SECOND_SAVE_QUERIES):
        client.post(url, data)
    assert Attendance.objects.filter(status=AttendanceStatus.LATE).count() == n // 3
    assert Attendance.objects.filter(status=AttendanceStatus.PRESENT).count() == n - n // 3


def test_one_statement_carries_more_ids_than_a_database_allows_parameters(
    world, training, django_assert_num_queries
):
    """SQLite binds at most 32,766 parameters and PostgreSQL 65,535: the ids travel as one,
    so a city's sitting is marked with the same statements as a committee's."""
    attendance_mark(
        sitting=training.sitting,
        actor=world.users.district,
        marks={training.e_worker.pk: AttendanceStatus.PRESENT},
    )
    mark = Attendance.objects.get()
    ids = [*range(10_000_000, 10_070_000), mark.pk]  # 70,001 ids, one of them real
    with django_assert_num_queries(1):
        updated = Attendance.objects.filter(pk__in=RawSQL(*id_set(ids))).update(
            status=AttendanceStatus.LATE
        )
    assert updated == 1
    assert Attendance.objects.get().status == AttendanceStatus.LATE


def test_all_staff_training_of_2000_is_marked_through_the_roster_page(world, client_for):
    event, sitting, enrolments = _big_sitting(world, 2000)
    client = client_for(world.users.district)
    url = reverse("training:sitting-mark", args=[sitting.pk])
    body = client.get(url).content.decode()
    # Grouped by committee with head counts; only the first group's first rows are sent.
    assert "华阳路街道 · 华一居委会" in body and "新泾镇 · 新泾一村居委会" in body
    assert "已登记 0 / 2000 人" in body
    assert 0 < body.count("data-mark-row ") <= ROWS_PER_PART
    # "Mark the rest present" reaches the rows the page never loaded.
    client.post(url, {"fill": "present"})
    assert Attendance.objects.filter(event=event, status="present").count() == 2000
    assert Attendance.objects.filter(event=event).values("credited_hours").distinct().count() == 1
    assert "已登记 2000 / 2000 人" in client.get(url).content.decode()


def test_credited_hours_follow_the_policy_and_are_fixed_when_marked(world, training):
    policy = CreditPolicy.current()
    policy.left_early = Decimal("0.50")
    policy.late = Decimal("0.75")
    policy.save()
    marks = {
        training.e_worker.pk: AttendanceStatus.PRESENT,
        training.e_colleague.pk: AttendanceStatus.LATE,
        training.e_b.pk: AttendanceStatus.LEFT_EARLY,
    }
    attendance_mark(sitting=training.sitting, actor=world.users.district, marks=marks)
    hours = dict(Attendance.objects.values_list("trainee__name", "credited_hours"))
    assert hours == {"陆晓燕": Decimal("3.0"), "顾建国": Decimal("2.3"), "沈丽华": Decimal("1.5")}
    # A later policy change does not rewrite hours already credited.
    policy.late = Decimal("1.00")
    policy.save()
    assert Attendance.objects.get(trainee=world.colleague).credited_hours == Decimal("2.3")


def test_a_later_mark_all_present_keeps_a_qr_check_in(world, training):
    attendance_mark(
        sitting=training.sitting,
        actor=world.users.district,
        marks={training.e_worker.pk: AttendanceStatus.LATE},
    )
    Attendance.objects.filter(trainee=world.worker).update(via_qr=True)
    result = attendance_mark(
        sitting=training.sitting, actor=world.users.district, marks={}, fill="present"
    )
    assert result.created == 2 and result.updated == 0
    assert Attendance.objects.get(trainee=world.worker).status == AttendanceStatus.LATE


def test_admin_a_marks_only_a_rows_of_a_district_sitting(world, training, client_for):
    client = client_for(world.users.admin_a)
    url = reverse("training:sitting-mark", args=[training.sitting.pk])
    page = client.get(url).content.decode()
    assert "陆晓燕" in page and "沈丽华" not in page
    client.post(
        url,
        {f"status_{training.e_worker.pk}": "present", f"status_{training.e_b.pk}": "absent"},
    )
    assert list(Attendance.objects.values_list("trainee__name", flat=True)) == ["陆晓燕"]


def test_admin_a_can_neither_see_nor_mark_a_sitting_of_b(world, training, client_for):
    client = client_for(world.users.admin_a)
    url = reverse("training:sitting-mark", args=[training.b_sitting.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {f"status_{training.b_enrolment.pk}": "absent"})
    assert response.status_code == 404
    assert not Attendance.objects.exists()
    assert (
        client.get(reverse("training:event-detail", args=[training.b_event.pk])).status_code == 404
    )
    assert client_for(world.users.admin_b).get(url).status_code == 200


@pytest.mark.parametrize("persona", ["leader", "supervisor", "worker"])
def test_read_only_roles_cannot_mark(world, training, client_for, persona):
    client = client_for(getattr(world.users, persona))
    url = reverse("training:sitting-mark", args=[training.sitting.pk])
    response = client.post(url, {f"status_{training.e_worker.pk}": "present"})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_an_unknown_status_is_refused(world, training, client_for):
    client = client_for(world.users.district)
    url = reverse("training:sitting-mark", args=[training.sitting.pk])
    response = client.post(url, {f"status_{training.e_worker.pk}": "teleported"}, follow=True)
    assert "出勤状态无效。" in response.content.decode()
    assert not Attendance.objects.exists()


def test_neighbourhood_fixture_sanity(world):
    assert Neighbourhood.objects.count() == 2


def test_a_corrected_status_is_recorded_with_who_changed_it(training):
    w = training.world
    marks = {training.e_worker.pk: "present", training.e_colleague.pk: "present"}
    attendance_mark(sitting=training.sitting, actor=w.users.district, marks=marks)
    assert not AuditEvent.objects.exists()  # a first mark is not a correction
    attendance_mark(
        sitting=training.sitting,
        actor=w.users.admin_a,
        marks={training.e_worker.pk: "absent", training.e_colleague.pk: "present"},
    )
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_id) == (
        w.users.admin_a,
        AuditAction.UPDATE,
        str(training.sitting.pk),
    )
    assert event.changes == {f"陆晓燕（{w.worker.pk}）": ["出席", "缺席"]}
