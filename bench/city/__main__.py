"""`python -m bench.city`: seed (once) and measure issue 13's pages; see bench/city/__init__.py."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .cluster import Cluster

BASE = Path(__file__).resolve().parent.parent.parent
DOCS = BASE / "docs" / "benchmarks.md"
START, END = "<!-- bench:city -->", "<!-- /bench:city -->"
HEADING = "## City scale (100,000 workers)"
SEED_TODAY = "2026-11-01"  # fixed, so that a kept database and the figures stay comparable
SMALL, LARGE = 1, 50  # seed_demo scales: about 2,000 and 104,500 workers


@dataclass(frozen=True)
class Target:
    text: str
    ms: float | None = None  # the median must be ≤ this
    ratio: float | None = None  # page ÷ baseline must be ≤ this


ROSTER = Target("≤ 1.5× admin, ≤ 150 ms", ms=150, ratio=1.5)
QUICK = Target("≤ 300 ms", ms=300)
TARGETS = {
    "roster": ROSTER,
    "roster-filtered": ROSTER,
    "roster-search": ROSTER,
    "roster-subdistrict": ROSTER,
    "certification": Target("≤ 2× SQL, ≤ 1 s", ms=1000, ratio=2),
    "reports": Target("≤ 2× SQL (none yet), ≤ 1 s", ms=1000),
    # The same figures computed on request: what the background refresh pays after a change,
    # held to the dashboard's own bound so that the table shows what the snapshot hides.
    "reports-live": Target("≤ 1 s (the dashboard's)", ms=1000),
    "sessions": QUICK,
    "training": QUICK,
    "sitting": Target("first paint ≤ 500 ms", ms=500),
    "sitting-save": Target("≤ 5 s", ms=5000),
    "coverage": QUICK,
    "roster-xlsx": Target("≤ 10 s, in the background", ms=10_000),
    # The "15 s of worker CPU" is judged on wall time: the SQL, most of the build,
    # runs in PostgreSQL, not in the worker's CPU time.
    "report-year": Target("≤ 15 s (judged on wall)", ms=15_000),
    # Issue 14: the fixed-format workbook of the whole district.
    "workbook": Target("≤ 30 s, in the background", ms=30_000),
    # Issue 14 sets no bound for the grade ledger's jobs: ours is that a year's ledger of the
    # whole city is computed, and applied, within two minutes each in the background.
    "grades-compute": Target("≤ 120 s, in the background (ours)", ms=120_000),
    "grades-apply": Target("≤ 120 s, in the background (ours)", ms=120_000),
}


def target_for(key: str) -> Target:
    return TARGETS.get(key, QUICK)  # the homes


# --- seeding ----------------------------------------------------------------------------------


def demo_hash() -> str:
    """Of the seeders' code: a database seeded by other seeders is reported as such."""
    digest = hashlib.sha256()
    for path in sorted((BASE / "demo").rglob("*.py")):
        digest.update(path.relative_to(BASE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def django_env(url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="False",
        DJANGO_LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def manage(cluster: Cluster, database: str, *args: str, log: Path | None = None) -> None:
    out = open(log, "w", encoding="utf-8") if log else None  # noqa: SIM115
    try:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE,
            env=django_env(cluster.url(database)),
            check=True,
            stdout=out,
        )
    finally:
        if out:
            out.close()


def seed_marker(cluster: Cluster, database: str) -> dict | None:
    with cluster.connect(database) as conn:
        exists = conn.execute("SELECT to_regclass('bench_city_seed') IS NOT NULL").fetchone()[0]
        if not exists:
            return None
        row = conn.execute(
            "SELECT scale, today::text, seconds, vacuum_seconds, demo_hash, seeded_at "
            "FROM bench_city_seed"
        ).fetchone()
    if row is None:
        return None
    keys = ("scale", "today", "seconds", "vacuum_seconds", "demo_hash", "seeded_at")
    return dict(zip(keys, row, strict=True))


def has_workers(cluster: Cluster, database: str) -> bool:
    with cluster.connect(database) as conn:
        if not conn.execute("SELECT to_regclass('trainees_trainee') IS NOT NULL").fetchone()[0]:
            return False
        return conn.execute("SELECT EXISTS (SELECT 1 FROM trainees_trainee)").fetchone()[0]


def ensure_seeded(cluster: Cluster, scale: int, *, reseed: bool) -> dict:
    """Migrate the size's database and seed it unless a complete seed is marked in it."""
    database = f"dudao_city_{scale}"
    if reseed or database not in cluster.databases():
        cluster.drop_database(database)
        cluster.create_database(database)
    manage(cluster, database, "migrate", "--no-input", "-v0")
    marker = seed_marker(cluster, database)
    if marker is None and has_workers(cluster, database):
        # Workers without the marker: a seed that is not this benchmark's; start again.
        print(f"{database}: data without a complete seed marker, building it again")
        cluster.drop_database(database)
        cluster.create_database(database)
        manage(cluster, database, "migrate", "--no-input", "-v0")
    if marker is None:
        print(f"{database}: seed_demo --scale {scale} --today {SEED_TODAY} …", flush=True)
        started = time.perf_counter()
        log = cluster.root / f"seed-{scale}.log"
        manage(cluster, database, "seed_demo", f"--scale={scale}", f"--today={SEED_TODAY}", log=log)
        seconds = time.perf_counter() - started
        with cluster.connect(database) as conn:
            # As autovacuum would soon after a load in production: the visibility map that
            # index-only scans need, and no autovacuum worker busy during the measurements.
            started = time.perf_counter()
            conn.execute("VACUUM (ANALYZE)")
            vacuum_seconds = time.perf_counter() - started
            conn.execute(
                "CREATE TABLE bench_city_seed (scale int, today date, seconds float, "
                "vacuum_seconds float, demo_hash text, seeded_at timestamptz DEFAULT now())"
            )
            conn.execute(
                "INSERT INTO bench_city_seed (scale, today, seconds, vacuum_seconds, demo_hash) "
                "VALUES (%s, %s, %s, %s, %s)",
                (scale, SEED_TODAY, seconds, vacuum_seconds, demo_hash()),
            )
        print(
            f"{database}: seeded in {seconds:,.0f} s, then VACUUM (ANALYZE) "
            f"{vacuum_seconds:,.0f} s (log {log})",
            flush=True,
        )
        marker = seed_marker(cluster, database)
    elif marker["demo_hash"] != demo_hash():
        print(
            f"{database}: seeded {marker['seeded_at']:%Y-%m-%d} by other seeders (demo/ changed"
            " since); --reseed to build it with the current ones"
        )
    marker["database"] = database
    marker["size_bytes"] = cluster.size(database)
    marker["current_seeders"] = marker["demo_hash"] == demo_hash()
    return marker


# --- measuring --------------------------------------------------------------------------------


def measure(cluster: Cluster, database: str, args: argparse.Namespace) -> dict:
    # The background rows write and roll back (a ledger applied to 50,000 workers leaves as
    # many dead periods): vacuum first, as autovacuum would have by the next day, so that a
    # run does not measure the previous run's leftovers.
    with cluster.connect(database) as conn:
        conn.execute("VACUUM (ANALYZE)")
    options = f"-c jit=off -c statement_timeout={int(args.timeout * 1000)}"
    with tempfile.TemporaryDirectory(prefix="dudao-city-") as tmp:
        out = Path(tmp) / "results.json"
        command = [sys.executable, "-m", "bench.city.measure", "--out", str(out)]
        command += ["--today", SEED_TODAY, "--repeat", str(args.repeat)]
        command += ["--timeout", str(args.timeout)]
        if args.only:
            command += ["--only", args.only]
        if args.explain:
            command += ["--explain", str(args.root / "explain" / database)]
        env = django_env(
            cluster.url(database, options),
            DJANGO_ALLOWED_HOSTS="testserver",
            DJANGO_MEDIA_ROOT=str(Path(tmp) / "media"),
            DUDAO_DASHBOARD_CACHE_SECONDS="0",  # every dashboard computed afresh
        )
        subprocess.run(command, cwd=BASE, env=env, check=True)
        results = json.loads(out.read_text(encoding="utf-8"))
    # Kept beside the data: every figure of the last run, for a closer look.
    kept = args.root / "results" / f"{database}.json"
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


# --- the table --------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:,.1f} s" if value >= 10_000 else f"{value:,.0f} ms"


def shown(t: dict | None, timeout_s: float, *, sql: bool = False, cpu: bool = False) -> str:
    if t is None:
        return "—"
    if t["error"]:
        return f"error: {t['error']}"
    if t["timed_out_after_ms"] is not None:
        if t["runs_ms"]:  # the counted request after the timed ones
            return f"{ms(t['median_ms'])}, then > {timeout_s:g} s"
        return f"> {timeout_s:g} s"
    text = ms(t["median_ms"])
    if sql and t["sql_ms"] is not None:
        text += f" (SQL {ms(t['sql_ms'])})"
    if cpu and t["cpu_ms"] is not None:
        text += f", CPU {ms(t['cpu_ms'])}"
    return text


def verdict(key: str, small: dict | None, large: dict | None) -> tuple[str, str]:
    """(ratio, met) for the large district's row."""
    target = target_for(key)
    if large is None:
        return "—", "—"
    page, base = large["page"], large.get("baseline")
    if page["median_ms"] is None:
        return "—", "no"
    misses = []
    ratio = None
    if base and base["median_ms"]:
        ratio = page["median_ms"] / base["median_ms"]
    if target.ratio is not None and ratio is not None and ratio > target.ratio:
        misses.append(f"{ratio:.1f}×")
    if target.ms is not None and page["median_ms"] > target.ms:
        misses.append(ms(page["median_ms"]))
    if small and small["page"]["queries"] not in (None, page["queries"]):
        misses.append("queries grow")
    return (f"{ratio:.1f}×" if ratio is not None else "—"), ("yes" if not misses else "no")


def table(results: dict[int, dict]) -> list[str]:
    small, large = results.get(SMALL, {}).get("pages", {}), results.get(LARGE, {}).get("pages", {})
    keys = list(dict.fromkeys([*small, *large]))
    lines = [
        "| page (district admin unless noted) | 2,000 workers | 100,000 workers (SQL) "
        "| baseline at 100,000 (at 2,000) | ratio | queries 2,000 / 100,000 "
        "| size at 100,000 | target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key in keys:
        s, g = small.get(key), large.get(key)
        row = g or s
        timeout = row["timeout_s"]
        if row["baseline_label"]:
            base = (
                f"{row['baseline_label']}: {shown(g and g.get('baseline'), timeout)} "
                f"({shown(s and s.get('baseline'), timeout)})"
            )
        else:
            base = "—"
        queries = " / ".join(
            str(r["page"]["queries"]) if r and r["page"]["queries"] is not None else "—"
            for r in (s, g)
        )
        size = g["page"]["bytes"] if g and g["page"]["bytes"] is not None else None
        ratio, met = verdict(key, s, g)
        large_cell = shown(g and g["page"], timeout, sql=True, cpu=row["job"])
        lines.append(
            f"| {row['label']} | {shown(s and s['page'], timeout, cpu=row['job'])} "
            f"| {large_cell} | {base} | {ratio} | {queries} | {_kb(size)} "
            f"| {target_for(key).text} | {met} |"
        )
    return lines


def _kb(size: int | None) -> str:
    if size is None:
        return "—"
    return f"{size / 1_048_576:,.1f} MB" if size >= 1_048_576 else f"{size / 1024:,.0f} KB"


def describe(results: dict[int, dict], seeds: dict[int, dict], args, pg: str, load) -> list[str]:
    sizes = []
    for scale in sorted(results):
        f, seed = results[scale]["facts"], seeds[scale]
        sizes.append(
            f"scale {scale}: {f['workers']:,} workers, {f['committees']:,} committees, "
            f"{f['session_logs']:,} session logs, {f['enrolments']:,} enrolments, largest "
            f"sitting {f['largest_sitting_enrolments']:,} enrolments; database "
            f"{seed['size_bytes'] / 1_073_741_824:.1f} GB, seeded in {seed['seconds']:,.0f} s "
            f"(then VACUUM (ANALYZE) {seed['vacuum_seconds']:,.0f} s) "
            f"on {seed['seeded_at']:%Y-%m-%d}"
            + ("" if seed["current_seeders"] else " by earlier seeders")
        )
    facts = [results[scale]["facts"] for scale in results]
    agree = {f["hand_sql_agrees"] for f in facts if "hand_sql_agrees" in f}
    if agree == {True}:
        agree_text = "its figures checked equal to the dashboard's at each size"
    elif False in agree:
        agree_text = "its figures DIFFER from the dashboard's"
    else:
        agree_text = "not compared with the dashboard's figures in this run"
    return [
        "`make bench-city` (`python -m bench.city`, bench/city/): each page requested through "
        "Django's test client in one process against PostgreSQL (server side only: middleware, "
        "view, queries, template; no network or browser), signed in as the row's user, clock "
        f"stopped at 10:00 of the seed's today {SEED_TODAY}, local settings with DEBUG off and the "
        "dashboard cache off. One warm-up request, then the median of "
        f"{args.repeat} (background work: of {min(3, args.repeat)}); queries and their time "
        "(SQL) from one more request. Baselines are measured the same way in the same run "
        "(the admin as the district admin; the certification dashboard's is "
        f"bench/certification.py's hand-written statement in PostgreSQL's dialect, {agree_text}"
        "). A request is stopped after "
        f"{args.timeout:g} s (statement_timeout; background work {5 * args.timeout:g} s). "
        "Writes (marks, the export's audit entry, the report) are rolled back. CPU: of the "
        "measuring process (Python), not PostgreSQL's; a streamed read's SQL time counts only "
        "opening its cursor. Roster search: the first worker's name "
        + " and ".join(f"“{results[scale]['facts']['search_name']}”" for scale in sorted(results))
        + "; roster filter: the subdistrict administrator's subdistrict and post "
        "“社区工作者” (general). "
        "Ratio and met are for 100,000 workers; met also needs the same number of queries at "
        "both sizes.",
        "",
        f"Data: `seed_demo --scale N --today {SEED_TODAY}` in a kept cluster under "
        f"{args.root} ({pg}, fsync off, default memory and planner settings): "
        + "; ".join(sizes)
        + ".",
        "",
        f"Measured {dt.date.today():%Y-%m-%d} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; 1-minute load average {load[0]:.1f} before and "
        f"{load[1]:.1f} after.",
        "",
    ]


def write_section(lines: list[str]) -> None:
    section = "\n".join([START, *lines, END])
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=f"{SMALL},{LARGE}", help="seed_demo scales")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    parser.add_argument("--only", default="", help="comma-separated page keys (measure.py)")
    parser.add_argument("--root", type=Path, default=Path("/var/tmp/dudao-city"))
    parser.add_argument("--port", type=int, default=55490)
    parser.add_argument("--reseed", action="store_true", help="drop and seed the databases")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="plans of each page's slowest statement into ROOT/explain/DATABASE/",
    )
    parser.add_argument("--keep-running", action="store_true", help="leave PostgreSQL up")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]

    cluster = Cluster(args.root, args.port)
    started = cluster.start()
    print(f"PostgreSQL {'started' if started else 'already running'} on :{args.port}, {args.root}")
    results: dict[int, dict] = {}
    seeds: dict[int, dict] = {}
    try:
        for scale in scales:
            seeds[scale] = ensure_seeded(cluster, scale, reseed=args.reseed)
        if args.seed_only:
            return
        load_before = os.getloadavg()[0]
        for scale in scales:
            print(f"== scale {scale} ({seeds[scale]['database']})", flush=True)
            results[scale] = measure(cluster, seeds[scale]["database"], args)
        load = (load_before, os.getloadavg()[0])
        pg = cluster.version().replace("postgres (PostgreSQL) ", "PostgreSQL ")
    finally:
        if started and not args.keep_running:
            cluster.stop()
    lines = table(results)
    print("\n".join(lines))
    if args.no_write or args.only or set(scales) != {SMALL, LARGE}:
        # docs/benchmarks.md has whole runs only: every page at both sizes.
        print(f"not written to {DOCS.name} (--no-write, --only or --scales)")
        return
    write_section([*describe(results, seeds, args, pg, load), *lines])
    print(f"updated {DOCS}")


if __name__ == "__main__":
    main()
