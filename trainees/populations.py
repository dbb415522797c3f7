"""Who is counted on a date: the one place that defines the populations and the "on date d"
predicates every selector, figure, report and export uses (STYLE.md, "Time"; DOMAIN.md,
"Dates that decide every figure").

Two populations, never confused, each with one label everywhere:

- 在册 (on the books, `on_books_q`): joined on or before d and not yet left by d, including
  workers on leave or seconded. `left_on` (离职日期) is the day the worker has left: from it on
  they are no longer on the books ("not yet left", DOMAIN.md), so a worker who leaves on d is
  counted on d - 1 and not on d. The roster, the rate tests and the independent figure check
  (tests/reports/test_figures.py) all read it so; the periods of issue 12 (placements, leave,
  pairings) are the ones whose end dates are last days.
- 在岗 (on duty, `on_duty_q`): on the books and neither on leave nor seconded on d.

Known limitation, until leave and secondment are dated periods (issue 12, item 1): leave is only
today's `Trainee.status` (休假/借调), with no dates. So `on_duty_q` is exact for today and later,
and for a past date it counts every worker then on the books as on duty (someone on leave today
is not assumed to have been on leave a year ago, and putting a worker on leave today never
rewrites a past figure). Past 在岗 figures therefore include anyone who was in fact on leave then.

Pairings (督导结对) end on their last day too (`paired_on_q`): a pairing that ends on d covers d,
and a reassignment ends the old pairing the day before the new one starts.

Each predicate takes a `prefix` for related lookups (`on_books_q(d, "trainees__")` on
subdistricts, `on_books_q(d, "trainee__")` on certificates or attendance).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TraineeStatus

# The labels and footnotes of the two populations: every page that counts workers uses these,
# so one label never names two populations.
ON_BOOKS_LABEL = _("在册")
ON_DUTY_LABEL = _("在岗")
ON_BOOKS_NOTE = _("在册：入职日期不晚于当日且当日尚未离职，含休假、借调人员。")
ON_DUTY_NOTE = _(
    "在岗：在册且当日未休假、未借调（休假、借调暂无起止日期，按当前状态计；往日按在岗计）。"
)


def on_books_q(day: dt.date, prefix: str = "") -> Q:
    """在册 on `day`: joined on or before it, and `left_on` empty or after it."""
    return Q(**{f"{prefix}joined__lte": day}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})
    )


def on_books_during_q(start, end, prefix: str = "") -> Q:
    """在册 on at least one day from `start` to `end` (dates or date expressions): joined by
    the end and not left before the start — the workers an event spanning those days served."""
    return Q(**{f"{prefix}joined__lte": end}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": start})
    )


def on_duty_q(day: dt.date, prefix: str = "", *, today: dt.date | None = None) -> Q:
    """在岗 on `day`: on the books and not on leave or seconded (see the module's limitation).

    `today` defaults to the local date; a `day` before it cannot know about leave (undated),
    so only the 在册 test applies there.
    """
    today = today or timezone.localdate()
    q = on_books_q(day, prefix)
    if day >= today:
        q &= ~Q(**{f"{prefix}status": TraineeStatus.ON_LEAVE})
    return q


def paired_on_q(day: dt.date, prefix: str = "") -> Q:
    """A pairing (supervisors.Assignment) in force on `day`: started by it, ended on or after it."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def paired_throughout_q(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """A pairing in force on every day from `start` to `end` (both included)."""
    return Q(**{f"{prefix}started_on__lte": start}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": end})
    )
