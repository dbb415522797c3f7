"""Resident ID numbers (GB 11643-1999) and mainland mobile numbers: normalise, validate, mask,
and what a user is shown of them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import redact

if TYPE_CHECKING:
    from accounts.models import User

# GB 11643-1999: weights over the first 17 digits, remainder mod 11 -> check character.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_SHAPE = re.compile(r"^1[3-9]\d{9}$")


def _half_width(value: str) -> str:
    # NFKC folds full-width digits and letters (１２３Ｘ) to ASCII.
    return unicodedata.normalize("NFKC", value)


def id_number_normalise(value: object) -> str:
    """Full-width to ASCII, spaces removed, lowercase x upper-cased; numbers from Excel as text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _half_width(str(value))
    return re.sub(r"\s+", "", text).upper()


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def id_number_birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_number_gender(number: str) -> str:
    """'M' or 'F': the 17th digit is odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def id_number_validate(value: object, *, today: dt.date | None = None) -> str:
    """Return the normalised number or raise ValidationError with a reason a person can act on."""
    number = id_number_normalise(value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号应为18位，当前为%(length)d位。"),
            code="id_length",
            params={"length": len(number)},
        )
    if not _ID_SHAPE.match(number):
        raise ValidationError(
            _("身份证号前17位应为数字，最后一位为数字或X。"), code="id_characters"
        )
    birth = id_number_birth_date(number)
    today = today or timezone.localdate()
    if birth is None or birth > today or birth.year < 1900:
        raise ValidationError(
            _("身份证号中的出生日期（第7–14位）%(digits)s不是有效日期。"),
            code="id_birth_date",
            params={"digits": number[6:14]},
        )
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("身份证号校验位错误：最后一位应为 %(expected)s，请核对号码。"),
            code="id_check_char",
            params={"expected": expected},
        )
    return number


def id_number_mask(number: str) -> str:
    """**************123X: the last four characters only (core/redact.py says why)."""
    return redact.id_number_mask(number)


def is_masked(text: str) -> bool:
    """A value copied from a masked page or export: it cannot identify anyone."""
    return "*" in text


def mobile_normalise(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s\-]+", "", _half_width(str(value)))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def mobile_validate(value: object) -> str:
    number = mobile_normalise(value)
    if not _MOBILE_SHAPE.match(number):
        raise ValidationError(_("手机号应为以1开头的11位数字（可带 +86）。"), code="mobile_invalid")
    return number


def mobile_mask(number: str) -> str:
    return redact.mobile_mask(number)


# --- what a user is shown ---------------------------------------------------------------------
# The rule is sees_full_identity (accounts/capabilities.py); these apply it to one value, so that
# pages, tables, exports and forms cannot each decide differently.


def id_number_for(user: User, number: str) -> str:
    return number if user.sees_full_identity else id_number_mask(number)


def mobile_for(user: User, number: str) -> str:
    return number if user.sees_full_identity else mobile_mask(number)
