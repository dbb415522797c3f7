"""The district's fixed-format workbook (统计报表工作簿, issue 14 item 4): one multi-sheet Excel
file for a date, subdistrict by subdistrict and committee by committee, each block with its 合计
row and a district total, built in the background (services.py, reports.tasks).

A sheet is a builder
`(*, as_of: date, subdistrict_id: int | None, full_id: bool) -> BlockSheet | ListSheet`
(layout.py); SHEETS below is the workbook, in order. To add one, write the builder (its
queries scoped to `subdistrict_id`, a constant number of them, ID numbers through
`sheets.id_field`/`sheets.id_text`) and add it to SHEETS.
"""

from __future__ import annotations

from .hr_sheets import grant_list_sheet, grants_sheet, staffing_ratio_sheet, staffing_sheet
from .layout import BlockSheet, ColumnGroup, ListSheet, SheetBuilder
from .sheets import (
    assessment_list_sheet,
    assessments_sheet,
    certificate_list_sheet,
    certificates_sheet,
    grade_changes_sheet,
    profile_sheet,
    transfers_sheet,
)

SHEETS: list[SheetBuilder] = [
    profile_sheet,
    certificates_sheet,
    certificate_list_sheet,
    grade_changes_sheet,
    transfers_sheet,
    assessments_sheet,
    assessment_list_sheet,
    grants_sheet,
    grant_list_sheet,
    staffing_sheet,
    staffing_ratio_sheet,
]

__all__ = ["SHEETS", "BlockSheet", "ColumnGroup", "ListSheet", "SheetBuilder"]
