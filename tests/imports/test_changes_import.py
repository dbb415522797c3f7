"""Lists of changes (人员变动): transfers, leave and return, leaving and re-hiring, one per row,
through the rules of trainees.history.history_change, all rows or none."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from imports.kinds import KINDS
from imports.kinds.base import map_sheets
from imports.models import ImportRun
from imports.readers import read_workbook
from imports.services import import_apply, import_preview
from imports.workbooks import build_export, build_template
from tests.factories import TraineeFactory
from trainees.history import history_change
from trainees.models import CareerGrade, ChangeKind, EmploymentState, TraineeStatus, WorkerPeriod

from .conftest import make_id_number, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = [
    "身份证号",
    "姓名",
    "变动类型",
    "生效日期",
    "调往街道（镇）",
    "调往居委会",
    "岗位",
    "岗位等级",
    "休假类别",
    "原因",
    "文号",
]
FILES = Path(__file__).parent / "files"


def _row(worker, kind, day, **cells) -> list:
    values = {"身份证号": worker.id_number, "姓名": worker.name, "变动类型": kind, "生效日期": day}
    values.update(cells)
    return [values.get(h, "") for h in HEADERS]


def _preview(actor, *rows, headers=HEADERS):
    return import_preview(
        kind="changes", file=upload(xlsx_bytes([headers, *rows], sheet="变动")), actor=actor
    )


def _today() -> dt.date:
    return timezone.localdate()


def _periods(worker) -> list[tuple]:
    return list(
        WorkerPeriod.objects.filter(trainee=worker)
        .order_by("starts_on")
        .values_list(
            "starts_on",
            "ends_on",
            "subdistrict__name",
            "neighbourhood__name",
            "state",
            "leave_kind",
            "change",
            "reason",
            "document_no",
        )
    )


def _counts(run):
    return (run.new_count, run.changed_count, run.unchanged_count, run.error_count)


def test_a_transfer_list_applies_and_the_periods_show_the_changes(world):
    district = world.users.district
    day = _today() - dt.timedelta(days=10)
    rows = [
        # Another subdistrict, a real date cell, the office's word for it (调出).
        _row(
            world.worker,
            "调出",
            day,
            **{
                "调往街道（镇）": "新泾镇",
                "调往居委会": "新泾一村",
                "原因": "工作需要",
                "文号": "长宁民〔2026〕12号",
            },
        ),
        # Within the subdistrict, to its 社区办 (committee left empty), a date written as text.
        _row(
            world.colleague,
            "调动",
            f"{day:%Y年%-m月%-d日}",
            **{"调往街道（镇）": "华阳路街道", "文号": "华阳〔2026〕3号"},
        ),
    ]
    run = _preview(district, *rows)
    assert _counts(run) == (0, 2, 0, 0), run.errors
    assert not WorkerPeriod.objects.filter(change=ChangeKind.TRANSFER).exists()
    assert "新泾镇" in str(run.changes[0]["fields"])

    applied = import_apply(run=run, actor=district)
    assert applied.status == ImportRun.Status.APPLIED, applied.message

    joined = world.worker.joined
    assert _periods(world.worker) == [
        (joined, day - dt.timedelta(days=1), "华阳路街道", "华一居委会", "on_duty", "", "joined", "", ""),
        (day, None, "新泾镇", "新泾一村居委会", "on_duty", "", "transfer", "工作需要", "长宁民〔2026〕12号"),
    ]  # fmt: skip
    assert _periods(world.colleague)[-1][2:4] == ("华阳路街道", None)
    assert _periods(world.colleague)[-1][-1] == "华阳〔2026〕3号"
    world.worker.refresh_from_db()
    assert (world.worker.subdistrict, world.worker.neighbourhood) == (world.b, world.nb)
    # One event per row, as history_change records one per change, naming the file.
    event = AuditEvent.objects.filter(object_id=str(world.worker.pk)).latest("pk")
    assert event.changes["文号"] == [None, "长宁民〔2026〕12号"]
    assert event.changes["subdistrict"] == ["华阳路街道", "新泾镇"]
    assert "roster.xlsx" in event.changes["source"]

    # The same list again changes nothing; so does the export of what was recorded.
    again = _preview(district, *rows)
    assert _counts(again) == (0, 0, 2, 0), again.errors
    export = build_export(KINDS["changes"], district)
    back = import_preview(kind="changes", file=upload(export), actor=district)
    assert _counts(back) == (0, 0, 2, 0), back.errors


@pytest.mark.parametrize("reverse_order", [False, True])
def test_leave_then_return_for_one_worker_in_two_rows(world, reverse_order):
    admin = world.users.admin_a
    leave_on, back_on = _today() - dt.timedelta(days=20), _today() - dt.timedelta(days=3)
    rows = [
        _row(world.worker, "产假", leave_on.isoformat()),  # the kind of leave in the kind
        _row(world.worker, "销假", f"{back_on:%Y/%-m/%-d}", **{"原因": "产假结束"}),
    ]
    if reverse_order:
        rows.reverse()  # applied in order of their dates, whatever the file's order
    run = _preview(admin, *rows)
    assert _counts(run) == (0, 2, 0, 0), run.errors
    assert import_apply(run=run, actor=admin).status == ImportRun.Status.APPLIED

    periods = _periods(world.worker)
    assert [(p[0], p[1], p[4], p[5], p[6]) for p in periods[1:]] == [
        (leave_on, back_on - dt.timedelta(days=1), "leave", "maternity", "leave"),
        (back_on, None, "on_duty", "", "return"),
    ]
    assert periods[-1][7] == "产假结束"
    world.worker.refresh_from_db()
    assert world.worker.status == TraineeStatus.ACTIVE


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(world):
    admin = world.users.admin_a
    today = _today()
    w = [TraineeFactory(name=f"华阳{i}", neighbourhood=world.na) for i in range(5)]
    stranger = make_id_number(dt.date(1991, 4, 5))
    rows = [
        _row(world.worker, "休假", today, **{"休假类别": "病假"}),  # 2: fine on its own
        _row(w[0], "请假了吧", today),  # 3: no such kind
        _row(w[1], "返岗", today - dt.timedelta(days=2)),  # 4: on duty, nothing to return from
        _row(w[2], "离职", today - dt.timedelta(days=60)),  # 5: beyond the office's window
        _row(world.worker_b, "离职", today),  # 6: a worker of 新泾镇
        [stranger, "某人", "离职", today] + [""] * 7,  # 7: nobody holds the number
        _row(w[3], "调动", today, **{"调往街道（镇）": "新泾镇"}),  # 8: not the office's to do
        _row(w[4], "离职", today, **{"姓名": "王五"}),  # 9: not the recorded name
    ]
    workers = [world.worker, world.worker_b, *w]
    before = {t.pk: _periods(t) for t in workers}
    events = AuditEvent.objects.count()

    run = _preview(admin, *rows)

    assert [(e["row"], e["column"]) for e in run.errors] == [
        (3, "变动类型"),
        (4, "变动类型"),
        (5, "生效日期"),
        (6, "身份证号"),
        (7, "身份证号"),
        (8, "调往街道（镇）"),
        (9, "姓名"),
    ]
    by_row = {e["row"]: e["message"] for e in run.errors}
    assert "“请假了吧”不是可导入的变动类型" in by_row[3] and "再次入职" in by_row[3]
    assert "状态为“在岗”，不能办理“返岗”" in by_row[4]
    assert "须由区管理员办理" in by_row[5]
    # Out of scope and unknown read the same: nothing is said of 新泾镇's worker.
    assert by_row[6] == by_row[7] and "不在您的管理范围内" in by_row[6]
    assert world.worker_b.name not in str(run.errors) and "新泾" not in by_row[6]
    assert "调往其他街道（镇）须由区管理员办理" in by_row[8]
    assert "华阳4" in by_row[9]
    assert not run.can_apply and run.status == ImportRun.Status.PREVIEWED

    # Nothing was written, and applying is refused.
    assert import_apply(run=run, actor=admin).status == ImportRun.Status.PREVIEWED
    assert {t.pk: _periods(t) for t in workers} == before
    assert AuditEvent.objects.count() == events


def test_a_wrong_row_stops_the_check_of_that_worker_s_later_rows(world):
    today = _today()
    rows = [
        _row(world.worker, "返岗", today - dt.timedelta(days=2)),  # 2: after row 3's leave
        _row(world.worker, "休假", today - dt.timedelta(days=9)),  # 3: no kind of leave
        _row(world.worker, "离职", today - dt.timedelta(days=9)),  # 4: the same day as row 3
    ]
    run = _preview(world.users.admin_a, *rows)
    assert [(e["row"], e["column"]) for e in run.errors] == [
        (2, ""),
        (3, "休假类别"),
        (4, "生效日期"),
    ]
    messages = [e["message"] for e in run.errors]
    assert "第 3 行" in messages[0] and "未能核对" in messages[0]
    assert "第 3 行" in messages[2] and "同一生效日期" in messages[2]


def test_the_district_corrects_the_past_with_a_reason(world):
    district = world.users.district
    long_ago = _today() - dt.timedelta(days=400)
    row = _row(world.worker, "借调", long_ago)
    refused = _preview(district, row)
    assert [(e["row"], e["column"]) for e in refused.errors] == [(2, "原因")]

    run = _preview(district, _row(world.worker, "借调", long_ago, **{"原因": "补登借调"}))
    assert _counts(run) == (0, 1, 0, 0), run.errors
    assert import_apply(run=run, actor=district).status == ImportRun.Status.APPLIED
    world.worker.refresh_from_db()
    assert world.worker.status == TraineeStatus.ON_LEAVE  # seconded: on the books, not on duty
    assert _periods(world.worker)[-1][4] == EmploymentState.SECONDED


def test_leaving_and_rehiring_with_placement_post_and_grade(world):
    district = world.users.district
    today = _today()
    CareerGrade.objects.get_or_create(level=3, defaults={"name": "三级"})
    rows = [
        _row(world.worker, "辞职", today - dt.timedelta(days=25), **{"原因": "个人原因"}),
        _row(
            world.worker,
            "重新入职",
            today - dt.timedelta(days=5),
            **{"调往街道（镇）": "华阳路", "调往居委会": "华一", "岗位": "委员", "岗位等级": "3级"},
        ),
    ]
    run = _preview(district, *rows)
    assert _counts(run) == (0, 2, 0, 0), run.errors
    import_apply(run=run, actor=district)
    world.worker.refresh_from_db()
    assert (world.worker.status, world.worker.post) == (TraineeStatus.ACTIVE, "member")
    assert world.worker.grade.level == 3
    assert world.worker.joined == today - dt.timedelta(days=5)  # the latest spell on the books
    assert [p[6] for p in _periods(world.worker)] == ["joined", "left", "rehired"]


def test_a_history_changed_after_the_preview_is_not_overwritten(world):
    admin = world.users.admin_a
    day = _today() - dt.timedelta(days=5)
    run = _preview(admin, _row(world.worker, "休假", day, **{"休假类别": "进修"}))
    assert run.can_apply, run.errors
    # Someone records a change on the worker's page meanwhile.
    history_change(
        trainee=world.worker,
        actor=admin,
        kind=ChangeKind.POST,
        effective_on=day - dt.timedelta(days=1),
        post="member",
    )
    applied = import_apply(run=run, actor=admin)
    # Checked again at apply against the history as it now is: still valid, so the leave is
    # written after the page's change, not over it.
    assert applied.status == ImportRun.Status.APPLIED, applied.message
    after = _periods(world.worker)
    assert [p[6] for p in after] == ["joined", "post", "leave"]
    assert (after[1][0], after[1][1]) == (day - dt.timedelta(days=1), day - dt.timedelta(days=1))
    assert after[-1][4:6] == ("leave", "study")


def test_a_history_changed_between_the_check_and_the_write_is_not_overwritten(world):
    admin = world.users.admin_a
    kind = KINDS["changes"]
    day = _today() - dt.timedelta(days=5)
    data = xlsx_bytes([HEADERS, _row(world.worker, "借调", day)])
    sheets, errors = map_sheets(read_workbook(data, "list.xlsx"), kind.tables)
    plan = kind.plan(sheets, actor=admin)
    assert not errors and not plan.errors and plan.changed == 1
    history_change(
        trainee=world.worker, actor=admin, kind=ChangeKind.POST, effective_on=day, post="member"
    )
    before = _periods(world.worker)
    with pytest.raises(ValidationError, match="履历被修改"), transaction.atomic():
        kind.write(plan, actor=admin, note="")
    assert _periods(world.worker) == before


def test_cells_the_kind_does_not_read_are_ignored_with_a_warning(world):
    day = _today() - dt.timedelta(days=4)
    row = _row(world.worker, "离职", day, **{"调往街道（镇）": "新泾镇", "休假类别": "病假"})
    run = _preview(world.users.admin_a, row)
    assert _counts(run) == (0, 1, 0, 0), run.errors
    assert [(w["row"], w["column"]) for w in run.warnings] == [
        (2, "调往街道（镇）"),
        (2, "休假类别"),
    ]
    assert "“离职”不读取此列" in run.warnings[0]["message"]


def test_upload_preview_and_confirm_on_the_pages(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users.admin_a)
    file = io.BytesIO(
        xlsx_bytes([HEADERS, _row(world.worker, "借调", _today(), **{"文号": "华阳〔2026〕5号"})])
    )
    file.name = "借调名单.xlsx"
    response = client.post(reverse("imports:upload", args=["changes"]), {"file": file}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "确认导入" in page and "借调" in page
    run = ImportRun.objects.get(kind="changes")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run-apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED, run.message
    assert _periods(world.worker)[-1][4] == EmploymentState.SECONDED
    assert _periods(world.worker)[-1][8] == "华阳〔2026〕5号"


def test_queries_do_not_grow_with_the_rows(world):
    admin = world.users.district
    today = _today()

    def run_for(n: int) -> list[str]:
        workers = [TraineeFactory(neighbourhood=world.na) for _ in range(n)]
        rows = []
        for i, t in enumerate(workers):
            leave_on = today - dt.timedelta(days=20 + i % 5)
            rows.append(_row(t, "休假", leave_on, **{"休假类别": "病假"}))
            rows.append(_row(t, "返岗", today - dt.timedelta(days=3)))
        data = xlsx_bytes([HEADERS, *rows])
        with CaptureQueriesContext(connection) as queries:
            run = import_preview(kind="changes", file=upload(data), actor=admin)
            assert run.can_apply, run.errors[:3]
            assert import_apply(run=run, actor=admin).status == ImportRun.Status.APPLIED
        return [q["sql"].split(" ", 1)[0] for q in queries]

    few, many = run_for(4), run_for(40)
    # The same reads for 8 rows as for 80; SQLite may split an INSERT of many periods in two
    # (its limit on parameters per statement), which is per batch, not per row.
    assert few.count("SELECT") == many.count("SELECT")
    assert len(many) - len(few) <= 2


def test_template_offers_the_kinds_and_skips_its_example(world, client_for):
    client = client_for(world.users.admin_a)
    response = client.get(reverse("imports:template", args=["changes"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["人员变动"]
    assert [c.value for c in sheet[2]] == HEADERS
    options = [c.value for c in book["选项"]["A"]]
    assert options[:3] == ["[kind]", "调动", "岗位变动"] and "再次入职" in options
    # The template as downloaded, example row and all, previews as nothing to do.
    run = import_preview(
        kind="changes",
        file=upload(build_template(KINDS["changes"], world.users.admin_a)),
        actor=world.users.admin_a,
    )
    assert (run.rows, run.error_count) == (0, 0) and "示例行" in run.message
    # The page lists the kind for those who import workers, and only for them.
    assert "人员变动" in client.get(reverse("imports:index")).content.decode()
    refused = client_for(world.users.leader).get(reverse("imports:template", args=["changes"]))
    assert refused.status_code == 403


# --- a file saved by LibreOffice -------------------------------------------------------------------

# Fixed people and dates: tests/imports/files/changes_libreoffice.xlsx holds them, made by
# `soffice --headless --convert-to xlsx` (LibreOffice 7.4) from `_source_book()`.
LO_WORKERS = (("310105198805170020", "林美华"), ("310105198805170047", "赵静怡"))


def _source_book() -> bytes:
    """A list as an office writes it: a title row, real date cells, a text date, a bad row."""
    (a, a_name), (b, b_name) = LO_WORKERS
    book = Workbook()
    sheet = book.active
    sheet.title = "人员变动"
    sheet.append(["华阳路街道 2026 年人员变动"])
    sheet.append(HEADERS)
    sheet.append(
        [a, a_name, "产假", dt.date(2026, 6, 1), "", "", "", "", "", "补登", "华阳〔2026〕7号"]
    )
    sheet.append([a, a_name, "销假", "2026年9月1日", "", "", "", "", "", "补登", ""])
    sheet.append(
        [
            b,
            b_name,
            "调出",
            dt.date(2026, 7, 1),
            "新泾镇",
            "新泾一村居委会",
            "委员",
            "",
            "",
            "补登",
            "长宁民〔2026〕9号",
        ]
    )
    sheet.append(
        [b, b_name, "调岗", dt.date(2026, 8, 1), "", "", "", "", "", "补登", ""]
    )  # no post
    for row in sheet.iter_rows(min_row=3, max_col=1):
        row[0].number_format = "@"  # ID numbers as text, as offices are told to
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()  # fmt: skip


def _lo_workers(world):
    return [
        TraineeFactory(id_number=number, name=name, neighbourhood=world.na, gender="F")
        for number, name in LO_WORKERS
    ]


def _summary(run):
    return (
        _counts(run),
        [(e["row"], e["column"], e["message"]) for e in run.errors],
        [c["fields"] for c in run.changes],
    )


def _same_as_source(world, saved: bytes) -> None:
    district = world.users.district
    source = import_preview(kind="changes", file=upload(_source_book()), actor=district)
    again = import_preview(kind="changes", file=upload(saved, "变动.xlsx"), actor=district)
    assert _summary(again) == _summary(source)
    assert [(e["row"], e["column"]) for e in source.errors] == [(6, "岗位")]
    assert _counts(source) == (0, 3, 0, 1)


def test_a_list_saved_by_libreoffice_reads_the_same(world):
    _lo_workers(world)
    _same_as_source(world, (FILES / "changes_libreoffice.xlsx").read_bytes())
