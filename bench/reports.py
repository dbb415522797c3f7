"""Benchmark of the district year-end report (issue 6: the PDF in under 5 s of worker time).

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python -m bench.reports
    ... -m bench.reports [--repeat 3] [--no-write]

Seeds the demo district (`seed_demo(today=2026-11-01)`, scale 1, with its 18 months of
supervision logs, May 2025 to October 2026; a fixed today keeps runs comparable) into a fresh
SQLite database under /tmp, then times `reports.services.report_build` — what the
Celery worker runs: every figure, the PDF and the workbook — for the whole district's year
2025 (year-end evaluation). The first build in a process also pays for importing WeasyPrint
and loading the CJK font; it is reported apart, the target applies to a warm worker.

Writes the results between the markers of the "## District reports" section of
docs/benchmarks.md, leaving the rest of the file alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="dudao-bench-reports-", dir="/tmp"))
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'db.sqlite3'}"
os.environ["DJANGO_MEDIA_ROOT"] = str(_TMP / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from demo.seed import seed_demo  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:reports -->", "<!-- /bench:reports -->"
TARGET = 5.0
# The demo's today for the seed: fixed, so that each run reports on the same history (and the
# year 2025 report has the same months of logs as when the target was first measured).
SEED_TODAY = dt.date(2026, 11, 1)


def write_section(lines: list[str]) -> None:
    section = "\n".join([START, *lines, END])
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n## District reports\n\n" + section + "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def build_once(actor) -> tuple[float, float, object]:
    """One build from scratch: (wall seconds, CPU seconds of this process, the run)."""
    from django.db import transaction

    from reports.models import ReportRun
    from reports.services import report_build, report_request

    ReportRun.objects.all().delete()
    with transaction.atomic():
        run = report_request(actor=actor, period_kind="year", year=2025, number=1)
        # Build here, timed, rather than through the broker.
        transaction.get_connection().run_on_commit.clear()
    wall, cpu = time.perf_counter(), time.process_time()
    run = report_build(run.pk)
    return time.perf_counter() - wall, time.process_time() - cpu, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    counts = seed_demo(today=SEED_TODAY)
    print(f"seeded in {time.perf_counter() - t:.1f} s: {counts['active_workers']:,} active workers")
    actor = User.objects.filter(role=Role.DISTRICT_ADMIN).first() or User.objects.create(
        username="bench-district", role=Role.DISTRICT_ADMIN
    )

    cold_wall, cold_cpu, run = build_once(actor)
    assert run.status == "done", run.error
    walls, cpus = [], []
    for _ in range(args.repeat):
        wall, cpu, run = build_once(actor)
        assert run.status == "done", run.error
        walls.append(wall)
        cpus.append(cpu)
    median = statistics.median(walls)
    cpu = statistics.median(cpus)
    load = os.getloadavg()[0]
    # Worker time is the worker process's own CPU time; wall time also counts waiting for a
    # CPU when the machine is shared (the load average is recorded with it).
    verdict = "ok" if cpu < TARGET else "TOO SLOW"
    size_pdf, size_xlsx = run.file.size, run.xlsx_file.size
    print(
        f"district year-end report: median {cpu:.2f} s worker CPU ({median:.2f} s wall, "
        f"load {load:.1f}), best {min(walls):.2f} s over {len(walls)} warm builds (target < {TARGET:g} s: "
        f"{verdict}); first build in the process {cold_wall:.2f} s; "
        f"PDF {size_pdf / 1024:.0f} KiB, workbook {size_xlsx / 1024:.0f} KiB"
    )
    if args.no_write:
        return
    write_section(
        [
            "`python -m bench.reports` (`make bench`): `reports.services.report_build` — all "
            "figures, the PDF (WeasyPrint) and the workbook — for the whole district's year 2025 "
            "(year-end evaluation) on the demo district (`seed_demo(today="
            f"{SEED_TODAY:%Y-%m-%d})`, scale 1, "
            f"{counts['active_workers']:,} active workers, 18 months of logs) in SQLite under "
            f"/tmp. Measured {dt.date.today():%Y-%m-%d} on {platform.machine()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}.",
            "",
            "Worker time = CPU time of the building process; wall time also includes waiting "
            f"for a CPU (1-minute load average during the run: {load:.1f}).",
            "",
            "| build | median worker CPU | median wall | best wall | target (CPU) | PDF | workbook |",
            "|---|---|---|---|---|---|---|",
            f"| warm worker ({len(walls)} builds) | {cpu:.2f} s | {median:.2f} s | "
            f"{min(walls):.2f} s | < {TARGET:g} s ({verdict}) "
            f"| {size_pdf / 1024:.0f} KiB | {size_xlsx / 1024:.0f} KiB |",
            f"| first build in a new process | {cold_cpu:.2f} s | {cold_wall:.2f} s | — | — | — "
            "| — |",
        ]
    )
    print(f"updated {DOCS}")


if __name__ == "__main__":
    main()
