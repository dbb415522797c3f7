"""Exam results as the authority lists them: one row per candidate and subject."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from certification.models import Certificate, SubjectResult
from imports.kinds import KINDS
from imports.models import ImportRun
from imports.services import import_apply, import_preview
from imports.workbooks import build_export, build_template

from .conftest import upload, xlsx_bytes

pytestmark = pytest.mark.django_db

# The authority's column names, not the template's: 证件号码 and 级别 are what it publishes.
HEADERS = ["姓名", "证件号码", "考试年度", "级别", "科目", "成绩", "是否合格"]


def _row(trainee, subject, score, *, year=2024, level="助理社会工作师", name=None):
    return [name or trainee.name, trainee.id_number, year, level, subject, score, ""]


def _preview(actor, rows, headers=HEADERS):
    return import_preview(kind="exams", file=upload(xlsx_bytes([headers, *rows])), actor=actor)


def _counts(run):
    return (run.new_count, run.changed_count, run.unchanged_count, run.error_count)


def _scores(trainee):
    return dict(
        SubjectResult.objects.filter(attempt__trainee=trainee).values_list("subject__name", "score")
    )


def test_results_with_synonyms_are_recorded_and_the_export_comes_back_unchanged(world):
    district = world.users.district
    rows = [
        # Level and subject as the authority abbreviates them; full-width brackets; 缺考.
        _row(world.worker, "社会工作综合能力(初级)", 72, level="初级"),
        _row(world.worker, "实务", "58.5", level="助理"),
        _row(world.worker_b, "社会工作法规与政策", 61, level="中级", year="2023年"),
        _row(world.worker_b, "综合能力", "缺考", level="社会工作师", year=2023),
    ]
    run = _preview(district, rows)
    assert _counts(run) == (4, 0, 0, 0), run.errors
    assert import_apply(run=run, actor=district).status == ImportRun.Status.APPLIED
    assert _scores(world.worker) == {
        "社会工作综合能力（初级）": Decimal("72.0"),
        "社会工作实务（初级）": Decimal("58.5"),
    }
    assert _scores(world.worker_b) == {
        "社会工作法规与政策": Decimal("61.0"),
        "社会工作综合能力（中级）": None,
    }
    # The export reads back as no change at all.
    export = build_export(KINDS["exams"], district)
    again = import_preview(kind="exams", file=upload(export), actor=district)
    assert _counts(again) == (0, 0, 4, 0), again.errors
    sheet = load_workbook(io.BytesIO(export))["考试成绩"]
    assert [c.value for c in sheet[2]] == [
        "证件号码",
        "姓名",
        "考试年度",
        "级别",
        "科目",
        "成绩",
        "是否合格",
    ]


def test_every_error_is_named_by_row_and_column_and_nothing_is_written(world):
    rows = [
        _row(world.worker, "社会工作综合能力（初级）", 72),  # row 2: fine
        ["无名氏", "110101199003070011", 2024, "助理", "实务", 70, ""],  # 3: unknown worker
        _row(world.colleague, "实务", 70, name="顾建军"),  # 4: name mismatch
        _row(world.worker, "社会工作法规与政策", 70),  # 5: an intermediate subject
        _row(world.colleague, "综合能力", 101),  # 6: out of range
        _row(world.worker, "综合能力", 80),  # 7: duplicate of row 2
        _row(world.worker, "实务", 70, year=2018),  # 8: no such exam year
        _row(world.worker, "实务", 70, level="特级"),  # 9: no such level
    ]
    run = _preview(world.users.district, rows)
    assert [(e["row"], e["column"]) for e in run.errors] == [
        (3, "证件号码"),
        (4, "姓名"),
        (5, "科目"),
        (6, "成绩"),
        (7, "科目"),
        (8, "考试年度"),
        (9, "级别"),
    ]
    messages = [e["message"] for e in run.errors]
    assert "顾建国" in messages[1]
    assert "不是助理社会工作师的考试科目" in messages[2]
    assert "0 到 100" in messages[3]
    assert "第 2 行重复" in messages[4]
    assert run.status == ImportRun.Status.PREVIEWED and not run.can_apply
    assert not SubjectResult.objects.exists()


def test_reimport_changes_nothing_and_a_corrected_score_is_a_change(world):
    district = world.users.district
    rows = [_row(world.worker, "综合能力", 55), _row(world.worker, "实务", 64)]
    run = _preview(district, rows)
    import_apply(run=run, actor=district)
    again = _preview(district, rows)
    assert _counts(again) == (0, 0, 2, 0)
    assert import_apply(run=again, actor=district).status == ImportRun.Status.APPLIED
    assert SubjectResult.objects.count() == 2
    corrected = _preview(district, [_row(world.worker, "综合能力", 60), rows[1]])
    assert _counts(corrected) == (0, 1, 1, 0)
    assert corrected.changes[0]["fields"] == ["2024 社会工作综合能力（初级）：55 → 60"]


def test_the_last_subject_passed_creates_the_certificate(world):
    district = world.users.district
    ability, law, practice = (
        "社会工作综合能力（中级）",
        "社会工作法规与政策",
        "社会工作实务（中级）",
    )
    first = [
        _row(world.worker, ability, 70, year=2023, level="中级"),
        _row(world.worker, law, 62, year=2023, level="中级"),
        _row(world.worker, practice, 51, year=2023, level="中级"),
    ]
    import_apply(run=_preview(district, first), actor=district)
    assert not Certificate.objects.exists()
    second = [_row(world.worker, practice, 66, year=2024, level="中级")]
    import_apply(run=_preview(district, second), actor=district)
    cert = Certificate.objects.get()
    assert (cert.trainee, cert.level.code, cert.date_passed.year) == (
        world.worker,
        "intermediate",
        2024,
    )
    # Re-importing the same files neither duplicates nor changes the certificate.
    import_apply(run=_preview(district, first + second), actor=district)
    assert Certificate.objects.get().pk == cert.pk


def test_subdistrict_admin_imports_and_exports_only_their_own_workers(world):
    district, admin_a = world.users.district, world.users.admin_a
    run = _preview(
        admin_a, [_row(world.worker, "综合能力", 70), _row(world.worker_b, "综合能力", 70)]
    )
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "证件号码")]
    # The other subdistrict's worker is not named.
    assert world.worker_b.name not in run.errors[0]["message"]
    import_apply(run=_preview(district, [_row(world.worker_b, "综合能力", 70)]), actor=district)
    import_apply(run=_preview(admin_a, [_row(world.worker, "综合能力", 70)]), actor=admin_a)
    sheet = load_workbook(io.BytesIO(build_export(KINDS["exams"], admin_a)))["考试成绩"]
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]
    assert names == [world.worker.name]
    ids = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]
    assert "*" in ids[0]  # masked for a subdistrict administrator


def test_template_has_drop_downs_and_its_example_row_is_skipped(world):
    data = build_template(KINDS["exams"], world.users.district)
    sheet = load_workbook(io.BytesIO(data))["考试成绩"]
    validated = {str(v.sqref).split(":")[0][0] for v in sheet.data_validations.dataValidation}
    assert validated == {"C", "D", "E", "G"}  # year, level, subject, passed
    run = import_preview(kind="exams", file=upload(data), actor=world.users.district)
    assert (run.rows, run.error_count) == (0, 0)


def test_command_line_preview_and_apply(world, tmp_path):
    path = tmp_path / "成绩.xlsx"
    path.write_bytes(xlsx_bytes([HEADERS, _row(world.worker, "综合能力", 70)]))
    out = io.StringIO()
    call_command("import_data", "exams", str(path), "--as", "district", stdout=out)
    assert "新增 1" in out.getvalue() and not SubjectResult.objects.exists()
    call_command("import_data", "exams", str(path), "--apply", "--as", "district", stdout=out)
    assert SubjectResult.objects.get().score == Decimal("70.0")


def test_views_offer_the_kind(world, client_for):
    client = client_for(world.users.admin_a)
    assert (
        reverse("imports:upload", args=["exams"])
        in client.get(reverse("imports:index")).content.decode()
    )
    template = reverse("imports:template", args=["exams"])
    assert client.get(template).status_code == 200
    assert client_for(world.users.supervisor).get(template).status_code == 403
