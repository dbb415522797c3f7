"""Personal data at rest (PIPL; GB/T 35273-2020 treats ID numbers as sensitive).

An ID number is stored three ways, never in clear text:

- encrypted (Fernet: AES-128-CBC + HMAC) with the keys in `DUDAO_PII_KEY`, a comma-separated
  list whose first key encrypts and every key decrypts (MultiFernet), so that a key can be
  rotated: put the new key first, run `manage.py rotate_pii_key`, then drop the old one. The
  keys are core/crypto.py's, shared with the stored files (core/storage.py);
- as a keyed hash (HMAC-SHA256 with `DUDAO_PII_HASH_KEY`) for look-up and uniqueness: the
  same number always gives the same hash, and without the key a list of all 10^17 possible
  numbers cannot be hashed to find one;
- its last 4 characters, because the roster search finds workers by the tail people read off
  a card. Four characters of 18 identify no one.

The hash is base64url, not hex: a 64-character hex string holds 18 decimal digits in a row
often enough (about 1 row in 100) to look like an ID number to a scan of the database.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from core.crypto import pii_fernet, pii_token_rotate

TAIL_LENGTH = 4


@functools.cache
def _hash_key() -> bytes:
    key = settings.DUDAO_PII_HASH_KEY
    if not key:
        raise ImproperlyConfigured("DUDAO_PII_HASH_KEY is empty: ID numbers cannot be looked up.")
    return key.encode()


@receiver(setting_changed)
def _reset_keys(*, setting: str, **kwargs) -> None:
    if setting == "DUDAO_PII_HASH_KEY":
        _hash_key.cache_clear()


def pii_encrypt(plain: str) -> str:
    return pii_fernet().encrypt(plain.encode()).decode("ascii")


def pii_decrypt(token: str) -> str:
    try:
        return pii_fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An ID number cannot be decrypted with DUDAO_PII_KEY: a key is missing from the list."
        ) from exc


def pii_reencrypt(token: str) -> str:
    """The same value under the current (first) key; unchanged if it already is."""
    rotated = pii_token_rotate(token.encode("ascii"))
    return token if rotated is None else rotated.decode("ascii")


def id_number_hash(plain: str) -> str:
    """The look-up key of a normalised ID number (see trainees.identity.id_number_normalise)."""
    digest = hmac.new(_hash_key(), plain.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def id_number_tail(plain: str) -> str:
    return plain[-TAIL_LENGTH:]
