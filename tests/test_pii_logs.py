"""No ID numbers in logs or audit text (issue 15, part 3).

An ID number typed into a search box reaches the request line of every log and the filters
an export records. The audit trail keeps such a search masked (and a whole number as its
keyed hash); runserver's and Django's request logs drop query strings and mask identifiers;
gunicorn and nginx are configured to log the path without its query string.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import runpy
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditAction, AuditEvent
from core.redact import redact_identifiers, redact_value, strip_query_strings
from tests.factories import make_id_number
from trainees.identity import id_check_char
from trainees.pii import id_number_hash

ROOT = Path(__file__).resolve().parent.parent
ID_DIGITS = re.compile(r"\d{14,}|\d{6,}[ \-]?\d{4,}[ \-]?\d{4,}")


def _id_digit_runs(text: str) -> list[str]:
    """Runs of 14+ digits, also grouped by single spaces or hyphens."""
    return ID_DIGITS.findall(text)


# --- the redaction itself ---------------------------------------------------------------------


def _id_numbers() -> st.SearchStrategy[str]:
    birth = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2008, 12, 31))
    seq = st.integers(min_value=0, max_value=999)
    region = st.sampled_from(["310105", "310104", "110101", "440305"])
    return st.builds(
        lambda r, b, s: (f := f"{r}{b:%Y%m%d}{s:03d}") + id_check_char(f), region, birth, seq
    )


@given(
    number=_id_numbers(),
    form=st.sampled_from(["plain", "lower", "spaced", "full-width", "part"]),
    before=st.sampled_from(["", "q=", "身份证号", "id ", "（"]),
    after=st.sampled_from(["", "&status=active", "号", " HTTP/1.1", "）"]),
)
def test_an_id_number_in_any_form_is_masked_to_its_tail(number, form, before, after):
    shown = {
        "plain": number,
        "lower": number.lower(),
        "spaced": f"{number[:6]} {number[6:14]} {number[14:]}",
        "full-width": "".join(chr(ord(c) + 0xFEE0) for c in number),
        "part": number[3:],  # 15 of 18 characters are still most of a number
    }[form]
    redacted = redact_identifiers(before + shown + after)
    assert redacted.startswith(before) and redacted.endswith(after)
    kept = redacted[len(before) : len(redacted) - len(after)]
    assert set(kept[:-4]) == {"*"} and kept[-4:] == shown[-4:]


@pytest.mark.parametrize(
    "text",
    ["2025-01-01 2025-12-31", "第 3 行", "共 1234567 人", "1051985030212", "v1.2.3", "x" * 20],
)
def test_dates_counts_and_short_numbers_are_left_alone(text):
    assert redact_identifiers(text) == text


@pytest.mark.parametrize(
    "text,expected",
    [
        ("13800138000", "138****8000"),
        ("电话 +86 138-0013-8000。", "电话 138****8000。"),
        ("138 0013 8000", "138****8000"),
    ],
)
def test_mobile_numbers_are_masked(text, expected):
    assert redact_identifiers(text) == expected


def test_json_values_are_redacted_keys_and_all():
    number = make_id_number(dt.date(1985, 3, 2))
    assert redact_value({number: [number, 3, None], "q": "陆晓燕"}) == {
        "*" * 14 + number[-4:]: ["*" * 14 + number[-4:], 3, None],
        "q": "陆晓燕",
    }


def test_query_strings_are_dropped_from_request_lines():
    assert strip_query_strings("GET /workers/?q=13800138000&page=2 HTTP/1.1") == (
        "GET /workers/ HTTP/1.1"
    )
    assert strip_query_strings("Not Found: /x/") == "Not Found: /x/"


# --- the audit trail ----------------------------------------------------------------------------


def test_an_export_searched_by_id_number_keeps_only_its_mask_and_hash(world, client_for):
    number = world.worker.id_number
    client = client_for(world.users.admin_a)
    response = client.get(
        reverse("trainees:export", args=["csv"]), {"q": number.lower(), "status": "active"}
    )
    assert response.status_code == 200 and "陆晓燕" in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    stored = json.dumps(event.changes, ensure_ascii=False)
    assert not _id_digit_runs(stored), stored
    # Still says that a search by this number was made, and whose: the district can hash a
    # number it holds and find the searches for it.
    filters = event.changes["filters"]
    assert filters["q"] == "*" * 14 + number[-4:].lower()
    assert filters["q_id_hash"] == id_number_hash(number)
    assert filters["status"] == "active"


@pytest.mark.parametrize(
    "name,typed",
    [
        ("training:hours-export", lambda w: w.worker.id_number[:15]),  # part of a number
        ("training:hours-export", lambda w: w.worker.mobile),
        ("sessions:export", lambda w: " ".join(["310105", w.worker.id_number[6:14], "0012"])),
        ("certification:certified-export", lambda w: w.worker.id_number),
    ],
)
def test_every_export_keeps_typed_numbers_masked(world, client_for, name, typed):
    value = typed(world)
    client_for(world.users.district).get(reverse(name, args=["csv"]), {"q": value})
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    stored = json.dumps(event.changes, ensure_ascii=False)
    assert not _id_digit_runs(stored) and value not in stored, stored
    assert "*" in event.changes["filters"]["q"]  # a search was made


# --- request logs -------------------------------------------------------------------------------


def test_runserver_access_lines_carry_no_query_string(world, caplog):
    number = world.worker.id_number
    logger = logging.getLogger("django.server")  # not propagated: caplog listens here
    logger.addHandler(caplog.handler)
    try:
        # The real runserver handler, as it logs every request it served.
        handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
        handler.request = None
        handler.requestline = f"GET /workers/?q={number}&mobile=13800138000 HTTP/1.1"
        handler.log_request(200, 1234)
        handler.requestline = f"GET /workers/{number}/ HTTP/1.1"
        handler.log_request(404, 10)
    finally:
        logger.removeHandler(caplog.handler)
    lines = [r.getMessage() for r in caplog.records if r.name == "django.server"]
    assert lines == [
        '"GET /workers/ HTTP/1.1" 200 1234',
        f'"GET /workers/{"*" * 14}{number[-4:]}/ HTTP/1.1" 404 10',
    ]


def test_a_404_with_an_id_number_logs_no_id_digits(world, client_for, caplog):
    number = world.worker.id_number
    client = client_for(world.users.admin_a)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/workers/{number}/no-such-page/", {"q": number})
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "Django logs every 4xx"
    for record in records:
        message = record.getMessage()
        assert message.startswith("Not Found: /workers/")
        assert not _id_digit_runs(message) and number[:14] not in message, message
    assert not _id_digit_runs(caplog.text)


def test_a_500_traceback_quoting_an_id_number_is_masked(world, caplog):
    number = world.worker.id_number
    logger = logging.getLogger("django.request")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        try:
            raise ValueError(f"cannot parse {number}")
        except ValueError:
            logger.exception("Internal Server Error: %s", f"/workers/?q={number}")
    assert caplog.records and "ValueError: cannot parse ****" in caplog.text
    assert not _id_digit_runs(caplog.text), caplog.text


def test_gunicorn_logs_the_path_without_its_query_string():
    """deploy/gunicorn.conf.py: %(U)s is the path alone; %(r)s (the request line), %(q)s (the
    query) and %(f)s (the referrer, which holds the previous page's query) are left out.
    tests/deploy/test_process_layout.py runs gunicorn itself."""
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    fmt = conf["access_log_format"]
    assert "%(U)s" in fmt
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%({referer}i)s"):
        assert atom not in fmt


def test_nginx_logs_the_path_without_its_query_string():
    conf = (ROOT / "deploy" / "nginx" / "dudao.conf").read_text()
    formats = dict(re.findall(r"log_format\s+(\w+)\s+((?:'[^']*'\s*)+);", conf))
    assert "dudao" in formats
    fmt = formats["dudao"]
    assert "$uri" in fmt
    for variable in ("$request ", '$request"', "$request_uri", "$args", "$query_string"):
        assert variable not in fmt
    assert "$http_referer" not in fmt
    servers = conf.count("server {")
    assert len(re.findall(r"^\s*access_log\s+\S+\s+dudao;", conf, flags=re.M)) == servers
