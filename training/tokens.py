"""Signed, expiring QR codes for self check-in at a sitting.

A token is `django.core.signing.dumps({"s": sitting id, "n": nonce})`: the signature carries
the time it was issued, so `max_age` refuses an old code without storing anything. The venue
screen asks for a fresh token every REFRESH_SECONDS; a code is accepted for MAX_AGE_SECONDS,
long enough to scan and sign in on a phone, short enough that a photo sent to an absent
colleague is soon useless. A replayed code is refused through `CheckinUse` (nonce, worker).
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

SALT = "dudao.training.checkin"
REFRESH_SECONDS = 30
MAX_AGE_SECONDS = 120


@dataclass(frozen=True)
class CheckinToken:
    sitting_id: int
    nonce: str
    issued_at: dt.datetime


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


class _Signer(signing.TimestampSigner):
    """Signs with the time from Django's clock (timezone.now), so the whole check-in rule runs
    on one clock; `signing.loads` reads its tokens as usual."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(timezone.now().timestamp()))


def token_issue(*, sitting_id: int) -> str:
    return _Signer(salt=SALT).sign_object(
        {"s": sitting_id, "n": secrets.token_hex(8)}, compress=True
    )


def token_age(token: CheckinToken, *, at: dt.datetime | None = None) -> float:
    return ((at or timezone.now()) - token.issued_at).total_seconds()


def token_read(token: str, *, max_age: int | None = MAX_AGE_SECONDS) -> CheckinToken:
    """The token's content; TokenExpired when older than max_age, TokenInvalid when forged."""
    try:
        data = signing.loads(token, salt=SALT, max_age=None)
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or "n" not in data:
        raise TokenInvalid
    content = CheckinToken(
        sitting_id=data["s"], nonce=str(data["n"])[:32], issued_at=_issued(token)
    )
    if max_age is not None and token_age(content) > max_age:
        raise TokenExpired
    return content


def _issued(token: str) -> dt.datetime:
    # The timestamp is the part before the signature, base62-encoded seconds since the epoch.
    timestamp = token.rsplit(":", 2)[-2]
    seconds = signing.b62_decode(timestamp)
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
