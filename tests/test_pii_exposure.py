"""No page or file a non-district persona can open gives away an ID number (issue 15, part 1).

Every URL of tests/test_url_access.py's TABLE that a persona may open (a 200 there), in every
target and format, plus a few searches and a real import's error report, is fetched as each
persona other than the district administrator. No answer may hold 14 or more characters of
any worker's ID number, present or past, in any form:

- the number, or any 14 consecutive characters of it, also spaced or in full-width digits;
- rebuilt from what is shown beside it: the region code (digits 1–6), the birth date
  (digits 7–14, in any of the ways dates are written) and the tail (digits 15–18);
- and, stricter, the lead's rule: a birth date never appears where the number's tail does
  (the masked number), since the two together are 12 of the 18 characters.

Mobile numbers are masked for these personas too (part 5): no full mobile anywhere.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from imports.services import import_preview
from tests.factories import make_id_number
from tests.imports.conftest import roster_row, xlsx_bytes
from tests.test_url_access import (  # noqa: F401 - fixtures, taken by name (getfixturevalue)
    TABLE,
    XLSX,
    _password_sign_in_only,
    clients,
    objects,
    path_of,
    text_of,
)
from trainees.exports import roster_headers
from trainees.models import Trainee
from trainees.services import trainee_update

pytestmark = pytest.mark.django_db

NON_DISTRICT = ("worker", "supervisor", "other_supervisor", "admin_a", "admin_b", "leader")
WINDOW = 14  # characters of an ID number that may never be shown together


@dataclass(frozen=True)
class Person:
    name: str
    numbers: tuple[str, ...]  # every ID number the worker has had: history shows the old one
    births: tuple[dt.date, ...]
    mobiles: tuple[str, ...]


def _date_forms(day: dt.date) -> set[str]:
    y, m, d = day.year, day.month, day.day
    return {
        f"{day:%Y%m%d}",
        day.isoformat(),  # also how an XLSX date cell reads back (1988-05-17 00:00:00)
        f"{day:%Y/%m/%d}",
        f"{day:%Y.%m.%d}",
        f"{y}-{m}-{d}",
        f"{y}/{m}/{d}",
        f"{y}.{m}.{d}",
        f"{y}年{m}月{d}日",
        f"{day:%Y年%m月%d日}",
    }


def _compact(text: str) -> str:
    """Full-width digits to ASCII, and digits grouped by single spaces or hyphens joined."""
    text = unicodedata.normalize("NFKC", text).upper()
    return re.sub(r"(?<=\d)[ \-](?=[\dX])", "", text)


def leaks(text: str, people: list[Person]) -> list[str]:
    """What of these people's ID numbers and mobiles the text gives away."""
    found = []
    plain = unicodedata.normalize("NFKC", text).upper()
    compact = _compact(text)
    for p in people:
        found += [f"{p.name}: {leak}" for leak in _person_leaks(p, plain, compact)]
    return found


def _person_leaks(p: Person, plain: str, compact: str) -> list[str]:
    found = []
    for number in p.numbers:
        windows = {number[i : i + WINDOW] for i in range(len(number) - WINDOW + 1)}
        if any(w in plain or w in compact for w in windows):
            found.append(f"{WINDOW}+ characters of the ID number {number[-4:]}")
            continue
        region = number[:6] in compact
        tail = number[-4:] in plain
        born = any(f in plain for f in _date_forms(_birth_of(number)))
        if 6 * region + 8 * born + 4 * tail >= WINDOW:
            found.append(f"ID number {number[-4:]} rebuilt from region code, birth date, tail")
        elif born and tail:
            found.append(f"birth date shown beside the masked number {number[-4:]}")
    shown = [f for b in p.births for f in _date_forms(b) if f in plain]
    if shown and not found:
        # Alone, a birth date gives away 8 digits, not 14; but these personas see ages.
        found.append(f"birth date shown ({shown[0]})")
    found += ["full mobile number" for m in p.mobiles if m in plain or m in compact]
    return found


def _birth_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def pdf_text(body: bytes) -> str:
    if not shutil.which("pdftotext") or not body.startswith(b"%PDF"):
        return ""
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=body, capture_output=True, check=False, timeout=60
    )
    return result.stdout.decode("utf-8", "replace")


def body_text(response) -> str:
    if response["Content-Type"].startswith("application/pdf"):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return pdf_text(body)
    return text_of(response)


@pytest.fixture
def probe(request) -> SimpleNamespace:
    """The URL-walk's objects, with a history and an import that could give numbers away."""
    walk = request.getfixturevalue("objects")
    w = walk.world
    district, admin_a = w.users.district, w.users.admin_a
    worker = w.worker
    old = (worker.id_number, worker.birth_date, worker.mobile)
    # A corrected ID number (another birth date) and a new mobile: the worker's history now
    # holds two numbers, two birth dates and two mobiles.
    born = dt.date(1987, 3, 2)
    trainee_update(
        trainee=worker,
        actor=district,
        id_number=make_id_number(born, worker.gender),
        birth_date=born,
        mobile="13700001111",
    )
    trainee_update(trainee=w.colleague, actor=admin_a, mobile="13700002222", name="顾建国")
    # A roster uploaded by A's administrator, with every kind of row error around real
    # numbers: a birth date that disagrees with the number, a worker of B, a bad mobile.
    rows = [
        roster_row(name=worker.name, id_number=worker.id_number, birth=dt.date(1990, 1, 1)),
        roster_row(name=w.worker_b.name, id_number=w.worker_b.id_number, 手机号="1390000"),
        roster_row(name="新人", id_number=w.colleague.id_number[:17] + "0"),
    ]
    run = import_preview(
        kind="workers",
        file=ContentFile(xlsx_bytes([roster_headers(), *rows]), name="roster.xlsx"),
        actor=admin_a,
        file_name="roster.xlsx",
    )
    people = [
        Person(
            worker.name,
            (old[0], worker.id_number),
            (old[1], worker.birth_date),
            (old[2], worker.mobile),
        )
    ]
    for t in Trainee.objects.exclude(pk=worker.pk):
        people.append(Person(t.name, (t.id_number,), (t.birth_date,), (t.mobile,)))
    extra = [
        f"{reverse('trainees:list')}?q={worker.id_number[-4:]}",
        f"{reverse('trainees:list')}?q={w.worker_b.mobile}",
        f"{reverse('trainees:export', args=['xlsx'])}?q={worker.id_number[-4:]}",
        f"{reverse('trainees:update', args=[w.colleague.pk])}",
        reverse("imports:run-detail", args=[run.pk]),
        reverse("imports:run-errors", args=[run.pk]),
        reverse("imports:run-file", args=[run.pk]),
    ]
    return SimpleNamespace(objects=walk, people=people, extra=extra, run=run)


def _paths(o: SimpleNamespace, persona: str) -> list[str]:
    paths = []
    for name, spec in TABLE.items():
        if name == "admin:*":
            continue  # the district administrator's alone
        for target in spec.targets:
            if spec.get(persona, target) == 200:
                paths.append(path_of(name, target, o))
    return paths


@pytest.mark.parametrize("persona", NON_DISTRICT)
def test_no_page_or_file_gives_away_an_id_number(probe, request, persona):
    client = request.getfixturevalue("clients")[persona]
    paths = _paths(probe.objects, persona) + probe.extra
    opened, found = [], []
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            continue
        opened.append(path)
        text = body_text(response)
        if "?q=" in path:
            # The search box and the export links give back what was typed: not a leak.
            term = path.split("?q=", 1)[1]
            text = text.replace(f'value="{term}"', "").replace(f"q={term}", "")
        for leak in leaks(text, probe.people):
            found.append(f"GET {path} as {persona}: {leak}")
    assert len(opened) > 20  # sanity: the walk opened this persona's pages and files
    if persona == "admin_a":  # and the import's error report, with its messages
        assert reverse("imports:run-errors", args=[probe.run.pk]) in opened
        assert probe.run.error_count >= 3
    assert not found, "\n".join(found)


def test_the_check_finds_what_it_looks_for():
    """The detector itself: each way of giving a number away is caught, a masked one is not."""
    number = "31010519850302123X"
    p = [Person("甲", (number,), (dt.date(1985, 3, 2),), ("13912345678",))]
    assert leaks("**************123X · 41岁 · 139****5678", p) == []
    assert leaks(number, p)
    assert leaks("０５１９８５０３０２１２３ｘ", p)  # 14 characters, full-width
    assert leaks("310105 19850302 123X", p)
    assert leaks("310105 · 1985年3月2日 · ****", p)  # region code + birth date
    assert leaks("**************123X 1985-03-02", p)  # birth date beside the masked number
    assert leaks("1985/03/02", p)
    assert leaks("139 1234 5678", p)


def test_the_probe_sees_xlsx_and_csv(probe, request):
    """A district administrator's unmasked export does hold the numbers: the reading works."""
    response = request.getfixturevalue("clients")["district"].get(
        reverse("trainees:export", args=["xlsx"]), {"full_id": "1"}
    )
    assert response["Content-Type"].startswith(XLSX)
    assert leaks(body_text(response), probe.people)
