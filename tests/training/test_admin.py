"""The admin site is not a second write path for training (training/admin.py): rows only the
pages write are read-only there, events and sittings save through the pages' services."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.training.conftest import enrol, make_event, make_sitting
from training.models import (
    Attendance,
    AttendanceStatus,
    CheckinUse,
    Enrolment,
    LeaveRequest,
    Sitting,
    TrainingEvent,
)
from training.services import attendance_mark

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(world):
    """An all-staff event of 3 hours; the worker came late, the colleague left early."""
    event = make_event(hours="3")
    sitting = make_sitting(event)
    worker, colleague = enrol(event, [world.worker, world.colleague], sitting)
    attendance_mark(
        sitting=sitting,
        actor=world.users.district,
        marks={worker.pk: AttendanceStatus.LATE, colleague.pk: AttendanceStatus.LEFT_EARLY},
    )
    leave = LeaveRequest.objects.create(enrolment=worker, reason="病假")
    use = CheckinUse.objects.create(nonce="abc", trainee=world.worker)
    return event, sitting, worker, leave, use


def _admin(world, client_for):
    return client_for(world.users.district)


@pytest.mark.parametrize("model", [Attendance, Enrolment, LeaveRequest, CheckinUse])
def test_rows_only_the_pages_write_are_read_only(world, client_for, marked, model):
    client = _admin(world, client_for)
    row = model.objects.order_by("pk").first()
    info = f"admin:training_{model._meta.model_name}"
    before = list(model.objects.order_by("pk").values())
    assert client.get(reverse(f"{info}_changelist")).status_code == 200
    page = client.get(reverse(f"{info}_change", args=[row.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert client.get(reverse(f"{info}_add")).status_code == 403
    assert client.post(reverse(f"{info}_change", args=[row.pk]), {}).status_code == 403
    assert client.post(reverse(f"{info}_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert list(model.objects.order_by("pk").values()) == before


def test_attendance_status_and_hours_cannot_be_edited_apart(world, client_for, marked):
    attendance = Attendance.objects.get(trainee=world.worker)
    response = _admin(world, client_for).post(
        reverse("admin:training_attendance_change", args=[attendance.pk]),
        {"status": AttendanceStatus.ABSENT, "credited_hours": "3.0"},
    )
    assert response.status_code == 403
    attendance.refresh_from_db()
    assert (attendance.status, attendance.credited_hours) == (AttendanceStatus.LATE, Decimal("3"))


def _event_post(event, **changes) -> dict:
    """The change form as the browser posts it, the read-only sittings inline included."""
    sittings = list(event.sittings.values_list("pk", flat=True))
    data = {
        "sittings-TOTAL_FORMS": str(len(sittings)),
        "sittings-INITIAL_FORMS": str(len(sittings)),
        **{f"sittings-{i}-id": str(pk) for i, pk in enumerate(sittings)},
        **{f"sittings-{i}-event": str(event.pk) for i in range(len(sittings))},
        "title": event.title,
        "kind": event.kind,
        "organiser": event.organiser_id or "",
        "description": event.description,
        "credited_hours": str(event.credited_hours),
        "counts_as_ce": "on" if event.counts_as_ce else "",
    }
    data.update(changes)
    return data


def test_changing_an_events_hours_in_the_admin_recredits_attendance(world, client_for, marked):
    """As on the event page (event_update): late keeps the full hours, leaving early half."""
    event = marked[0]
    response = _admin(world, client_for).post(
        reverse("admin:training_trainingevent_change", args=[event.pk]),
        _event_post(event, credited_hours="4"),
    )
    assert response.status_code == 302
    hours = dict(Attendance.objects.values_list("trainee__name", "credited_hours"))
    assert hours == {"陆晓燕": Decimal("4.0"), "顾建国": Decimal("2.0")}


def test_the_admin_refuses_what_the_event_page_refuses(world, client_for, marked):
    """An all-staff training is the district's: naming an organiser is refused in place, and
    nothing of the change is kept (the hours would otherwise have been re-credited)."""
    event = marked[0]
    response = _admin(world, client_for).post(
        reverse("admin:training_trainingevent_change", args=[event.pk]),
        _event_post(event, organiser=world.a.pk, credited_hours="8"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organiser"] == [
        "全员培训由区里统一组织，主办方请留空。"
    ]
    event.refresh_from_db()
    assert (event.organiser_id, event.credited_hours) == (None, Decimal("3"))
    assert Attendance.objects.get(trainee=world.worker).credited_hours == Decimal("3")


def test_an_event_added_in_the_admin_is_created_by_the_service(world, client_for):
    response = _admin(world, client_for).post(
        reverse("admin:training_trainingevent_add"),
        {
            "title": "社区治理专题",
            "kind": "topic",
            "credited_hours": "2",
            "counts_as_ce": "on",
            "sittings-TOTAL_FORMS": "0",
            "sittings-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    event = TrainingEvent.objects.get(title="社区治理专题")
    assert event.created_by == world.users.district


def test_a_sitting_cannot_hold_fewer_than_the_people_placed_in_it(world, client_for, marked):
    sitting = marked[1]
    response = _admin(world, client_for).post(
        reverse("admin:training_sitting_change", args=[sitting.pk]),
        {
            "date": f"{sitting.date:%Y-%m-%d}",
            "start_time": "09:00",
            "end_time": "12:00",
            "venue": "区文化中心",
            "capacity": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"] == [
        "已安排 2 人，容量不能小于该人数。"
    ]
    sitting.refresh_from_db()
    assert sitting.capacity == 3000


def test_a_sitting_stays_with_its_event_and_is_not_deleted_here(world, client_for, marked):
    event, sitting = marked[0], marked[1]
    other = make_event(title="另一场培训")
    client = _admin(world, client_for)
    response = client.post(
        reverse("admin:training_sitting_change", args=[sitting.pk]),
        {
            "event": other.pk,
            "date": f"{sitting.date:%Y-%m-%d}",
            "start_time": "09:00",
            "end_time": "12:30",
            "venue": "区文化中心",
            "capacity": "3000",
        },
    )
    assert response.status_code == 302
    sitting.refresh_from_db()
    assert (sitting.event_id, sitting.end_time.hour, sitting.end_time.minute) == (event.pk, 12, 30)
    delete = reverse("admin:training_sitting_delete", args=[sitting.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    delete = reverse("admin:training_trainingevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Sitting.objects.filter(pk=sitting.pk).exists()
