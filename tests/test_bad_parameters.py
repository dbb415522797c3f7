"""No address parameter makes a page fail: every named page without arguments, the admin
included, is asked for with filters, sorts, page numbers, ids and dates that are nonsense,
and answers with the page, a redirect or a 4xx — never a 500. New pages are walked too.
tests/test_bad_posts.py does the same for posted forms.

Runs on SQLite and on PostgreSQL (make test-postgres); some of these were 500s on one only.
"""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse

pytestmark = pytest.mark.django_db

PARAMS = [
    "q",
    "page",
    "per_page",
    "sort",
    "kind",
    "year",
    "number",
    "subdistrict",
    "neighbourhood",
    "status",
    "post",
    "education",
    "housing_type",
    "level",
    "mode",
    "state",
    "sitting",
    "rank",
    "month",
    "on",
    "trainee",
    "supervisor",
    "event",
    "grade",
]
# A negative size, a non-ASCII digit (int("²") raises), a number beyond 64 bits, garbage.
VALUES = ["-1", "²", "99999999999999999999", "abc"]
# As-of dates, months, years and periods: before the district's data, past the calendar.
DATE_PARAMS = ["on", "month", "year", "number", "date_from", "date_to", "kind"]
DATE_VALUES = ["0001-01-01", "9999-12-31", "0001-01", "9999-12", "0", "9999"]


def _names(patterns, prefix=""):
    for p in patterns:
        if hasattr(p, "url_patterns"):
            yield from _names(p.url_patterns, prefix + (f"{p.namespace}:" if p.namespace else ""))
        elif p.name:
            yield prefix + p.name


def _paths() -> list[str]:
    paths = set()
    for name in _names(get_resolver().url_patterns):
        try:
            paths.add(reverse(name))
        except NoReverseMatch:
            continue  # needs arguments: covered by the URL-walk access test
    return sorted(p for p in paths if "logout" not in p)


PATHS = _paths()


def test_every_page_is_walked():
    assert len(PATHS) > 60
    assert {"/workers/", "/training/hours/", "/admin/trainees/trainee/add/"} <= set(PATHS)


@pytest.mark.parametrize("value", VALUES)
def test_nonsense_parameters_never_make_a_page_fail(world, value):
    """Dudao's own pages one parameter at a time; the admin's with all of them at once (it
    turns unknown parameters into lookups and answers the first bad one with ?e=1)."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users.district)
    failed = []
    for path in PATHS:
        if not path.startswith("/admin/"):
            for param in PARAMS:
                status = client.get(path, {param: value}).status_code
                if status >= 500:
                    failed.append((path, param, status))
        else:
            status = client.get(path, dict.fromkeys(PARAMS, value)).status_code
            if status >= 500:
                failed.append((path, "*", status))
    assert failed == []


@pytest.mark.parametrize("value", DATE_VALUES)
def test_dates_out_of_range_never_make_a_page_fail(world, value):
    """Every date-like parameter at once (a page reads those it knows): a month of 9999-12
    has no next month, a year 0 no first day."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users.district)
    failed = [
        (path, status)
        for path in PATHS
        if not path.startswith("/admin/")
        and (status := client.get(path, dict.fromkeys(DATE_PARAMS, value)).status_code) >= 500
    ]
    assert failed == []


def _admin_lookups(model_admin: admin.ModelAdmin) -> list[str]:
    """The lookups a changelist's filters and date hierarchy put in its address."""
    lookups = []
    for spec in model_admin.list_filter:
        name = spec if isinstance(spec, str) else spec[0] if isinstance(spec, tuple) else None
        if name is None:
            continue
        lookups += [name, f"{name}__exact", f"{name}__id__exact", f"{name}__in"]
    if model_admin.date_hierarchy:
        lookups += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return lookups


@pytest.mark.parametrize("value", [*VALUES, "9999", "0"])
def test_admin_filters_with_nonsense_answer_invalid_lookup_not_a_500(world, value):
    """Each admin list with its own filters and date hierarchy set to nonsense:
    `?subdistrict=99999999999999999999` and `?joined__year=9999` were 500s."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users.district)
    walked, failed = set(), []
    for model, model_admin in admin.site._registry.items():
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for lookup in _admin_lookups(model_admin):
            walked.add((path, lookup))
            status = client.get(path, {lookup: value}).status_code
            if status >= 500:
                failed.append((path, lookup, status))
    assert failed == []
    changelist = reverse("admin:trainees_trainee_changelist")
    assert {(changelist, "subdistrict"), (changelist, "joined__year")} <= walked
