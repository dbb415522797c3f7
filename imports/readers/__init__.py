"""Reading the spreadsheets offices actually make into rows of cleaned cells.

Files come as .xlsx, .xls (old Excel) or .csv saved by Chinese Excel (GB18030/GBK) or by
anything else (UTF-8 with or without BOM, UTF-16 "Unicode text"); `read_workbook` decides the
type by the bytes, not the file name, and hands them to the reader of that format (`xlsx`,
`xls`, `csvfile`). Cells are cleaned on reading (`common`); what a cell *means* (a date, an ID
number, a choice) is decided by the cell parsers (`cells`), called by each kind's schema.

Every failure of a third-party parser on untrusted bytes becomes a `FileError` with a reason a
person can act on; nothing else escapes `read_workbook`.
"""

from .cells import (
    EXCEL_EPOCH,
    cell_text,
    parse_bool,
    parse_date,
    parse_id_number_cell,
    parse_int,
)
from .common import (
    HEADER_SEARCH_ROWS,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    CellError,
    FileError,
    Sheet,
    clean_cell,
    header_key,
    header_key_loose,
)
from .csvfile import decode_text
from .workbook import read_workbook

__all__ = [
    "EXCEL_EPOCH",
    "HEADER_SEARCH_ROWS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "CellError",
    "FileError",
    "Sheet",
    "cell_text",
    "clean_cell",
    "decode_text",
    "header_key",
    "header_key_loose",
    "parse_bool",
    "parse_date",
    "parse_id_number_cell",
    "parse_int",
    "read_workbook",
]
