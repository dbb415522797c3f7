"""Benchmark of auto-assignment (issue 3: 2,000 / 200 under 2 s, 100,000 / 10,000 under 60 s).

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python -m bench.autoassign
    ... -m bench.autoassign --workers 2000 --supervisors 200 [--repeat 3] [--no-write]

Times the pure solver (`supervisors.autoassign.solve`) on a synthetic district shaped like
Changning: 10 subdistricts weighted by their committee counts, committees of the six housing
types, ~8% of workers in subdistrict offices, supervisors spread a little unevenly over the
subdistricts (so some workers must cross), one or two specialties each, capacity 10, nobody
assigned yet. The database reads (two `values_list` queries) are not included.

Writes the results between the markers of the "## Auto-assignment" section of
docs/benchmarks.md, leaving the rest of the file alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from supervisors.autoassign import Plan, SupervisorRow, WorkerRow, solve  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:autoassign -->", "<!-- /bench:autoassign -->"
SIZES = ((2_000, 200, 2.0), (100_000, 10_000, 60.0))
TODAY = dt.date(2026, 11, 1)
# Committees per subdistrict (DOMAIN.md, Changning's public table).
COMMITTEES = (21, 13, 17, 21, 17, 24, 20, 8, 15, 33)
HOUSING = ("public_resale", "commercial", "foreign", "villa", "resettlement", "mixed")
HOUSING_WEIGHTS = (40, 25, 5, 8, 12, 10)


def synthetic(
    n_workers: int, n_supervisors: int, *, seed: int = 2019
) -> tuple[list[WorkerRow], list[SupervisorRow]]:
    rng = random.Random(seed)
    subdistricts = list(range(1, len(COMMITTEES) + 1))
    committees: list[tuple[int, int, str]] = []  # (id, subdistrict, housing type)
    scale = max(1, n_workers // 2_000)
    for sd, count in zip(subdistricts, COMMITTEES, strict=True):
        for _ in range(count * scale):
            ht = rng.choices(HOUSING, HOUSING_WEIGHTS)[0]
            committees.append((len(committees) + 1, sd, ht))
    workers = []
    for pk in range(1, n_workers + 1):
        started = TODAY - dt.timedelta(days=rng.randint(0, 30 * 365))
        if rng.random() < 0.08:
            workers.append(WorkerRow(pk, rng.choice(subdistricts), None, None, started))
        else:
            nb, sd, ht = rng.choice(committees)
            workers.append(WorkerRow(pk, sd, nb, ht, started))
    # Supervisors follow the committees, with +-30% noise per subdistrict.
    sd_weights = [c * rng.uniform(0.7, 1.3) for c in COMMITTEES]
    supervisors = [
        SupervisorRow(
            pk=pk,
            home_subdistrict_id=rng.choices(subdistricts, sd_weights)[0],
            specialties=frozenset(rng.sample(HOUSING, rng.randint(1, 2))),
            capacity=10,
            load=0,
        )
        for pk in range(1, n_supervisors + 1)
    ]
    return workers, supervisors


def run(n_workers: int, n_supervisors: int, repeat: int) -> tuple[list[float], Plan]:
    workers, supervisors = synthetic(n_workers, n_supervisors)
    times, plan = [], None
    for _ in range(repeat):
        plan = solve(workers, supervisors, today=TODAY)
        times.append(plan.solver_seconds)
    assert plan is not None
    assert all(load <= 10 for load in plan.loads_after.values())
    return times, plan


def write_section(lines: list[str]) -> None:
    section = "\n".join([START, *lines, END])
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n## Auto-assignment\n\n" + section + "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int)
    parser.add_argument("--supervisors", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    sizes = SIZES
    if args.workers or args.supervisors:
        n_w = args.workers or 2_000
        sizes = ((n_w, args.supervisors or max(1, n_w // 10), None),)

    rows = []
    for n_workers, n_supervisors, target in sizes:
        times, plan = run(n_workers, n_supervisors, args.repeat)
        median = statistics.median(times)
        verdict = "" if target is None else ("ok" if median < target else "TOO SLOW")
        print(
            f"{n_workers:>7,} workers / {n_supervisors:>6,} supervisors: "
            f"median {median:.3f} s, best {min(times):.3f} s over {len(times)} runs"
            f"{f' (target < {target:g} s: {verdict})' if target else ''}; "
            f"placed {plan.placed:,}, unplaced {plan.unplaced:,}, "
            f"same subdistrict {plan.same_subdistrict_share:.1%}, "
            f"specialty {plan.specialty_share:.1%}"
        )
        rows.append(
            f"| {n_workers:,} / {n_supervisors:,} | {median:.3f} s | {min(times):.3f} s | "
            f"{f'< {target:g} s' if target else '—'} | {plan.placed:,} | {plan.unplaced:,} | "
            f"{plan.same_subdistrict_share:.1%} | {plan.specialty_share:.1%} |"
        )
    if args.no_write:
        return
    write_section(
        [
            "`python -m bench.autoassign` (`make bench`): the pure solver "
            "(`supervisors.autoassign.solve`: classes, min-cost-flow LP with HiGHS dual simplex, "
            "expansion into pairs) on a synthetic Changning-shaped district, capacity 10, "
            "nobody assigned yet; database reads not included. "
            f"Measured {dt.date.today():%Y-%m-%d} on {platform.machine()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}.",
            "",
            "| workers / supervisors | median | best | target | placed | unplaced "
            "| same subdistrict | specialty match |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(f"updated {DOCS.relative_to(Path.cwd()) if DOCS.is_relative_to(Path.cwd()) else DOCS}")


if __name__ == "__main__":
    main()
