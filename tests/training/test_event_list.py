"""The training list's head counts: the enrolments each user may see, per event, in one query
whatever the number of events and enrolments (issue 13: the joined count did not answer at
700,000 enrolments)."""

import pytest

from tests.training.conftest import enrol, make_event, make_sitting, many_workers
from training.selectors import event_list

pytestmark = pytest.mark.django_db


def counts(user):
    return {e.title: (e.enrolled, e.sitting_count) for e in event_list(user=user)}


def test_each_event_counts_the_enrolments_the_user_may_see(world):
    big, empty = make_event(title="全员培训"), make_event(title="尚无报名")
    make_sitting(big)
    make_sitting(big, start=(14, 0), end=(17, 0))
    enrol(big, [world.worker, world.colleague, world.worker_b])
    assert counts(world.users.district) == {"全员培训": (3, 2), "尚无报名": (0, 0)}
    assert counts(world.users.admin_a)["全员培训"] == (2, 2)  # A's own workers only
    assert empty.pk in {e.pk for e in event_list(user=world.users.admin_b)}


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_one_query_whatever_its_size(world, n, django_assert_num_queries):
    workers = many_workers(n, [world.na, world.nb])
    for i in range(3):
        event = make_event(title=f"培训{i}")
        make_sitting(event)
        enrol(event, workers)
    with django_assert_num_queries(1):
        rows = list(event_list(user=world.users.district))
    assert [r.enrolled for r in rows] == [n, n, n]
