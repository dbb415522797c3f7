"""The audit trail of the supervisor team: pairings made, ended, moved, in bulk; imported
supervisors; the supervisor page's history, scoped like the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from imports.services import import_apply, import_preview
from supervisors.models import Assignment, Supervisor
from supervisors.services import (
    assignment_create,
    assignment_end,
    assignment_reassign,
    assignments_bulk_create,
)
from tests.factories import SupervisorFactory, TraineeFactory
from tests.imports.conftest import upload
from tests.imports.test_supervisors_import import _two_sheets

pytestmark = pytest.mark.django_db


def _events(obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("pk")
    )


def test_a_pairing_made_ended_and_moved_is_recorded(world):
    district = world.users.district
    made = assignment_create(
        supervisor=world.supervisor,
        trainee=world.colleague,
        mode="drill",
        actor=district,
        reason="新入职",
    )
    (created,) = _events(made)
    assert (created.action, created.actor) == (AuditAction.CREATE, district)
    assert created.changes["trainee"] == [None, "顾建国"]
    assert created.changes["supervisor"] == [None, "周督导"]
    assert created.changes["reason"] == [None, "新入职"]

    assignment_end(assignment=made, actor=district, reason="调岗")
    ended = _events(made)[-1]
    assert ended.action == AuditAction.UPDATE
    assert ended.changes["end_reason"] == ["", "调岗"]

    current = Assignment.objects.get(trainee=world.worker, ended_on__isnull=True)
    moved = assignment_reassign(
        trainee=world.worker,
        supervisor=world.other_supervisor,
        mode="mentor",
        actor=district,
        reason="按专长调整",
    )
    assert _events(current)[-1].changes["end_reason"] == ["", "按专长调整"]
    assert _events(moved)[0].changes["supervisor"] == [None, "吴督导"]


def test_bulk_pairings_write_one_event_each_in_one_insert(world):
    supervisor = SupervisorFactory(home_subdistrict=world.a, capacity=30)
    trainees = [TraineeFactory(neighbourhood=world.na) for _ in range(20)]
    pairs = [(supervisor.pk, t.pk, "mentor") for t in trainees]
    with CaptureQueriesContext(connection) as queries:
        created = assignments_bulk_create(pairs=pairs, actor=world.users.district)
    audit_inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "audit_auditevent"')]
    assert len(audit_inserts) == 1
    events = AuditEvent.objects.filter(object_type="supervisors.assignment")
    assert {e.object_id for e in events} == {str(a.pk) for a in created}
    assert {e.actor for e in events} == {world.users.district}
    assert {e.changes["trainee"][1] for e in events} == {t.name for t in trainees}


def test_imported_supervisors_are_recorded(world):
    data = _two_sheets(
        [["王督导", "高校", "华东师范大学", "社会工作师", "华阳路街道", 2, "老洋房"]], []
    )
    district = world.users.district
    import_apply(
        run=import_preview(kind="supervisors", file=upload(data), actor=district), actor=district
    )
    wang = Supervisor.objects.get(name="王督导")
    (created,) = _events(wang)
    assert (created.action, created.actor) == (AuditAction.CREATE, district)
    assert created.changes["capacity"] == [None, 2]
    assert created.changes["home_subdistrict"] == [None, "华阳路街道"]

    data = _two_sheets(
        [["王督导", "高校", "华东师范大学", "社会工作师", "华阳路街道", 5, "老洋房"]], []
    )
    import_apply(
        run=import_preview(kind="supervisors", file=upload(data, "b.xlsx"), actor=district),
        actor=district,
    )
    assert _events(wang)[-1].changes == {"capacity": [2, 5]}


def test_history_on_the_supervisor_page_is_scoped_like_the_page(world, client_for):
    assignment_create(
        supervisor=world.supervisor,
        trainee=world.colleague,
        mode="drill",
        actor=world.users.district,
    )
    url = reverse("supervisors:detail", args=[world.supervisor.pk])
    page = client_for(world.users.district).get(url).content.decode()
    assert "变更记录" in page and "顾建国" in page.split("变更记录", 1)[1]
    # The worker sees the supervisor's page, but only their own pairing: not the colleague's.
    page = client_for(world.users.worker).get(url).content.decode()
    assert "变更记录" in page and "顾建国" not in page
    for user in (world.users.admin_b, world.users.other_supervisor):
        response = client_for(user).get(url)
        assert response.status_code == 404 and "顾建国" not in response.content.decode()


@pytest.mark.parametrize("n", [1, 8])
def test_supervisor_page_history_takes_constant_queries(world, client_for, n):
    for _ in range(n):
        assignment_create(
            supervisor=world.supervisor,
            trainee=TraineeFactory(neighbourhood=world.na),
            mode="drill",
            actor=world.users.district,
        )
    client = client_for(world.users.district)
    url = reverse("supervisors:detail", args=[world.supervisor.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert page.count("<td>district</td>") == n
    # Django session, user, the supervisor, the pairings in scope, the history.
    assert len(queries) <= 5, [q["sql"] for q in queries]
