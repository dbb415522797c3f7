"""Events, audience, placement, leave, notifications and the sign-in sheet."""

import datetime as dt
import importlib
import shutil
import subprocess
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from tests.certification.conftest import certify
from tests.factories import NeighbourhoodFactory, TraineeFactory
from tests.helpers import raises_rule
from tests.training.conftest import enrol, make_event, make_sitting, many_workers
from training.forms import EventForm, marks_from
from training.models import Attendance, AttendanceStatus, Enrolment, LeaveRequest, TrainingKind
from training.services import (
    AudienceRule,
    attendance_mark,
    enrolment_move,
    enrolments_add_by_rule,
    enrolments_place,
    event_create,
    leave_request_create,
    leave_request_decide,
)
from training.tasks import notify_repeat_absences

pytestmark = pytest.mark.django_db


# --- events -----------------------------------------------------------------------------------


def test_a_subdistrict_admin_organises_only_its_own_trainings(world):
    fields = dict(
        title="街道月度培训",
        kind=TrainingKind.SUBDISTRICT,
        description="",
        credited_hours=Decimal("2"),
        counts_as_ce=True,
    )
    event = event_create(actor=world.users.admin_a, organiser=world.a, **fields)
    assert event.organiser == world.a and event.created_by == world.users.admin_a
    with pytest.raises(PermissionDenied):
        event_create(actor=world.users.admin_a, organiser=world.b, **fields)
    with pytest.raises(PermissionDenied):
        event_create(actor=world.users.admin_a, organiser=None, **fields)
    form = EventForm(user=world.users.admin_a)
    assert list(form.fields["organiser"].queryset) == [world.a]
    assert "all_staff" not in dict(form.fields["kind"].choices)


def test_an_all_staff_training_is_the_districts(world):
    with raises_rule(field="organiser", message="全员培训由区里统一组织"):
        event_create(
            actor=world.users.district,
            organiser=world.a,
            title="全员",
            kind=TrainingKind.ALL_STAFF,
            description="",
            credited_hours=Decimal("3"),
            counts_as_ce=True,
        )


def test_create_event_and_sitting_through_the_pages(world, client_for):
    client = client_for(world.users.admin_a)
    response = client.post(
        reverse("training:event-create"),
        {
            "title": "垃圾分类专题",
            "kind": "topic",
            "organiser": world.a.pk,
            "credited_hours": "2.5",
            "counts_as_ce": "on",
            "description": "",
        },
    )
    assert response.status_code == 302
    event = world.a.training_events.get()
    bad = client.post(
        reverse("training:sitting-create", args=[event.pk]),
        {
            "date": "2026-12-01",
            "start_time": "10:00",
            "end_time": "09:00",
            "venue": "会议室",
            "capacity": "30",
        },
    )
    assert "结束时间必须晚于开始时间。" in bad.content.decode()
    ok = client.post(
        reverse("training:sitting-create", args=[event.pk]),
        {
            "date": "2026-12-01",
            "start_time": "09:00",
            "end_time": "11:00",
            "venue": "会议室",
            "capacity": "30",
        },
    )
    assert ok.status_code == 302 and event.sittings.count() == 1
    assert (
        client_for(world.users.admin_b)
        .get(reverse("training:sitting-create", args=[event.pk]))
        .status_code
        == 404
    )


# --- audience and placement -------------------------------------------------------------------


def test_audience_rules(world):
    villa = NeighbourhoodFactory(subdistrict=world.a, housing_type="villa")
    head = TraineeFactory(neighbourhood=villa, post="secretary")
    TraineeFactory(neighbourhood=world.na, status="on_leave")
    event = make_event()

    def add(rule, **params):
        Enrolment.objects.filter(event=event).delete()
        enrolments_add_by_rule(event=event, actor=world.users.district, rule=rule, **params)
        return set(Enrolment.objects.filter(event=event).values_list("trainee__name", flat=True))

    assert add(AudienceRule.ALL_ACTIVE) == {"陆晓燕", "顾建国", "沈丽华", head.name}
    assert add(AudienceRule.SUBDISTRICT, subdistrict=world.b) == {"沈丽华"}
    assert add(AudienceRule.HOUSING, housing_type="villa") == {head.name}
    assert add(AudienceRule.POSTS, posts=["secretary"]) == {head.name}
    # Enrolling twice adds no one twice.
    assert (
        enrolments_add_by_rule(
            event=event, actor=world.users.district, rule="posts", posts=["secretary"]
        )
        == 0
    )
    with raises_rule(field="posts", message="请至少选择一个岗位"):
        add(AudienceRule.POSTS, posts=[])
    # A subdistrict's event reaches only its own workers.
    own = make_event(organiser=world.b, kind=TrainingKind.SUBDISTRICT)
    enrolments_add_by_rule(event=own, actor=world.users.admin_b, rule=AudienceRule.ALL_ACTIVE)
    assert list(own.enrolments.values_list("trainee__name", flat=True)) == ["沈丽华"]


def test_the_uncertified_audience_leaves_out_certificate_holders(world, monkeypatch):
    # Certification (above training) says who holds a certificate from its AppConfig.ready().
    certify(world.colleague, "assistant", dt.date(2022, 6, 18))
    event = make_event()
    assert AudienceRule.UNCERTIFIED in dict(AudienceRule.choices())
    added = enrolments_add_by_rule(
        event=event, actor=world.users.district, rule=AudienceRule.UNCERTIFIED
    )
    enrolled = set(event.enrolments.values_list("trainee__name", flat=True))
    assert added == 2 and enrolled == {"陆晓燕", "沈丽华"}
    # Without an app that keeps certificates the rule is neither offered nor applied.
    # (The module, not the `audience` function training.services exports under its name.)
    monkeypatch.setattr(importlib.import_module("training.services.audience"), "_HOLDERS", {})
    assert AudienceRule.UNCERTIFIED not in dict(AudienceRule.choices())
    with raises_rule(message="证书数据尚未启用"):
        enrolments_add_by_rule(
            event=event, actor=world.users.district, rule=AudienceRule.UNCERTIFIED
        )


def test_the_uncertified_audience_counts_certificates_held_on_the_events_first_day(world):
    """A worker who passed but whose certificate dates from after the event still needs it
    (issue 12: a certificate counts from its date, never from the exam day)."""
    first_day = timezone.localdate() + dt.timedelta(days=10)
    cert = certify(world.colleague, "assistant", timezone.localdate() - dt.timedelta(days=60))
    type(cert).objects.filter(pk=cert.pk).update(date_issued=first_day + dt.timedelta(days=1))
    event = make_event()
    make_sitting(event, day=first_day)
    enrolments_add_by_rule(event=event, actor=world.users.district, rule=AudienceRule.UNCERTIFIED)
    assert "顾建国" in set(event.enrolments.values_list("trainee__name", flat=True))
    later = make_event(title="再培训")
    make_sitting(later, day=first_day + dt.timedelta(days=1))
    enrolments_add_by_rule(event=later, actor=world.users.district, rule=AudienceRule.UNCERTIFIED)
    assert "顾建国" not in set(later.enrolments.values_list("trainee__name", flat=True))


def test_placement_is_balanced_by_subdistrict_within_capacity(world):
    committees = [world.na, world.nb]
    workers = many_workers(30, committees)  # 15 in A, 15 in B
    event = make_event()
    small = make_sitting(event, capacity=10)
    large = make_sitting(event, start=(14, 0), end=(17, 0), capacity=20)
    enrol(event, workers)
    result = enrolments_place(event=event, actor=world.users.district)
    assert (result.placed, result.unplaced) == (30, 0)
    counts = Counter(Enrolment.objects.values_list("sitting_id", "trainee__subdistrict__name"))
    assert counts[(small.pk, "华阳路街道")] == 5 and counts[(small.pk, "新泾镇")] == 5
    assert counts[(large.pk, "华阳路街道")] == 10 and counts[(large.pk, "新泾镇")] == 10
    # Deterministic: the same data gives the same placement.
    first = list(Enrolment.objects.order_by("pk").values_list("sitting_id", flat=True))
    Enrolment.objects.update(sitting=None)
    enrolments_place(event=event, actor=world.users.district)
    assert list(Enrolment.objects.order_by("pk").values_list("sitting_id", flat=True)) == first


def test_placement_stops_at_capacity(world):
    event = make_event()
    make_sitting(event, capacity=2)
    enrol(event, [world.worker, world.colleague, world.worker_b])
    result = enrolments_place(event=event, actor=world.users.district)
    assert (result.placed, result.unplaced) == (2, 1)


def test_moving_a_worker(world, training):
    other = make_sitting(training.event, start=(14, 0), end=(17, 0), capacity=1)
    enrolment_move(enrolment=training.e_worker, sitting=other, actor=world.users.district)
    assert Enrolment.objects.get(pk=training.e_worker.pk).sitting == other
    with pytest.raises(ValidationError, match="已满"):
        enrolment_move(enrolment=training.e_colleague, sitting=other, actor=world.users.district)
    with raises_rule(field="sitting", message="只能调到本次培训的其他场次"):
        enrolment_move(
            enrolment=training.e_worker, sitting=training.b_sitting, actor=world.users.district
        )


# --- marking form shapes ----------------------------------------------------------------------


def test_marks_from_reads_both_shapes():
    data = {"status_12": "present", "status_x": "late", "marks": "13:late,14:absent,bad,:x"}
    assert marks_from(data) == {12: "present", 13: "late", 14: "absent"}


# --- leave ------------------------------------------------------------------------------------


def _future_sitting(training):
    sitting = training.sitting
    sitting.date = timezone.localdate() + dt.timedelta(days=7)
    sitting.save()
    return sitting


def test_worker_asks_leave_and_subdistrict_admin_approves(world, training, client_for):
    _future_sitting(training)
    worker = client_for(world.users.worker)
    worker.post(
        reverse("training:leave-request", args=[training.e_worker.pk]), {"reason": "家中有事"}
    )
    leave = LeaveRequest.objects.get()
    assert leave.state == "pending" and leave.requested_by == world.users.worker
    # B's administrator cannot see or decide it.
    admin_b = client_for(world.users.admin_b)
    assert "家中有事" not in admin_b.get(reverse("training:leave-list")).content.decode()
    admin_b.post(reverse("training:leave-decide", args=[leave.pk]), {"decision": "approve"})
    assert LeaveRequest.objects.get().state == "pending"
    admin_a = client_for(world.users.admin_a)
    assert "家中有事" in admin_a.get(reverse("training:leave-list")).content.decode()
    admin_a.post(reverse("training:leave-decide", args=[leave.pk]), {"decision": "approve"})
    assert LeaveRequest.objects.get().state == "approved"
    attendance = Attendance.objects.get(trainee=world.worker)
    assert attendance.status == AttendanceStatus.EXCUSED
    assert attendance.credited_hours == Decimal("0")
    assert Notification.objects.filter(
        user=world.users.worker, title__contains="请假已批准"
    ).exists()


def test_leave_rules(world, training):
    with pytest.raises(ValidationError, match="已经结束"):  # the sitting is in the past
        leave_request_create(enrolment=training.e_worker, reason="x", actor=world.users.worker)
    _future_sitting(training)
    with pytest.raises(PermissionDenied):  # someone else's enrolment
        leave_request_create(enrolment=training.e_colleague, reason="x", actor=world.users.worker)
    leave = leave_request_create(enrolment=training.e_worker, reason="x", actor=world.users.worker)
    with pytest.raises(ValidationError, match="已经提交过"):
        leave_request_create(enrolment=training.e_worker, reason="y", actor=world.users.worker)
    leave_request_decide(leave=leave, approve=False, actor=world.users.admin_a)
    with pytest.raises(ValidationError, match="处理过"):
        leave_request_decide(leave=leave, approve=True, actor=world.users.admin_a)
    # Entered by the subdistrict office: approved at once.
    entered = leave_request_create(
        enrolment=training.e_colleague, reason="病假", actor=world.users.admin_a
    )
    assert entered.state == "approved"
    assert Attendance.objects.get(trainee=world.colleague).status == "excused"


# --- two absences in a row --------------------------------------------------------------------


def test_two_absences_in_a_row_notify_the_subdistrict_admin_once(
    world, training, django_capture_on_commit_callbacks
):
    later = make_event(title="七月培训")
    later_sitting = make_sitting(later, day=dt.date(2026, 7, 8))
    (e_later,) = enrol(later, [world.worker], later_sitting)
    absent = {training.e_worker.pk: "absent", training.e_colleague.pk: "absent"}
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(sitting=training.sitting, actor=world.users.district, marks=absent)
    assert not Notification.objects.exists()  # first absence: nothing yet
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attendance_mark(
            sitting=later_sitting, actor=world.users.district, marks={e_later.pk: "absent"}
        )
    assert len(callbacks) == 1
    notes = Notification.objects.all()
    assert [(n.user, n.title) for n in notes] == [(world.users.admin_a, "陆晓燕 连续两次培训缺席")]
    assert "全员培训" in notes[0].body
    # Idempotent: the task run again adds nothing.
    assert notify_repeat_absences(later_sitting.pk) == 0
    assert Notification.objects.count() == 1


def test_absent_then_present_does_not_notify(world, training):
    later = make_event(title="七月培训")
    later_sitting = make_sitting(later, day=dt.date(2026, 7, 8))
    (e_later,) = enrol(later, [world.worker], later_sitting)
    attendance_mark(
        sitting=training.sitting,
        actor=world.users.district,
        marks={training.e_worker.pk: "present"},
    )
    attendance_mark(sitting=later_sitting, actor=world.users.district, marks={e_later.pk: "absent"})
    assert notify_repeat_absences(later_sitting.pk) == 0


# --- sign-in sheet ----------------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_sign_in_sheet_pdf_lists_the_names_by_committee(world, training, client_for, tmp_path):
    response = client_for(world.users.admin_a).get(
        reverse("training:sitting-sheet", args=[training.sitting.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "陆晓燕" in text and "顾建国" in text and "华一居委会" in text
    assert "本人签名" in text
    assert "沈丽华" not in text  # B's worker is not on A's sheet


# --- the worker's hours -----------------------------------------------------------------------


def test_my_hours_this_year_and_period(world, client_for):
    today = timezone.localdate()
    event = make_event(hours="3")
    sitting = make_sitting(event, day=today.replace(month=1, day=15))
    (e,) = enrol(event, [world.worker], sitting)
    old = make_event(hours="2", title="前年培训")
    old_sitting = make_sitting(old, day=dt.date(today.year - 2, 5, 1))
    (o,) = enrol(old, [world.worker], old_sitting)
    not_ce = make_event(hours="5", title="非继续教育")
    not_ce.counts_as_ce = False
    not_ce.save()
    (n,) = enrol(not_ce, [world.worker], make_sitting(not_ce, day=today.replace(month=1, day=20)))
    for s, enrolment in ((sitting, e), (old_sitting, o), (n.sitting, n)):
        attendance_mark(sitting=s, actor=world.users.district, marks={enrolment.pk: "present"})
    response = client_for(world.users.worker).get(reverse("training:mine"))
    ctx = response.context
    assert ctx["year_hours"] == Decimal("8.0") and ctx["year_ce_hours"] == Decimal("3.0")
    # No registration in force: no CE period (tests/certification/test_ce_period.py).
    assert ctx["ce_period"] is None
    assert "3.0" in response.content.decode()
