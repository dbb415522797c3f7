"""A NUL character in a search or filter gets a 400 page that says why, never a 500.

PostgreSQL refuses NUL bytes in text parameters, so before config/middleware.py these were
500s in production only; the suite runs on PostgreSQL in CI as well (make test-postgres).
"""

import pytest
from django.urls import reverse

from tests.training.conftest import make_event

pytestmark = pytest.mark.django_db

REASON = "网址中的搜索或筛选条件含有无效字符"
LISTS = [
    "trainees:list",
    "supervisors:list",
    "supervisors:assignment-list",
    "certification:certified-list",
    "certification:registration-list",
    "certification:pipeline-list",
    "certification:ce-list",
    "sessions:list",
    "training:event-list",
    "training:hours",
    "reports:dashboard",
]


@pytest.mark.parametrize("name", LISTS)
def test_a_search_with_a_nul_character_is_refused_with_a_reason(world, client_for, name):
    client = client_for(world.users.district)
    client.raise_request_exception = False
    response = client.get(reverse(name), {"q": "王\x00", "page": "1"})
    assert response.status_code == 400
    assert REASON in response.content.decode()


def test_training_searches_and_filters_too(world, client_for):
    event = make_event()
    client = client_for(world.users.district)
    client.raise_request_exception = False
    for url in (
        reverse("training:enrolment-add", args=[event.pk]),
        reverse("training:enrolment-list", args=[event.pk]),
    ):
        response = client.get(url, {"q": "\x00"})
        assert response.status_code == 400, url
    # A NUL in a parameter's name is refused the same way.
    assert client.get(reverse("trainees:list"), {"\x00": "1"}).status_code == 400


def test_the_same_search_without_it_still_works(world, client_for):
    response = client_for(world.users.district).get(reverse("trainees:list"), {"q": "陆晓燕"})
    assert response.status_code == 200
    assert "陆晓燕" in response.content.decode()


def test_enrolling_by_hand_a_worker_that_is_not_a_number_is_a_message(world, client_for):
    event = make_event()
    client = client_for(world.users.district)
    client.raise_request_exception = False
    response = client.post(
        reverse("training:enrolment-add", args=[event.pk]), {"trainee": "abc"}, follow=True
    )
    assert response.status_code == 200
    assert "找不到该社区工作者。" in response.content.decode()
