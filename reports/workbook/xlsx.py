"""The workbook as district offices exchange it: a title row, a header of merged cells
(category over its values), the rows, frozen under the header, printed A4 landscape with the
header repeated on every page. Numbers are number cells; every text cell goes through
core.spreadsheets (formula-injection escaping), like every other export.

Written by core.spreadsheets.write_xlsx_book, SpreadsheetML directly: openpyxl's ordinary
mode (the only one that merges cells) took 20 s of CPU for a 100,000-worker district, whose
block sheets alone have one row per committee (9,250 of them in the city benchmark).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

from django.utils.translation import gettext as _

from core.spreadsheets import (
    ROW_HEADER,
    ROW_PLAIN,
    ROW_TITLE,
    ROW_TOTAL,
    XlsxSheet,
    write_xlsx_book,
)

from .layout import BlockSheet, ListSheet, Places, Sheet

LABEL_COLUMNS = 2  # 街道（镇）, 居委会
Row = tuple[str, Sequence[object]]


def _letter(column: int) -> str:
    """1 → A."""
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def _merge(first_col: int, first_row: int, last_col: int, last_row: int) -> str:
    return f"{_letter(first_col)}{first_row}:{_letter(last_col)}{last_row}"


def _notes(notes: Sequence[str]) -> Iterator[Row]:
    for note in notes:
        yield ROW_PLAIN, [_("注：%(note)s") % {"note": note}]


def block_sheet(sheet: BlockSheet, places: Places, *, district: bool) -> XlsxSheet:
    columns = LABEL_COLUMNS + sheet.width
    merges = [_merge(1, 1, columns, 1)]
    # Rows 2 and 3: the category over its values; a single column spans both rows.
    top: list[object] = [_("街道（镇）"), _("居委会")]
    bottom: list[object] = [None, None]
    column = LABEL_COLUMNS + 1
    merges += [_merge(1, 2, 1, 3), _merge(2, 2, 2, 3)]
    for group in sheet.groups:
        if group.values:
            top += [group.label] + [None] * (len(group.values) - 1)
            bottom += list(group.values)
            if group.width > 1:
                merges.append(_merge(column, 2, column + group.width - 1, 2))
        else:
            top.append(group.label)
            bottom.append(None)
            merges.append(_merge(column, 2, column, 3))
        column += group.width

    def rows() -> Iterator[Row]:
        yield ROW_TITLE, [sheet.caption]
        yield ROW_HEADER, top
        yield ROW_HEADER, bottom
        number = 3
        office = _("街道社区办")
        zero = [0] * sheet.width
        grand = list(zero)
        for place in places.subdistricts:
            block = list(zero)
            for key in places.keys_of(place, sheet.counts):
                numbers = sheet.counts.get(key) or zero
                block = [a + b for a, b in zip(block, numbers, strict=True)]
                name = places.committee_names.get(key[1], "") if key[1] is not None else office
                yield ROW_PLAIN, [place.subdistrict, name, *numbers]
                number += 1
            # Each block's total is the sum of the rows just written, never a count of its own.
            yield ROW_TOTAL, [place.subdistrict, _("合计"), *block]
            number += 1
            grand = [a + b for a, b in zip(grand, block, strict=True)]
        if district:
            number += 1
            merges.append(_merge(1, number, 2, number))
            yield ROW_TOTAL, [_("全区合计"), None, *grand]
        yield from _notes(sheet.notes)

    widths = {1: 14.0, 2: 18.0} | {c: 7.0 for c in range(LABEL_COLUMNS + 1, columns + 1)}
    return XlsxSheet(
        title=sheet.title,
        rows=rows(),
        merges=merges,
        freeze=f"{_letter(LABEL_COLUMNS + 1)}4",
        widths=widths,
        print_title_rows=(1, 3),
    )


def list_sheet(sheet: ListSheet) -> XlsxSheet:
    columns = len(sheet.headers)

    def rows() -> Iterator[Row]:
        yield ROW_TITLE, [sheet.caption]
        yield ROW_HEADER, list(sheet.headers)
        for row in sheet.rows:
            yield ROW_PLAIN, row
        yield from _notes(sheet.notes)

    return XlsxSheet(
        title=sheet.title,
        rows=rows(),
        merges=[_merge(1, 1, max(columns, 1), 1)],
        freeze="A3",
        widths={i: float(w) for i, w in enumerate(sheet.widths, start=1)},
        print_title_rows=(1, 2),
    )


_BAD_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(title: str, taken: set[str]) -> str:
    base = str(title).translate(_BAD_TITLE).strip()[:31] or "Sheet"
    name, n = base, 2
    while name in taken:
        name = f"{base[:28]} {n}"
        n += 1
    taken.add(name)
    return name


def workbook_write(
    sheets: Sequence[Callable[[], Sheet]],
    places: Places,
    *,
    scope_label: str,
    as_of: dt.date,
    district: bool,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The workbook of these sheets, each built when its turn comes (its queries run then), so
    progress can be told between them: `progress(done, total)` after each."""
    taken: set[str] = set()

    def built() -> Iterator[XlsxSheet]:
        for build in sheets:
            sheet = build()
            sheet.title = _sheet_title(sheet.title, taken)
            sheet.caption = _("%(scope)s%(caption)s（截至 %(date)s）") % {
                "scope": scope_label,
                "caption": sheet.caption,
                "date": f"{as_of:%Y-%m-%d}",
            }
            if isinstance(sheet, BlockSheet):
                yield block_sheet(sheet, places, district=district)
            else:
                yield list_sheet(sheet)

    report = (lambda n: progress(n, len(sheets))) if progress is not None else None
    return write_xlsx_book(built(), progress=report)
