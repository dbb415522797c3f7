"""The admin site opens for district administrators only, whatever `is_staff` says."""

import pytest
from django.test import Client

from accounts.models import Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_district_admin_opens_the_admin_site(world, client_for):
    response = client_for(world.users.district).get("/admin/")
    assert response.status_code == 200
    assert "督导 Dudao 系统管理" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/admin/accounts/user/", "/admin/otp_totp/totpdevice/", "/admin/axes/accessattempt/"]
)
def test_district_admin_manages_users_devices_and_lockouts(world, client_for, path):
    # Not a superuser: the role grants the admin permissions (accounts.backends).
    assert not world.users.district.is_superuser
    assert client_for(world.users.district).get(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["admin_a", "leader", "supervisor", "worker"])
def test_other_roles_are_refused_the_admin_site(world, client_for, persona):
    user = getattr(world.users, persona)
    # Even flagged as staff (by mistake or by an old import), the role decides.
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = client_for(user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "系统管理仅限区管理员使用" in response.content.decode()
    assert client.get("/admin/accounts/user/").status_code in (302, 403)
    assert client.get("/admin/accounts/user/", follow=True).status_code == 403


@pytest.mark.django_db
def test_an_inactive_district_admin_is_refused():
    user = UserFactory(username="gone", role=Role.DISTRICT_ADMIN, is_staff=True, is_active=False)
    client = Client()
    client.force_login(user)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "督导 Dudao 系统管理" not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_go_to_the_main_login_page():
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert response.status_code == 200
