"""Dashboards keep their figures for a few minutes, say when they were computed, and can be
recomputed at once (reports.selectors.cached_dashboard_figures)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.reports.conftest import log

JUNE = {"kind": "month", "year": 2025, "number": 6}


def sessions_shown(response) -> str:
    """The "督导次数" headline as printed."""
    html = response.content.decode()
    card = html.split('data-metric="sessions"', 1)[1]
    return card.split('class="stat-card__value">', 1)[1].split("<", 1)[0].strip()


@pytest.fixture
def june_log(world):
    return log(world.supervisor, "mentor", dt.date(2025, 6, 3), [world.worker])


def test_second_view_is_served_from_the_cache_with_its_time(
    world, client_for, june_log, django_assert_max_num_queries
):
    client = client_for(world.users.leader)
    first = client.get(reverse("reports:dashboard"), JUNE)
    assert sessions_shown(first) == "1"
    assert "统计于" in first.content.decode()
    # Only the request's own queries (session, user) and the period form: not the 35+ of
    # the figures.
    with django_assert_max_num_queries(6):
        again = client.get(reverse("reports:dashboard"), JUNE)
    assert sessions_shown(again) == "1"
    assert "立即重新统计" in again.content.decode()


def test_cached_figures_stay_until_recomputed_on_request(world, client_for, june_log):
    client = client_for(world.users.district)
    url = reverse("reports:dashboard")
    assert sessions_shown(client.get(url, JUNE)) == "1"
    log(world.supervisor, "mentor", dt.date(2025, 6, 10), [world.worker])
    # Within the cache time the figures are the ones stated as computed earlier ...
    assert sessions_shown(client.get(url, JUNE)) == "1"
    # ... and the "recompute now" link brings the new log in, for everyone after too.
    assert sessions_shown(client.get(url, {**JUNE, "refresh": "1"})) == "2"
    assert sessions_shown(client.get(url, JUNE)) == "2"


def test_the_refresh_link_keeps_the_period_chosen(world, client_for, june_log):
    response = client_for(world.users.leader).get(reverse("reports:dashboard"), JUNE)
    html = response.content.decode()
    assert 'href="?kind=month&amp;year=2025&amp;number=6&amp;refresh=1"' in html


def test_each_scope_has_its_own_figures(world, client_for, june_log):
    """A subdistrict office never gets the district's cached figures, nor another office's."""
    log(world.other_supervisor, "mentor", dt.date(2025, 6, 4), [world.worker_b])
    url = reverse("reports:dashboard")
    assert sessions_shown(client_for(world.users.district).get(url, JUNE)) == "2"
    assert sessions_shown(client_for(world.users.admin_a).get(url, JUNE)) == "1"
    assert sessions_shown(client_for(world.users.admin_b).get(url, JUNE)) == "1"
    b_page = client_for(world.users.admin_b).get(url, JUNE).content.decode()
    assert world.a.name not in b_page.split('id="ranking-title"', 1)[-1]


def test_cache_off_always_computes(world, client_for, june_log, settings):
    settings.DUDAO_DASHBOARD_CACHE_SECONDS = 0
    client = client_for(world.users.leader)
    url = reverse("reports:dashboard")
    assert sessions_shown(client.get(url, JUNE)) == "1"
    log(world.supervisor, "mentor", dt.date(2025, 6, 10), [world.worker])
    response = client.get(url, JUNE)
    assert sessions_shown(response) == "2"
    assert "分钟更新" not in response.content.decode()


def test_english_page_is_not_served_the_chinese_figures(world, client_for, june_log):
    client = client_for(world.users.leader)
    url = reverse("reports:dashboard")
    assert "长宁区专业化建设概况" in client.get(url, JUNE).content.decode()
    english = client.get(url, JUNE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Professionalisation overview: Changning District" in english
