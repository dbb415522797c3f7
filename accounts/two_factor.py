"""Two-factor sign-in (TOTP, RFC 6238) for district administrators.

A district administrator sees every ID number in full and runs the admin site, so a stolen
password alone must not be enough. Devices are django-otp's `TOTPDevice`; one per user.
"""

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def two_factor_required(user: User) -> bool:
    """Whether this signed-in user must pass a second factor before using the site."""
    return bool(settings.DUDAO_REQUIRE_2FA and user.is_authenticated and user.is_district_admin)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The user's device awaiting its first code, created if needed (idempotent on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


def totp_verify(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Check a code against the device (django-otp throttles repeated failures); on success
    confirm the device if it is new and mark this session as verified."""
    if not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it when typed in, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
