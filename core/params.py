"""Ids taken from addresses and posted fields, as numbers a query can carry.

`raw.isdigit()` then `int(raw)` let two kinds of input through to a 500: digits that are not
ASCII ("²" is a digit to Python, yet int("²") raises), and numbers beyond the database's
64-bit integers (99999999999999999999: SQLite raises OverflowError on binding it). Neither
names a row, so both read as "no id" here.
"""

import re

MAX_ID = 2**63 - 1
_INTEGER = re.compile(r"[+-]?[0-9]+")


def parse_id(raw: str | None) -> int | None:
    """The positive integer id in `raw`, or None when it holds none a row could have."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def beyond_64_bits(raw: str) -> bool:
    """Whether `raw` is a whole number no integer column can hold (either sign).

    The admin's list filters put such a value straight into a query; text and numbers that
    fit are left to the filters' own checks.
    """
    text = raw.strip()
    return bool(_INTEGER.fullmatch(text)) and not -MAX_ID - 1 <= int(text) <= MAX_ID
