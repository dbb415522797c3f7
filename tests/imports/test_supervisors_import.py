"""Supervisors with their pairings: round trip, capacity, the district's rules."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import User
from demo.seed import seed_demo
from imports.kinds import KINDS
from imports.models import ImportRun
from imports.services import import_apply, import_preview
from imports.workbooks import build_export
from supervisors.models import Assignment, Supervisor
from tests.factories import TraineeFactory

from .conftest import upload

pytestmark = pytest.mark.django_db

TEAM = ["姓名", "来源", "所在机构", "职业水平", "所属街道（镇）", "带教容量", "擅长住房类型"]
PAIRS = ["督导师", "督导师所属街道（镇）", "社区工作者身份证号", "督导方式"]


def _two_sheets(team_rows, pair_rows) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    team = workbook.active
    team.title = "督导师"
    for row in [TEAM, *team_rows]:
        team.append(row)
    pairs = workbook.create_sheet("督导关系")
    for row in [PAIRS, *pair_rows]:
        pairs.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_exported_team_and_pairings_import_again_without_changes():
    seed_demo(activity=False)
    district = User.objects.get(username="district")
    pairs = Assignment.objects.filter(ended_on__isnull=True).count()
    data = build_export(KINDS["supervisors"], district)
    run = import_preview(kind="supervisors", file=upload(data), actor=district)
    assert run.errors == []
    assert (run.new_count, run.changed_count) == (0, 0)
    assert run.unchanged_count == Supervisor.objects.count() + pairs
    assert import_apply(run=run, actor=district).status == ImportRun.Status.APPLIED
    assert Assignment.objects.filter(ended_on__isnull=True).count() == pairs


def test_new_supervisor_with_pairings_and_a_reassignment(world):
    newcomer = TraineeFactory(neighbourhood=world.na)
    data = _two_sheets(
        [["王督导", "高校", "华东师范大学", "社会工作师", "华阳路街道", 2, "老洋房、售后公房"]],
        [
            ["王督导", "", newcomer.id_number, "师徒式"],
            ["王督导", "", world.worker.id_number, "训练式"],  # from 周督导
        ],
    )
    district = world.users.district
    run = import_preview(kind="supervisors", file=upload(data), actor=district)
    assert run.errors == []
    assert (run.new_count, run.changed_count) == (2, 1)
    run = import_apply(run=run, actor=district)
    assert run.status == ImportRun.Status.APPLIED, run.message
    wang = Supervisor.objects.get(name="王督导")
    assert wang.specialties == ["public_resale", "villa"] and wang.capacity == 2
    assert set(
        wang.assignments.filter(ended_on__isnull=True).values_list("trainee", flat=True)
    ) == {
        newcomer.pk,
        world.worker.pk,
    }
    ended = Assignment.objects.get(trainee=world.worker, supervisor=world.supervisor)
    assert ended.ended_on is not None and "导入" in ended.end_reason


def test_capacity_is_respected_row_by_row(world):
    extra = [TraineeFactory(neighbourhood=world.na) for _ in range(3)]
    data = _two_sheets(
        [["小容量", "社工机构", "", "", "华阳路街道", 2, ""]],
        [["小容量", "", t.id_number, "师徒式"] for t in extra],
    )
    count = Assignment.objects.count()
    run = import_preview(kind="supervisors", file=upload(data), actor=world.users.district)
    assert [(e["sheet"], e["row"], e["column"]) for e in run.errors] == [("督导关系", 4, "督导师")]
    assert "容量为 2 人" in run.errors[0]["message"]
    assert (
        Assignment.objects.count() == count
        and not Supervisor.objects.filter(name="小容量").exists()
    )


def test_only_the_district_imports_supervisors(world, client_for):
    with pytest.raises(PermissionDenied):
        import_preview(kind="supervisors", file=upload(b"x"), actor=world.users.admin_a)
    client = client_for(world.users.admin_a)
    assert client.get(reverse("imports:upload", args=["supervisors"])).status_code == 403
    assert "督导师及督导关系" not in client.get(reverse("imports:index")).content.decode()
