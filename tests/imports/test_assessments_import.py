"""Yearly assessment results (年度考核结果) from a spreadsheet: one row per worker and year,
written only through trainees.assessments.services.results_set, all rows or none."""

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from imports.kinds import KINDS
from imports.models import ImportRun
from imports.services import import_apply, import_preview
from imports.workbooks import build_export, build_template
from tests.factories import TraineeFactory
from trainees.assessments.models import Assessment, AssessmentResult, AssessmentRound
from trainees.assessments.services import quota_set, round_lock, round_open
from trainees.history import history_change
from trainees.models import ChangeKind

from .conftest import upload, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["身份证号", "姓名", "考核年度", "考核结果", "备注"]
FILES = Path(__file__).parent / "files"
R = AssessmentResult


def _year() -> int:
    """The year before the pinned clock's: a round that may be opened and has ended."""
    return timezone.localdate().year - 1


@pytest.fixture
def round_(world):
    return round_open(year=_year(), excellent_share=50, actor=world.users.district)


def _row(worker, result, *, year=None, note="", name=None) -> list:
    return [worker.id_number, worker.name if name is None else name, year or _year(), result, note]


def _preview(actor, *rows, headers=HEADERS):
    data = xlsx_bytes([headers, *rows], sheet="考核结果")
    return import_preview(kind="assessments", file=upload(data), actor=actor)


def _counts(run) -> tuple[int, int, int, int]:
    return (run.new_count, run.changed_count, run.unchanged_count, run.error_count)


def _results(round_) -> dict[str, tuple[str, str]]:
    return {
        a.trainee.name: (a.result, a.note)
        for a in Assessment.objects.filter(round=round_).select_related("trainee")
    }


def test_a_good_file_saves_through_the_service(world, round_):
    admin = world.users.admin_a
    run = _preview(
        admin,
        _row(world.worker, "优秀", note="年度先进"),
        # The civil-service word, spaces and a year written as text.
        _row(world.colleague, " 称职 ", year=f"{_year()}年度"),
    )
    assert _counts(run) == (2, 0, 0, 0), run.errors
    assert not Assessment.objects.exists()  # the preview writes nothing

    applied = import_apply(run=run, actor=admin)
    assert applied.status == ImportRun.Status.APPLIED, applied.message
    assert _results(round_) == {
        world.worker.name: (R.EXCELLENT, "年度先进"),
        world.colleague.name: (R.COMPETENT, ""),
    }
    # The service's own trail: one event per result, by the importer.
    events = AuditEvent.objects.filter(object_type="trainees.assessment")
    assert events.count() == 2 and {e.actor_id for e in events} == {admin.pk}

    # Changing one result: counted as changed, shown in the preview, the other unchanged.
    again = _preview(admin, _row(world.worker, "合格"), _row(world.colleague, "合格"))
    assert _counts(again) == (0, 1, 1, 0), again.errors
    assert "优秀 → 合格" in str(again.changes[0]["fields"])


def test_a_bad_row_names_row_column_and_reason_and_nothing_is_saved(world, round_):
    admin = world.users.admin_a
    third = TraineeFactory(name="顾建国", neighbourhood=world.na)
    run = _preview(
        admin,
        _row(world.worker, "合格"),
        _row(world.colleague, "良"),  # not a result
        _row(world.worker, "合格", year=1999),  # no round that year
        _row(third, "合格", name="顾建华"),  # another name than the roster's
        ["310105198805170000", "某某", _year(), "合格", ""],  # not in the roster
    )
    found = [(e["row"], e["column"]) for e in run.errors]
    assert found == [(3, "考核结果"), (4, "考核年度"), (5, "姓名"), (6, "身份证号")]
    assert "可填：优秀、合格、基本合格、不合格、不确定等次" in run.errors[0]["message"]
    assert "顾建国" in run.errors[2]["message"]
    assert not run.can_apply
    assert import_apply(run=run, actor=admin).status != ImportRun.Status.APPLIED
    assert not Assessment.objects.exists()


def test_a_worker_twice_in_one_year_is_refused(world, round_):
    run = _preview(world.users.admin_a, _row(world.worker, "合格"), _row(world.worker, "优秀"))
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "考核年度")]
    assert "第 2 行重复" in run.errors[0]["message"]


def test_a_file_over_the_excellent_quota_is_refused_with_the_quota_message(world, round_):
    admin = world.users.admin_a
    workers = [
        world.worker,
        world.colleague,
        *(TraineeFactory(neighbourhood=world.na) for _ in range(8)),
    ]
    # A's own share, 15 % of its 10 workers, rounded down: one 优秀.
    quota_set(round_=round_, subdistrict=world.a, share=15, actor=world.users.district)
    rows = [_row(w, "优秀" if i < 2 else "合格") for i, w in enumerate(workers)]
    run = _preview(admin, *rows)
    assert run.error_count == 1, run.errors
    message = run.errors[0]["message"]
    assert "华阳路街道的优秀名额为 1 人（15%，共 10 人）" in message
    assert "录入后将有 2 人评为优秀" in message
    assert run.errors[0]["column"] == "考核结果"
    assert not Assessment.objects.exists()  # the preview's trial write was rolled back

    # A quota the district raises since the preview lets the same file through.
    quota_set(round_=round_, subdistrict=world.a, share=20, actor=world.users.district)
    assert _preview(admin, *rows).can_apply


def test_another_subdistricts_worker_is_refused_and_unknown(world, round_):
    run = _preview(world.users.admin_a, _row(world.worker, "合格"), _row(world.worker_b, "合格"))
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "身份证号")]
    # The same answer as for a number not in the roster: nothing is revealed.
    assert "或不在您的管理范围内" in run.errors[0]["message"]
    assert not Assessment.objects.exists()
    # The district may enter anyone's.
    assert _preview(world.users.district, _row(world.worker_b, "合格")).can_apply


def test_a_row_wrong_elsewhere_does_not_tell_another_offices_worker_from_nobody(world, round_):
    unknown = ["310105198805170000", "某某", 1999, "合格", ""]
    theirs = [world.worker_b.id_number, "某某", 1999, "合格", ""]
    run = _preview(world.users.admin_a, unknown, theirs)
    answers = [(e["column"], e["message"]) for e in run.errors]
    assert answers[:2] == answers[2:] and answers[0][0] == "身份证号"


def test_a_worker_who_moved_is_assessed_by_the_office_that_placed_them(world, round_):
    """Placed in B at the year's end: A, which manages them no more, may not enter the result;
    and B's office sees the row's worker by the round's placement."""
    history_change(
        trainee=world.colleague,
        kind=ChangeKind.TRANSFER,
        effective_on=dt.date(_year(), 6, 1),
        actor=world.users.district,
        subdistrict=world.b,
        neighbourhood=world.nb,
        reason="工作需要",
    )
    refused = _preview(world.users.admin_a, _row(world.colleague, "合格"))
    assert [(e["row"], e["column"]) for e in refused.errors] == [(2, "身份证号")]
    accepted = _preview(world.users.admin_b, _row(world.colleague, "合格"))
    assert accepted.can_apply, accepted.errors


def test_a_worker_not_on_the_books_that_year_gets_the_services_reason(world, round_):
    late = TraineeFactory(neighbourhood=world.na, joined=dt.date(_year() + 1, 1, 2))
    run = _preview(world.users.admin_a, _row(world.worker, "合格"), _row(late, "合格"))
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "考核结果")]
    assert f"{_year()} 年不在册" in run.errors[0]["message"]


def test_a_locked_round_is_refused(world, round_):
    admin = world.users.admin_a
    first = _preview(
        world.users.district,
        _row(world.worker, "合格"),
        _row(world.colleague, "合格"),
        _row(world.worker_b, "合格"),
    )
    assert import_apply(run=first, actor=world.users.district).status == ImportRun.Status.APPLIED
    round_lock(round_=round_, actor=world.users.district)

    run = _preview(admin, _row(world.worker, "优秀"))
    assert run.error_count == 1
    assert "本年度考核已锁定" in run.errors[0]["message"]
    assert _results(round_)[world.worker.name] == (R.COMPETENT, "")
    # The same results again change nothing, so a locked round's export reads back cleanly.
    assert _counts(_preview(admin, _row(world.worker, "合格"))) == (0, 0, 1, 0)


def test_a_round_locked_after_the_preview_fails_the_apply_and_saves_nothing(world, round_):
    run = _preview(world.users.district, _row(world.worker, "合格"))
    assert run.can_apply
    # Locked meanwhile (every worker entered on the bulk entry page first).
    done = _preview(
        world.users.district,
        _row(world.worker, "基本合格"),
        _row(world.colleague, "合格"),
        _row(world.worker_b, "合格"),
    )
    import_apply(run=done, actor=world.users.district)
    round_lock(round_=round_, actor=world.users.district)
    failed = import_apply(run=run, actor=world.users.district)
    assert failed.status == ImportRun.Status.FAILED
    assert _results(round_)[world.worker.name] == (R.BASIC, "")


def test_the_export_reads_back_unchanged_round_trip(world, round_):
    district = world.users.district
    run = _preview(
        district, _row(world.worker, "优秀", note="先进"), _row(world.worker_b, "不确定等次")
    )
    assert import_apply(run=run, actor=district).status == ImportRun.Status.APPLIED

    data = build_export(KINDS["assessments"], district)
    sheet = load_workbook(io.BytesIO(data))["年度考核结果"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, values_only=False)]
    by_name = {r[1]: r for r in rows if r[1]}
    assert by_name[world.worker.name][2:6] == [_year(), "优秀", "先进", "华阳路街道"]
    # The worker still without a result comes out blank, to be filled in.
    assert by_name[world.colleague.name][3] in (None, "")

    back = import_preview(kind="assessments", file=upload(data), actor=district)
    assert _counts(back) == (0, 0, 3, 0), back.errors
    assert back.warnings == []
    assert import_apply(run=back, actor=district).status == ImportRun.Status.APPLIED
    assert _results(round_) == {
        world.worker.name: (R.EXCELLENT, "先进"),
        world.worker_b.name: (R.UNDETERMINED, ""),
    }


def test_a_subdistrict_exports_its_own_results_masked(world, round_):
    run = _preview(world.users.district, _row(world.worker, "合格"), _row(world.worker_b, "合格"))
    import_apply(run=run, actor=world.users.district)
    sheet = load_workbook(io.BytesIO(build_export(KINDS["assessments"], world.users.admin_a)))
    rows = [r for r in sheet["年度考核结果"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert {r[1] for r in rows} == {world.worker.name, world.colleague.name}
    assert all("*" in r[0] for r in rows)


def test_template_offers_the_results_and_skips_its_example(world, round_, client_for):
    client = client_for(world.users.admin_a)
    response = client.get(reverse("imports:template", args=["assessments"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["年度考核结果"][2]] == [*HEADERS, "考核街道（镇）"]
    options = [[c.value for c in col] for col in book["选项"].iter_cols()]
    assert options[0][:2] == ["[year]", str(_year())]
    assert options[1] == ["[result]", "优秀", "合格", "基本合格", "不合格", "不确定等次"]
    data = build_template(KINDS["assessments"], world.users.admin_a)
    run = import_preview(kind="assessments", file=upload(data), actor=world.users.admin_a)
    assert (run.rows, run.error_count) == (0, 0) and "示例行" in run.message


@pytest.mark.parametrize("persona", ["leader", "supervisor", "worker", "outsider"])
def test_roles_that_do_not_enter_results_are_refused(world, round_, client_for, persona):
    client = client_for(getattr(world.users, persona))
    for name in ("upload", "template", "export"):
        assert client.get(reverse(f"imports:{name}", args=["assessments"])).status_code == 403


def test_upload_preview_and_confirm_on_the_pages(
    world, round_, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users.admin_a)
    file = io.BytesIO(xlsx_bytes([HEADERS, _row(world.worker, "合格")]))
    file.name = "考核结果.xlsx"
    response = client.post(
        reverse("imports:upload", args=["assessments"]), {"file": file}, follow=True
    )
    assert response.status_code == 200 and "确认导入" in response.content.decode()
    run = ImportRun.objects.get(kind="assessments")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run-apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED, run.message
    assert _results(round_) == {world.worker.name: (R.COMPETENT, "")}


def test_queries_do_not_grow_with_the_rows(world, round_):
    admin = world.users.district

    def run_for(n: int) -> int:
        workers = [TraineeFactory(neighbourhood=world.nb) for _ in range(n)]
        data = xlsx_bytes([HEADERS, *(_row(w, "合格") for w in workers)])
        with CaptureQueriesContext(connection) as queries:
            run = import_preview(kind="assessments", file=upload(data), actor=admin)
            assert run.can_apply, run.errors[:3]
            assert import_apply(run=run, actor=admin).status == ImportRun.Status.APPLIED
        return len(queries)

    assert run_for(3) == run_for(30)


# --- a file saved by LibreOffice -------------------------------------------------------------------

# Fixed people: tests/imports/files/assessments_libreoffice.xlsx holds them, made by
# `soffice --headless --convert-to xlsx` from `_source_book(2025)`; the rows' year is replaced
# on reading by the round the test opens, so the file does not depend on the clock.
LO_WORKERS = (("310105197903120460", "钱雅琴"), ("310105197903120516", "孙志强"))
LO_YEAR = 2025


def _source_book(year: int) -> bytes:
    """A list as an office writes it: a title row, a year as a number and one as text, and a row
    with a result that is none of the five."""
    (a, a_name), (b, b_name) = LO_WORKERS
    book = Workbook()
    sheet = book.active
    sheet.title = "考核结果"
    sheet.append([f"华阳路街道 {year} 年度考核结果"])
    sheet.append(HEADERS)
    sheet.append([a, a_name, year, "优秀", "年度先进"])
    sheet.append([b, b_name, f"{year}年", "甲等", ""])  # not a result
    for row in sheet.iter_rows(min_row=3, max_col=1):
        row[0].number_format = "@"  # ID numbers as text, as offices are told to
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _lo_round(world) -> AssessmentRound:
    for number, name in LO_WORKERS:
        TraineeFactory(
            id_number=number, name=name, neighbourhood=world.na, birth_date=dt.date(1979, 3, 12)
        )
    return AssessmentRound.objects.create(year=LO_YEAR, excellent_share=100)


def _summary(run):
    return (_counts(run), [(e["row"], e["column"], e["message"]) for e in run.errors])


def test_a_list_saved_by_libreoffice_reads_the_same(world):
    _lo_round(world)
    district = world.users.district
    source = import_preview(kind="assessments", file=upload(_source_book(LO_YEAR)), actor=district)
    saved = (FILES / "assessments_libreoffice.xlsx").read_bytes()
    again = import_preview(kind="assessments", file=upload(saved, "考核.xlsx"), actor=district)
    assert _summary(again) == _summary(source)
    assert [(e["row"], e["column"]) for e in source.errors] == [(4, "考核结果")]
    assert _counts(source) == (1, 0, 0, 1)


def make_libreoffice_file(tmp: Path) -> bytes:  # pragma: no cover - run by hand
    """How the fixture was made: `python -c 'from tests.imports.test_assessments_import import
    make_libreoffice_file as m; import pathlib; m(pathlib.Path("/tmp"))'`."""
    source = tmp / "assessments_source.xlsx"
    source.write_bytes(_source_book(LO_YEAR))
    out = tmp / "lo"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True,
    )
    return (out / source.name).read_bytes()
