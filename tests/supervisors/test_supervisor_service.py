"""supervisor_create / supervisor_update: the admin site and the supervisors import keep the
team through them (the rules, the district's alone, one audit event per change)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from audit.models import AuditAction, AuditEvent
from supervisors.models import Supervisor
from supervisors.services import supervisor_create, supervisor_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fields(world, **overrides) -> dict:
    return {
        "name": "许督导",
        "kind": Supervisor.Kind.UNIVERSITY,
        "home_subdistrict": world.a,
        "specialties": ["villa"],
        "capacity": 8,
        **overrides,
    }


def test_only_the_district_keeps_the_team(world):
    for persona in ("admin_a", "leader", "supervisor"):
        with pytest.raises(PermissionDenied):
            supervisor_create(actor=getattr(world.users, persona), **_fields(world))
        with pytest.raises(PermissionDenied):
            supervisor_update(
                supervisor=world.supervisor, actor=getattr(world.users, persona), capacity=12
            )
    assert not Supervisor.objects.filter(name="许督导").exists()


def test_a_new_supervisor_is_recorded_once(world):
    created = supervisor_create(actor=world.users.district, **_fields(world))
    (event,) = AuditEvent.objects.filter(object_type="supervisors.supervisor")
    assert (event.action, event.object_id) == (AuditAction.CREATE, str(created.pk))
    assert event.changes["home_subdistrict"] == [None, "华阳路街道"]
    assert "user" not in event.changes  # nothing linked, nothing recorded


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"specialties": ["castle"]}, "specialties"),
        ({"specialties": {"villa": 1}}, "specialties"),
        ({"capacity": -1}, "capacity"),
        ({"name": ""}, "name"),
    ],
)
def test_what_the_rules_refuse_is_not_saved(world, overrides, field):
    with pytest.raises(ValidationError) as refused:
        supervisor_create(actor=world.users.district, **_fields(world, **overrides))
    assert field in refused.value.message_dict
    assert not Supervisor.objects.filter(name="许督导").exists()
    assert not AuditEvent.objects.exists()


def test_the_login_that_writes_the_logs_has_the_supervisor_role(world):
    worker_login = UserFactory(username="not-a-supervisor", role=Role.WORKER)
    with pytest.raises(ValidationError) as refused:
        supervisor_update(
            supervisor=world.supervisor, actor=world.users.district, user=worker_login
        )
    assert "登录账号的角色须为督导师" in refused.value.message_dict["user"][0]
    login = UserFactory(username="xu", role=Role.SUPERVISOR)
    supervisor_update(supervisor=world.other_supervisor, actor=world.users.district, user=login)
    (event,) = AuditEvent.objects.all()
    assert event.changes == {"user": [str(world.users.other_supervisor), str(login)]}


def test_an_update_that_changes_nothing_records_nothing(world):
    supervisor_update(
        supervisor=world.supervisor, actor=world.users.district, capacity=world.supervisor.capacity
    )
    assert not AuditEvent.objects.exists()
    supervisor_update(supervisor=world.supervisor, actor=world.users.district, capacity=12)
    (event,) = AuditEvent.objects.all()
    assert event.changes == {"capacity": [10, 12]}
