"""Report periods: month, quarter, half-year (mid-year evaluation), year (year-end evaluation).

A period is named by its kind, year and number (month 1–12, quarter 1–4, half 1–2, year 1);
every figure of a report is taken as of the period's last day.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    HALF = "half", _("半年（年中评估）")
    YEAR = "year", _("年度（年终评估）")


# Months in one period of each kind, and how many periods a year holds.
_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


def periods_per_year(kind: str) -> int:
    return 12 // _MONTHS[PeriodKind(kind)]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int

    def __post_init__(self) -> None:
        if self.kind not in _MONTHS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if not 1 <= self.number <= periods_per_year(self.kind):
            raise ValueError(f"{self.kind} number {self.number} out of range")

    @property
    def months(self) -> int:
        return _MONTHS[PeriodKind(self.kind)]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def end(self) -> dt.date:
        return _month_end(self.year, self.number * self.months)

    @property
    def previous(self) -> "Period":
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        return Period(self.kind, self.year - 1, periods_per_year(self.kind))

    def month_starts(self) -> list[dt.date]:
        first = (self.number - 1) * self.months + 1
        return [dt.date(self.year, m, 1) for m in range(first, first + self.months)]

    def growth_windows(self) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
        """The first and last part of the period whose drill scores are compared.

        A year or half-year compares its first and last calendar quarter (half: Q1 vs Q2), a
        quarter its first and last month, a month its first and second half (1–15, 16–end).
        """
        if self.kind in (PeriodKind.YEAR, PeriodKind.HALF):
            first_q_end = _month_end(self.year, self.start.month + 2)
            last_q_start = dt.date(self.year, self.end.month - 2, 1)
            return (self.start, first_q_end), (last_q_start, self.end)
        if self.kind == PeriodKind.QUARTER:
            return (self.start, _month_end(self.year, self.start.month)), (
                dt.date(self.year, self.end.month, 1),
                self.end,
            )
        mid = self.start.replace(day=15)
        return (self.start, mid), (mid + dt.timedelta(days=1), self.end)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return gettext("%(year)d年%(n)d月") % {"year": self.year, "n": self.number}
        if self.kind == PeriodKind.QUARTER:
            return gettext("%(year)d年第%(n)d季度") % {"year": self.year, "n": self.number}
        if self.kind == PeriodKind.HALF:
            if self.number == 1:
                return gettext("%(year)d年上半年") % {"year": self.year}
            return gettext("%(year)d年下半年") % {"year": self.year}
        return gettext("%(year)d年度") % {"year": self.year}

    @property
    def short_label(self) -> str:
        """For chart axes."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.year % 100:02d}.{self.number}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year % 100:02d}Q{self.number}"
        if self.kind == PeriodKind.HALF:
            return f"{self.year % 100:02d}H{self.number}"
        return str(self.year)


def period_containing(kind: str, day: dt.date) -> Period:
    months = _MONTHS[PeriodKind(kind)]
    return Period(kind, day.year, (day.month - 1) // months + 1)


def latest_complete_period(kind: str, today: dt.date) -> Period:
    """The last period of this kind whose last day is over: on a month's last day the month
    is still running, as report_request holds (reports/services.py)."""
    period = period_containing(kind, today)
    return period if period.end < today else period.previous


def age_cutoff(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone at least `years` old on `day` (29 Feb → 28 Feb)."""
    year = day.year - years
    return dt.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))
