"""Reading .csv and tab-separated text as Chinese Excel saves it (GB18030/GBK) or as anything
else does (UTF-8 with or without BOM, UTF-16 "Unicode text")."""

from __future__ import annotations

import codecs
import csv
import io

from django.utils.translation import gettext as _

from .common import HEADER_SEARCH_ROWS, FileError, RowCounter, Sheet, keep_row


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


def read_csv(data: bytes) -> list[Sheet]:
    text = decode_text(data).replace("\x00", "")
    if "\ufffd" in text[:2000] and text.count("\ufffd") > 10:
        raise FileError(_("文件内容无法识别，请确认上传的是表格文件（.xlsx、.xls 或 .csv）。"))
    sheet = Sheet(name="CSV")
    counter = RowCounter()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for values in reader:
            kept = keep_row(list(values))
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
