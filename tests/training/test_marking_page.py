"""The marking page at any size: committee groups, rows on demand, one save for all of them."""

import re

import pytest
from django.urls import reverse

from tests.factories import NeighbourhoodFactory
from tests.training.conftest import enrol, make_event, make_sitting, many_workers
from training.models import Attendance, AttendanceStatus
from training.selectors import GROUPS_PER_PAGE, INLINE_ROWS, ROWS_PER_PART

pytestmark = pytest.mark.django_db

ROW = re.compile(r'data-mark-row data-id="(\d+)"')


def _sitting(world, n: int, committees_per_subdistrict: int = 4):
    committees = [world.na, world.nb] + [
        NeighbourhoodFactory(subdistrict=sub)
        for sub in (world.a, world.b)
        for _i in range(committees_per_subdistrict)
    ]
    event = make_event(hours="4")
    sitting = make_sitting(event)
    enrolments = enrol(event, many_workers(n, committees), sitting)
    return sitting, enrolments


def _url(sitting, **params) -> str:
    url = reverse("training:sitting-mark", args=[sitting.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _group_key(enrolment) -> str:
    t = enrolment.trainee
    return f"{t.subdistrict_id}-{t.neighbourhood_id or 0}"


def _first_of_last_group(enrolments):
    """The worker listed first in the last group: in its first part, not on the first page."""
    last = _group_key(enrolments[-1])
    return min((e for e in enrolments if _group_key(e) == last), key=lambda e: e.trainee.name)


def _rows(response) -> list[int]:
    return [int(pk) for pk in ROW.findall(response.content.decode())]


# Django session, user, the sitting; the page adds the totals, the subdistricts to choose
# from (a whole-district user's), one page of groups and the rows of its first groups; a page
# of groups is the groups and their rows; a group's rows are one query.
PAGE_QUERIES = 7
GROUPS_QUERIES = 5
ROWS_QUERIES = 4


@pytest.mark.parametrize("n", [300, 2000])
def test_the_page_and_its_parts_take_the_same_queries_at_any_size(
    world, client_for, django_assert_num_queries, n
):
    sitting, enrolments = _sitting(world, n)
    client = client_for(world.users.district)
    with django_assert_num_queries(PAGE_QUERIES):
        page = client.get(_url(sitting))
    assert len(_rows(page)) <= max(INLINE_ROWS, ROWS_PER_PART)
    with django_assert_num_queries(GROUPS_QUERIES):
        assert client.get(_url(sitting, part="groups", page=1)).status_code == 200
    with django_assert_num_queries(ROWS_QUERIES):
        part = client.get(_url(sitting, part="rows", group=_group_key(enrolments[-1])))
    assert 0 < len(_rows(part)) <= ROWS_PER_PART


def test_a_small_sitting_opens_whole_and_a_big_group_comes_in_parts(world, client_for):
    sitting, enrolments = _sitting(world, 40)
    client = client_for(world.users.district)
    # 40 workers fit the first answer: every row is there, nothing to load.
    page = client.get(_url(sitting))
    assert sorted(_rows(page)) == sorted(e.pk for e in enrolments)
    assert "data-mark-load" not in page.content.decode()

    big, rows = _sitting(world, 2 * ROWS_PER_PART + 30, committees_per_subdistrict=0)
    # Two committees of 115 each: the first opens with its first part and a link to the rest.
    first = client.get(_url(big)).content.decode()
    assert len(ROW.findall(first)) == ROWS_PER_PART
    assert "显示更多" in first
    key = f"{world.a.pk}-{world.na.pk}"
    more = client.get(_url(big, part="rows", group=key, offset=ROWS_PER_PART))
    rest = _rows(more)
    assert len(rest) == 15 and "显示更多" not in more.content.decode()
    shown = {int(pk) for pk in ROW.findall(first)} | set(rest)
    assert shown == {e.pk for e in rows if e.trainee.neighbourhood_id == world.na.pk}


def test_groups_show_their_counts_and_page_through_committees(world, client_for):
    sitting, enrolments = _sitting(world, 2 * (GROUPS_PER_PAGE + 4), committees_per_subdistrict=17)
    Attendance.objects.create(
        enrolment=enrolments[0],
        event=sitting.event,
        sitting=sitting,
        trainee=enrolments[0].trainee,
        status=AttendanceStatus.PRESENT,
        credited_hours=4,
    )
    client = client_for(world.users.district)
    first = client.get(_url(sitting)).content.decode()
    assert first.count("data-mark-group ") == GROUPS_PER_PAGE
    assert "已登记 1 / 68 人" in first  # the sitting's totals
    assert "华阳路街道 · 华一居委会" in first and "已登记 1 / 2 人" in first  # its group
    assert "page=2" in first
    second = client.get(_url(sitting, page=2)).content.decode()
    assert second.count("data-mark-group ") == 36 - GROUPS_PER_PAGE
    assert "新泾镇" in second and "page=3" not in second


def test_search_finds_a_worker_in_a_group_not_yet_loaded(world, client_for):
    sitting, enrolments = _sitting(world, 2000)
    last = enrolments[-1]
    client = client_for(world.users.district)
    assert last.pk not in _rows(client.get(_url(sitting)))
    found = client.get(_url(sitting, q=last.trainee.name, part="groups"))
    assert _rows(found) == [last.pk]
    by_place = client.get(_url(sitting, q="新泾一村")).content.decode()
    assert "新泾镇 · 新泾一村居委会" in by_place and "华一居委会" not in by_place


def test_marks_made_in_several_groups_and_the_rest_present_are_saved_in_one_post(world, client_for):
    sitting, enrolments = _sitting(world, 2000)
    client = client_for(world.users.district)
    absent = enrolments[0]  # in the first group, on the page
    late = _first_of_last_group(enrolments)  # in a group loaded later
    assert late.pk not in _rows(client.get(_url(sitting)))
    assert late.pk in _rows(client.get(_url(sitting, part="rows", group=_group_key(late))))
    response = client.post(
        _url(sitting),
        {"marks": f"{absent.pk}:absent,{late.pk}:late", "fill": "present", "back": "page=1"},
    )
    assert response.status_code == 302
    statuses = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert len(statuses) == 2000
    assert statuses[absent.pk] == "absent" and statuses[late.pk] == "late"
    assert sum(s == "present" for s in statuses.values()) == 1998


def test_without_script_a_group_opens_as_a_page_and_saving_returns_there(world, client_for):
    sitting, enrolments = _sitting(world, 2000)
    client = client_for(world.users.district)
    target = _first_of_last_group(enrolments)
    key = _group_key(target)
    page = client.get(_url(sitting, group=key))
    body = page.content.decode()
    assert f'name="status_{target.pk}"' in body  # plain radios, posted as status_<id>
    assert "返回全部居委会" in body
    response = client.post(
        _url(sitting), {f"status_{target.pk}": "excused", "back": f"group={key}&q=&evil=1"}
    )
    assert response.url == _url(sitting, group=key)
    assert Attendance.objects.get().status == AttendanceStatus.EXCUSED


def test_admin_a_loads_only_a_rows(world, client_for):
    sitting, enrolments = _sitting(world, 40)
    client = client_for(world.users.admin_a)
    page = client.get(_url(sitting)).content.decode()
    assert "华阳路街道" in page and "新泾镇" not in page
    b_key = f"{world.b.pk}-{world.nb.pk}"
    assert _rows(client.get(_url(sitting, part="rows", group=b_key))) == []
    b_rows = [e.pk for e in enrolments if e.trainee.subdistrict_id == world.b.pk]
    assert set(_rows(client.get(_url(sitting, group=b_key)))).isdisjoint(b_rows)
    leader = client_for(world.users.leader)  # reads everything, marks nothing
    assert leader.get(_url(sitting, part="rows", group=b_key)).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "part=rows",
        "part=rows&group=x-y",
        "part=rows&group=1-",
        "part=nonsense",
    ],
)
def test_a_bad_part_request_is_a_400(world, training, client_for, query):
    client = client_for(world.users.district)
    url = reverse("training:sitting-mark", args=[training.sitting.pk])
    assert client.get(f"{url}?{query}").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-3",
        "page=99999999999999999999999",
        "page=%C2%B2",
        "offset=99999999999999999999&group=1-0",
        "subdistrict=abc",
        "q=" + "长" * 500,
        "group=99999999999999999999-1",
    ],
)
def test_odd_addresses_still_show_the_page(world, training, client_for, query):
    client = client_for(world.users.district)
    url = reverse("training:sitting-mark", args=[training.sitting.pk])
    assert client.get(f"{url}?{query}").status_code == 200
