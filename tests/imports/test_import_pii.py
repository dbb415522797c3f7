"""A failed import keeps its error report, but never a clear ID number (PIPL)."""

import datetime as dt
import re

import pytest
from django.db import connection

from imports.models import ImportRun
from imports.services import import_preview
from tests.trainees.test_pii import _raw_rows

from .conftest import make_id_number, roster_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

# tests/trainees/test_pii.py's pattern, bounded: a password hash's hex digest may hold a run
# of 18 digits by chance.
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def test_a_failed_import_stores_no_clear_id_number(world, headers):
    male_id = make_id_number(dt.date(1990, 5, 17), "M")
    bad_check = male_id[:17] + ("0" if male_id[17] != "0" else "1")
    old_style = "310105900517123"  # 15 digits: the pre-1999 form
    rows = [
        roster_row(id_number=male_id),  # says 女
        roster_row(id_number=male_id, gender="M"),  # the same person twice
        roster_row(id_number=bad_check),
        roster_row(id_number=old_style),
    ]
    run = import_preview(
        kind="workers", file=upload(xlsx_bytes([headers, *rows])), actor=world.users.district
    )
    run = ImportRun.objects.get(pk=run.pk)
    assert run.error_count >= 3 and not run.can_apply
    assert any(e["column"] == "身份证号" for e in run.errors)  # still named, row and column
    # Masked as on screen: the last four characters only (issue 15).
    assert any(f"{'*' * 14}{bad_check[14:]}" in str(e) for e in run.errors)
    for table in connection.introspection.table_names():
        for row in _raw_rows(table):
            text = " ".join(str(v) for v in row)
            assert not ID_PATTERN.search(text), (table, text)
            for number in (male_id, bad_check, old_style):
                assert number[:14] not in text, (table, text)
