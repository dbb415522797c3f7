"""The demo district's workbook (issue 14, "Done when"): it opens in LibreOffice with every 合计
equal to the sum of its block, and its figures are those of the date."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import transaction
from openpyxl import load_workbook

from demo.seed import seed_demo
from reports.workbook.services import workbook_render
from tests.reports.test_workbook import BLOCK_SHEETS, SHEET_NAMES, assert_totals, blocks
from trainees.models import Trainee
from trainees.populations import on_books_q

TODAY = dt.date(2026, 12, 1)  # the demo's own today, as tests/demo/ seed it


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo(today=TODAY)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_the_demo_workbook_opens_in_libreoffice_with_every_total_the_sum_of_its_block(
    demo, tmp_path: Path
):
    source = tmp_path / "workbook.xlsx"
    source.write_bytes(workbook_render(as_of=TODAY, subdistrict=None))
    out = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for path in (source, out / source.name):
        wb = load_workbook(path)
        assert wb.sheetnames == SHEET_NAMES
        for title in BLOCK_SHEETS:
            assert_totals(wb[title], district=True)
        # The district's 在册 on the date, as trainees.populations counts them.
        on_books = Trainee.objects.filter(on_books_q(TODAY)).count()
        assert blocks(wb["队伍概况"])[2][0] == on_books > 1000


@pytest.mark.django_db
def test_a_past_dates_workbook_counts_those_on_the_books_then(demo):
    day = TODAY.replace(year=TODAY.year - 1)
    wb = load_workbook(io.BytesIO(workbook_render(as_of=day, subdistrict=None)))
    for title in BLOCK_SHEETS:
        assert_totals(wb[title], district=True)
    assert blocks(wb["队伍概况"])[2][0] == Trainee.objects.filter(on_books_q(day)).count()
