"""What every reader shares: the cleaned form of a cell and of a header, the limits on a file,
and the two errors a person can act on (the whole file, or one cell).

Cells are normalised here (NFKC folds full-width characters, whitespace is trimmed, the quote
our exports put before formula-like text is taken off); what a cell *means* (a date, an ID
number, a choice) is decided by the cell parsers in `cells`, called by each kind's schema.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.spreadsheets import unneutralise

MAX_BYTES = 30 * 1024 * 1024
# A district has ~2,000 workers; 200,000 rows leaves room for a 100x scale and stops runaway files.
MAX_ROWS = 200_000
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 30
# Zero-width characters that survive copy-paste from web pages and WeChat.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
SPACES = re.compile(r"\s+")


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
    text = SPACES.sub("", text).replace("*", "").rstrip(":：").lower()
    return text


def header_key_loose(value: object) -> str:
    """The header without notes in brackets: 出生日期(yyyy-mm-dd) -> 出生日期."""
    return re.sub(r"[(\[【（].*?[)\]】）]", "", header_key(value))


class RowCounter:
    def __init__(self) -> None:
        self.n = 0

    def add(self) -> None:
        self.n += 1
        if self.n > MAX_ROWS:
            raise FileError(_("文件行数超过 %(max)d 行，请拆分后分批导入。") % {"max": MAX_ROWS})


def keep_row(values: list[object]) -> list[object] | None:
    cleaned = [clean_cell(v) for v in values[:MAX_COLUMNS]]
    while cleaned and cleaned[-1] is None:
        cleaned.pop()
    return cleaned or None
