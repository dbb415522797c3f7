"""What every demo seeder shares: the `SeedContext`, its seeded generators and the timeline.

One "today" lives on the context (`ctx.today`); every date a seeder writes is reckoned from it,
never from the clock or a constant, so that the demo is alive on the day it is seeded (the
dashboards open on a month with data) and `--today` reproduces a run exactly.

The timeline, for today = 2026-12-01 (the 1st: the month just begun has no history yet):

    pairings start      history starts        history ends (yesterday's month)   today
    2025-04-01          2025-06-01            2026-11                            2026-12-01

- `last_month`: the month of yesterday, the latest month with any history (complete when
  today is the 1st, otherwise today's month up to yesterday);
- `first_month`: HISTORY_MONTHS months of supervision logs and training end at `last_month`;
- `pairings_started_on`: the district's first pairings, PAIRINGS_LEAD_MONTHS before that.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from accounts.models import Role, User
from neighbourhoods.models import Neighbourhood, Subdistrict
from supervisors.models import Supervisor

DEMO_SEED = 2019
DEMO_PASSWORD = "dudao-demo-2026"
HISTORY_MONTHS = 18  # supervision logs and training: a year and a half, ending yesterday
PAIRINGS_LEAD_MONTHS = 2  # pairings were made before the first logs were written
REPAIRED_AFTER_MONTHS = 5  # one pairing in twelve was changed once, this far into the history

# username, role, display name, home subdistrict code (subdistrict administrators only)
LOGINS: tuple[tuple[str, str, str, str | None], ...] = (
    ("district", Role.DISTRICT_ADMIN, "区民政局 管理员", None),
    ("leader", Role.LEADER, "区领导小组", None),
    ("huayang", Role.SUBDISTRICT_ADMIN, "华阳路街道 社区办", "310105001"),
    ("xinjing", Role.SUBDISTRICT_ADMIN, "新泾镇 社区办", "310105102"),
    ("supervisor", Role.SUPERVISOR, "", None),  # display name: the supervisor's own name
    ("worker", Role.WORKER, "", None),  # display name: the linked worker's name
)
LOGIN_USERNAMES = tuple(login[0] for login in LOGINS)


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class Picker:
    """Weighted choice with cumulative weights computed once."""

    def __init__(self, items: Sequence[tuple[Any, int]]) -> None:
        self.values = [value for value, _weight in items]
        self.cum_weights: list[int] = []
        total = 0
        for _value, weight in items:
            total += weight
            self.cum_weights.append(total)

    def __call__(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cum_weights)[0]


def month_add(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) the month of `month`."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class SeedContext:
    seed: int
    scale: int
    today: dt.date
    password: str = DEMO_PASSWORD
    stdout: Writer | None = None
    subdistricts: dict[str, Subdistrict] = field(default_factory=dict)  # by statistical code
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)  # in plan order
    grade_ids: dict[int, int] = field(default_factory=dict)  # level -> CareerGrade pk
    users: dict[str, User] = field(default_factory=dict)  # the demo logins, by username
    supervisor: Supervisor | None = None  # the "supervisor" login's record

    def rng(self, step: str) -> random.Random:
        # A string seed is hashed with SHA-512, so it does not depend on PYTHONHASHSEED. Each
        # step has its own generator: adding a step does not change what the others produce.
        return random.Random(f"dudao-demo:{self.seed}:{step}")

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")

    @property
    def yesterday(self) -> dt.date:
        return self.today - dt.timedelta(days=1)

    @property
    def last_month(self) -> dt.date:
        return self.yesterday.replace(day=1)

    @property
    def first_month(self) -> dt.date:
        return month_add(self.last_month, -(HISTORY_MONTHS - 1))

    @property
    def months(self) -> list[dt.date]:
        """The first days of the months of history, oldest first."""
        return [month_add(self.first_month, n) for n in range(HISTORY_MONTHS)]

    @property
    def pairings_started_on(self) -> dt.date:
        return month_add(self.first_month, -PAIRINGS_LEAD_MONTHS)

    @property
    def repaired_on(self) -> dt.date:
        """The day the changed pairings' second supervisor took over."""
        return month_add(self.first_month, REPAIRED_AFTER_MONTHS)
