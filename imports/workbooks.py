"""Templates and exports of every kind in one workbook format, so that a file can go out and back.

Each table is a sheet: row 1 a title, row 2 the Chinese column names, data from row 3. Choice
columns carry drop-down lists (data validation) that read a hidden "选项" sheet, because an
inline list is limited to 255 characters and a district has 185 committees. A "填写说明" sheet
explains each column. The reader finds the header row by its names, so the title row and the
notes sheet are skipped on import. Every cell is written through core.spreadsheets, so that
text from the data never runs as a formula; the reader takes the guarding quote off again.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import User
from core.spreadsheets import xlsx_cell, xlsx_row

from .kinds.base import ImportKindBase, Table

TEMPLATE_BLANK_ROWS = 2000
OPTIONS_SHEET = "选项"


def build_template(kind: ImportKindBase, user: User) -> bytes:
    """The kind's template: headers, one example row and drop-down lists."""
    examples = kind.example_rows(user)
    return _build(
        kind,
        user,
        {t.key: [examples[t.key]] if t.key in examples else [] for t in kind.tables},
        title_suffix=_("导入模板（第 2 行为列名，请从第 3 行起填写；示例行导入时会自动跳过）"),
        blank_rows=TEMPLATE_BLANK_ROWS,
    )


def build_export(kind: ImportKindBase, user: User) -> bytes:
    """The data this user may see, in the template's format."""
    return _build(
        kind,
        user,
        kind.export_rows(user),
        title_suffix=_("导出于 %(date)s，可修改后直接导入")
        % {"date": timezone.localdate().isoformat()},
        blank_rows=200,
    )


def _build(
    kind: ImportKindBase,
    user: User,
    rows_by_table: dict[str, Iterable[list[object]]],
    *,
    title_suffix: str,
    blank_rows: int,
) -> bytes:
    options = kind.options(user)
    workbook = Workbook(write_only=True)
    option_ranges = _option_ranges(options)
    for table in kind.tables:
        _write_table(
            workbook,
            kind,
            table,
            rows_by_table.get(table.key, []),
            option_ranges,
            title=f"{kind.label} · {title_suffix}",
            blank_rows=blank_rows,
        )
    _write_notes(workbook, kind)
    _write_options(workbook, options)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _option_ranges(options: dict[str, list[str]]) -> dict[str, str]:
    ranges = {}
    for index, (name, values) in enumerate(options.items(), start=1):
        if values:
            letter = get_column_letter(index)
            ranges[name] = (
                f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
            )
    return ranges


def _write_table(
    workbook: Workbook,
    kind: ImportKindBase,
    table: Table,
    rows: Iterable[list[object]],
    option_ranges: dict[str, str],
    *,
    title: str,
    blank_rows: int,
) -> None:
    sheet = workbook.create_sheet(title=str(table.title)[:31])
    sheet.freeze_panes = "A3"
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
    sheet.append([xlsx_cell(sheet, title, font=Font(bold=True, size=13))])
    sheet.merged_cells.add(f"A1:{get_column_letter(len(table.columns))}1")
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    grey = Font(bold=True, color="808080")
    headers = []
    for column in table.columns:
        cell = xlsx_cell(sheet, column.header, font=grey if column.read_only else bold)
        cell.fill = required_fill if column.required else header_fill
        cell.alignment = Alignment(horizontal="center")
        headers.append(cell)
    sheet.append(headers)
    count = 0
    for row in rows:
        # Strings stay strings (ID numbers as text: Excel would turn 18 digits into 3.10105E+17).
        sheet.append(xlsx_row(sheet, row))
        count += 1
    last = 2 + count + blank_rows
    for index, column in enumerate(table.columns, start=1):
        if column.options and column.options in option_ranges:
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list",
                formula1=f"={option_ranges[column.options]}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=_("请从列表中选择"),
                error=_("“%(column)s”请从下拉列表中选择。") % {"column": column.header},
            )
            validation.add(f"{letter}3:{letter}{last}")
            sheet.data_validations.append(validation)


def _write_notes(workbook: Workbook, kind: ImportKindBase) -> None:
    sheet = workbook.create_sheet(title=_("填写说明"))
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 10
    sheet.column_dimensions["D"].width = 60
    bold = Font(bold=True)
    heading = _("%(kind)s：填写说明") % {"kind": kind.label}
    sheet.append([xlsx_cell(sheet, heading, font=Font(bold=True, size=13))])
    sheet.append(
        xlsx_row(
            sheet,
            [
                _(
                    "日期可写成 1985-03-02、1985/3/2、1985年3月2日 或 19850302；"
                    "身份证号请用文本格式（Excel 会把 18 位数字的后几位变成 0）。"
                )
            ],
        )
    )
    for table in kind.tables:
        sheet.append([])
        sheet.append([xlsx_cell(sheet, _("工作表“%(sheet)s”") % {"sheet": table.title}, font=bold)])
        # One column name per row, so that this sheet is never mistaken for a header row.
        for column in table.columns:
            notes = [str(column.help)] if column.help else []
            if column.is_date:
                notes.append(_("日期"))
            if column.options:
                notes.append(_("从下拉列表中选择"))
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        None,
                        column.header,
                        _("必填") if column.required else _("选填"),
                        "；".join(notes),
                    ],
                )
            )


def _write_options(workbook: Workbook, options: dict[str, list[str]]) -> None:
    sheet = workbook.create_sheet(title=OPTIONS_SHEET)
    sheet.sheet_state = "hidden"
    names = list(options)
    # Bracketed names never read as column headers, even if someone unhides the sheet.
    sheet.append(xlsx_row(sheet, [f"[{name}]" for name in names]))
    longest = max((len(v) for v in options.values()), default=0)
    for i in range(longest):
        # Committee and supervisor names are data too: the drop-down offers them as written
        # here, and the reader takes the guarding quote off a chosen one.
        sheet.append(
            xlsx_row(sheet, [options[n][i] if i < len(options[n]) else None for n in names])
        )
