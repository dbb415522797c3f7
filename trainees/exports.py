"""Roster export (CSV and XLSX) with the roster's filters and masking. Headers are Chinese."""

import csv
import io
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from neighbourhoods.models import HousingType

from .identity import id_number_mask
from .models import Trainee


def roster_headers() -> list[str]:
    return [
        _("姓名"),
        _("性别"),
        _("出生日期"),
        _("身份证号"),
        _("手机号"),
        _("政治面貌"),
        _("街道（镇）"),
        _("居委会"),
        _("住房类型"),
        _("岗位"),
        _("岗位等级"),
        _("学历"),
        _("专业"),
        _("社会工作专业"),
        _("从事社区工作日期"),
        _("入职日期"),
        _("状态"),
        _("离职日期"),
    ]


def roster_rows(queryset: QuerySet[Trainee], *, full_id: bool) -> Iterator[list]:
    """One list per worker; one query, streamed, whatever the number of rows."""
    qs = queryset.select_related("subdistrict", "neighbourhood", "grade").order_by(
        "subdistrict__code", "neighbourhood__name", "name", "pk"
    )
    # Choice labels looked up once per export: get_FOO_display() rebuilds its lookup from the
    # lazily translated choices on every call, which was half the time of a 2,000-row XLSX.
    label = {
        f: {value: str(text) for value, text in Trainee._meta.get_field(f).flatchoices}
        for f in ("gender", "political_status", "post", "education", "status")
    }
    housing = {value: str(text) for value, text in HousingType.choices}
    yes, no = _("是"), _("否")
    for t in qs.iterator(chunk_size=2000):
        yield [
            t.name,
            label["gender"].get(t.gender, t.gender),
            t.birth_date,
            t.id_number if full_id else id_number_mask(t.id_number),
            t.mobile,
            label["political_status"].get(t.political_status, t.political_status),
            t.subdistrict.name,
            t.neighbourhood.name if t.neighbourhood_id else "",
            housing.get(t.neighbourhood.housing_type, t.neighbourhood.housing_type)
            if t.neighbourhood_id
            else "",
            label["post"].get(t.post, t.post),
            t.grade.name if t.grade_id else "",
            label["education"].get(t.education, t.education),
            t.major,
            yes if t.major_is_social_work else no,
            t.started_community_work,
            t.joined,
            label["status"].get(t.status, t.status),
            t.left_on or "",
        ]


def _cell_text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def write_csv(headers: list[str], rows: Iterable[list]) -> bytes:
    # UTF-8 with BOM, so that Excel on a Chinese Windows desktop opens it without mojibake.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_cell_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(headers: list[str], rows: Iterable[list], *, sheet_title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        # ID numbers as text: Excel would turn 18 digits into 3.10105E+17.
        sheet.append([v if not isinstance(v, str) or v else None for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_response(
    headers: list[str], rows: Iterable[list], *, fmt: str, filename: str, sheet_title: str
) -> HttpResponse:
    """A CSV or XLSX download named `filename.fmt` (UTF-8 file name for Chinese titles)."""
    if fmt == "xlsx":
        body = write_xlsx(headers, rows, sheet_title=sheet_title)
        content_type = XLSX_CONTENT_TYPE
    else:
        body = write_csv(headers, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.{fmt}"
    return response
