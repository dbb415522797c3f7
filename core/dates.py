"""The window of dates a person may enter, in one place.

A date far outside it is a typing slip or a probe, never a record: a session log dated
9999-12-31 or a sitting in the year 1 was accepted, and the pages that then computed "the
month after" or "N days later" from it failed. Every form field and address parameter that
takes a date a person chose checks it here, with the message next to the field.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Changning's professionalisation of community workers began in 2019; no supervision log,
# pairing, training or report of ours is older.
DATA_BEGINS = dt.date(2019, 1, 1)
# Certificates are older: the national social work exam was first held in 2008, so a
# registration or a continuing-education record may be entered back to then.
CERTIFICATION_BEGINS = dt.date(2008, 1, 1)
# Plans reach a year ahead at most: the next session, a sitting, a deadline, a report period.
YEARS_AHEAD = 1


def latest_date(today: dt.date | None = None) -> dt.date:
    """The last date a person may enter: a year from today (29 February → 28 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def year_range(today: dt.date | None = None) -> range:
    """The years a period or a yearly figure may be asked for."""
    return range(DATA_BEGINS.year, latest_date(today).year + 1)


def in_window(value: dt.date, today: dt.date | None = None) -> bool:
    return DATA_BEGINS <= value <= latest_date(today)


class DateWindow:
    """A form field validator: the date lies between `first` and a year from today."""

    def __init__(self, first: dt.date = DATA_BEGINS) -> None:
        self.first = first

    def __call__(self, value: dt.date | None) -> None:
        if value is None:
            return
        if value < self.first:
            raise ValidationError(
                _("日期不能早于 %(first)s。"),
                code="before_data",
                params={"first": self.first.isoformat()},
            )
        last = latest_date()
        if value > last:
            raise ValidationError(
                _("日期不能晚于 %(last)s。"),
                code="too_far_ahead",
                params={"last": last.isoformat()},
            )


class PlausibleDate:
    """For dates of any record, history included (a birth date, a certificate of 2008): in
    the 20th or 21st century. The admin site puts it on every date field; the calendar's
    ends (the year 1, 9999-12-31) left nothing for the pages' date arithmetic."""

    first = dt.date(1900, 1, 1)
    last = dt.date(2099, 12, 31)

    def __call__(self, value: dt.date | None) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, dt.datetime) else value
        if not self.first <= day <= self.last:
            raise ValidationError(
                _("日期应在 %(first)s 到 %(last)s 之间。"),
                code="implausible",
                params={"first": self.first.isoformat(), "last": self.last.isoformat()},
            )


def window_dates(form, *names: str, first: dt.date = DATA_BEGINS) -> None:
    """Give the named date fields of `form` the window (ModelForms build their own fields)."""
    for name in names:
        if name in form.fields:
            form.fields[name].validators.append(DateWindow(first))
