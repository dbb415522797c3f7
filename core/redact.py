"""Masks for ID numbers and mobile numbers, and redaction of free text before it is kept.

One masking rule (issue 15): an ID number is shown as its last four characters only
(`**************123X`). The old mask kept the region code as well (`310105********123X`),
and next to a birth date, which every roster showed, that gave back all 18 characters.
Four characters of 18 identify no one (the roster search finds workers by them).

Text that is stored or logged — audit filters, import error reports, request log lines —
goes through `redact_identifiers`: a run of 14 or more digits (an ID number, whole or in
part, in ASCII or full-width digits, with or without spaces) and a mainland mobile number
are masked wherever they appear. Query strings are dropped from request log lines altogether
(`RequestLogFilter`): roster searches carry names, phone numbers and ID numbers.
"""

from __future__ import annotations

import logging
import re

ID_VISIBLE = 4
# Fewer digits than this in a row are left alone: a date, an amount, a count, an id. An ID
# number has 18, so 14 in a row is most of one (GB/T 35273: de-identify, not just shorten).
ID_LIKE_MIN = 14

# \d matches full-width digits too (０-９), as people type them on a Chinese keyboard; the
# check character may be x or X, half- or full-width. Single spaces between digits are how a
# number is grouped when copied from a card (310105 19850302 123X); hyphens are not allowed,
# or two dates in a row (2025-01-01 2025-12-31) would read as one number.
_ID_RUN = re.compile(rf"(?<![0-9A-Za-z])(?:\d ?){{{ID_LIKE_MIN - 1},}}[\dXxＸｘ](?![0-9A-Za-z])")
# +86 / 0086 and single spaces or hyphens between the groups (138 0013 8000, 138-0013-8000).
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)86[ \-]?)?(1[3-9]\d)[ \-]?(\d{4})[ \-]?(\d{4})(?!\d)")
# A path with its query string, in a request line ("GET /workers/?q=… HTTP/1.1") or alone.
_QUERY = re.compile(r"(/[^\s?\"]*)\?[^\s\"]*")


def id_number_mask(number: str) -> str:
    """**************123X: the last four characters, the rest starred (length kept)."""
    if len(number) <= ID_VISIBLE:
        return "*" * len(number)
    return "*" * (len(number) - ID_VISIBLE) + number[-ID_VISIBLE:]


def mobile_mask(number: str) -> str:
    """138****5678: the operator prefix and the last four digits."""
    return f"{number[:3]}****{number[7:]}" if len(number) == 11 else number


def _mask_id_run(match: re.Match[str]) -> str:
    chars = match.group(0).replace(" ", "")
    return id_number_mask(chars)


def redact_identifiers(text: str) -> str:
    """The text with every ID-number-like run and every mobile number masked."""
    text = _ID_RUN.sub(_mask_id_run, text)
    return _MOBILE.sub(lambda m: mobile_mask(m.group(1) + m.group(2) + m.group(3)), text)


def redact_value(value: object) -> object:
    """`redact_identifiers` through strings, lists and dicts (JSON-shaped values)."""
    if isinstance(value, str):
        return redact_identifiers(value)
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    return value


def strip_query_strings(text: str) -> str:
    """'GET /workers/?q=13800138000 HTTP/1.1' -> 'GET /workers/ HTTP/1.1'."""
    return _QUERY.sub(r"\1", text)


class RequestLogFilter(logging.Filter):
    """Drops query strings and masks identifiers in request log records.

    Attached (config/settings/base.py, LOGGING) to `django.server`, whose records are
    runserver's access lines ('"GET /workers/?q=… HTTP/1.1" 200 1234'), and to
    `django.request`, which logs the path of every 4xx/5xx. gunicorn's access log leaves the
    query string out by its format (deploy/gunicorn.conf.py, %(U)s). The record is changed in
    place, so every handler downstream sees only the redacted text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_scrub(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: _scrub(a) if isinstance(a, str) else a for k, a in record.args.items()
            }
        if record.exc_info and not record.exc_text:
            # A 500's traceback ends with the exception's message, which may quote the input;
            # formatters use exc_text when it is set, so it is formatted here and masked.
            record.exc_text = redact_identifiers(_TRACEBACKS.formatException(record.exc_info))
        return True


_TRACEBACKS = logging.Formatter()


def _scrub(text: str) -> str:
    return redact_identifiers(strip_query_strings(text))
