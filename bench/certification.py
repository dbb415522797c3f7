"""Benchmark of the certified-on-duty rate dashboard at ~100,000 workers (issue 5).

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python -m bench.certification
    ... -m bench.certification --scale 50 [--repeat 3] [--db /tmp/x.sqlite3] [--no-write]

Builds a temporary SQLite database under /tmp (kept and reused by the next run with the same
scale): the demo district at `--scale` copies (`seed_demo(scale=50, activity=False)`, ~104,500
workers) and its certification history (`demo.seeders.certification.seed_certification`,
without the external CE records), both as of the fixed day TODAY, so that a kept database and
the figures stay comparable from run to run. Then times `certification.selectors.rate_dashboard` for the district
administrator (target, overall, five breakdowns, 24-month trend: nine ORM queries) beside one
hand-written SQL statement computing the same figures, checks that both agree, and writes the
ratio between the markers of the "## Certification rate" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

DEFAULT_SCALE = 50


def _db_path(argv: list[str]) -> Path:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    parser.add_argument("--db")
    known, _rest = parser.parse_known_args(argv)
    return Path(known.db or f"/tmp/dudao-bench-certification-{known.scale}.sqlite3")


# The database must be chosen before Django reads its settings.
DB_PATH = _db_path(sys.argv[1:])
os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from certification.selectors import month_ends, rate_by, rate_dashboard  # noqa: E402
from demo.context import SeedContext  # noqa: E402
from demo.seed import seed_demo  # noqa: E402
from demo.seeders.certification import seed_certification  # noqa: E402
from neighbourhoods.models import Subdistrict  # noqa: E402
from trainees.models import Trainee  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:certification -->", "<!-- /bench:certification -->"
TODAY = dt.date(2026, 11, 1)  # the demo's today and the dashboard's day


def build(scale: int) -> float:
    """Migrate and seed the temporary database unless it already holds this district."""
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Trainee.objects.exists():
        seed_demo(scale=scale, today=TODAY, activity=False)
        ctx = SeedContext(seed=2019, scale=scale, today=TODAY, password="bench")
        ctx.subdistricts = {s.code: s for s in Subdistrict.objects.all()}
        from django.db import transaction

        with transaction.atomic():
            seed_certification(ctx, external_hours=False)
    return time.perf_counter() - started


def hand_sql(day: dt.date, months: list[dt.date]) -> str:
    """One statement: per worker on the books (the history period covering the day: their
    placement and post then) what they hold (certificates from their date) and whether they are
    registered, then every breakdown as a GROUP BY over that, and the trend as months × the
    periods covering each month end."""
    d = f"'{day.isoformat()}'"
    month_rows = " UNION ALL ".join(f"SELECT '{m.isoformat()}' AS day" for m in months)
    on_books = "p.state IN ('on_duty', 'leave', 'seconded')"
    return f"""
WITH w AS (
  SELECT p.trainee_id AS id, p.subdistrict_id, p.neighbourhood_id, n.housing_type, p.post,
    EXISTS (SELECT 1 FROM certification_certificate c
            WHERE c.trainee_id = p.trainee_id AND c.date_issued <= {d}) AS held,
    EXISTS (SELECT 1 FROM certification_registration r
            WHERE r.trainee_id = p.trainee_id AND r.starts_on <= {d} AND r.ends_on >= {d})
      AS reg,
    (SELECT MAX(l.rank) FROM certification_certificate c
       JOIN certification_level l ON l.id = c.level_id
     WHERE c.trainee_id = p.trainee_id AND c.date_issued <= {d}) AS top
  FROM trainees_workerperiod p
  LEFT JOIN neighbourhoods_neighbourhood n ON n.id = p.neighbourhood_id
  WHERE p.starts_on <= {d} AND (p.ends_on IS NULL OR p.ends_on >= {d}) AND {on_books}
),
m AS ({month_rows}),
f AS (
  SELECT p.trainee_id AS id, p.starts_on, p.ends_on,
    (SELECT MIN(c.date_issued) FROM certification_certificate c
     WHERE c.trainee_id = p.trainee_id) AS first_held
  FROM trainees_workerperiod p
  WHERE p.starts_on <= '{months[-1].isoformat()}'
    AND (p.ends_on IS NULL OR p.ends_on >= '{months[0].isoformat()}') AND {on_books}
)
SELECT 'all', '', COUNT(*), SUM(held), SUM(reg) FROM w
UNION ALL SELECT 'subdistrict', subdistrict_id, COUNT(*), SUM(held), SUM(reg)
  FROM w GROUP BY subdistrict_id
UNION ALL SELECT 'neighbourhood', subdistrict_id || ':' || IFNULL(neighbourhood_id, ''),
  COUNT(*), SUM(held), SUM(reg) FROM w GROUP BY subdistrict_id, neighbourhood_id
UNION ALL SELECT 'housing_type', IFNULL(housing_type, 'office'), COUNT(*), SUM(held), SUM(reg)
  FROM w GROUP BY housing_type
UNION ALL SELECT 'post', post, COUNT(*), SUM(held), SUM(reg) FROM w GROUP BY post
UNION ALL SELECT 'level', IFNULL(top, 0), COUNT(*), COUNT(top), SUM(reg) FROM w GROUP BY top
UNION ALL SELECT 'trend', m.day, COUNT(*), SUM(f.first_held <= m.day),
  SUM(EXISTS (SELECT 1 FROM certification_registration r
              WHERE r.trainee_id = f.id AND r.starts_on <= m.day AND r.ends_on >= m.day))
  FROM m JOIN f ON f.starts_on <= m.day AND (f.ends_on IS NULL OR f.ends_on >= m.day)
  GROUP BY m.day
"""


def orm_figures(board: dict) -> dict:
    """The dashboard's figures in the hand-written query's shape, to compare them."""
    out = {
        ("all", ""): (
            board["overall"].active,
            board["overall"].certified,
            board["overall"].registered,
        )
    }
    b = board["breakdowns"]
    for r in b["subdistrict"]:
        out[("subdistrict", str(r.key))] = (r.active, r.certified, r.registered)
    committees = b["neighbourhood"]
    if committees is None:
        # The district's dashboard shows the committees of one subdistrict at a time; the
        # hand-written query still counts every committee, so compare them all here (untimed).
        committees = rate_by(
            user=User.objects.get(username="district"), on=board["on"], dimension="neighbourhood"
        )
    for r in committees:
        key = f"{r.extra['subdistrict_id']}:{r.key or ''}"
        out[("neighbourhood", key)] = (r.active, r.certified, r.registered)
    for r in b["housing_type"]:
        out[("housing_type", r.key)] = (r.active, r.certified, r.registered)
    for r in b["post"]:
        out[("post", r.key)] = (r.active, r.certified, r.registered)
    ranks = {"none": 0, "assistant": 1, "intermediate": 2, "senior": 3}
    for r in b["level"]:
        if r.active:
            out[("level", str(ranks[r.key]))] = (r.active, r.certified, r.registered)
    for r in board["trend"]:
        if r.active:
            out[("trend", r.key.isoformat())] = (r.active, r.certified, r.registered)
    return out


def sql_figures(rows) -> dict:
    return {(kind, str(key)): (a, c or 0, g or 0) for kind, key, a, c, g in rows}


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def write_section(lines: list[str]) -> None:
    section = "\n".join([START, *lines, END])
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Certification rate\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    parser.add_argument("--db", help=f"SQLite file (default {DB_PATH})")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    build_s = build(args.scale)
    user = User.objects.get(username="district")
    day = TODAY
    workers = Trainee.objects.count()
    print(f"database {DB_PATH}: {workers:,} workers (built/checked in {build_s:.1f} s)")

    orm_times, board = timed(lambda: rate_dashboard(user=user, on=day), args.repeat)
    sql = hand_sql(day, month_ends(day))

    def run_sql():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    sql_times, rows = timed(run_sql, args.repeat)
    same = orm_figures(board) == sql_figures(rows)
    orm, raw = statistics.median(orm_times), statistics.median(sql_times)
    ratio = orm / raw if raw else float("nan")
    overall = board["overall"]
    print(
        f"rate dashboard (ORM, 9 queries): median {orm:.3f} s; hand-written SQL (1 query): "
        f"median {raw:.3f} s; ratio {ratio:.2f}; figures agree: {same}; "
        f"rate {overall.certified_pct}% certified, {overall.registered_pct}% registered "
        f"of {overall.active:,} active"
    )
    if not same:
        raise SystemExit("the ORM and the hand-written SQL disagree")
    if args.no_write:
        return
    write_section(
        [
            "`python -m bench.certification` (`make bench`): `certification.selectors."
            "rate_dashboard` for the district administrator as of "
            f"{day:%Y-%m-%d} (target, levels, overall, five breakdowns, 24-month trend: nine "
            "queries) beside one hand-written SQL statement computing the same figures (checked "
            "equal), on a temporary SQLite database built with `seed_demo(scale="
            f"{args.scale}, activity=False)` and `seed_certification`. Median of {args.repeat} "
            f"runs. Measured {dt.date.today():%Y-%m-%d} on {platform.machine()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}.",
            "",
            "| workers | active on the day | ORM dashboard | hand-written SQL | ratio "
            "| certified rate | registered rate |",
            "|---|---|---|---|---|---|---|",
            f"| {workers:,} | {overall.active:,} | {orm:.3f} s | {raw:.3f} s | {ratio:.2f} "
            f"| {overall.certified_pct}% | {overall.registered_pct}% |",
        ]
    )
    print(f"updated {DOCS}")


if __name__ == "__main__":
    main()
