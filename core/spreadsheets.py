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
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
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


def _column_letters(n: int) -> list[str]:
    letters = []
    for index in range(1, n + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


# Characters XML 1.0 cannot hold (openpyxl refused them with IllegalCharacterError, a 500).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system, as openpyxl counts
# Styles of styles.xml below: 0 plain, 1 date, 2 date and time, 3 time, 4 duration, 5 bold.
_DATE, _DATETIME, _TIME, _DURATION, _BOLD = 1, 2, 3, 4, 5

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Target="xl/workbook.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>\
</Relationships>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Target="worksheets/sheet1.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>\
<Relationship Id="rId2" Target="styles.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>\
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/>\
<numFmt numFmtId="166" formatCode="[h]:mm:ss"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""
_SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"""
_SHEET_END = "</sheetData></worksheet>"


def _xml_text(text: str) -> str:
    text = escape(_ILLEGAL_XML.sub("", text))
    return f' xml:space="preserve">{text}' if text != text.strip() else f">{text}"


def _xlsx_cells(ref: str, value: object, style: int = 0) -> str:
    """One <c> element of a worksheet, or "" for an empty cell (None or "")."""
    value = sheet_value(value)
    if value is None:
        return ""
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        # Typed as an inline string whatever the text: never a formula or an error code.
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{_xml_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        days = (value - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="{style or _DATETIME}"><v>{days!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{style or _DATE}"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return f'<c r="{ref}" s="{style or _TIME}"><v>{seconds / 86400!r}</v></c>'
    if isinstance(value, dt.timedelta):
        return f'<c r="{ref}" s="{style or _DURATION}"><v>{value / dt.timedelta(days=1)!r}</v></c>'
    if isinstance(value, float) and not math.isfinite(value):
        return f'<c r="{ref}"{s} t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"{s}><v>{value}</v></c>'  # int, float, Decimal


def write_xlsx(
    headers: list[str],
    rows: Iterable[list],
    *,
    sheet_title: str,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One sheet: `headers` in bold, then `rows`, every cell through `sheet_value`.

    Written as SpreadsheetML directly rather than through openpyxl: its write-only mode built
    a cell object per value and took 10 s of a 104,500-row roster (1.9 million cells); this
    writes the same workbook — inline strings, dates as dates, the header in bold — in about
    a quarter of that. `progress(n)` is called every 5,000 rows with the rows written so far.
    """
    letters = _column_letters(max(len(headers), 26))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        title = escape(_ILLEGAL_XML.sub("", str(sheet_title))[:31], {'"': "&quot;"})
        book.writestr("xl/workbook.xml", _WORKBOOK.format(title=title or "Sheet1"))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START.encode())
            cells = "".join(_xlsx_cells(f"{letters[i]}1", h, _BOLD) for i, h in enumerate(headers))
            chunk = [f'<row r="1">{cells}</row>']
            number = 1
            for number, row in enumerate(rows, start=2):
                if len(row) > len(letters):
                    letters = _column_letters(len(row))
                cells = "".join(_xlsx_cells(f"{letters[i]}{number}", v) for i, v in enumerate(row))
                chunk.append(f'<row r="{number}">{cells}</row>')
                if len(chunk) >= 5000:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
                    if progress is not None:
                        progress(number - 1)
            sheet.write("".join(chunk).encode())
            sheet.write(_SHEET_END.encode())
    if progress is not None:
        progress(number - 1)
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


# --- multi-sheet workbooks in a fixed layout ------------------------------------------------------
#
# The district's fixed-format tables (reports/workbook/) need what a plain export does not:
# several sheets, merged header cells, frozen panes and print settings (A4 landscape, the header
# rows repeated on every page). openpyxl's ordinary mode does all of it but spent 20 s of CPU on
# the 1.5 million cells of a 100,000-worker district (a Cell object per value, then its writer);
# this writes the same SpreadsheetML directly, every value through `_xlsx_cells` as above.

# Row styles of `XlsxSheet.rows`: plain, the sheet's title, a header row, a total row (bold).
ROW_PLAIN, ROW_TITLE, ROW_HEADER, ROW_TOTAL = "", "title", "header", "total"
_BOOK_TITLE, _BOOK_HEADER = 6, 7
_ROW_STYLE = {ROW_PLAIN: 0, ROW_TITLE: _BOOK_TITLE, ROW_HEADER: _BOOK_HEADER, ROW_TOTAL: _BOLD}

_BOOK_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/>\
<numFmt numFmtId="166" formatCode="[h]:mm:ss"/></numFmts>\
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>\
<diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment horizontal="center" vertical="center"/></xf>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" \
applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


@dataclass
class XlsxSheet:
    """One sheet of `write_xlsx_book`.

    `rows` yields (row style, values); a header row writes its empty cells too, boxed like the
    others, so that merged header cells are drawn whole. `merges` ("A2:A3") and the rest are
    read after the rows, so a generator may still add to them while it runs.
    """

    title: str
    rows: Iterable[tuple[str, Sequence[object]]]
    merges: list[str] = field(default_factory=list)
    freeze: str | None = None  # the top-left cell that scrolls, e.g. "C4"
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column → characters
    print_title_rows: tuple[int, int] | None = None  # repeated on every printed page
    landscape_a4: bool = True  # A4 landscape, fitted to the page's width


def _split(ref: str) -> tuple[int, int]:
    """ "C4" → (column index from 0, row from 1)."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    if match is None:
        raise ValueError(ref)
    column = 0
    for char in match.group(1):
        column = column * 26 + ord(char) - 64
    return column - 1, int(match.group(2))


def _sheet_views(freeze: str | None, selected: bool) -> str:
    tab = ' tabSelected="1"' if selected else ""
    if not freeze or freeze == "A1":
        return f'<sheetViews><sheetView workbookViewId="0"{tab}/></sheetViews>'
    column, row = _split(freeze)
    split = (f' xSplit="{column}"' if column else "") + (f' ySplit="{row - 1}"' if row > 1 else "")
    pane = {(True, True): "bottomRight", (False, True): "bottomLeft", (True, False): "topRight"}[
        (column > 0, row > 1)
    ]
    return (
        f'<sheetViews><sheetView workbookViewId="0"{tab}><pane{split} topLeftCell="{freeze}" '
        f'activePane="{pane}" state="frozen"/><selection pane="{pane}" activeCell="{freeze}" '
        f'sqref="{freeze}"/></sheetView></sheetViews>'
    )


def _write_book_sheet(out: zipfile.ZipFile, path: str, sheet: XlsxSheet, selected: bool) -> None:
    letters = _column_letters(26)
    with out.open(path, "w") as xml:
        # The head (views, widths) comes before the rows and is known before them.
        head = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
            f'<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">',
        ]
        if sheet.landscape_a4:
            head.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        head.append(_sheet_views(sheet.freeze, selected))
        head.append('<sheetFormatPr defaultRowHeight="15"/>')
        if sheet.widths:
            cols = "".join(
                f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
                for c, w in sorted(sheet.widths.items())
            )
            head.append(f"<cols>{cols}</cols>")
        head.append("<sheetData>")
        xml.write("".join(head).encode())
        chunk: list[str] = []
        for number, (style_name, values) in enumerate(sheet.rows, start=1):
            if len(values) > len(letters):
                letters = _column_letters(len(values))
            style = _ROW_STYLE[style_name]
            if style_name == ROW_HEADER:
                cells = "".join(
                    _xlsx_cells(f"{letters[i]}{number}", v, style)
                    or f'<c r="{letters[i]}{number}" s="{style}"/>'
                    for i, v in enumerate(values)
                )
            else:
                cells = "".join(
                    _xlsx_cells(f"{letters[i]}{number}", v, style) for i, v in enumerate(values)
                )
            height = ' ht="28" customHeight="1"' if style_name == ROW_TITLE else ""
            chunk.append(f'<row r="{number}"{height}>{cells}</row>')
            if len(chunk) >= 5000:
                xml.write("".join(chunk).encode())
                chunk.clear()
        chunk.append("</sheetData>")
        if sheet.merges:
            refs = "".join(f'<mergeCell ref="{ref}"/>' for ref in sheet.merges)
            chunk.append(f'<mergeCells count="{len(sheet.merges)}">{refs}</mergeCells>')
        if sheet.landscape_a4:
            chunk.append(
                '<printOptions horizontalCentered="1"/>'
                '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" '
                'footer="0.3"/><pageSetup paperSize="9" orientation="landscape" '
                'fitToWidth="1" fitToHeight="0"/>'
            )
        chunk.append("</worksheet>")
        xml.write("".join(chunk).encode())


def _quoted_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def write_xlsx_book(
    sheets: Iterable[XlsxSheet], *, progress: Callable[[int], None] | None = None
) -> bytes:
    """A workbook of `sheets` (titles unique, at most 31 characters, none of `[]:*?/\\`), each
    written as it comes, so a generator may build the next only then; `progress(n)` after the
    n-th sheet."""
    out = io.BytesIO()
    titles: list[str] = []
    print_titles: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        for index, sheet in enumerate(sheets):
            title = _ILLEGAL_XML.sub("", str(sheet.title))[:31] or f"Sheet{index + 1}"
            _write_book_sheet(book, f"xl/worksheets/sheet{index + 1}.xml", sheet, index == 0)
            titles.append(title)
            if sheet.print_title_rows:
                first, last = sheet.print_title_rows
                print_titles.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                    f"{escape(_quoted_sheet(title))}!${first}:${last}</definedName>"
                )
            if progress is not None:
                progress(index + 1)
        n = len(titles)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in range(1, n + 1)
        )
        one_sheet = f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEET_TYPE}"/>'
        assert one_sheet in _CONTENT_TYPES
        book.writestr("[Content_Types].xml", _CONTENT_TYPES.replace(one_sheet, overrides))
        book.writestr("_rels/.rels", _RELS)
        sheet_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
        style_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
        rels = "".join(
            f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" Type="{sheet_rel}"/>'
            for i in range(1, n + 1)
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{n + 1}" Target="styles.xml" Type="{style_rel}"/>'
            "</Relationships>",
        )
        entries = "".join(
            f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, t in enumerate(titles, start=1)
        )
        names = f"<definedNames>{''.join(print_titles)}</definedNames>" if print_titles else ""
        book.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}"><bookViews><workbookView/>'
            f"</bookViews><sheets>{entries}</sheets>{names}</workbook>",
        )
        book.writestr("xl/styles.xml", _BOOK_STYLES)
    return out.getvalue()
