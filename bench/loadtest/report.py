"""Summarise a load-test run (scripts/loadtest.sh) into docs/benchmarks.md.

    .venv/bin/python -m bench.loadtest.report --csv /tmp/.../locust --results /tmp/.../results.json
        [--users 50 --rate 10 --duration 60s --workers 5] [--no-write]

Reads the samples the locustfile kept (every request: name, time, milliseconds, error) and
locust's own `<csv>_stats.csv` (for its request rate), and writes requests, failures, median,
p95 and p99 per endpoint group ("supervisor", "admin", "hr", "leader", "report", "login"), per
endpoint and in total between the markers of the "## Load" section, leaving the rest of the file
alone. Percentiles are nearest-rank over the raw samples, not locust's rounded buckets.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:loadtest -->", "<!-- /bench:loadtest -->"
CITY_START, CITY_END = "<!-- bench:loadtest-city -->", "<!-- /bench:loadtest-city -->"
TARGET_P95_MS = 500
GROUP_LABELS = {
    "login": "sign-in (everyone, once)",
    "supervisor": "supervisors logging sessions",
    "admin": "subdistrict admins browsing",
    "hr": "district HR (coverage, export)",
    "leader": "leaders on dashboards",
    "report": "one report being built",
}


@dataclass
class Row:
    label: str
    times: list[float]
    failures: int

    @property
    def count(self) -> int:
        return len(self.times)

    def pct(self, p: float) -> float:
        ordered = sorted(self.times)
        if not ordered:
            return 0.0
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def locust_rate(csv_prefix: str) -> float | None:
    path = Path(f"{csv_prefix}_stats.csv")
    if not path.exists():
        return None
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                return float(row["Requests/s"])
    return None


def summarise(samples: list[list]) -> tuple[list[Row], list[Row], Row, dict[str, int]]:
    by_name: dict[str, Row] = {}
    by_group: dict[str, Row] = {}
    total = Row("**total**", [], 0)
    errors: dict[str, int] = defaultdict(int)
    for name, _at, ms, error in samples:
        group = name.split(":", 1)[0]
        for row in (
            by_name.setdefault(name, Row(name, [], 0)),
            by_group.setdefault(group, Row(GROUP_LABELS.get(group, group), [], 0)),
            total,
        ):
            row.times.append(ms)
            row.failures += bool(error)
        if error:
            errors[f"{name}: {error}"] += 1
    order = list(GROUP_LABELS)
    groups = sorted(by_group.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    return (
        [row for _key, row in groups],
        [by_name[k] for k in sorted(by_name)],
        total,
        dict(errors),
    )


def table(rows: list[Row], seconds: float) -> list[str]:
    lines = [
        "| | requests | failures | median | p95 | p99 | max | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.label} | {row.count:,} | {row.failures} | {row.pct(50):.0f} ms "
            f"| {row.pct(95):.0f} ms | {row.pct(99):.0f} ms | {max(row.times, default=0):.0f} ms "
            f"| {row.count / seconds:.1f} |"
        )
    return lines


def duration_seconds(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    return float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)


def render(args: argparse.Namespace, results: dict) -> tuple[str, bool]:
    samples = results["samples"]
    run = results["report_run"]
    seconds = duration_seconds(args.duration)
    groups, endpoints, total, errors = summarise(samples)
    p95 = total.pct(95)
    met = total.failures == 0 and total.count > 0 and p95 < TARGET_P95_MS
    rate = locust_rate(args.csv) if args.csv else None
    # The sign-ins all come in the first seconds (a password hash each: Argon2id, about 20 ms
    # of CPU); the steady state without them says what the pages cost.
    steady = Row("", [ms for name, _at, ms, _e in samples if not name.startswith("login")], 0)
    after_ramp = Row("", [ms for _n, at, ms, _e in samples if at >= 20], 0)
    today = dt.date.today().isoformat()
    lines = [
        f"`make {'loadtest-city' if args.city else 'loadtest'}` (scripts/loadtest.sh, "
        f"bench/loadtest/locustfile.py): {args.users} "
        f"simulated users started {args.rate} a second, for {args.duration}, against gunicorn "
        f"({args.workers} sync workers) with production settings, PostgreSQL 15, Redis (broker, "
        f"and the cache that keeps dashboard figures for 5 minutes) and one Celery worker "
        f"niced as deployed, all on this machine, loopback only; "
        + (
            "a copy of `make bench-city`'s city-scale district (`seed_demo --scale 50 --today "
            "2026-11-01`: 104,500 workers, 9,250 committees, 1.6 million session logs, "
            "687,000 enrolments; PostgreSQL's default memory and planner settings). "
            if args.city
            else "the demo district (`seed_demo`: ~2,000 workers, 200 supervisors, 18 months "
            "of session logs). "
        )
        + f"Users: 30 supervisors "
        f"(dd0001…, each logging sessions for their own trainees through the form), 12 "
        f"subdistrict administrators (roster filters, search, paging, worker pages, logs, "
        f"coverage, dashboard), 4 district HR users (coverage board, roster, whole-district "
        f"XLSX export, certification lists), 3 leaders (home, dashboards for several periods, "
        f"coverage), 1 district administrator having last year's district report built "
        f"(request, status polls, PDF download). Each signs in once through the login form "
        f"(CSRF, django-axes on); think time 3–8 s between pages. Measured {today} on "
        f"{platform.machine()}, {os.cpu_count()} CPUs ({cpu_model()}), Python "
        f"{platform.python_version()}; locust and the servers share the two CPUs"
        + (
            f"; 1-minute load average {args.load_before:.2f} before the run and "
            f"{args.load_after:.2f} at its end (anything else running on the machine shows here)"
            if args.load_before is not None and args.load_after is not None
            else ""
        )
        + "."
        + (f" DATABASE_URL carried `?{unquote(args.db_query)}`." if args.db_query else ""),
        "",
        f"**Target** ({'issue 13' if args.city else 'issue 8'}): 0 errors and p95 under {TARGET_P95_MS} ms. "
        + (
            f"**Met**: {total.failures} errors, p95 {p95:.0f} ms."
            if met
            else f"**Not met**: {total.failures} errors, p95 {p95:.0f} ms."
        ),
        "",
        *(
            [
                f"**Caution**: the machine was busy with other work (load average "
                f"{args.load_before:.1f} on {os.cpu_count()} CPUs), so these figures measure "
                f"that contention as much as Dudao; run `make loadtest` on a quiet machine.",
                "",
            ]
            if args.load_before is not None and args.load_before > (os.cpu_count() or 1)
            else []
        ),
        *table([*groups, total], seconds),
        "",
        f"Requests per second (locust): {rate:.1f}." if rate is not None else "",
        f"Without the sign-ins, p95 is {steady.pct(95):.0f} ms over {steady.count:,} requests; "
        f"from 20 s on (ramp-up and the sign-in burst over), p95 is {after_ramp.pct(95):.0f} ms "
        f"over {after_ramp.count:,}.",
        "",
        "Report run: "
        + (
            f"{run['status']} {run['seconds']} s after it was asked for"
            if run.get("seconds") is not None
            else str(run.get("status"))
        )
        + (f" ({run['error']})" if run.get("error") else "")
        + ".",
        "",
    ]
    if errors:
        lines += ["Failures:", ""]
        for text, n in sorted(errors.items(), key=lambda kv: -kv[1])[:10]:
            lines.append(f"- {n} × {text}")
        lines.append("")
    slow = sorted(endpoints, key=lambda r: -sum(ms > TARGET_P95_MS for ms in r.times))
    slow = [r for r in slow if any(ms > TARGET_P95_MS for ms in r.times)][:6]
    if slow:
        over = sum(ms > TARGET_P95_MS for ms in total.times)
        lines += [
            f"Requests over {TARGET_P95_MS} ms: {over:,} of {total.count:,}, most of them "
            + "; ".join(
                f"{r.label} ({sum(ms > TARGET_P95_MS for ms in r.times)}, "
                f"median {r.pct(50):.0f} ms)"
                for r in slow
            )
            + ".",
            "",
        ]
    lines += [
        "<details><summary>Per endpoint</summary>",
        "",
        *table(endpoints, seconds),
        "",
        "</details>",
    ]
    return "\n".join(line for line in lines if line is not None), met


def write(section: str, *, city: bool = False) -> None:
    start, end = (CITY_START, CITY_END) if city else (START, END)
    heading = "## Load at city scale (100,000 workers)" if city else "## Load"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    block = f"{start}\n{section}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    DOCS.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", required=True, help="JSON the locustfile wrote")
    parser.add_argument("--csv", help="locust's --csv prefix")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=int, default=10)
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--load-before", type=float, help="1-minute load average at the start")
    parser.add_argument("--load-after", type=float, help="1-minute load average at the end")
    parser.add_argument(
        "--db-query", default="", help="what was added to DATABASE_URL, if anything"
    )
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    parser.add_argument(
        "--city", action="store_true", help="the run was against the 100,000-worker district"
    )
    args = parser.parse_args()
    results = json.loads(Path(args.results).read_text(encoding="utf-8"))
    section, met = render(args, results)
    print(section)
    if not args.no_write:
        write(section, city=args.city)
        print(f"\nWritten to {DOCS}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
