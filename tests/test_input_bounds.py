"""The rules behind "no 500 from any input" (issue 15, part 6), one by one: `next` stays on
this site, ids beyond 64 bits name no row, dates a person enters lie in the district's window.
The walks (tests/test_bad_parameters.py, tests/test_bad_posts.py) prove them everywhere.
"""

import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.dates import DATA_BEGINS, DateWindow, in_window, latest_date, year_range
from core.redirects import next_url
from tests.training.conftest import enrol, make_event, make_sitting
from trainees.models import Trainee
from training.models import Sitting

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
OFF_SITE = ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]


# --- next ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/training/3/enrolments/?page=2", True),
        *[(url, False) for url in OFF_SITE],
        ("abc", False),  # was a NoReverseMatch (500) in redirect()
        ("", False),
    ],
)
def test_next_is_kept_only_when_it_is_a_path_of_this_site(given, kept):
    request = RequestFactory().post("/x/", {"next": given})
    assert next_url(request, "/default/") == (given if kept else "/default/")


def test_next_over_https_must_stay_on_https():
    request = RequestFactory().get("/x/", {"next": "http://testserver/y/"}, secure=True)
    assert next_url(request, "/default/") == "/default/"


@pytest.mark.parametrize("given", [*OFF_SITE, "abc", "enrolment-list"])
def test_moving_an_enrolment_never_leaves_the_site(world, client_for, given):
    event = make_event(organiser=world.a, kind="subdistrict", title="华阳路街道培训")
    first, second = make_sitting(event), make_sitting(event, day=dt.date(2026, 6, 11))
    (enrolment,) = enrol(event, [world.worker], first)
    response = client_for(world.users.admin_a).post(
        reverse("training:enrolment-move", args=[enrolment.pk]),
        {"sitting": second.pk, "next": given},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("training:enrolment-list", args=[event.pk])
    enrolment.refresh_from_db()
    assert enrolment.sitting == second


@pytest.mark.parametrize("given", OFF_SITE)
def test_signing_in_never_sends_the_browser_off_the_site(world, given):
    response = Client().post(
        reverse("accounts:login"),
        {"username": "worker", "password": "correct-horse-battery", "next": given},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- ids beyond 64 bits -------------------------------------------------------------------------


def test_an_id_beyond_64_bits_in_a_list_names_no_row(world):
    """core.lookups: `in` leaves the number out, as Django's own `exact` does."""
    assert list(Trainee.objects.filter(pk__in=[int(HUGE), world.worker.pk])) == [world.worker]
    assert not Trainee.objects.filter(pk__in=[int(HUGE)]).exists()


@pytest.mark.parametrize(
    "query",
    [
        {"subdistrict": HUGE},
        {"subdistrict__id__exact": HUGE},
        {"subdistrict__in": f"1,{HUGE}"},
        {"joined__year": "9999"},  # its end would be the year 10000
        {"joined__year": HUGE},
    ],
)
def test_admin_filters_beyond_range_answer_invalid_lookup(world, client_for, query):
    url = reverse("admin:trainees_trainee_changelist")
    response = client_for(world.users.district).get(url, query)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_an_admin_inline_is_not_built_a_billion_times(world, client_for):
    """A posted row count beyond the inline's cap is refused in place (it was built as 2,000
    forms)."""
    response = client_for(world.users.district).post(
        reverse("admin:training_trainingevent_add"),
        {"title": "x", "kind": "all_staff", "credited_hours": "3", "sittings-TOTAL_FORMS": HUGE},
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() <= 100


def test_admin_json_refuses_numbers_json_cannot_hold(world, client_for):
    response = client_for(world.users.district).post(
        reverse("admin:supervisors_supervisor_add"),
        {
            "name": "x",
            "kind": "worker",
            "qualification": "none",
            "home_subdistrict": world.a.pk,
            "specialties": "[NaN, 1e309]",
            "capacity": "10",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["specialties"]


# --- dates --------------------------------------------------------------------------------------


def test_the_window_runs_from_the_districts_data_to_a_year_ahead():
    today = dt.date(2024, 2, 29)
    assert latest_date(today) == dt.date(2025, 2, 28)
    assert in_window(DATA_BEGINS, today) and not in_window(dt.date(2018, 12, 31), today)
    assert in_window(dt.date(2025, 2, 28), today) and not in_window(dt.date(2025, 3, 1), today)
    assert list(year_range(today)) == list(range(2019, 2026))
    DateWindow()(None)  # an empty optional date is the field's business


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_sitting_out_of_the_window_is_refused_beside_the_date(world, client_for, day):
    event = make_event(organiser=world.a, kind="subdistrict", title="华阳路街道培训")
    response = client_for(world.users.admin_a).post(
        reverse("training:sitting-create", args=[event.pk]),
        {"date": day, "start_time": "09:00", "end_time": "11:00", "venue": "x", "capacity": 10},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not Sitting.objects.exists()


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31"])
def test_an_as_of_date_out_of_the_window_is_shown_and_today_used(world, client_for, on):
    response = client_for(world.users.district).get(reverse("certification:dashboard"), {"on": on})
    assert response.status_code == 200
    assert response.context["form"].errors["on"]
    assert response.context["on"] == timezone.localdate()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_admin_refuses_a_date_at_the_calendars_end(world, client_for, day):
    """The admin edits history too (birth dates, certificates of 2008), so its window is
    wider: the 20th and 21st centuries."""
    event = make_event()
    response = client_for(world.users.district).post(
        reverse("admin:training_sitting_add"),
        {
            "event": event.pk,
            "date": day,
            "start_time": "09:00",
            "end_time": "11:00",
            "venue": "x",
            "capacity": 10,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"] == [
        "日期应在 1900-01-01 到 2099-12-31 之间。"
    ]
    assert not Sitting.objects.exists()
