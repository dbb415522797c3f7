"""Old Excel (.xls, BIFF8) as offices still save it: titles above the header, real date cells,
ID numbers typed as text, a hidden helper sheet; read like .xlsx, errors by row and column."""

import datetime as dt
import io

import pytest
import xlwt

from imports.models import ImportRun
from imports.services import import_apply, import_preview
from trainees.models import Trainee

from .conftest import roster_row, upload

pytestmark = pytest.mark.django_db

DATE = xlwt.easyxf(num_format_str="YYYY-MM-DD")


def xls_bytes(headers: list[str], rows: list[list], *, hidden_sheet: bool = False) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    if hidden_sheet:
        helper = book.add_sheet("下拉选项")
        helper.write(0, 0, "不是名册")
        helper.visibility = 1  # hidden, as a sheet of drop-down lists often is
    sheet = book.add_sheet("名册")
    sheet.write(0, 0, "长宁区社区工作者名册（2026年）")
    sheet.write(1, 0, "填报单位：华阳路街道社区办")
    for c, text in enumerate(headers):
        sheet.write(3, c, text)
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, DATE)  # a real Excel date cell
            elif value not in ("", None):
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xls_roster_is_read_and_applied(world, headers):
    rows = [roster_row(name="金晓雯"), roster_row(name="钱立新", gender="M")]
    data = xls_bytes(headers, rows, hidden_sheet=True)
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real BIFF/OLE2 file

    run = import_preview(kind="workers", file=upload(data, "名册.xls"), actor=world.users.district)

    assert (run.rows, run.error_count, run.new_count) == (2, 0, 2), run.errors
    assert import_apply(run=run, actor=world.users.district).status == ImportRun.Status.APPLIED
    jin = Trainee.objects.get(name="金晓雯")
    assert jin.birth_date == dt.date(1990, 5, 17)
    assert jin.joined == dt.date(2016, 3, 1)
    assert jin.id_number == rows[0][headers.index("身份证号")]


def test_a_bad_xls_row_is_named_by_row_and_column(world, headers):
    rows = [roster_row(name="金晓雯"), roster_row(name="钱立新", gender="M")]
    rows[1][headers.index("街道（镇）")] = "静安寺街道"  # not in Changning
    count = Trainee.objects.count()

    run = import_preview(
        kind="workers",
        file=upload(xls_bytes(headers, rows), "名册.xls"),
        actor=world.users.district,
    )

    # Title rows 1–2, a blank row 3, the header on row 4: the second worker is on row 6. The
    # committee cannot be checked against an unknown subdistrict, which is said too.
    assert [(e["sheet"], e["row"], e["column"]) for e in run.errors] == [
        ("名册", 6, "街道（镇）"),
        ("名册", 6, "居委会"),
    ]
    assert "静安寺街道" in run.errors[0]["message"]
    assert import_apply(run=run, actor=world.users.district).status == ImportRun.Status.PREVIEWED
    assert Trainee.objects.count() == count
