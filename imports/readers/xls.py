"""Reading .xls (Excel 97–2003), which offices still save from old templates, through xlrd."""

from __future__ import annotations

from .common import MAX_COLUMNS, RowCounter, Sheet, keep_row

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_xls(data: bytes) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    counter = RowCounter()
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
                kept = keep_row(values)
                if kept is not None:
                    counter.add()
                    sheet.rows.append((r + 1, kept))
            sheets.append(sheet)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets
