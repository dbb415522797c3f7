"""Staffing against the quota on the reports pages (issue 14, item 5): the committees' page
(scope, filters, sorting, pagination, empty state, constant queries) and the dashboard's panel,
whose kept figures a population change drops."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from neighbourhoods.models import StaffingNorm
from neighbourhoods.services import population_set
from tests.factories import NeighbourhoodFactory, SubdistrictFactory, TraineeFactory
from tests.reports.test_report_snapshots import (  # noqa: F401 (fixtures)
    MONTHS,
    agrees,
    committed,
    kept,
    kept_year,
    months_to,
    read,
)

pytestmark = pytest.mark.django_db
URL = "reports:staffing"


def _today() -> dt.date:
    return timezone.localdate()


def _set(world, nb, residents: int, day: dt.date | None = None) -> None:
    population_set(
        neighbourhood=nb,
        # Before the dashboard's default month (the latest that is over) whatever the day.
        effective_from=day or _today() - dt.timedelta(days=90),
        residents=residents,
        actor=world.users.district,
    )


@pytest.fixture
def populated(world):
    _set(world, world.na, 2000)  # 2 workers: 10.0 per 10,000, expected 3.6
    _set(world, world.nb, 1000)  # 1 worker: 10.0 per 10,000, expected 1.8
    NeighbourhoodFactory(name="华二居委会", subdistrict=world.a)  # no population: unknown
    return world


def _committees(response) -> list[str]:
    return [r.name for r in response.context["rows"]]


def test_the_district_sees_every_committee_and_the_totals(populated, client_for):
    response = client_for(populated.users.district).get(reverse(URL))
    assert response.status_code == 200
    assert _committees(response) == ["华一居委会", "华二居委会", "新泾一村居委会"]
    page = response.content.decode()
    assert "未知" in page and "标准：每万人 18 名" in page
    total = response.context["total"]
    assert (total.residents, total.workers, total.unknown, str(total.per_10k)) == (
        3000,
        3,
        1,
        "10.0",
    )
    assert [t.name for t in response.context["totals"]] == ["华阳路街道", "新泾镇"]


def test_filters_by_subdistrict_date_and_sorts(populated, client_for):
    client = client_for(populated.users.district)
    only_b = client.get(reverse(URL), {"subdistrict": populated.b.pk})
    assert _committees(only_b) == ["新泾一村居委会"]
    assert only_b.context["totals"] == []  # the one subdistrict's total is the foot row
    # Before any population was recorded every committee is unknown.
    past = client.get(reverse(URL), {"on": (_today() - dt.timedelta(days=120)).isoformat()})
    assert all(r.is_unknown for r in past.context["rows"])
    # Largest population first; unknown last whatever the order.
    by_residents = client.get(reverse(URL), {"sort": "residents"})
    assert _committees(by_residents) == ["华一居委会", "新泾一村居委会", "华二居委会"]
    by_gap = client.get(reverse(URL), {"sort": "gap"})
    assert _committees(by_gap)[-1] == "华二居委会"
    assert by_gap.context["rows"][0].gap <= by_gap.context["rows"][1].gap


def test_bad_parameters_show_the_message_and_the_default_view(populated, client_for):
    response = client_for(populated.users.district).get(
        reverse(URL), {"on": "9999-12-31", "sort": "nonsense"}
    )
    assert response.status_code == 200
    assert response.context["on"] == _today()
    assert response.context["form"].errors


def test_a_subdistrict_office_sees_its_own_committees_only(populated, client_for):
    response = client_for(populated.users.admin_a).get(
        reverse(URL), {"subdistrict": populated.b.pk}
    )
    assert response.status_code == 200
    assert _committees(response) == ["华一居委会", "华二居委会"]
    assert "subdistrict" not in response.context["form"].fields
    assert "新泾一村居委会" not in response.content.decode()
    assert response.context["total"].name == "华阳路街道"
    assert "导入居委会常住人口" not in response.content.decode()  # the district's figures


@pytest.mark.parametrize("persona", ["supervisor", "worker", "outsider"])
def test_people_who_do_not_see_places_are_refused(populated, client_for, persona):
    response = client_for(getattr(populated.users, persona)).get(reverse(URL))
    assert response.status_code == 403


def test_the_leader_reads_the_district(populated, client_for):
    response = client_for(populated.users.leader).get(reverse(URL))
    assert response.status_code == 200 and len(response.context["rows"]) == 3


def test_an_empty_subdistrict_shows_the_empty_state(world, client_for):
    empty = SubdistrictFactory(name="程家桥街道", code="310105010")
    response = client_for(world.users.district).get(reverse(URL), {"subdistrict": empty.pk})
    assert response.status_code == 200
    assert "没有符合条件的居委会。" in response.content.decode()


def test_the_committees_are_paged(world, client_for):
    for i in range(55):
        NeighbourhoodFactory(name=f"分页{i:02d}居委会", subdistrict=world.b)
    client = client_for(world.users.district)
    first = client.get(reverse(URL), {"subdistrict": world.b.pk})
    second = client.get(reverse(URL), {"subdistrict": world.b.pk, "page": 2})
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 6
    assert "共 56 个居委会" in first.content.decode()
    assert f"subdistrict={world.b.pk}&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("persona", ["admin_a", "district"])
@pytest.mark.parametrize("extra", [0, 15])
def test_the_page_queries_do_not_grow(
    world, client_for, django_assert_max_num_queries, extra, persona
):
    for i in range(extra):
        nb = NeighbourhoodFactory(subdistrict=world.a if i % 2 else world.b)
        TraineeFactory(neighbourhood=nb)
        if i % 3:
            _set(world, nb, 3000 + i)
    client = client_for(getattr(world.users, persona))
    # Session and user 2; the office's subdistrict 1; the norm 1; the committees' count 1 and
    # the page of them (annotated) 1; the totals: committees, residents and workers per
    # subdistrict 3 and the subdistrict's name 1. (The district: its subdistricts' choices in
    # the form instead of its own subdistrict.)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(URL), {"sort": "per_10k"})
    assert response.status_code == 200


# --- the dashboard --------------------------------------------------------------------------------


def test_the_dashboard_shows_the_ratio_per_subdistrict_against_the_norm(populated, client_for):
    client = client_for(populated.users.district)
    response = client.get(reverse("reports:dashboard"))
    staffing = response.context["f"]["staffing"]
    assert staffing["norm"] == 18
    assert [(r["name"], r["per_10k"]) for r in staffing["rows"]] == [
        ("华阳路街道", 10.0),
        ("新泾镇", 10.0),
    ]
    assert staffing["total"]["unknown"] == 1
    page = response.content.decode()
    assert 'data-panel="staffing"' in page and "每万名常住人口配备社区工作者数" in page
    assert "标准 18 名" in page  # the norm's line on the chart
    assert "1 个居委会尚无常住人口数据" in page
    # A subdistrict's dashboard: its committees.
    own = client_for(populated.users.admin_a).get(reverse("reports:dashboard"))
    assert [r["name"] for r in own.context["f"]["staffing"]["rows"]] == ["华一居委会", "华二居委会"]


def test_a_changed_norm_moves_the_dashboard_line(populated, client_for):
    StaffingNorm.objects.create(
        effective_from=_today() - dt.timedelta(days=400), workers_per_10k=20
    )
    response = client_for(populated.users.district).get(reverse("reports:dashboard"))
    assert response.context["f"]["staffing"]["norm"] == 20
    assert "标准 20 名" in response.content.decode()


def test_a_population_recorded_drops_the_kept_months_from_its_date(kept_year, committed):  # noqa: F811
    assert read(MONTHS[6])["staffing"]["total"]["residents"] is None
    with committed():
        population_set(
            neighbourhood=kept_year.na,
            effective_from=dt.date(2025, 6, 1),
            residents=4000,
            actor=kept_year.users.district,
        )
    assert kept() == months_to(5)
    assert agrees(MONTHS[6])["staffing"]["total"]["residents"] == 4000
    assert agrees(MONTHS[4])["staffing"]["total"]["residents"] is None
