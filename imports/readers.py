"""Reading the spreadsheets offices actually make into rows of cleaned cells.

Files come as .xlsx, .xls (old Excel) or .csv saved by Chinese Excel (GB18030/GBK) or by
anything else (UTF-8 with or without BOM, UTF-16 "Unicode text"). The type is decided by the
bytes, not the file name. Cells are normalised here (NFKC folds full-width characters,
whitespace is trimmed, the quote our exports put before formula-like text is taken off); what
a cell *means* (a date, an ID number, a choice) is decided by the
cell parsers below, called by each kind's schema.

Every failure of a third-party parser on untrusted bytes becomes a `FileError` with a reason a
person can act on; nothing else escapes `read_workbook`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.spreadsheets import unneutralise

logger = logging.getLogger(__name__)

MAX_BYTES = 30 * 1024 * 1024
# A district has ~2,000 workers; 200,000 rows leaves room for a 100x scale and stops runaway files.
MAX_ROWS = 200_000
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 30

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Zero-width characters that survive copy-paste from web pages and WeChat.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")
# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for (serials > 60).
EXCEL_EPOCH = dt.date(1899, 12, 30)


class FileError(Exception):
    """The file as a whole cannot be read; the message is for the person who uploaded it."""


class CellError(ValueError):
    """One cell cannot be understood; the message is for the person who filled it in."""


@dataclass
class Sheet:
    name: str
    # (1-based row number as Excel shows it, cleaned cell values); empty rows are left out.
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


def clean_cell(value: object) -> object:
    """Text folded to half-width and trimmed ('' becomes None); other values unchanged.

    Our exports write text such as "-" or "=…" as "'-" and "'=…" so that it cannot run as a
    formula (core.spreadsheets). The quote is taken off here, or an exported file imported
    again would change every such value. A person typing a leading quote in Excel does not
    put it in the cell's text (Excel keeps it as a style), so the only text this changes is a
    quote written on purpose before a formula character in a CSV file: rare, and harmless.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).translate(_INVISIBLE).strip()
        return unneutralise(text).strip() or None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def header_key(value: object) -> str:
    """The comparable form of a header: half-width, no spaces, no required-marks, lower case."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)
    text = _SPACES.sub("", text).replace("*", "").rstrip(":：").lower()
    return text


def header_key_loose(value: object) -> str:
    """The header without notes in brackets: 出生日期(yyyy-mm-dd) -> 出生日期."""
    return re.sub(r"[(\[【（].*?[)\]】）]", "", header_key(value))


# --- reading files --------------------------------------------------------------------------------


def read_workbook(data: bytes, filename: str = "") -> list[Sheet]:
    """Every visible sheet of the file with its non-empty rows. Raises FileError only."""
    if not data:
        raise FileError(_("文件为空。"))
    if len(data) > MAX_BYTES:
        raise FileError(
            _("文件过大（%(size)d MB），单个文件不能超过 %(max)d MB。")
            % {"size": len(data) // (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)}
        )
    name = filename.lower()
    try:
        if data.startswith(XLSX_MAGIC):
            sheets = _read_xlsx(data)
        elif data.startswith(XLS_MAGIC):
            sheets = _read_xls(data)
        elif name.endswith((".xlsx", ".xlsm", ".xls")):
            raise FileError(
                _("文件扩展名为 Excel，但内容不是有效的 Excel 文件（可能已损坏或未完整上传）。")
            )
        else:
            sheets = _read_csv(data)
    except FileError:
        raise
    except Exception as exc:
        # Parsers of zip, XML and OLE2 raise dozens of exception types on damaged bytes.
        logger.info("unreadable spreadsheet %r: %r", filename, exc)
        raise FileError(
            _("文件无法读取，可能已损坏或未完整上传。请用 Excel 打开后另存为 .xlsx 再上传。")
        ) from exc
    if not any(sheet.rows for sheet in sheets):
        raise FileError(_("文件中没有数据。"))
    return sheets


class _RowCounter:
    def __init__(self) -> None:
        self.n = 0

    def add(self) -> None:
        self.n += 1
        if self.n > MAX_ROWS:
            raise FileError(_("文件行数超过 %(max)d 行，请拆分后分批导入。") % {"max": MAX_ROWS})


def _keep(values: list[object]) -> list[object] | None:
    cleaned = [clean_cell(v) for v in values[:MAX_COLUMNS]]
    while cleaned and cleaned[-1] is None:
        cleaned.pop()
    return cleaned or None


def _read_xlsx(data: bytes) -> list[Sheet]:
    try:
        return _read_xlsx_fast(data)
    except FileError:
        raise
    except Exception as exc:
        # Anything unusual in the package: let openpyxl, slower but thorough, have a go.
        logger.info("fast xlsx reader gave up (%r); reading with openpyxl", exc)
        return _read_xlsx_openpyxl(data)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
# Built-in number formats that are dates or times (ECMA-376 18.8.30).
_BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_DATE_TOKENS = re.compile(r"[ymdhs]|年|月|日", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_date_format(code: str) -> bool:
    # Quoted text, [colour]/[locale] sections and escapes carry no date tokens.
    stripped = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return bool(_DATE_TOKENS.search(stripped)) and "General" not in code


def _read_xlsx_fast(data: bytes) -> list[Sheet]:
    """Sheet XML streamed with ElementTree: about five times faster than openpyxl's read-only
    mode on a 100,000-row roster, which matters because a file is read at preview and again at
    apply. Anything this reader does not understand makes it raise, and openpyxl reads the file.
    """
    import posixpath
    import zipfile
    from xml.etree.ElementTree import fromstring

    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    workbook = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"}
    epoch_1904 = any(
        _local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true") for e in workbook
    )

    strings: list[str] = []
    if "xl/sharedStrings.xml" in names:
        for si in fromstring(archive.read("xl/sharedStrings.xml")):
            # Phonetic runs (rPh) are readings, not text.
            strings.append(
                "".join(
                    t.text or ""
                    for t in si.iter()
                    if _local(t.tag) == "t" and not _in_phonetic(si, t)
                )
            )

    date_styles: set[int] = set()
    if "xl/styles.xml" in names:
        styles = fromstring(archive.read("xl/styles.xml"))
        custom = {}
        for element in styles.iter():
            if _local(element.tag) == "numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        for element in styles:
            if _local(element.tag) == "cellXfs":
                for index, xf in enumerate(x for x in element if _local(x.tag) == "xf"):
                    fmt = int(xf.get("numFmtId", "0"))
                    if fmt in _BUILTIN_DATE_FORMATS or (
                        fmt in custom and _is_date_format(custom[fmt])
                    ):
                        date_styles.add(index)

    ns = workbook.tag[: workbook.tag.index("}") + 1] if workbook.tag.startswith("{") else ""
    tags = {"c": ns + "c", "row": ns + "row", "v": ns + "v", "t": ns + "t", "is": ns + "is"}
    counter = _RowCounter()
    sheets = []
    for element in workbook.iter(ns + "sheet"):
        if element.get("state", "visible") != "visible":
            continue
        rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        target = targets[rel_id]
        path = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join("xl", target))
        )
        sheet = Sheet(name=element.get("name", ""))
        with archive.open(path) as stream:
            _parse_sheet(stream, sheet, tags, strings, date_styles, epoch_1904, counter)
        sheets.append(sheet)
    return sheets


def _parse_sheet(stream, sheet, tags, strings, date_styles, epoch_1904, counter) -> None:
    from xml.etree.ElementTree import iterparse

    c_tag, row_tag = tags["c"], tags["row"]
    v_tag, inline_path = tags["v"], f"{tags['is']}/{tags['t']}"
    columns: dict[str, int] = {}
    row_number = 0
    values: dict[int, object] = {}
    for _event, el in iterparse(stream, events=("end",)):
        tag = el.tag
        if tag == c_tag:
            ref = el.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = columns.get(letters)
                if col is None:
                    col = columns[letters] = _column_index(letters)
            else:
                col = max(values, default=-1) + 1
            if col < MAX_COLUMNS:
                kind = el.get("t", "n")
                if kind == "inlineStr":
                    value: object = "".join(t.text or "" for t in el.iter(tags["t"]))
                elif kind == "s":
                    v = el.findtext(v_tag)
                    value = strings[int(v)] if v is not None else None
                else:
                    value = _cell_value(
                        kind, el.findtext(v_tag), el.get("s"), date_styles, epoch_1904
                    )
                values[col] = value
            el.clear()
        elif tag == row_tag:
            row_number = int(el.get("r") or row_number + 1)
            if values:
                kept = _keep([values.get(i) for i in range(max(values) + 1)])
                if kept is not None:
                    counter.add()
                    sheet.rows.append((row_number, kept))
            values = {}
            el.clear()
    del inline_path


def _in_phonetic(si, target) -> bool:
    for child in si:
        if _local(child.tag) == "rPh" and any(t is target for t in child.iter()):
            return True
    return False


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        if not "A" <= ch <= "Z":
            raise ValueError(f"bad cell reference {letters!r}")
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _cell_value(
    kind: str, v: str | None, style: str | None, date_styles: set[int], epoch_1904: bool
) -> object:
    if v is None:
        return None
    if kind in ("str", "e"):
        return v
    if kind == "b":
        return v == "1"
    if kind == "d":
        return dt.datetime.fromisoformat(v)
    number = float(v)
    if style and int(style) in date_styles:
        base = dt.datetime(1904, 1, 1) if epoch_1904 else dt.datetime(1899, 12, 30)
        if not epoch_1904 and number < 61:
            number += 1  # Excel's 29 February 1900
        try:
            return base + dt.timedelta(days=number)
        except OverflowError:
            return number
    if number.is_integer() and "." not in v and "E" not in v.upper():
        return int(v)
    return number


def _read_xlsx_openpyxl(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    counter = _RowCounter()
    sheets = []
    try:
        for ws in workbook.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue  # the template's hidden option lists
            sheet = Sheet(name=ws.title)
            # read_only sheets may claim stale dimensions; read them all.
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                kept = _keep(list(values))
                if kept is not None:
                    counter.add()
                    sheet.rows.append((number, kept))
            sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


def _read_xls(data: bytes) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    counter = _RowCounter()
    sheets = []
    try:
        for index in range(book.nsheets):
            ws = book.sheet_by_index(index)
            if ws.visibility != 0:
                continue
            sheet = Sheet(name=ws.name)
            for r in range(ws.nrows):
                values: list[object] = []
                for c in range(min(ws.ncols, MAX_COLUMNS)):
                    cell = ws.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                            values.append(cell.value)
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        values.append(bool(cell.value))
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        values.append(None)
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        values.append(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
                    else:
                        values.append(cell.value)
                kept = _keep(values)
                if kept is not None:
                    counter.add()
                    sheet.rows.append((r + 1, kept))
            sheets.append(sheet)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 as Chinese Excel saves CSV."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise FileError(
                    _("文件编码有误：按 %(encoding)s 读取到第 %(pos)d 字节时出错，文件可能不完整。")
                    % {"encoding": encoding.upper(), "pos": exc.start}
                ) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: one attempt covers all three.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileError(
            _(
                "无法识别文件编码（既不是 UTF-8 也不是 GB18030/GBK），文件可能已损坏。请用 Excel 另存为 .xlsx 再上传。"
            )
        ) from exc


def _delimiter(text: str) -> str:
    sample = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    best, best_count = ",", 0
    for candidate in (",", "\t", ";"):
        count = max((line.count(candidate) for line in sample), default=0)
        if count > best_count:
            best, best_count = candidate, count
    return best


def _read_csv(data: bytes) -> list[Sheet]:
    text = decode_text(data).replace("\x00", "")
    if "\ufffd" in text[:2000] and text.count("\ufffd") > 10:
        raise FileError(_("文件内容无法识别，请确认上传的是表格文件（.xlsx、.xls 或 .csv）。"))
    sheet = Sheet(name="CSV")
    counter = _RowCounter()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for values in reader:
            kept = _keep(list(values))
            if kept is not None:
                counter.add()
                # One line per record is the norm; a quoted newline shifts Excel's row numbers.
                sheet.rows.append((reader.line_num, kept))
    except csv.Error as exc:
        raise FileError(
            _("CSV 格式错误（第 %(line)d 行附近）：引号或分隔符不匹配。")
            % {"line": reader.line_num}
        ) from exc
    return [sheet]


# --- cell parsers -----------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as the text a person sees: 13912345678.0 -> '13912345678', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _excel_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:  # 9999-12-31
        raise CellError(_("“%(value)s”不是有效的日期。") % {"value": cell_text(serial)})
    days = int(serial)
    if days < 61:
        days += 1  # Excel counts a 29 February 1900 that never was
    return EXCEL_EPOCH + dt.timedelta(days=days)


def parse_date(value: object) -> dt.date:
    """Excel dates and serials, or text as 1985-03-02, 1985/3/2, 1985.3.2, 1985年3月2日, 19850302."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("应填写日期，如 1985-03-02。"))
    if isinstance(value, int | float):
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            value = str(int(value))  # 19850302 typed as a number
        else:
            return _excel_serial(float(value))
    text = str(value).strip()
    for candidate in (_SPACES.sub(" ", text), _SPACES.sub("", text)):
        for pattern in _DATE_PATTERNS:
            match = pattern.match(candidate)
            if match:
                try:
                    return dt.date(*(int(g) for g in match.groups()))
                except ValueError:
                    break
    raise CellError(
        _("无法识别日期“%(value)s”，请写成 1985-03-02、1985/3/2 或 1985年3月2日。")
        % {"value": cell_text(value)[:30]}
    )


_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)


def parse_id_number_cell(value: object) -> str:
    """The ID number as text, or a CellError when Excel has already lost its last digits.

    Excel keeps 15 significant digits: an 18-digit number stored as a number comes back as
    310105198503021000 or 3.10105E+17, and the lost digits cannot be recovered from the file.
    """
    if isinstance(value, float) and (abs(value) >= 1e15 or not value.is_integer()):
        raise CellError(_precision_message())
    if isinstance(value, str) and _SCIENTIFIC.match(value.replace(" ", "")):
        raise CellError(_precision_message())
    if isinstance(value, int | float):
        return str(int(value))
    return cell_text(value)


def _precision_message() -> str:
    return _(
        "身份证号被 Excel 存成了数字，第 16 位以后的数字已丢失，无法恢复。"
        "请把该列设置为“文本”格式后重新填写（或在号码前加英文单引号 '）。"
    )


def parse_int(value: object, *, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool):
        raise CellError(_("应填写整数。"))
    try:
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            decimal = Decimal(str(value).strip())
            if decimal != decimal.to_integral_value():
                raise CellError(_("应填写整数，当前为“%(value)s”。") % {"value": cell_text(value)})
            number = int(decimal)
    except (InvalidOperation, ValueError, OverflowError) as exc:
        raise CellError(
            _("应填写整数，当前为“%(value)s”。") % {"value": cell_text(value)[:30]}
        ) from exc
    if (low is not None and number < low) or (high is not None and number > high):
        raise CellError(
            _("应在 %(low)d 到 %(high)d 之间，当前为 %(value)d。")
            % {"low": low if low is not None else 0, "high": high or 0, "value": number}
        )
    return number


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "对", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "x", "无", "不是"}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE or text == "":
        return False
    raise CellError(_("应填写“是”或“否”，当前为“%(value)s”。") % {"value": text[:30]})
