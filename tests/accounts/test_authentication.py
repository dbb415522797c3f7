"""Sign-in protections: throttling, password policy, CSRF, idle expiry, the admin site."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY, SIGNED_IN_KEY
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


@pytest.mark.django_db
def test_login_form_signs_in_with_the_right_password():
    UserFactory(username="li")
    response = _login(Client(), "li", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_at_that_address():
    UserFactory(username="li")
    client = Client()
    for _ in range(4):
        response = _login(client, "li", "wrong-password")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()
    fifth = _login(client, "li", "wrong-password")
    assert fifth.status_code == 429
    assert "登录已暂时锁定" in fifth.content.decode()
    assert "30 分钟" in fifth.content.decode()

    # Even the right password is refused while locked out...
    locked = _login(client, "li", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but only for that username from that address.
    assert _login(Client(), "li", PASSWORD, ip="10.0.0.2").status_code == 302
    UserFactory(username="wang")
    assert _login(Client(), "wang", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_sign_in_clears_earlier_failures():
    UserFactory(username="li")
    client = Client()
    for _ in range(4):
        _login(client, "li", "wrong-password")
    assert _login(client, "li", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert _login(client, "li", "wrong-password").status_code == 200


@pytest.mark.django_db
def test_test_client_login_still_works_with_throttling_enabled(settings):
    assert settings.AXES_ENABLED
    UserFactory(username="li")
    client = Client()
    assert client.login(username="li", password=PASSWORD)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Tk9#short", "密码太短，至少需要 10 个字符。"),
        ("3141592653589793", "密码只包含数字。"),
        ("password1234", "这个密码太常见了。"),
    ],
)
def test_password_change_refuses_a_weak_password_in_chinese(client_for, new_password, message):
    user = UserFactory(username="li")
    client = client_for(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_change_accepts_a_strong_password(client_for):
    user = UserFactory(username="li")
    client = client_for(user)
    strong = "长宁督导-Quiet-Harbour-71"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(strong)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["accounts:password-change", "accounts:notifications"])
def test_a_post_without_csrf_token_is_refused(url_name):
    user = UserFactory(username="li")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse(url_name), {"old_password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_login_form_needs_its_csrf_token():
    UserFactory(username="li")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "li", "password": PASSWORD})
    assert response.status_code == 403
    # With the token from the form it goes through.
    client.get(reverse("accounts:login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:login"),
        {"username": "li", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_idle_session_is_signed_out(settings, client_for):
    settings.DUDAO_SESSION_IDLE_TIMEOUT = 30 * 60
    client = client_for(UserFactory(username="li"))
    assert client.get(reverse("home")).status_code == 200

    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("trainees:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    page = client.get(response.url)
    assert "由于长时间未操作，你已自动退出" in page.content.decode()


@pytest.mark.django_db
def test_an_active_session_still_ends_after_the_session_age(settings, client_for):
    settings.DUDAO_SESSION_IDLE_TIMEOUT = 30 * 60
    client = client_for(UserFactory(username="li"))
    client.get(reverse("home"))
    session = client.session
    session[SIGNED_IN_KEY] = int(time.time()) - settings.SESSION_COOKIE_AGE - 1
    session[LAST_SEEN_KEY] = int(time.time()) - 5
    session.save()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_recently_active_session_stays_signed_in(settings, client_for):
    settings.DUDAO_SESSION_IDLE_TIMEOUT = 30 * 60
    client = client_for(UserFactory(username="li"))
    client.get(reverse("home"))
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200
