"""No posted value makes a form fail, and no redirect leaves the site (issue 15, part 6).

The POST side of tests/test_bad_parameters.py. Every form with method="post" that the pages
of the URL-walk test (tests/test_url_access.py, on its objects) show a supervisor, a worker,
a subdistrict administrator and the district administrator, and every add form of the admin
site, is posted once per field and junk value: the form as the page fills it — with the
URL-walk test's valid example where there is one, so that junk in one field reaches the
service with the others valid — and that one field replaced. Every form also gets junk in a
`next` field. The answer is the page, a redirect on this site or a 4xx, never a 500. (The
admin's forms get fewer junk values, and a field shared by several of them is walked once:
see ADMIN_JUNK; together the two walks stay under a minute.)

Runs on SQLite and on PostgreSQL (make test-postgres): nothing here is specific to either.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from tests.test_bad_parameters import PATHS
from tests.test_bad_parameters import VALUES as GET_JUNK
from tests.test_url_access import (
    TABLE,
    _handler,
    objects,  # noqa: F401 - the fixture: one object of every kind, in A's and B's scope
    path_of,
)

pytestmark = pytest.mark.django_db

URL_JUNK = ["https://evil.example/", "//evil.example", "javascript:alert(1)"]
JUNK = list(
    dict.fromkeys(
        [
            *GET_JUNK,
            "99999999999999999999",
            "-1",
            "0001-01-01",
            "9999-12-31",
            "1e309",
            "NaN",
            "字" * 10_000,
            "\u202e\U0001f600\ufeff\u0301Ａ①\U000e0001",  # RTL override, emoji, BOM, tag...
            *URL_JUNK,
        ]
    )
)
# A choice is a string compared with those offered, or an id read as a number: a date, an
# address or long text fails there as "abc" does, so choices get the numeric junk only.
CHOICE_JUNK = ["-1", "²", "99999999999999999999", "abc", "1e309", "NaN", ""]
CHOICES = {"select", "radio", "checkbox"}
# The admin's screens are Django's own forms, and slow to render (inlines): the junk that
# stands for each way a value can fail there (not a number, beyond 64 bits, a date past the
# calendar, a number JSON cannot hold).
ADMIN_JUNK = ["abc", "99999999999999999999", "9999-12-31", "NaN", "1e309"]

# Each form is walked once, as the first of these who is shown it: a supervisor's and a
# worker's forms as theirs, a subdistrict's as its administrator, the rest as the district's.
PERSONAS = ("supervisor", "worker", "admin_a", "district")
# Posting these would end the persona's session, not test a form.
SKIP_ACTIONS = {"accounts:logout", "admin:logout"}
_MANAGEMENT = re.compile(r"-(TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS)$")


@dataclass(frozen=True)
class Control:
    kind: str  # input type, or "select" / "textarea"
    css: str  # the admin marks its widgets by class (vDateField, vForeignKeyRawIdAdminField)

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICES


@dataclass
class Form:
    persona: str
    action: str
    view: str
    base: dict[str, list[str]]
    fields: dict[str, Control]  # one field of each kind


def kind_of(name: str, control: Control) -> tuple[str, Control]:
    """Fields that read the same input the same way are one kind: score_12_listening and
    score_12_action, actions-0-what and actions-1-owner, each inline's TOTAL_FORMS."""
    management = _MANAGEMENT.search(name)
    if management:
        return (management.group(1), control)
    head = re.split(r"\d", name, maxsplit=1)[0]
    return (head if head != name else name, control)


def _filled(el, value: str | None) -> list[str]:
    """A value for an empty control, so that the rest of the form is valid where it can be."""
    if value:
        return [value]
    kind = (el.get("type") or el.tag).lower()
    name = el.get("name", "")
    if kind == "date":
        return [f"{timezone.localdate():%Y-%m-%d}"]
    if kind == "time":
        return ["11:00" if "end" in name else "09:00"]
    if kind == "number":
        return ["1"]
    if kind in ("text", "textarea", "email", "tel") and el.get("required") is not None:
        return ["测试"]
    return [""]


def read_form(form_el) -> tuple[dict[str, list[str]], dict[str, Control]]:
    """What a browser would post for the form untouched, and its fields (the CSRF token and
    the admin's inline templates aside: the test client does not check the one, and script
    copies the other)."""
    values: dict[str, list[str]] = {}
    fields: dict[str, Control] = {}
    for el in form_el.inputs:
        name = el.get("name")
        if not name or name == "csrfmiddlewaretoken" or "__prefix__" in name:
            continue
        kind = (el.get("type") or el.tag).lower()
        if kind in ("submit", "button", "image", "reset", "file"):
            continue
        fields.setdefault(name, Control(kind, el.get("class") or ""))
        if kind in ("checkbox", "radio"):
            if el.checked:
                values.setdefault(name, []).append(el.get("value", "on"))
            elif kind == "radio":
                values.setdefault(name, [])
            continue
        if el.tag == "select":
            chosen = [v for v in (el.value if el.multiple else [el.value]) if v]
            if not chosen and not el.multiple:
                offered = [o.get("value", o.text) for o in el.iter("option")]
                chosen = [next((o for o in offered if o), "")]
            values[name] = chosen
            continue
        values[name] = _filled(el, el.value)
    for name, chosen in values.items():
        if not chosen and fields[name].kind == "radio":
            # A radio group with nothing checked: its first choice.
            values[name] = form_el.xpath(f'.//input[@name="{name}"]/@value')[:1]
    return values, fields


def _view(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def forms_on(persona: str, page: str, html: bytes, example: dict | None) -> Iterator[Form]:
    for form_el in lxml.html.fromstring(html).forms:
        if (form_el.get("method") or "get").lower() != "post":
            continue
        action = urljoin(page, form_el.get("action") or page)
        view = _view(action)
        if view is None or view in SKIP_ACTIONS:
            continue
        base, fields = read_form(form_el)
        if example is not None and urlsplit(action).path == urlsplit(page).path:
            for key, value in example.items():
                if hasattr(value, "read"):
                    continue  # files: the upload tests cover them
                base[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        one_each = {kind_of(n, c): n for n, c in reversed(fields.items())}
        yield Form(persona, action, view, base, {n: fields[n] for n in reversed(one_each.values())})


def site_pages(o) -> list[tuple[str, str, dict | None]]:
    """(persona, path, valid example) for every page of the URL-walk test, as each persona."""
    pages = []
    for name, spec in TABLE.items():
        if name == "admin:*":
            continue
        for target in spec.targets:
            if "fmt" in target.kwargs(o):
                continue  # files, not pages
            example = spec.data(o, target) if spec.data else None
            pages += [(p, path_of(name, target, o), example) for p in PERSONAS]
    return pages


def collect(pages: list[tuple[str, str, dict | None]], clients: dict[str, Client]) -> list[Form]:
    """Every distinct post form on the pages, as the first persona shown it."""
    found: dict[tuple, Form] = {}
    for persona, path, example in pages:
        response = clients[persona].get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for form in forms_on(persona, path, response.content, example):
            kinds = tuple(kind_of(n, c) for n, c in form.fields.items())
            found.setdefault((form.view, kinds), form)
    return list(found.values())


def leaves_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        location.startswith(("//", "\\"))
        or parts.scheme not in ("", "http", "https")
        or parts.netloc not in ("", "testserver")
    )


def walk(forms: list[Form], clients: dict[str, Client], cases) -> list[str]:
    """Post every case of every form; the failures, one line each."""
    failed = []
    for form in forms:
        client = clients[form.persona]
        for name, value in cases(form):
            response = client.post(form.action, {**form.base, name: value})
            where = f"{form.persona} POST {form.action} {name}={value[:40]!r}"
            if response.status_code >= 500:
                failed.append(f"{where}: {response.status_code}")
            elif response.has_header("Location") and leaves_site(response["Location"]):
                failed.append(f"{where}: redirected to {response['Location']}")
    return failed


@pytest.fixture
def clients(world) -> dict[str, Client]:
    made = {}
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        client.handler = _handler()
        client.force_login(getattr(world.users, persona))
        made[persona] = client
    return made


def test_every_form_of_the_site_survives_junk_in_every_field(objects, clients):  # noqa: F811
    site = collect(site_pages(objects), clients)
    # The walk found the forms that matter, as the personas who use them.
    found = {(f.view, f.persona) for f in site}
    assert {
        ("sessions:create", "supervisor"),
        ("sessions:correct", "supervisor"),
        ("sessions:confirm", "worker"),
        ("training:sitting-create", "admin_a"),
        ("training:enrolment-move", "admin_a"),
        ("trainees:create", "admin_a"),
        ("certification:registration-create", "admin_a"),
        ("supervisors:assignment-create", "district"),
        ("reports:run-list", "admin_a"),
    } <= found, sorted(found)

    def cases(form: Form):
        for name, control in form.fields.items():
            for value in CHOICE_JUNK if control.is_choice else JUNK:
                yield name, value
        for value in URL_JUNK:
            yield "next", value

    failed = walk(site, clients, cases)
    assert failed == [], "\n".join(failed)


def test_every_admin_add_form_survives_junk_in_every_field(clients):
    """A field the admin shows alike on several screens (the same name and widget: the raw
    id of a worker, a date) is walked on the first of them."""
    pages = [("district", p, None) for p in PATHS if p.startswith("/admin/") and "/add/" in p]
    admin = collect(pages, clients)
    # Admins of rows that only the pages write (attendance, enrolments, …) offer no add form.
    assert len(admin) > 15
    seen: set[tuple[str, Control]] = set()

    def cases(form: Form):
        for name, control in form.fields.items():
            if (name, control) in seen:
                continue
            seen.add((name, control))
            for value in ADMIN_JUNK:
                yield name, value

    failed = walk(admin, clients, cases)
    assert failed == [], "\n".join(failed)


def test_the_walk_reads_forms_as_a_browser_would():
    html = b"""<form method="post" action="/sessions/new/">
      <input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input type="date" name="date"><input type="time" name="start_time">
      <input type="time" name="end_time"><input type="text" name="topic" required>
      <input type="radio" name="mode" value="mentor"><input type="radio" name="mode" value="drill">
      <input type="checkbox" name="attendees" value="7" checked>
      <select name="score_7_listening"><option value="">-</option><option value="3">3</option>
      </select><select name="score_7_action"></select>
      <input name="actions-0-what"><input name="actions-1-what">
      <input type="hidden" name="actions-TOTAL_FORMS" value="2">
      <input type="hidden" name="scores-TOTAL_FORMS" value="0">
      <button type="submit" name="action" value="submit">
    </form><form method="get"><input name="q"></form>"""
    (form,) = forms_on("supervisor", "/sessions/new/", html, {"place": "会议室"})
    assert form.view == "sessions:create"
    assert form.base["date"] == [f"{timezone.localdate():%Y-%m-%d}"]
    assert form.base["start_time"] == ["09:00"] and form.base["end_time"] == ["11:00"]
    assert form.base["topic"] == ["测试"] and form.base["mode"] == ["mentor"]
    assert form.base["attendees"] == ["7"] and form.base["score_7_action"] == [""]
    assert form.base["place"] == ["会议室"]
    assert list(form.fields) == [
        "date",
        "start_time",
        "end_time",
        "topic",
        "mode",
        "attendees",
        "score_7_listening",
        "actions-0-what",
        "actions-TOTAL_FORMS",
    ]
    assert leaves_site("//evil.example") and leaves_site("javascript:alert(1)")
    assert leaves_site("https://evil.example/x")
    assert not leaves_site("/sessions/") and not leaves_site("http://testserver/x")
