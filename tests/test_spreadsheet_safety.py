"""No export cell can run as a formula (issue 15, part 4).

Text that starts with "=", "+", "-", "@", a tab or a carriage return is written with a leading
quote (OWASP, "CSV Injection"), and XLSX text cells are typed as strings. Workers, a
supervisor, session logs, pairings, certificates, a training and a report's commentary are
given such text, and every CSV and XLSX Dudao writes is read back cell by cell.
"""

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.spreadsheets import (
    FORMULA_PREFIXES,
    neutralise,
    sheet_value,
    unneutralise,
    write_csv,
    write_xlsx,
)
from imports.kinds import get_kind
from imports.readers import clean_cell, read_workbook
from imports.workbooks import build_export
from reports.figures import report_figures
from reports.periods import Period
from reports.xlsx import render_xlsx
from tests.certification.conftest import certify
from tests.factories import AssignmentFactory, TraineeFactory
from tests.sessions.conftest import make_session
from tests.training.conftest import enrol, make_event, make_sitting
from training.models import TrainingKind

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    # OWASP neutralises any leading "-": a lone dash gets the quote too, consistently.
    "-",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_texts(body: bytes) -> list[str]:
    """Every text cell of every sheet; fails on a formula cell."""
    workbook = load_workbook(io.BytesIO(body))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def csv_texts(body: bytes) -> list[str]:
    return [field for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for field in row]


def texts_of(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    if response["Content-Type"].startswith(XLSX):
        return xlsx_texts(response.content)
    assert response["Content-Type"].startswith("text/csv")
    return csv_texts(response.content)


def assert_safe(texts: list[str], *, shows: list[str] = PAYLOADS) -> None:
    """No text that a spreadsheet program would run, and each payload there, quoted."""

    # openpyxl reads a stored "\r" back as "\n" (XML line ends): compare without either.
    def same(text: str) -> str:
        return text.replace("\r", "\n")

    running = [t for t in texts if t.startswith(FORMULA_PREFIXES)]
    assert running == []
    found = {same(t) for t in texts}
    missing = [p for p in shows if same("'" + p) not in found]
    assert missing == []


@pytest.fixture
def payloads(world) -> SimpleNamespace:
    """A worker named after each payload in A (one at the streets' office), with a pairing,
    a session log, a certificate and an enrolment in a training that has taken place."""
    w = world
    workers = [
        TraineeFactory(name=p, neighbourhood=w.na if i else None, subdistrict=w.a)
        for i, p in enumerate(PAYLOADS)
    ]
    for worker, payload in zip(workers, PAYLOADS, strict=True):
        AssignmentFactory(supervisor=w.supervisor, trainee=worker, reason=payload)
        session = make_session(w.supervisor, [worker])
        session.topic = session.place = session.raised = payload
        session.save()
        # The current period ends in about 60 days, whatever today is: due within the
        # level's notice window, and short of CE hours.
        current = timezone.localdate() - dt.timedelta(days=3 * 365 - 60)
        certify(
            worker,
            "assistant",
            current - dt.timedelta(days=3 * 365 + 60),
            registrations=[current - dt.timedelta(days=3 * 365), current],
        )
    event = make_event(organiser=w.a, kind=TrainingKind.SUBDISTRICT, title=PAYLOADS[0])
    sitting = make_sitting(event, day=dt.date(2026, 6, 10))
    enrol(event, workers, sitting)
    return SimpleNamespace(world=w, workers=workers, event=event)


EXPORTS = [
    ("trainees:export", {}),
    ("sessions:export", {}),
    ("supervisors:assignment-export", {}),
    ("training:hours-export", {}),
    ("certification:certified-export", {}),
    ("certification:registration-export", {}),
    ("certification:ce-export", {}),
    ("certification:pipeline-export", {}),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("name", "kwargs"), EXPORTS)
def test_exports_write_no_formula(payloads, client_for, name, kwargs, fmt):
    client = client_for(payloads.world.users.district)
    texts = texts_of(client.get(reverse(name, kwargs={**kwargs, "fmt": fmt})))
    # The pipeline lists workers without a certificate: ours all have one.
    assert_safe(texts, shows=[] if name.endswith("pipeline-export") else PAYLOADS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_absentee_list_writes_no_formula(payloads, client_for, fmt):
    """For every administrator (a lazy "街道社区办" made it a 500 once)."""
    url = reverse("training:event-absentees", kwargs={"pk": payloads.event.pk, "fmt": fmt})
    for user in (payloads.world.users.district, payloads.world.users.admin_a):
        assert_safe(texts_of(client_for(user).get(url)))


@pytest.mark.parametrize("kind", ["workers", "supervisors"])
def test_import_format_export_writes_no_formula_and_reads_back(payloads, client_for, kind):
    """The import-format export guards the text, and the reader gives back what was stored."""
    user = payloads.world.users.district
    response = client_for(user).get(reverse("imports:export", kwargs={"kind": kind}))
    texts = texts_of(response)
    assert_safe(texts, shows=[p for p in PAYLOADS if p.strip()])
    read_back = {
        value
        for sheet in read_workbook(build_export(get_kind(kind), user), "export.xlsx")
        for _number, row in sheet.rows
        for value in row
    }
    # The reader trims whitespace, as it does for any cell.
    assert {p.strip() for p in PAYLOADS} <= read_back


def test_report_workbook_writes_no_formula(world):
    """Committee names, the workers without a supervisor and the commentary are text people
    typed; the report workbook guards them like every export."""
    world.na.name = "@居委会"
    world.na.save()
    for payload in PAYLOADS:
        TraineeFactory(name=payload, neighbourhood=world.na)  # no supervisor: listed
    figures = report_figures(period=Period("month", 2026, 10), subdistrict_id=None)
    figures["commentary"] = PAYLOADS[0]
    assert_safe(xlsx_texts(render_xlsx(figures)), shows=[*PAYLOADS, "@居委会"])


def test_numbers_dates_and_lazy_text_keep_their_type():
    headers = ["姓名", "变化", "日期", "说明"]
    rows = [
        ["-3", -3, dt.date(2026, 1, 5), gettext_lazy("街道社区办")],
        [None, Decimal("-1.5"), "", "#N/A"],
    ]
    sheet = load_workbook(io.BytesIO(write_xlsx(headers, rows, sheet_title="表"))).active
    first, second = list(sheet.iter_rows(min_row=2, values_only=True))
    assert first == ("'-3", -3, dt.datetime(2026, 1, 5), "街道社区办")
    assert second[1] == -1.5
    assert sheet["D3"].data_type == "s"  # text, not Excel's "not available" error
    assert csv_texts(write_csv(headers, rows))[4:8] == ["'-3", "-3", "2026-01-05", "街道社区办"]


# Quotes and formula characters in every order, and any text at all.
CELL_TEXT = st.text(alphabet="'=+-@\t\rx字 ", max_size=6) | st.text(max_size=30)


@given(CELL_TEXT)
def test_a_guarded_text_reads_back_as_itself(text):
    assert unneutralise(neutralise(text)) == text
    assert not sheet_value(text or "x").startswith(FORMULA_PREFIXES)


def test_the_reader_takes_the_quote_off_only_before_a_formula_character():
    assert clean_cell("'=1+1") == "=1+1"
    assert clean_cell("'-") == "-"
    assert clean_cell("'abc") == "'abc"
    assert clean_cell("'") == "'"
    # Someone's own quote before a formula character survives the round trip.
    assert neutralise("'=x") == "''=x" and clean_cell("''=x") == "'=x"
