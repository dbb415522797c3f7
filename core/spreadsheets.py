"""Every CSV and XLSX cell Dudao writes goes through `sheet_value`, so that no export can run.

Spreadsheet programs read text that starts with `=`, `+`, `-` or `@` as a formula; a tab or a
carriage return first is stripped by some of them on import and the rest read as one. A
worker's name or a session topic like `=HYPERLINK("http://…","…")` would then run when HR
opens the file in Excel or WPS. As OWASP recommends ("CSV Injection"), such text gets a
leading single quote, which every spreadsheet program shows as text. Numbers, dates and
booleans are written as they are: a negative number stored as a number is not a formula.

XLSX cells of text are also typed as strings explicitly: openpyxl turns any str that starts
with "=" into a formula cell and one that equals an error code ("#N/A") into an error cell.

The import reader (imports/readers.py, `clean_cell`) takes the quote off again, so that our
own exports read back as what was stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# The first characters that make a spreadsheet program read a cell as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

# What openpyxl writes natively; anything else (a UUID, a model instance) is written as text.
_NATIVE = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


def _guarded(text: str) -> bool:
    # Quotes already in front count as ours, so that "'=x" typed by someone reads back as
    # itself: it is written "''=x", and the reader takes exactly one quote off.
    return text.lstrip(QUOTE).startswith(FORMULA_PREFIXES)


def neutralise(text: str) -> str:
    """`text` with a leading quote when a spreadsheet program would read it as a formula."""
    return QUOTE + text if _guarded(text) else text


def unneutralise(text: str) -> str:
    """What `neutralise` was given: read back from our own exports (see imports/readers.py).

    Excel keeps a typed leading quote as a cell style, not as text, so a quote in front of a
    formula character in a cell's text is almost always ours.
    """
    return text[1:] if text.startswith(QUOTE) and _guarded(text) else text


def sheet_value(value: object) -> object:
    """A value as a spreadsheet cell holds it: text neutralised, lazy translations resolved,
    aware datetimes in local time (Excel has no time zones), None and "" left empty."""
    if value is None:
        return None
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return neutralise(value) if value else None
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, _NATIVE):
        return value
    return neutralise(str(value))


def xlsx_cell(sheet: Worksheet, value: object, *, font: Font | None = None) -> Cell:
    """One cell for `sheet.append`, in write-only and ordinary workbooks alike."""
    cell = WriteOnlyCell(sheet, value=sheet_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula or an error code, whatever the text
    if font is not None:
        cell.font = font
    return cell


def xlsx_row(sheet: Worksheet, values: Iterable[object], *, font: Font | None = None) -> list:
    """A row for `sheet.append`, every value through `sheet_value`.

    Unstyled text that openpyxl would type as a string anyway is appended as a plain value: a
    cell object per value made a 2,000-row roster half as slow again. After `neutralise` no
    text starts with "=", so only an error code ("#N/A") needs a cell typed by hand.
    """
    if font is not None:
        return [xlsx_cell(sheet, value, font=font) for value in values]
    row = []
    for value in values:
        value = sheet_value(value)
        if isinstance(value, str) and (value in ERROR_CODES or value.startswith("=")):
            value = xlsx_cell(sheet, value)
        row.append(value)
    return row


def csv_text(value: object) -> str:
    """A value as CSV text: dates as ISO, text neutralised, nothing as an empty field."""
    value = sheet_value(value)
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def write_csv(headers: list[str], rows: Iterable[list]) -> bytes:
    # UTF-8 with BOM, so that Excel on a Chinese Windows desktop opens it without mojibake.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_text(h) for h in headers])
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(headers: list[str], rows: Iterable[list], *, sheet_title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(sheet_title)[:31])
    sheet.append(xlsx_row(sheet, headers, font=Font(bold=True)))
    for row in rows:
        # ID numbers stay text: Excel would turn 18 digits into 3.10105E+17.
        sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def spreadsheet_response(
    headers: list[str], rows: Iterable[list], *, fmt: str, filename: str, sheet_title: str
) -> HttpResponse:
    """A CSV or XLSX download named `filename.fmt` (UTF-8 file name for Chinese titles)."""
    if fmt == "xlsx":
        body = write_xlsx(headers, rows, sheet_title=sheet_title)
        content_type = XLSX_CONTENT_TYPE
    else:
        body = write_csv(headers, rows)
        content_type = CSV_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(str(filename))}.{fmt}"
    return response
