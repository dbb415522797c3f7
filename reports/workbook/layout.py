"""The shapes a sheet builder returns, and the places (subdistricts, committees) they are laid
out over: the writer (xlsx.py) turns them into the fixed format district offices exchange.

A *block sheet* counts workers per committee: the builder returns its counts keyed by
(subdistrict id, committee id — None for the subdistrict's own office), and the writer lays
them out subdistrict by subdistrict, committee by committee, each block followed by its 合计
row and the whole followed by 全区合计 (district scope only). The totals are written by the
writer, from the rows it wrote, never by a builder, so every 合计 is the sum of its block.

A *list sheet* is a header and rows (one per person or event), streamed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

Key = tuple[int, int | None]  # (subdistrict id, committee id or None for the office)


@dataclass(frozen=True)
class ColumnGroup:
    """A category over its values (two merged header rows), or, with no `values`, one column
    whose label spans both header rows."""

    label: str
    values: Sequence[str] = ()

    @property
    def width(self) -> int:
        return len(self.values) or 1


@dataclass
class BlockSheet:
    title: str  # the sheet's tab (at most 31 characters)
    caption: str  # the title row above the header, after the scope's name
    groups: Sequence[ColumnGroup]
    counts: dict[Key, list[int]]  # one number per column, in the order of `groups`
    notes: Sequence[str] = ()

    @property
    def width(self) -> int:
        return sum(g.width for g in self.groups)


@dataclass
class ListSheet:
    title: str
    caption: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] = field(default_factory=tuple)  # column widths in characters
    notes: Sequence[str] = ()


Sheet = BlockSheet | ListSheet


class SheetBuilder(Protocol):
    """One sheet of the workbook as of `as_of`, for the district (`subdistrict_id` None) or
    one subdistrict: a constant number of queries whatever the district's size. Lists of people
    show ID numbers masked (`sheets.id_text`) unless `full_id`, which the service sets only for
    a requester who may see them (accounts.capabilities.sees_full_identity)."""

    def __call__(self, *, as_of: dt.date, subdistrict_id: int | None, full_id: bool) -> Sheet: ...


@dataclass(frozen=True)
class Place:
    subdistrict_id: int
    subdistrict: str
    committees: list[tuple[int, str]]  # (id, name), in the order of the district's tables


@dataclass(frozen=True)
class Places:
    subdistricts: list[Place]
    committee_names: dict[int, str]  # every committee, for counts of a moved committee

    def keys_of(self, place: Place, counts: dict[Key, list[int]]) -> list[Key]:
        """The rows of a block: every committee of the subdistrict (zeros included), then any
        other committee the counts place there, then the office's own staff if any."""
        keys: list[Key] = [(place.subdistrict_id, cid) for cid, _name in place.committees]
        known = set(keys)
        extra = sorted(
            (k for k in counts if k[0] == place.subdistrict_id and k not in known and k[1]),
            key=lambda k: self.committee_names.get(k[1] or 0, ""),
        )
        keys += extra
        if (place.subdistrict_id, None) in counts:
            keys.append((place.subdistrict_id, None))
        return keys


ProgressFn = Callable[[int], None]
