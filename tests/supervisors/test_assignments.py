"""Pairing workers with supervisors: capacity, one active pairing, history, scope."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse

from supervisors.models import Assignment
from supervisors.services import assignment_create, assignment_end, assignment_reassign
from tests.factories import SupervisorFactory, TraineeFactory
from tests.helpers import raises_rule

pytestmark = pytest.mark.django_db


def test_capacity_is_enforced(world):
    supervisor = SupervisorFactory(home_subdistrict=world.a, capacity=2)
    for _ in range(2):
        assignment_create(
            supervisor=supervisor,
            trainee=TraineeFactory(neighbourhood=world.na),
            mode="mentor",
            actor=world.users.district,
        )
    with raises_rule(field="supervisor", code="over_capacity", message="容量为 2 人"):
        assignment_create(
            supervisor=supervisor,
            trainee=TraineeFactory(neighbourhood=world.na),
            mode="mentor",
            actor=world.users.district,
        )
    assert Assignment.objects.filter(supervisor=supervisor, ended_on__isnull=True).count() == 2


def test_a_worker_has_one_active_pairing(world):
    with raises_rule(field="trainee", code="already_paired", message="请使用“调整督导师”"):
        assignment_create(
            supervisor=world.other_supervisor,
            trainee=world.worker,
            mode="drill",
            actor=world.users.district,
        )


def test_only_district_admins_pair(world):
    with pytest.raises(PermissionDenied):
        assignment_create(
            supervisor=world.supervisor,
            trainee=world.colleague,
            mode="mentor",
            actor=world.users.admin_a,
        )


def test_reassignment_ends_the_old_pairing_and_keeps_history(world, client_for):
    new = assignment_reassign(
        trainee=world.worker,
        supervisor=world.other_supervisor,
        mode="drill",
        actor=world.users.district,
        reason="按住房类型专长重新结对",
        on=dt.date(2026, 10, 1),
    )
    old = Assignment.objects.get(trainee=world.worker, supervisor=world.supervisor)
    # End dates are last days: the old pairing ends the day before the new one starts.
    assert old.ended_on == dt.date(2026, 9, 30) and old.end_reason == "按住房类型专长重新结对"
    assert new.ended_on is None
    # Visible on both sides.
    page = (
        client_for(world.users.district)
        .get(reverse("supervisors:detail", args=[world.supervisor.pk]))
        .content.decode()
    )
    assert "按住房类型专长重新结对" in page
    page = (
        client_for(world.users.district)
        .get(reverse("trainees:detail", args=[world.worker.pk]))
        .content.decode()
    )
    assert world.supervisor.name in page and world.other_supervisor.name in page


def test_reassignment_needs_a_reason(world):
    with raises_rule(field="reason", code="reason_required", message="调整督导师需要填写原因"):
        assignment_reassign(
            trainee=world.worker,
            supervisor=world.other_supervisor,
            mode="drill",
            actor=world.users.district,
            reason=" ",
        )


def test_end_needs_a_reason(world):
    assignment = Assignment.objects.get(trainee=world.worker)
    with raises_rule(field="end_reason", code="reason_required", message="请填写结束原因"):
        assignment_end(assignment=assignment, actor=world.users.district, reason="")


def test_assignment_form_places_a_worker(world, client_for):
    client = client_for(world.users.district)
    response = client.post(
        reverse("supervisors:assignment-create", args=[world.colleague.pk]),
        {
            "supervisor": world.supervisor.pk,
            "mode": "drill",
            "started_on": "2026-11-01",
            "reason": "",
        },
    )
    assert response.status_code == 302
    assert (
        Assignment.objects.get(trainee=world.colleague, ended_on__isnull=True).supervisor
        == world.supervisor
    )


def test_assignment_form_shows_capacity_error_next_to_the_field(world, client_for):
    world.supervisor.capacity = 1
    world.supervisor.save()
    client = client_for(world.users.district)
    response = client.post(
        reverse("supervisors:assignment-create", args=[world.colleague.pk]),
        {"supervisor": world.supervisor.pk, "mode": "drill", "started_on": "2026-11-01"},
    )
    assert response.status_code == 200
    assert "不能再安排" in response.context["form"].errors["supervisor"][0]


def test_pairing_pages_are_refused_out_of_role_and_scope(world, client_for):
    url = reverse("supervisors:assignment-create", args=[world.colleague.pk])
    assert client_for(world.users.admin_a).get(url).status_code == 403
    assert client_for(world.users.admin_b).get(url).status_code == 404
    assert client_for(world.users.supervisor).get(url).status_code == 404
    end = reverse(
        "supervisors:assignment-end", args=[Assignment.objects.get(trainee=world.worker).pk]
    )
    assert client_for(world.users.leader).get(end).status_code == 403


def test_supervisor_pages_are_scoped(world, client_for):
    detail = reverse("supervisors:detail", args=[world.other_supervisor.pk])
    assert client_for(world.users.supervisor).get(detail).status_code == 404
    assert client_for(world.users.admin_a).get(detail).status_code == 404
    assert client_for(world.users.admin_b).get(detail).status_code == 200
    assert (
        client_for(world.users.worker)
        .get(reverse("supervisors:detail", args=[world.supervisor.pk]))
        .status_code
        == 200
    )
    assert client_for(world.users.worker).get(reverse("supervisors:coverage")).status_code == 403
    listing = client_for(world.users.admin_a).get(reverse("supervisors:assignment-list"))
    assert {row.record.trainee.name for row in listing.context["table"].page.object_list} == {
        "陆晓燕"
    }
    exported = client_for(world.users.admin_a).get(
        reverse("supervisors:assignment-export", args=["csv"])
    )
    assert "沈丽华" not in exported.content.decode("utf-8-sig")


def test_coverage_board_counts(world, client_for):
    board = client_for(world.users.district).get(reverse("supervisors:coverage")).context["board"]
    rows = {r.name: r for r in board["rows"]}
    assert (
        rows["华阳路街道"].workers,
        rows["华阳路街道"].covered,
        rows["华阳路街道"].uncovered,
    ) == (2, 1, 1)
    assert (rows["新泾镇"].workers, rows["新泾镇"].covered) == (1, 1)
    assert board["totals"]["mentor"] == 2 and board["totals"]["needed"] == 1
    scoped = client_for(world.users.admin_b).get(reverse("supervisors:coverage")).context["board"]
    assert [r.name for r in scoped["rows"]] == ["新泾镇"]


@pytest.mark.parametrize("extra", [5, 60])
def test_coverage_and_lists_query_count_is_constant(
    world, client_for, django_assert_max_num_queries, extra
):
    for i in range(extra):
        sup = SupervisorFactory(home_subdistrict=world.a if i % 2 else world.b)
        for _ in range(2):
            assignment_create(
                supervisor=sup,
                trainee=TraineeFactory(neighbourhood=world.na if i % 2 else world.nb),
                mode="drill",
                actor=world.users.district,
            )
    client = client_for(world.users.district)
    # session, user, subdistricts in scope, their on-duty workers and pairings in force,
    # supervisors' loads, distinct serving supervisors, the district's policy (its ratio)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("supervisors:coverage")).status_code == 200
    # session, user, count, page of rows, subdistrict filter choices
    with django_assert_max_num_queries(6):
        assert client.get(reverse("supervisors:assignment-list")).status_code == 200
    # session, user, count twice, subdistrict filter choices, page of rows, and the district's
    # policy (the ratio in the page's lead)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("supervisors:list")).status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; run by make test-postgres"
)
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_requests_cannot_exceed_capacity(world):
    supervisor = SupervisorFactory(home_subdistrict=world.a, capacity=10)
    for _ in range(9):
        assignment_create(
            supervisor=supervisor,
            trainee=TraineeFactory(neighbourhood=world.na),
            mode="mentor",
            actor=world.users.district,
        )
    candidates = [TraineeFactory(neighbourhood=world.na) for _ in range(20)]
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def attempt(trainee):
        try:
            barrier.wait()
            assignment_create(
                supervisor=supervisor, trainee=trainee, mode="mentor", actor=world.users.district
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(t,)) for t in candidates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert all("不能再安排" in o for o in outcomes if o != "ok")
    assert Assignment.objects.filter(supervisor=supervisor, ended_on__isnull=True).count() == 10
