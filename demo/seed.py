"""Demo data for Dudao: Changning's 10 subdistricts, 185 committees, ~2,000 workers, demo logins,
the supervisor team, and (with activity) the exam history since 2019 and 18 months of
supervision logs and training.

`seed_demo()` runs the seeders of `STEPS` (and `ACTIVITY_STEPS`) in order; they share a
`SeedContext` (demo/context.py), one module per app under demo/seeders/.

Today: the history ends on the day before `today` (by default the local date), so the
dashboards open on a month with data on the day the demo is seeded; see demo/context.py for
the timeline. `--today` pins it.

Determinism: every generated value comes from a `random.Random` seeded from `--seed` and the
step's name, and every date is reckoned from `ctx.today`, never from the clock. The same seed,
scale and today give the same people, ID numbers, committees and history on any machine.

Run-once rule: the demo only seeds a database that has no community workers. If any `Trainee`
exists (from an earlier run or real data) or one of the demo usernames is taken, `seed_demo`
says why and changes nothing. Subdistricts, committees and career grades that already exist
(matched by statistical code, by subdistrict and name, by level) are reused, not duplicated.

The rows are written a batch at a time from generators (demo/rows.py: `bulk_create`, or plain
INSERTs for the biggest tables), never through the services: the services validate one row at
a time, which is too slow for 100,000 workers and millions of logs, and the seeders produce
valid rows by construction (tests/demo/ checks them against the rules the services enforce).
The yearly assessments are the exception: a few thousand results a year, entered in bulk
through trainees.assessments.services (demo/seeders/assessments.py).
At scale 50 the run stays within minutes and a few hundred MB (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from certification.snapshots import rate_snapshots_clear
from demo import data
from demo.context import (
    DEMO_PASSWORD,
    DEMO_SEED,
    LOGIN_USERNAMES,
    LOGINS,
    SeedContext,
    Writer,
)
from demo.seeders.accounts import seed_logins
from demo.seeders.assessments import seed_assessments
from demo.seeders.certification import seed_certification
from demo.seeders.hr_year import seed_hr_year
from demo.seeders.neighbourhoods import seed_structure
from demo.seeders.populations import seed_populations
from demo.seeders.sessions import seed_sessions
from demo.seeders.supervisors import seed_demo_supervisor, seed_supervisors
from demo.seeders.trainees import seed_grades, seed_workers
from demo.seeders.training import seed_training
from neighbourhoods.models import Neighbourhood, Subdistrict
from reports.snapshots import report_snapshots_clear
from supervisors.models import Assignment
from trainees.models import Trainee, TraineeStatus

Step = Callable[[SeedContext], Any]

# The district, its people and their pairings.
STEPS: list[Step] = [
    seed_structure,
    seed_populations,  # the committees' residents, for the staffing figures
    seed_grades,
    seed_logins,  # before the workers: the district administrator records their histories
    seed_workers,
    seed_demo_supervisor,
    seed_supervisors,
]
# Months of activity on top of the district and its pairings.
ACTIVITY_STEPS: list[Step] = [
    seed_certification,
    seed_sessions,
    seed_training,
    seed_assessments,  # through the services: a few thousand results a year
    seed_hr_year,  # grants paid and this year's grade ledger, through the services
]


def demo_blocker() -> str | None:
    """Why the demo must not be seeded here, or None when the database is free for it."""
    workers = Trainee.objects.count()
    if workers:
        if Subdistrict.objects.filter(code=data.SUBDISTRICTS[0][0]).exists():
            return _("演示数据已存在（%(count)d 名社区工作者），未做任何更改。") % {
                "count": workers
            }
        return _("数据库中已有 %(count)d 名社区工作者，演示数据只写入空库，未做任何更改。") % {
            "count": workers
        }
    taken = list(
        User.objects.filter(username__in=LOGIN_USERNAMES)
        .order_by("username")
        .values_list("username", flat=True)
    )
    if taken:
        return _("演示账号 %(names)s 已存在，未做任何更改。") % {"names": "、".join(taken)}
    return None


def demo_counts() -> dict[str, int]:
    committees = Neighbourhood.objects.count()
    return {
        "subdistricts": Subdistrict.objects.count(),
        "neighbourhoods": committees,
        "committees": committees,  # the same count under the domain's word
        "workers": Trainee.objects.count(),
        "active_workers": Trainee.objects.filter(status=TraineeStatus.ACTIVE).count(),
        "logins": User.objects.filter(username__in=LOGIN_USERNAMES).count(),
        "assignments": Assignment.objects.filter(ended_on__isnull=True).count(),
    }


def seed_demo(
    *,
    seed: int = DEMO_SEED,
    scale: int = 1,
    today: dt.date | None = None,
    password: str = DEMO_PASSWORD,
    stdout: Writer | None = None,
    activity: bool = True,
) -> dict[str, Any]:
    """Fill an empty database with the demo district; see the module docstring for the rules.

    `today` (default: the local date) ends the history: nothing is dated on or after it.
    With activity=False only the structure, workers, logins and pairings are built, not the
    certification history, supervision logs and training (fast, for tests and benchmarks).

    Returns the counts after the run and `created` (False when the run-once rule stopped it).
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    ctx = SeedContext(
        seed=seed,
        scale=scale,
        today=today or timezone.localdate(),
        password=password,
        stdout=stdout,
    )
    with transaction.atomic():
        blocker = demo_blocker()
        if blocker:
            ctx.say(blocker)
            for line in demo_login_lines(password=password):
                ctx.say(line)
            return {"created": False, **demo_counts()}
        for step in STEPS + (ACTIVITY_STEPS if activity else []):
            step(ctx)
        # The seeders write in bulk, past the signals that drop the monthly rate snapshots.
        rate_snapshots_clear()
        report_snapshots_clear()
        counts = demo_counts()
    refresh_planner_statistics()
    _report(ctx, counts)
    return {"created": True, **counts}


def refresh_planner_statistics() -> None:
    """ANALYZE after a bulk load, so the query planner knows the tables' real sizes.

    On PostgreSQL autovacuum may have sampled the tables half-filled, in the middle of the
    load; with those statistics the dashboards' grouped counts took 4.6 s instead of 0.56 s
    until the next automatic ANALYZE (measured on the demo district).
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _report(ctx: SeedContext, counts: dict[str, int]) -> None:
    ctx.say(
        _(
            "演示数据已生成（seed %(seed)d，scale %(scale)d）：街道（镇）%(subdistricts)d 个，"
            "居委会 %(neighbourhoods)d 个，社区工作者 %(workers)d 人，其中在岗 %(active)d 人。"
        )
        % {
            "seed": ctx.seed,
            "scale": ctx.scale,
            "subdistricts": counts["subdistricts"],
            "neighbourhoods": counts["neighbourhoods"],
            "workers": counts["workers"],
            "active": counts["active_workers"],
        }
    )
    ctx.say(
        _("演示数据的“今天”：%(today)s（历史记录截至前一天）。") % {"today": ctx.today.isoformat()}
    )
    ctx.say("")
    for line in demo_login_lines(password=ctx.password):
        ctx.say(line)


def demo_login_lines(*, password: str = DEMO_PASSWORD) -> list[str]:
    """The demo logins that exist in this database, as an aligned table for the terminal."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=LOGIN_USERNAMES).select_related("subdistrict")
    }
    if not users:
        return [_("没有演示账号；运行 manage.py seed_demo 生成。")]
    lines = [_("演示账号（密码均为 %(password)s）：") % {"password": password}]
    rows = [(_("用户名"), _("角色"), _("姓名"), _("范围"))]
    for username, role, _display, _sub in LOGINS:
        user = users.get(username)
        if user is None:
            continue
        scope = user.subdistrict.name if user.subdistrict_id else _("全区")
        if username == "supervisor":
            scope = _("本人学员")
        elif username == "worker":
            scope = _("本人档案")
        rows.append((username, str(Role(role).label), user.display_name, scope))
    widths = [max(_display_width(row[col]) for row in rows) for col in range(3)]
    for row in rows:
        cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[3]]))
    return lines


def _display_width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))
