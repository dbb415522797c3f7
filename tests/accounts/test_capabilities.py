"""Who may do what is decided in accounts/capabilities.py, and only there (issue 16, part 4).

`ROLE_TABLE` is the README's role table ("Roles and demo logins") spelled per capability:
the district administrator does everything, leadership sees the whole district without
editing, a subdistrict administrator manages their own subdistrict, a supervisor writes
their logs, a worker sees their own record. The last tests change one capability in the
module and see the pages, the navigation and the buttons follow.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts import capabilities
from accounts.capabilities import (
    CAPABILITIES,
    Capabilities,
    can_import,
    manages_subdistrict,
    scope_by_subdistrict,
    scoped_subdistrict_id,
    sees_subdistrict,
)
from accounts.models import Role
from tests.factories import UserFactory
from trainees.models import Trainee

DISTRICT, LEADER, SUBDISTRICT, SUPERVISOR, WORKER = (
    "district",
    "leader",
    "admin_a",
    "supervisor",
    "worker",
)
ROLES = (DISTRICT, LEADER, SUBDISTRICT, SUPERVISOR, WORKER)
OFFICES = {DISTRICT, LEADER, SUBDISTRICT}  # see places: the district or one subdistrict
MANAGERS = {DISTRICT, SUBDISTRICT}  # leadership reads only

ROLE_TABLE: dict[str, set[str]] = {
    "sees_whole_district": {DISTRICT, LEADER},
    "sees_places": OFFICES,
    "sees_full_identity": {DISTRICT},
    "can_manage_place": MANAGERS,
    "can_manage_workers": MANAGERS,
    "can_organise_training": MANAGERS,
    "can_mark_attendance": MANAGERS,
    "can_import": MANAGERS,
    "can_request_reports": MANAGERS,
    "sees_team": OFFICES,
    "sees_cadence": OFFICES,
    "can_view_reports": OFFICES,
    "can_watch_arrivals": OFFICES,
    "sees_others_training": OFFICES | {SUPERVISOR},
    "can_manage_team": {DISTRICT},
    "can_close_months": {DISTRICT},
    "can_use_admin_site": {DISTRICT},
    "can_write_logs": {SUPERVISOR},
}


def test_every_capability_is_in_the_role_table():
    assert {c.__name__ for c in CAPABILITIES} == set(ROLE_TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROLE_TABLE))
def test_capability_answers_per_role_as_the_readme_says(world, name):
    capability = getattr(capabilities, name)
    allowed = {role for role in ROLES if capability(getattr(world.users, role))}
    assert allowed == ROLE_TABLE[name]
    # A superuser acts as a district administrator; a signed-out visitor may do nothing.
    superuser = UserFactory(username="root", role=Role.WORKER, is_superuser=True)
    assert capability(superuser) is (DISTRICT in ROLE_TABLE[name])
    assert capability(AnonymousUser()) is False


@pytest.mark.django_db
def test_an_inactive_district_administrator_has_no_admin_site(world):
    user = world.users.district
    user.is_active = False
    assert not capabilities.can_use_admin_site(user)


@pytest.mark.django_db
def test_the_supervisor_team_is_imported_by_the_district_only(world):
    u = world.users
    assert {r for r in ROLES if can_import(getattr(u, r), "supervisors")} == {DISTRICT}
    for kind in ("workers", "attendance", "exams"):
        assert {r for r in ROLES if can_import(getattr(u, r), kind)} == MANAGERS


@pytest.mark.django_db
def test_a_subdistrict_is_managed_by_the_district_and_its_own_administrator(world):
    u, a, b = world.users, world.a.pk, world.b.pk
    assert [manages_subdistrict(u.district, s) for s in (a, b, None)] == [True, True, True]
    assert [manages_subdistrict(u.admin_a, s) for s in (a, b, None)] == [True, False, False]
    assert [manages_subdistrict(u.leader, s) for s in (a, b, None)] == [False, False, False]
    assert [sees_subdistrict(u.leader, s) for s in (a, b, None)] == [True, True, True]
    assert [sees_subdistrict(u.admin_a, s) for s in (a, b, None)] == [True, False, False]
    assert not sees_subdistrict(u.supervisor, a)
    assert scoped_subdistrict_id(u.admin_b) == b
    others = set(ROLES) - {SUBDISTRICT}
    assert {scoped_subdistrict_id(getattr(u, r)) for r in others} == {None}


@pytest.mark.django_db
def test_scope_by_subdistrict_gives_the_whole_district_one_subdistrict_or_nothing(world):
    u, qs = world.users, Trainee.objects.all()

    def names(user) -> set[str]:
        return set(scope_by_subdistrict(qs, user).values_list("name", flat=True))

    everyone = {"陆晓燕", "顾建国", "沈丽华"}
    assert names(u.district) == names(u.leader) == everyone
    assert names(u.admin_a) == {"陆晓燕", "顾建国"}
    assert names(u.admin_b) == {"沈丽华"}
    # People are each app's own rule (a supervisor's trainees, a worker's record), not this.
    assert names(u.supervisor) == names(u.worker) == names(AnonymousUser()) == set()
    by_relation = scope_by_subdistrict(
        Trainee.objects.filter(name="沈丽华"), u.admin_b, "neighbourhood__subdistrict"
    )
    assert by_relation.count() == 1


@pytest.mark.django_db
def test_templates_ask_only_for_capabilities_that_exist(world):
    """A misspelt `caps.x` in a template would quietly hide a button for everyone."""
    caps = Capabilities(world.users.admin_a)
    used = set()
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        used |= set(re.findall(r"\bcaps\.(\w+)", path.read_text(encoding="utf-8")))
    assert used, "the templates ask `caps`"
    assert used <= set(caps)
    assert caps["can_manage_workers"] is True
    assert caps["scoped_subdistrict"] == world.a
    assert Capabilities(world.users.district)["scoped_subdistrict"] is None
    with pytest.raises(KeyError):
        caps["can_do_anything"]


# --- changing who may do what is a one-file change ----------------------------------------------


@pytest.mark.django_db
def test_changing_a_capability_changes_the_page_the_menu_and_the_button(
    world, client_for, monkeypatch
):
    district = client_for(world.users.district)
    month_close = reverse("sessions:month-close")
    assert district.get(month_close).status_code == 200
    assert month_close in district.get(reverse("sessions:list")).content.decode()

    # Month closing becomes leadership's, in accounts/capabilities.py alone.
    monkeypatch.setattr(capabilities, "can_close_months", lambda user: user.is_leader)

    refused = district.get(month_close)
    assert refused.status_code == 403
    assert "只有区管理员可以结账" in refused.content.decode()
    assert month_close not in district.get(reverse("sessions:list")).content.decode()
    leader = client_for(world.users.leader)
    assert leader.get(month_close).status_code == 200
    assert month_close in leader.get(reverse("sessions:list")).content.decode()


@pytest.mark.django_db
def test_changing_a_base_capability_changes_every_capability_built_on_it(
    world, client_for, monkeypatch
):
    """Managing workers, training, imports and reports all rest on `can_manage_place`."""
    admin_a = client_for(world.users.admin_a)
    pages = [
        reverse("trainees:create"),
        reverse("training:event-create"),
        reverse("training:leave-list"),
        reverse("imports:index"),
    ]
    assert [admin_a.get(p).status_code for p in pages] == [200, 200, 200, 200]
    assert reverse("imports:index") in admin_a.get(reverse("home")).content.decode()

    # Subdistrict offices become read-only.
    monkeypatch.setattr(capabilities, "can_manage_place", lambda user: user.is_district_admin)

    assert [admin_a.get(p).status_code for p in pages] == [403, 403, 403, 403]
    home = admin_a.get(reverse("home")).content.decode()
    assert reverse("imports:index") not in home  # the menu
    assert reverse("trainees:create") not in home  # the quick links
    district = client_for(world.users.district)
    assert [district.get(p).status_code for p in pages] == [200, 200, 200, 200]
