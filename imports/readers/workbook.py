"""One entry point for every file format: the type is decided by the bytes, not the name."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from .common import MAX_BYTES, FileError, Sheet
from .csvfile import read_csv
from .xls import XLS_MAGIC, read_xls
from .xlsx import XLSX_MAGIC, read_xlsx

logger = logging.getLogger(__name__)


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
            sheets = read_xlsx(data)
        elif data.startswith(XLS_MAGIC):
            sheets = read_xls(data)
        elif name.endswith((".xlsx", ".xlsm", ".xls")):
            raise FileError(
                _("文件扩展名为 Excel，但内容不是有效的 Excel 文件（可能已损坏或未完整上传）。")
            )
        else:
            sheets = read_csv(data)
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
