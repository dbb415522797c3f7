"""The keys that encrypt personal data at rest: ID numbers (trainees/pii.py) and stored files
(core/storage.py) share them, so one rotation covers both.

`DUDAO_PII_KEY` is a comma-separated list of Fernet keys (AES-128-CBC + HMAC): the first
encrypts, every one decrypts (MultiFernet). To rotate, put the new key first, run
`manage.py rotate_pii_key` (ID numbers and stored files), then drop the old key.
"""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


@functools.cache
def pii_fernet() -> MultiFernet:
    """Every key: encrypts with the first, decrypts with any."""
    keys = [k.strip() for k in settings.DUDAO_PII_KEYS if k and k.strip()]
    if not keys:
        raise ImproperlyConfigured("DUDAO_PII_KEY is empty: personal data cannot be encrypted.")
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "DUDAO_PII_KEY must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated, the current key first."
        ) from exc


@functools.cache
def pii_current_fernet() -> Fernet:
    """The first key alone: what a rotation re-encrypts to."""
    return Fernet(settings.DUDAO_PII_KEYS[0].strip())


@receiver(setting_changed)
def _reset_keys(*, setting: str, **kwargs) -> None:
    if setting == "DUDAO_PII_KEYS":
        pii_fernet.cache_clear()
        pii_current_fernet.cache_clear()


def pii_token_rotate(token: bytes) -> bytes | None:
    """The token under the current key, or None when it already is (nothing to rewrite).

    Raises InvalidToken when no key in the list decrypts it.
    """
    try:
        pii_current_fernet().decrypt(token)
    except InvalidToken:
        return pii_fernet().rotate(token)
    return None
