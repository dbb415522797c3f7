"""What every kind of import shares: column schemas, finding the header row, row errors, plans.

A kind (workers, supervisors, attendance …) declares one or more tables (a sheet each), each a
list of columns with their Chinese header, English and common synonyms, and whether they are
required. `map_sheets` finds in every sheet of a file the header row that best matches one of
the kind's tables — title rows and merged cells above it are skipped — and turns the rows below
into dicts keyed by column. The kind then plans: it checks every row against the database as
it is now and counts what would be new, changed and unchanged, without writing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.capabilities import can_import
from accounts.models import User

from ..models import choice_spellings
from ..readers import Sheet, cell_text, header_key, header_key_loose

Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise  # the Chinese msgid, as in exports and the template
    synonyms: tuple[str, ...] = ()
    required: bool = False
    help: str | Promise = ""
    width: int = 14
    # Name of an options list (Kind.options) offered as a drop-down in the template.
    options: str = ""
    is_date: bool = False
    # Shown in exports but ignored on import (derived from other columns).
    read_only: bool = False

    def keys(self) -> set[str]:
        names = [str(self.header), *self.synonyms]
        with override("en"):
            names.append(str(self.header))
        keys = {header_key(n) for n in names} | {header_key_loose(n) for n in names}
        keys.discard("")
        return keys


@dataclass(frozen=True)
class Table:
    key: str
    title: str | Promise  # the sheet name in the template and exports
    columns: tuple[Column, ...]
    # (column, stand-in): a required column a sheet may leave out when it has the stand-in,
    # which the kind then reads in its place (with a warning).
    stand_ins: tuple[tuple[str, str], ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def stand_in(self, key: str) -> str | None:
        return next((s for k, s in self.stand_ins if k == key), None)


@dataclass
class RowError:
    sheet: str
    row: int | None
    column: str
    message: str
    value: str = ""
    code: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "value": self.value,
            "code": self.code,
        }


@dataclass
class MappedSheet:
    sheet: str
    table: Table
    header_row: int
    headers: dict[str, str]  # column key -> header text as written in the file
    rows: list[tuple[int, dict[str, object]]]

    def error(
        self, row: int | None, key: str, message: str, value: object = None, code: str = ""
    ) -> RowError:
        known = next((c for c in self.table.columns if c.key == key), None)
        column = self.headers.get(key) or (str(known.header) if known else "")
        return RowError(self.sheet, row, column, str(message), cell_text(value)[:60], code)


@dataclass
class Plan:
    """What applying the file would do. `payload` is the kind's own data for `write`."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Shown apart from the errors; they do not stop the apply.
    warnings: list[RowError] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    payload: Any = None

    CHANGE_SAMPLE = 500

    def note_change(self, sheet: str, row: int, label: str, fields: list[str]) -> None:
        if len(self.changes) < self.CHANGE_SAMPLE:
            self.changes.append({"sheet": sheet, "row": row, "label": label, "fields": fields})


def choice_lookup(
    choices: type[TextChoices], synonyms: dict[str, str] | None = None
) -> dict[str, str]:
    """Accepted spellings -> code: the code, the Chinese and English labels, and synonyms."""
    lookup = choice_spellings(choices)
    for spelling, value in (synonyms or {}).items():
        lookup[header_key(spelling)] = value
    return lookup


def choice_labels(choices: type[TextChoices]) -> list[str]:
    return [str(label) for label in choices.labels]


def format_value(value: object) -> str:
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def map_sheets(
    sheets: Sequence[Sheet], tables: Sequence[Table]
) -> tuple[list[MappedSheet], list[RowError]]:
    """Match each sheet to the table whose headers it carries; rows below the header become dicts."""
    mapped: list[MappedSheet] = []
    errors: list[RowError] = []
    unmatched: list[str] = []
    key_sets = {t.key: [(c, c.keys()) for c in t.columns] for t in tables}
    for sheet in sheets:
        best: tuple[int, int, Table, dict[str, int]] | None = None  # (score, index, table, map)
        for index, (_number, values) in enumerate(sheet.rows[:30]):
            texts = [header_key(v) if isinstance(v, str) else "" for v in values]
            loose = [header_key_loose(v) if isinstance(v, str) else "" for v in values]
            for table in tables:
                found: dict[str, int] = {}
                for column, keys in key_sets[table.key]:
                    for pos, text in enumerate(texts):
                        if text and (text in keys or loose[pos] in keys):
                            found.setdefault(column.key, pos)
                            break
                score = len(found)
                if score >= 2 and (best is None or score > best[0]):
                    best = (score, index, table, found)
        if best is None:
            unmatched.append(sheet.name)  # a notes sheet, or a file of something else
            continue
        _score, index, table, found = best
        header_number, header_values = sheet.rows[index]
        # Cells are NFKC-folded on reading; name a column as the template does when it is that.
        headers = {}
        for key, pos in found.items():
            canonical = str(table.column(key).header)
            written = cell_text(header_values[pos])
            headers[key] = canonical if header_key(written) == header_key(canonical) else written
        missing = [
            c for c in table.required if c.key not in found and table.stand_in(c.key) not in found
        ]
        if missing:
            errors.append(
                RowError(
                    sheet.name,
                    header_number,
                    "、".join(str(c.header) for c in missing),
                    _("缺少必填列：%(columns)s。")
                    % {"columns": "、".join(str(c.header) for c in missing)},
                    code="missing_column",
                )
            )
            continue
        duplicates = _duplicate_headers(header_values, key_sets[table.key])
        if duplicates:
            errors.append(
                RowError(
                    sheet.name,
                    header_number,
                    duplicates,
                    _("列“%(column)s”出现了不止一次，无法判断以哪一列为准。")
                    % {"column": duplicates},
                    code="duplicate_column",
                )
            )
            continue
        rows = []
        for number, values in sheet.rows[index + 1 :]:
            row = {key: values[pos] if pos < len(values) else None for key, pos in found.items()}
            if any(v is not None for v in row.values()):
                rows.append((number, row))
        mapped.append(MappedSheet(sheet.name, table, header_number, headers, rows))
    if not mapped and not errors:
        for name in unmatched or [""]:
            errors.append(
                RowError(
                    name,
                    None,
                    "",
                    _("未找到表头行：前 30 行中没有可识别的列名（如 %(examples)s）。")
                    % {"examples": "、".join(str(c.header) for c in tables[0].columns[:4])},
                    code="no_header",
                )
            )
    return mapped, errors


def _duplicate_headers(values: Iterable[object], columns: list[tuple[Column, set[str]]]) -> str:
    seen: dict[str, str] = {}
    for value in values:
        if not isinstance(value, str):
            continue
        text, loose = header_key(value), header_key_loose(value)
        for column, keys in columns:
            if text in keys or loose in keys:
                if column.key in seen:
                    return value
                seen[column.key] = value
                break
    return ""


class ImportKindBase:
    """A kind of data that can be imported and exported in the same workbook format."""

    code: str = ""
    label: str | Promise = ""
    tables: tuple[Table, ...] = ()

    def allowed(self, user: User) -> bool:
        return can_import(user, self.code)

    def options(self, user: User) -> dict[str, list[str]]:
        """Drop-down lists for the template, by Column.options name."""
        return {}

    def example_rows(self, user: User) -> dict[str, list[object]]:
        """One example row per table, in column order."""
        return {}

    def export_rows(self, user: User) -> dict[str, Iterable[list[object]]]:
        return {}

    def plan(
        self, sheets: list[MappedSheet], *, actor: User, progress: Progress = no_progress
    ) -> Plan:
        raise NotImplementedError

    def write(self, plan: Plan, *, actor: User, note: str) -> None:
        """Apply a plan without errors; called inside the import's transaction."""
        raise NotImplementedError
