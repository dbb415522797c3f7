"""Training attendance from sign-in sheets: matched to enrolments, written by the marking service."""

import datetime as dt
from decimal import Decimal

import pytest

from imports.kinds import KINDS
from imports.models import ImportRun
from imports.services import import_apply, import_preview
from imports.workbooks import build_export
from training.models import Attendance, Enrolment, Sitting, TrainingEvent

from .conftest import upload, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["培训名称", "场次日期", "地点", "身份证号", "姓名", "出勤"]


@pytest.fixture
def sitting(world):
    event = TrainingEvent.objects.create(
        title="全员培训：社区分类治理", kind="all_staff", credited_hours=Decimal("4.0")
    )
    sitting = Sitting.objects.create(
        event=event,
        date=dt.date(2026, 6, 1),
        start_time=dt.time(9),
        end_time=dt.time(12),
        venue="长宁区社区学院",
        capacity=100,
    )
    for trainee in (world.worker, world.colleague, world.worker_b):
        Enrolment.objects.create(event=event, trainee=trainee, sitting=sitting)
    return sitting


def _row(trainee, status, day="2026/6/1"):
    return ["全员培训：社区分类治理", day, "", trainee.id_number, trainee.name, status]


def test_sign_in_sheet_marks_attendance_with_credited_hours(world, sitting):
    rows = [_row(world.worker, "出席"), _row(world.colleague, "早退")]
    district = world.users.district
    run = import_preview(
        kind="attendance", file=upload(xlsx_bytes([HEADERS, *rows])), actor=district
    )
    assert (run.new_count, run.error_count) == (2, 0), run.errors
    assert import_apply(run=run, actor=district).status == ImportRun.Status.APPLIED
    hours = dict(Attendance.objects.values_list("trainee__name", "credited_hours"))
    assert hours == {world.worker.name: Decimal("4.0"), world.colleague.name: Decimal("2.0")}
    # Round trip: the export comes back unchanged.
    again = import_preview(
        kind="attendance", file=upload(build_export(KINDS["attendance"], district)), actor=district
    )
    assert (again.new_count, again.changed_count, again.unchanged_count, again.error_count) == (
        0,
        0,
        2,
        0,
    )


def test_unknown_sitting_and_out_of_scope_workers_are_errors(world, sitting):
    rows = [_row(world.worker, "出席", day="2026-06-02"), _row(world.worker_b, "出席")]
    run = import_preview(
        kind="attendance", file=upload(xlsx_bytes([HEADERS, *rows])), actor=world.users.admin_a
    )
    assert [(e["row"], e["column"]) for e in run.errors] == [(2, "培训名称"), (3, "身份证号")]
    assert not Attendance.objects.exists()
