"""Roster import (issue 7): round trip, one bad row among 2,000, scope, real-world files."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from demo.seed import seed_demo
from imports.kinds import KINDS
from imports.models import ImportRun
from imports.services import import_apply, import_preview
from imports.workbooks import build_export, build_template
from trainees.identity import id_check_char
from trainees.models import Trainee, TraineeStatus
from trainees.pii import id_number_hash

from .conftest import csv_bytes, make_id_number, roster_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_exported_demo_roster_imports_again_without_changes():
    seed_demo(activity=False)
    district = User.objects.get(username="district")
    before = dict(Trainee.objects.values_list("pk", "updated_at"))
    data = build_export(KINDS["workers"], district)

    run = import_preview(kind="workers", file=upload(data), actor=district)

    assert (run.rows, run.error_count, run.errors) == (len(before), 0, [])
    assert (run.new_count, run.changed_count, run.unchanged_count) == (0, 0, len(before))
    run = import_apply(run=run, actor=district)
    assert run.status == ImportRun.Status.APPLIED
    assert (run.new_count, run.changed_count) == (0, 0)
    assert dict(Trainee.objects.values_list("pk", "updated_at")) == before


def test_one_bad_row_among_2000_is_named_and_nothing_is_written(world, headers):
    rows = [roster_row(name=f"新人{i}") for i in range(2000)]
    bad = rows[1233]
    bad[headers.index("入职日期")] = "2016-02-30"  # no such day
    count = Trainee.objects.count()

    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, *rows])), actor=world.users.district
    )

    assert run.rows == 2000 and run.new_count == 1999
    assert run.error_count == 1
    (error,) = run.errors
    assert (error["sheet"], error["row"], error["column"]) == ("名册", 1235, "入职日期")
    assert "2016-02-30" in error["message"]
    assert not run.can_apply
    assert import_apply(run=run, actor=world.users.district).status == ImportRun.Status.PREVIEWED
    assert Trainee.objects.count() == count


def test_new_workers_are_created_through_the_rules_and_a_second_import_changes_nothing(
    world, headers
):
    rows = [roster_row(name="钱 海燕"), roster_row(name="孙立", gender="M", committee="")]
    rows[1][headers.index("身份证号")] = rows[1][headers.index("身份证号")].lower()
    data = xlsx_bytes([headers, *rows])
    district = world.users.district

    run = import_apply(
        run=import_preview(kind="workers", file=upload(data), actor=district), actor=district
    )

    assert (run.status, run.new_count) == (ImportRun.Status.APPLIED, 2)
    qian = Trainee.objects.get(name="钱海燕")  # spaces inside a Chinese name dropped
    assert (qian.gender, qian.neighbourhood, qian.major_is_social_work) == ("F", world.na, True)
    assert Trainee.objects.get(name="孙立").neighbourhood is None  # the subdistrict office
    again = import_preview(kind="workers", file=upload(data, "again.xlsx"), actor=district)
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 2)


def test_changed_cells_update_the_worker_and_are_listed(world, headers):
    worker = world.worker
    row = roster_row(
        name=worker.name,
        id_number=worker.id_number,
        birth=worker.birth_date,
        **{
            "手机号": "13800001111",
            "从事社区工作日期": worker.started_community_work,
            "入职日期": worker.joined,
        },
    )
    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, row])), actor=world.users.district
    )

    assert (run.new_count, run.changed_count, run.error_count) == (0, 1, 0)
    # Listed masked: the change sample is kept with the run for all its administrators.
    fields = run.changes[0]["fields"]
    assert any(f.startswith("手机号：") and f.endswith("→ 138****1111") for f in fields)
    assert "13800001111" not in str(run.changes)
    import_apply(run=run, actor=world.users.district)
    worker.refresh_from_db()
    assert worker.mobile == "13800001111"


def test_rule_errors_name_row_and_column(world, headers):
    male_id = make_id_number(dt.date(1990, 5, 17), "M")
    rows = [
        roster_row(id_number=male_id),  # says 女
        roster_row(committee="新泾一村居委会"),  # a committee of another subdistrict
        roster_row(**{"状态": "已离职"}),  # no date left
        roster_row(id_number=male_id, gender="M"),  # the same person twice
    ]
    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, *rows])), actor=world.users.district
    )

    found = {(e["row"], e["column"]) for e in run.errors}
    assert found == {(2, "性别"), (3, "居委会"), (4, "离职日期"), (5, "身份证号")}
    assert any("第 2 行" in e["message"] for e in run.errors if e["row"] == 5)


def test_subdistrict_admin_rows_for_another_subdistrict_are_errors(world, headers):
    rows = [
        roster_row(),
        roster_row(subdistrict="新泾镇", committee="新泾一村居委会"),
        roster_row(
            name=world.worker_b.name,
            id_number=world.worker_b.id_number,
            birth=world.worker_b.birth_date,
        ),
    ]
    count = Trainee.objects.count()
    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, *rows])), actor=world.users.admin_a
    )

    # Row 4 is a worker of another subdistrict: refused as a whole, no column named
    # (tests/imports/test_import_scope_oracle.py).
    assert {(e["row"], e["column"]) for e in run.errors} == {(3, "街道（镇）"), (4, "")}
    assert "华阳路街道" in next(e["message"] for e in run.errors if e["row"] == 3)
    assert run.new_count == 1 and not run.can_apply
    assert Trainee.objects.count() == count


def test_gb18030_csv_with_title_rows_and_synonym_headers_is_read(world):
    header = [
        "序号",
        "姓名",
        "公民身份号码",
        "所属街道",
        "居委",
        "文化程度",
        "参加社区工作时间",
        "到岗日期",
        "联系电话",
    ]
    id_number = make_id_number(dt.date(1985, 3, 2), "M")
    rows = [
        ["长宁区社区工作者花名册", "", "", ""],
        ["填报单位：华阳路街道社区办", "", "", "", "", "", "", "2026年11月"],
        header,
        [
            "1",
            "　王　建国　",
            id_number[:-1] + id_number[-1].lower(),
            "华阳路",
            "华一",
            "大学本科",
            "2008年9月1日",
            "20100301",
            "１３９ １２３４ ５６７８",
        ],
    ]
    data = csv_bytes(rows, encoding="gb18030")
    run = import_preview(
        kind="workers", file=upload(data, "花名册.csv"), actor=world.users.district
    )

    assert (run.error_count, run.new_count) == (0, 1), run.errors
    import_apply(run=run, actor=world.users.district)
    created = Trainee.objects.get(id_number_hash=id_number_hash(id_number))
    assert (created.name, created.gender, created.birth_date) == (
        "王建国",
        "M",
        dt.date(1985, 3, 2),
    )
    assert (created.neighbourhood, created.education, created.mobile) == (
        world.na,
        "bachelor",
        "13912345678",
    )
    assert created.started_community_work == dt.date(2008, 9, 1)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_csv_encodings(world, headers, encoding):
    data = csv_bytes([headers, roster_row()], encoding=encoding)
    run = import_preview(kind="workers", file=upload(data, "r.csv"), actor=world.users.district)
    assert (run.error_count, run.new_count) == (0, 1), run.errors


def test_id_number_stored_as_a_number_in_excel_is_reported(world, headers):
    row = roster_row()
    number = row[headers.index("身份证号")]
    row[headers.index("身份证号")] = float(number[:17] + "0") if number[-1] != "X" else 3.10105e17
    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, row])), actor=world.users.district
    )
    (error,) = run.errors
    assert error["column"] == "身份证号" and "第 16 位以后" in error["message"]


def test_dates_as_excel_serials_and_text(world, headers):
    rows = [
        roster_row(**{"出生日期": "", "从事社区工作日期": 42186, "入职日期": "2016/3/1"}),
        roster_row(**{"从事社区工作日期": "2015.7.1", "入职日期": 20160301}),
    ]
    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, *rows])), actor=world.users.district
    )
    assert (run.error_count, run.new_count) == (0, 2), run.errors


@pytest.mark.parametrize("masked", ["310105********123X", "**************123X"])
def test_masked_id_numbers_are_refused_clearly(world, headers, masked):
    # The old mask (region code kept) and the current one (last four only).
    row = roster_row(id_number=masked)
    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, row])), actor=world.users.district
    )
    assert "打码" in run.errors[0]["message"]


def test_a_masked_export_sent_back_is_refused_row_by_row_with_reasons(world, client_for):
    """A subdistrict administrator's export is masked (ID tail, mobile, no birth date): sent
    back as it is, every row is refused with what to fix, and nothing is written."""
    client = client_for(world.users.admin_a)
    exported = client.get(reverse("imports:export", args=["workers"])).content
    sheet = load_workbook(io.BytesIO(exported))["名册"]
    header = [c.value for c in sheet[2]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3) if row[0].value]
    assert {r[0] for r in rows} == {world.worker.name, world.colleague.name}
    for row in rows:
        assert row[header.index("出生日期")] is None  # no birth date beside a masked number
        assert row[header.index("身份证号")].startswith("*" * 14)
        assert "****" in row[header.index("手机号")]
    before = list(Trainee.objects.order_by("pk").values())
    run = import_preview(
        kind="workers", file=upload(exported, "export.xlsx"), actor=world.users.admin_a
    )
    assert run.status != ImportRun.Status.FAILED and not run.can_apply
    messages = {(e["row"], e["column"]): e["message"] for e in run.errors}
    for number in (3, 4):
        assert "身份证号已打码" in messages[(number, "身份证号")]
        assert "手机号已打码" in messages[(number, "手机号")]
    assert list(Trainee.objects.order_by("pk").values()) == before


def test_missing_required_columns_are_named(world):
    data = xlsx_bytes([["姓名", "性别", "手机号"], ["张三", "女", "13912345678"]])
    run = import_preview(kind="workers", file=upload(data), actor=world.users.district)
    (error,) = run.errors
    assert error["row"] == 1 and "身份证号" in error["message"] and "学历" in error["message"]


def test_template_has_headers_example_and_drop_downs_and_imports_empty(world):
    data = build_template(KINDS["workers"], world.users.district)
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["名册"]
    header = [c.value for c in sheet[2]]
    example = [c.value for c in sheet[3]]
    assert header[:4] == ["姓名", "性别", "出生日期", "身份证号"]
    assert example[3][-1] == id_check_char(example[3][:17])
    validated = {str(dv.sqref).split(":")[0][0] for dv in sheet.data_validations.dataValidation}
    assert {"B", "F", "G", "L"} <= validated  # gender, political status, subdistrict, education
    assert workbook["选项"].sheet_state == "hidden"
    run = import_preview(
        kind="workers", file=upload(data, "template.xlsx"), actor=world.users.district
    )
    assert (run.rows, run.error_count) == (0, 0) and "示例行" in run.message


def test_apply_rechecks_and_writes_nothing_when_a_row_went_bad_since_preview(world, headers):
    rows = [roster_row(), roster_row()]
    admin_a = world.users.admin_a
    run = import_preview(kind="workers", file=upload(xlsx_bytes([headers, *rows])), actor=admin_a)
    assert run.can_apply
    # Before the import is confirmed, the district registers the second person in B.
    Trainee.objects.create(
        name="先到",
        gender="F",
        birth_date=dt.date(1990, 5, 17),
        id_number=rows[1][headers.index("身份证号")],
        subdistrict=world.b,
        education="bachelor",
        started_community_work=dt.date(2015, 7, 1),
        joined=dt.date(2016, 3, 1),
        status=TraineeStatus.ACTIVE,
    )
    count = Trainee.objects.count()

    run = import_apply(run=run, actor=admin_a)

    assert run.status == ImportRun.Status.FAILED
    # Now a worker of another subdistrict: the row as a whole, no column named.
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "")]
    assert Trainee.objects.count() == count  # the first, valid row was not written either


def test_only_the_uploader_confirms(world, headers):
    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, roster_row()])), actor=world.users.admin_a
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_apply(run=run, actor=world.users.district)


def test_text_longer_than_the_record_allows_is_an_error(world, headers):
    row = roster_row(name="欧" * 41)
    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, row])), actor=world.users.district
    )
    assert [(e["column"], e["message"]) for e in run.errors] == [
        ("姓名", "姓名不能超过 40 个字，当前 41 个。")
    ]
