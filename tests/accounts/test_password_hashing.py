"""Passwords are stored as Argon2id at OWASP's parameters; older PBKDF2 hashes are upgraded."""

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse

from accounts.models import Role
from config.settings import base
from tests.factories import UserFactory

PASSWORD = "长宁督导-2026-春"


@pytest.fixture
def production_hashers(settings):
    # The test settings hash with MD5 for speed; these tests use the real list.
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def test_new_passwords_are_argon2id_with_owasp_parameters(production_hashers):
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password(PASSWORD, encoded)
    assert not check_password(PASSWORD + "x", encoded)


def test_a_pbkdf2_password_still_signs_in_and_is_rehashed(production_hashers, client, db):
    user = UserFactory(username="zhouhong", role=Role.WORKER)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post(
        reverse("accounts:login"), {"username": "zhouhong", "password": PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
