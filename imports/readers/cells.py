"""What a cell means: text as a person sees it, dates, ID numbers, integers, yes/no.

Each parser takes a cleaned cell (`common.clean_cell`) and returns a value or raises a
`CellError` whose message is for the person who filled the cell in.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .common import SPACES, CellError

# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for (serials > 60).
EXCEL_EPOCH = dt.date(1899, 12, 30)


def cell_text(value: object) -> str:
    """A cell as the text a person sees: 13912345678.0 -> '13912345678', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _excel_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:  # 9999-12-31
        raise CellError(_("“%(value)s”不是有效的日期。") % {"value": cell_text(serial)})
    days = int(serial)
    if days < 61:
        days += 1  # Excel counts a 29 February 1900 that never was
    return EXCEL_EPOCH + dt.timedelta(days=days)


def parse_date(value: object) -> dt.date:
    """Excel dates and serials, or text as 1985-03-02, 1985/3/2, 1985.3.2, 1985年3月2日, 19850302."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("应填写日期，如 1985-03-02。"))
    if isinstance(value, int | float):
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            value = str(int(value))  # 19850302 typed as a number
        else:
            return _excel_serial(float(value))
    text = str(value).strip()
    for candidate in (SPACES.sub(" ", text), SPACES.sub("", text)):
        for pattern in _DATE_PATTERNS:
            match = pattern.match(candidate)
            if match:
                try:
                    return dt.date(*(int(g) for g in match.groups()))
                except ValueError:
                    break
    raise CellError(
        _("无法识别日期“%(value)s”，请写成 1985-03-02、1985/3/2 或 1985年3月2日。")
        % {"value": cell_text(value)[:30]}
    )


_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)


def parse_id_number_cell(value: object) -> str:
    """The ID number as text, or a CellError when Excel has already lost its last digits.

    Excel keeps 15 significant digits: an 18-digit number stored as a number comes back as
    310105198503021000 or 3.10105E+17, and the lost digits cannot be recovered from the file.
    """
    if isinstance(value, float) and (abs(value) >= 1e15 or not value.is_integer()):
        raise CellError(_precision_message())
    if isinstance(value, str) and _SCIENTIFIC.match(value.replace(" ", "")):
        raise CellError(_precision_message())
    if isinstance(value, int | float):
        return str(int(value))
    return cell_text(value)


def _precision_message() -> str:
    return _(
        "身份证号被 Excel 存成了数字，第 16 位以后的数字已丢失，无法恢复。"
        "请把该列设置为“文本”格式后重新填写（或在号码前加英文单引号 '）。"
    )


def parse_int(value: object, *, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool):
        raise CellError(_("应填写整数。"))
    try:
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            decimal = Decimal(str(value).strip())
            if decimal != decimal.to_integral_value():
                raise CellError(_("应填写整数，当前为“%(value)s”。") % {"value": cell_text(value)})
            number = int(decimal)
    except (InvalidOperation, ValueError, OverflowError) as exc:
        raise CellError(
            _("应填写整数，当前为“%(value)s”。") % {"value": cell_text(value)[:30]}
        ) from exc
    if (low is not None and number < low) or (high is not None and number > high):
        raise CellError(
            _("应在 %(low)d 到 %(high)d 之间，当前为 %(value)d。")
            % {"low": low if low is not None else 0, "high": high or 0, "value": number}
        )
    return number


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "对", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "x", "无", "不是"}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE or text == "":
        return False
    raise CellError(_("应填写“是”或“否”，当前为“%(value)s”。") % {"value": text[:30]})
