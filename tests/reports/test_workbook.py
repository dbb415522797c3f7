"""The fixed-format workbook (issue 14, item 4): built in the background for a date and scope,
read back with openpyxl and through LibreOffice, every 合计 the sum of its block."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from certification.models import Certificate, Level
from imports.services import import_preview
from reports.workbook.services import workbook_render
from tests.factories import NeighbourhoodFactory, SubdistrictFactory, TraineeFactory
from tests.imports.conftest import upload
from trainees.assessments.models import Assessment, AssessmentResult, AssessmentRound
from trainees.assessments.services import round_open
from trainees.history import history_change
from trainees.models import CareerGrade, ChangeKind, LeaveKind, Post
from trainees.services import trainee_mark_left

pytestmark = pytest.mark.django_db

BLOCK_SHEETS = ("队伍概况", "证书", "年度考核")
SHEET_NAMES = [
    "队伍概况",
    "证书",
    "证书名单",
    "调级",
    "调动",
    "年度考核",
    "年度考核名单",
    "证书奖励",
    "证书奖励名单",
    "社区工作者配备",
    "配备比例",
]


def today() -> dt.date:
    return timezone.localdate()


def change(world, trainee, kind, day, **values):
    return history_change(
        trainee=trainee,
        actor=world.users.district,
        kind=kind,
        effective_on=day,
        reason="补登",
        document_no="长民〔2026〕1号",
        **values,
    )


def grade(level: int) -> CareerGrade:
    return CareerGrade.objects.get_or_create(level=level, defaults={"name": f"{level}级"})[0]


def grow(world, n: int) -> None:
    """`n` more workers per committee, a third subdistrict with two committees."""
    c = SubdistrictFactory(name="江苏路街道", code="310105002")
    committees = [world.na, world.nb, NeighbourhoodFactory(name="华山居委会", subdistrict=c)]
    committees.append(NeighbourhoodFactory(name="愚园居委会", subdistrict=c))
    for i in range(n):
        for committee in committees:
            TraineeFactory(
                neighbourhood=committee,
                gender="MF"[i % 2],
                birth_date=dt.date(1960 + (7 * i) % 40, 1 + i % 12, 1 + i % 28),
                political_status=["cpc", "masses", "cyl"][i % 3],
                post=[Post.GENERAL, Post.DIRECTOR][i % 2],
            )


def held(trainee, level: Level, issued: dt.date, n: int) -> Certificate:
    return Certificate.objects.create(
        trainee=trainee,
        level=level,
        number=f"2024{n:014d}",
        date_passed=issued - dt.timedelta(days=60),
        date_issued=issued,
    )


def assess(world, year: int, results: dict) -> None:
    round_ = AssessmentRound.objects.create(year=year)
    for trainee, result in results.items():
        Assessment.objects.create(
            round=round_,
            trainee=trainee,
            result=result,
            subdistrict=trainee.subdistrict,
            entered_at=timezone.now(),
        )


def book(body: bytes):
    return load_workbook(io.BytesIO(body))


def blocks(ws: Worksheet) -> tuple[list[list], list[list], list | None]:
    """(committee rows grouped in blocks, 合计 rows, 全区合计 row) of a block sheet."""
    groups: list[list] = [[]]
    totals: list[list] = []
    grand = None
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0] is None or str(row[0]).startswith("注"):
            continue
        if row[0] == "全区合计":
            grand = list(row[2:])
        elif row[1] == "合计":
            totals.append(list(row[2:]))
            groups.append([])
        else:
            groups[-1].append(list(row[2:]))
    return groups[:-1], totals, grand


def assert_totals(ws: Worksheet, *, district: bool) -> None:
    groups, totals, grand = blocks(ws)
    assert totals, ws.title
    for rows, total in zip(groups, totals, strict=True):
        assert [sum(col) for col in zip(*rows, strict=True)] == total, ws.title
        assert all(isinstance(v, int) for row in rows for v in row), ws.title
    if district:
        assert grand == [sum(col) for col in zip(*totals, strict=True)]
    else:
        assert grand is None


def column(ws: Worksheet, group: str, value: str | None = None) -> int:
    """The 1-based column of a header (`group` in row 2, `value` in row 3)."""
    top = [c.value for c in ws[2]]
    start = top.index(group)
    if value is None:
        return start + 1
    bottom = [c.value for c in ws[3]]
    for i in range(start, len(bottom)):
        if bottom[i] == value:
            return i + 1
    raise AssertionError((group, value))


def row_of(ws: Worksheet, subdistrict: str, committee: str) -> tuple:
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0] == subdistrict and row[1] == committee:
            return row
    raise AssertionError((subdistrict, committee))


def test_the_workbook_has_its_sheets_blocks_totals_and_layout(world):
    grow(world, 6)
    assistant = Level.objects.get(code="assistant")
    held(world.worker, assistant, today() - dt.timedelta(days=30), 1)
    held(world.worker_b, assistant, today() + dt.timedelta(days=30), 2)  # pending
    assess(world, today().year, {world.worker: AssessmentResult.EXCELLENT})
    body = workbook_render(as_of=today(), subdistrict=None)
    wb = book(body)
    assert wb.sheetnames == SHEET_NAMES
    for title in BLOCK_SHEETS:
        ws = wb[title]
        assert_totals(ws, district=True)
        assert ws.freeze_panes == "C4"
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.print_title_rows == "$1:$3"
    profile = wb["队伍概况"]
    merged = {str(r) for r in profile.merged_cells.ranges}
    assert {"A2:A3", "B2:B3", "C2:C3", "D2:E2"} <= merged  # 在册人数; 性别 over 男, 女
    assert profile["D2"].value == "性别" and profile["D3"].value == "男"
    grand_row = next(c.row for c in profile["A"] if c.value == "全区合计")
    assert f"A{grand_row}:B{grand_row}" in merged
    assert profile.cell(1, 1).value == f"长宁区社区工作者队伍概况统计表（截至 {today():%Y-%m-%d}）"
    # 陆晓燕 and 顾建国 in 华一, 沈丽华 in 新泾一村 (world), and 6 more per committee.
    assert row_of(profile, "华阳路街道", "华一居委会")[2] == 2 + 6
    assert blocks(profile)[2][0] == 3 + 4 * 6
    certificates = wb["证书"]
    held_a = column(certificates, "持证人数", assistant.name)
    pending_a = column(certificates, "待发证人数", assistant.name)
    assert row_of(certificates, "华阳路街道", "华一居委会")[held_a - 1] == 1
    assert row_of(certificates, "新泾镇", "新泾一村居委会")[held_a - 1] == 0
    assert row_of(certificates, "新泾镇", "新泾一村居委会")[pending_a - 1] == 1
    names = wb["证书名单"]
    assert names.freeze_panes == "A3" and names.print_title_rows == "$1:$2"
    listed = [r for r in names.iter_rows(min_row=3, values_only=True) if r[0]]
    assert [(r[2], r[3][-4:] != r[3][:4], r[3].count("*")) for r in listed] == [
        (world.worker.name, True, 14)
    ]
    assessments = wb["年度考核"]
    excellent = column(assessments, "考核结果", "优秀")
    assert row_of(assessments, "华阳路街道", "华一居委会")[excellent - 1] == 1
    assert blocks(assessments)[2][0] == 1  # 考核人数 in the district


def test_figures_are_those_of_the_date_for_workers_who_moved_went_on_leave_left_and_came_back(
    world,
):
    """A year back: 顾建国 moves from 华一 (A) to 新泾一村 (B); 陆晓燕 goes on leave (still 在册)
    and is promoted to director; 沈丽华 leaves and comes back. Each date counts them where
    their history had them then."""
    y = today().year - 1
    d = lambda m, day: dt.date(y, m, day)  # noqa: E731
    change(world, world.colleague, ChangeKind.TRANSFER, d(3, 1), subdistrict=world.b,
           neighbourhood=world.nb)  # fmt: skip
    change(world, world.worker, ChangeKind.LEAVE, d(4, 1), leave_kind=LeaveKind.MATERNITY)
    change(world, world.worker, ChangeKind.POST, d(5, 1), post=Post.DIRECTOR)
    trainee_mark_left(
        trainee=world.worker_b, actor=world.users.district, left_on=d(6, 1), reason="补登离职"
    )
    change(world, world.worker_b, ChangeKind.REHIRED, d(9, 1), subdistrict=world.b,
           neighbourhood=world.nb)  # fmt: skip

    def profile(day: dt.date) -> dict[str, tuple]:
        ws = book(workbook_render(as_of=day, subdistrict=None))["队伍概况"]
        directors = column(ws, "岗位", "居委会主任")
        return {
            "a": (row_of(ws, "华阳路街道", "华一居委会")[2],),
            "b": (row_of(ws, "新泾镇", "新泾一村居委会")[2],),
            "directors": blocks(ws)[2][directors - 3],
        }

    assert profile(d(2, 28)) == {"a": (2,), "b": (1,), "directors": 0}
    assert profile(d(3, 1)) == {"a": (1,), "b": (2,), "directors": 0}
    # On leave: still on the books, and a director from 1 May.
    assert profile(d(5, 1)) == {"a": (1,), "b": (2,), "directors": 1}
    # 沈丽华 off the books from 1 June to 31 August, back on 1 September.
    assert profile(d(8, 31)) == {"a": (1,), "b": (1,), "directors": 1}
    assert profile(d(9, 1)) == {"a": (1,), "b": (2,), "directors": 1}


def test_age_bands_and_certificate_levels_are_those_of_the_date(world):
    """陆晓燕 turns 31 on her birthday: ≤30 the day before, 31–35 on the day; her certificate
    counts from its date, not before."""
    birthday = today().replace(month=6, day=15) - dt.timedelta(days=366)
    born = birthday.replace(year=birthday.year - 31)
    world.worker.birth_date = born
    world.worker.save(update_fields=["birth_date"])
    level = Level.objects.get(code="assistant")
    held(world.worker, level, birthday, 7)

    def bands(day: dt.date) -> tuple[int, int, int, int]:
        ws = book(workbook_render(as_of=day, subdistrict=world.a))["队伍概况"]
        row = row_of(ws, "华阳路街道", "华一居委会")
        return (
            row[column(ws, "年龄", "≤30") - 1],
            row[column(ws, "年龄", "31–35") - 1],
            row[column(ws, "证书等级", "无证书") - 1],
            row[column(ws, "证书等级", level.name) - 1],
        )

    # 顾建国 (born 1988) is in 31–35 or 36–45 depending on the year; count 陆晓燕 only.
    before, on = bands(birthday - dt.timedelta(days=1)), bands(birthday)
    assert on[0] == before[0] - 1 and on[1] == before[1] + 1
    assert (before[2], before[3]) == (2, 0) and (on[2], on[3]) == (1, 1)


def test_grade_changes_and_transfers_of_the_year_are_listed_with_from_to_and_document(world):
    y = today().year
    start = dt.date(y, 1, 1)
    change(world, world.colleague, ChangeKind.GRADE, start - dt.timedelta(days=1), grade=grade(3))
    change(world, world.colleague, ChangeKind.GRADE, start, grade=grade(4))
    change(world, world.worker, ChangeKind.TRANSFER, start,
           subdistrict=world.b, neighbourhood=world.nb)  # fmt: skip
    wb = book(workbook_render(as_of=today(), subdistrict=None))
    grades = [r for r in wb["调级"].iter_rows(min_row=3, values_only=True) if r[0]]
    # Last year's change is not this year's; from 3 to 4, dated, with its reason and 文号.
    assert [(r[2], r[5], r[6], r[7].date(), r[8], r[9]) for r in grades] == [
        (world.colleague.name, 3, 4, start, "补登", "长民〔2026〕1号")
    ]
    assert "*" in grades[0][3]
    moves = [r for r in wb["调动"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in moves] == [
        (world.worker.name, "华阳路街道", "华一居委会", "新泾镇", "新泾一村居委会")
    ]
    # Both subdistricts see the transfer (out of A, into B); the grade change is A's only.
    for sub, n_grades in ((world.a, 1), (world.b, 0)):
        wb = book(workbook_render(as_of=today(), subdistrict=sub))
        assert sum(1 for r in wb["调动"].iter_rows(min_row=3, values_only=True) if r[0]) == 1
        assert sum(1 for r in wb["调级"].iter_rows(min_row=3, values_only=True) if r[0]) == (
            n_grades
        )


def test_a_subdistrict_workbook_holds_its_own_blocks_and_total_only(world):
    grow(world, 2)
    wb = book(workbook_render(as_of=today(), subdistrict=world.b))
    for title in BLOCK_SHEETS:
        ws = wb[title]
        assert_totals(ws, district=False)
        places = {r[0] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
        assert {p for p in places if not p.startswith("注")} == {"新泾镇"}
    assert row_of(wb["队伍概况"], "新泾镇", "合计")[2] == 1 + 2


def test_text_that_looks_like_a_formula_is_written_as_text(world):
    world.worker.name = "=HYPERLINK(1)"
    world.worker.save(update_fields=["name"])
    level = Level.objects.get(code="assistant")
    held(world.worker, level, today() - dt.timedelta(days=1), 3)
    ws = book(workbook_render(as_of=today(), subdistrict=None))["证书名单"]
    names = [r[2] for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    assert names == ["'=HYPERLINK(1)"]


@pytest.mark.parametrize("per_committee", [1, 8])
def test_the_build_takes_the_same_queries_whatever_the_size(
    world, per_committee, django_assert_max_num_queries
):
    grow(world, per_committee)
    level = Level.objects.get(code="assistant")
    for n, trainee in enumerate(world.worker.neighbourhood.trainees.all()[:per_committee]):
        held(trainee, level, today() - dt.timedelta(days=10), 100 + n)
        change(world, trainee, ChangeKind.GRADE, today(), grade=grade(5))
    assess(world, today().year, {world.worker: AssessmentResult.COMPETENT})
    # Places 2; profile: levels + counts; certificates: levels + counts; certificate list 1;
    # grade changes 1; transfers 1; assessments: counts + round; assessment list 1;
    # grants: round + counts; grant list: round + rows; staffing and its ratios: 6 each. (28)
    with django_assert_max_num_queries(28):
        workbook_render(as_of=today(), subdistrict=None)


def only_sheet(body: bytes, title: str = "年度考核名单") -> bytes:
    """The sheet an office copies out of the workbook to send back, alone in its file."""
    wb = book(body)
    for ws in list(wb.worksheets):
        if ws.title != title:
            wb.remove(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_assessment_list_reads_back_through_the_assessments_import(world):
    """With full ID numbers (a district administrator who asked), 年度考核名单 is the
    assessments import's own sheet: read back, every row is unchanged. Masked, the import
    refuses each number rather than guess."""
    year = today().year - 1
    round_ = round_open(year=year, excellent_share=50, actor=world.users.district)
    for trainee, result, note in (
        (world.worker, AssessmentResult.EXCELLENT, "年度先进"),
        (world.colleague, AssessmentResult.COMPETENT, ""),
        (world.worker_b, AssessmentResult.UNDETERMINED, "长病假"),
    ):
        Assessment.objects.create(
            round=round_,
            trainee=trainee,
            result=result,
            note=note,
            subdistrict=trainee.subdistrict,
            entered_at=timezone.now(),
        )
    day = dt.date(year, 12, 31)
    full = workbook_render(as_of=day, subdistrict=None, full_id=True)
    rows = [r for r in book(full)["年度考核名单"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert {r[0] for r in rows} == {
        t.id_number for t in (world.worker, world.colleague, world.worker_b)
    }
    run = import_preview(
        kind="assessments", file=upload(only_sheet(full), "考核.xlsx"), actor=world.users.district
    )
    assert (run.new_count, run.changed_count, run.unchanged_count, run.error_count) == (
        0,
        0,
        3,
        0,
    ), run.errors
    masked = only_sheet(workbook_render(as_of=day, subdistrict=None))
    run = import_preview(
        kind="assessments", file=upload(masked, "考核.xlsx"), actor=world.users.district
    )
    assert run.error_count == 3 and run.unchanged_count == 0
