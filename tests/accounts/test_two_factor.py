"""Two-factor sign-in (TOTP) for district administrators, with DUDAO_REQUIRE_2FA on."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


@pytest.fixture
def require_2fa(settings):
    settings.DUDAO_REQUIRE_2FA = True


def _code(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _wrong(device: TOTPDevice) -> str:
    right = {_code(device, offset=o) for o in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@pytest.fixture
def device(world):
    return TOTPDevice.objects.create(user=world.users.district, name="phone", confirmed=True)


@pytest.mark.django_db
def test_password_alone_does_not_open_any_page(require_2fa, device, world):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "district", "password": PASSWORD}
    )
    assert response.status_code == 302
    for url in ["/", "/workers/", "/supervisors/coverage/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:otp-verify")), url
    page = client.get(reverse("accounts:otp-verify"))
    assert page.status_code == 200
    assert "两步验证" in page.content.decode()


@pytest.mark.django_db
def test_a_wrong_code_is_refused_in_chinese(require_2fa, device, world, client_for):
    client = client_for(world.users.district)
    response = client.post(reverse("accounts:otp-verify"), {"token": _wrong(device)})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_malformed_code_is_refused_in_chinese(require_2fa, device, world, client_for):
    client = client_for(world.users.district)
    response = client.post(reverse("accounts:otp-verify"), {"token": "12ab56"})
    assert "请输入 6 位数字验证码。" in response.content.decode()


@pytest.mark.django_db
def test_the_right_code_lets_the_district_admin_in(require_2fa, device, world, client_for):
    client = client_for(world.users.district)
    next_url = "/workers/?q=%E9%99%86"
    response = client.post(
        f"{reverse('accounts:otp-verify')}?next=/ignored/",
        {"token": _code(device), "next": next_url},
    )
    assert response.status_code == 302
    assert response.url == next_url
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_next_may_not_leave_the_site(require_2fa, device, world, client_for):
    client = client_for(world.users.district)
    response = client.post(
        reverse("accounts:otp-verify"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_a_district_admin_without_a_device_sets_one_up_once(require_2fa, world, client_for):
    client = client_for(world.users.district)
    response = client.get("/workers/")
    assert response.url.startswith(reverse("accounts:otp-setup"))

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=world.users.district)
    assert not device.confirmed
    # Reloading the page keeps the same secret (the app may already have scanned it).
    client.get(reverse("accounts:otp-setup"))
    assert TOTPDevice.objects.filter(user=world.users.district).count() == 1

    refused = client.post(reverse("accounts:otp-setup"), {"token": _wrong(device)})
    assert "验证码不正确" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.django_db
def test_confirming_the_first_code_completes_setup(require_2fa, world, client_for):
    client = client_for(world.users.district)
    client.get(reverse("accounts:otp-setup"))
    device = TOTPDevice.objects.get(user=world.users.district)
    response = client.post(
        reverse("accounts:otp-setup"), {"token": _code(device), "next": "/structure/"}
    )
    assert response.status_code == 302
    assert response.url == "/structure/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/structure/").status_code == 200

    # The next sign-in asks for a code; the setup page cannot enrol a second device.
    fresh = client_for(world.users.district)
    assert fresh.get("/").url.startswith(reverse("accounts:otp-verify"))
    assert fresh.get(reverse("accounts:otp-setup")).url.startswith(reverse("accounts:otp-verify"))
    assert TOTPDevice.objects.filter(user=world.users.district).count() == 1


@pytest.mark.django_db
def test_a_used_code_cannot_be_replayed(require_2fa, device, world, client_for):
    code = _code(device)
    first = client_for(world.users.district)
    assert first.post(reverse("accounts:otp-verify"), {"token": code}).status_code == 302
    second = client_for(world.users.district)
    response = second.post(reverse("accounts:otp-verify"), {"token": code})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["admin_a", "leader", "supervisor", "worker"])
def test_other_roles_are_not_asked_for_a_code(require_2fa, world, client_for, persona):
    client = client_for(getattr(world.users, persona))
    assert client.get("/").status_code == 200
    # The two-factor pages send them straight on.
    assert client.get(reverse("accounts:otp-setup")).status_code == 302
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_with_the_setting_off_district_admins_sign_in_with_a_password(settings, world, client_for):
    settings.DUDAO_REQUIRE_2FA = False
    assert client_for(world.users.district).get("/").status_code == 200


@pytest.mark.django_db
def test_signing_out_is_possible_before_the_second_step(require_2fa, device, world, client_for):
    client = client_for(world.users.district)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
