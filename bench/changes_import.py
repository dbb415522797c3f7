"""Benchmark of the change-list import (人员变动; issue 12: a 2,000-row list applies in seconds).

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python -m bench.changes_import
    ... -m bench.changes_import --rows 2000 [--no-write]

Runs against a throw-away SQLite database and media folder in a temporary directory (never the
development database), or the database DATABASE_URL names when --database-url is given (e.g.
under scripts/with-services.sh): migrates it, seeds the demo district without its activity
(`seed_demo(activity=False)`: structure, workers and their first periods), then builds an
.xlsx list of changes to the workers on duty, two rows each (a transfer to another committee
of the same subdistrict and then a post change; a leave and the return from it; a grade change
and then a secondment), and times, through the services the web page and the command use:

- preview: `import_preview` (read the file, check and plan every row, record the run);
- apply: `import_apply` (read the kept file again, plan again, write every worker's periods,
  their columns and one audit event per row, in one transaction);
- re-import: preview of the same file again (every row already recorded).

Writes the results between the markers of the "## Change-list import" section of
docs/benchmarks.md, leaving the rest of the file alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

if "--database-url" not in sys.argv:
    _TMP = tempfile.mkdtemp(prefix="dudao-bench-changes-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_TMP}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = f"{_TMP}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from audit.models import AuditEvent  # noqa: E402
from core.spreadsheets import write_xlsx  # noqa: E402
from demo.seed import seed_demo  # noqa: E402
from imports.kinds.changes.columns import CHANGES  # noqa: E402
from imports.models import ImportRun  # noqa: E402
from imports.services import import_apply, import_preview  # noqa: E402
from neighbourhoods.models import Neighbourhood  # noqa: E402
from trainees.models import CareerGrade, Trainee, TraineeStatus, WorkerPeriod  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:changes_import -->", "<!-- /bench:changes_import -->"
TARGET = 5.0  # seconds, preview + apply of 2,000 rows


def change_list(rows: int, today: dt.date) -> bytes:
    """`rows` rows, two per worker on duty with a single period since before the dates used."""
    committees: dict[int, list[str]] = {}
    for nb in Neighbourhood.objects.order_by("name"):
        committees.setdefault(nb.subdistrict_id, []).append(nb.name)
    names_of = dict(CareerGrade.objects.filter(level__gte=1).values_list("pk", "name"))
    grades = sorted(names_of)
    settled = WorkerPeriod.objects.filter(starts_on__lt=today - dt.timedelta(days=60))
    workers = list(
        Trainee.objects.filter(status=TraineeStatus.ACTIVE, pk__in=settled.values("trainee_id"))
        .exclude(pk__in=WorkerPeriod.objects.filter(starts_on__gte=today - dt.timedelta(days=60))
                 .values("trainee_id"))
        .select_related("subdistrict", "neighbourhood")
        .order_by("pk")[: rows // 2]
    )  # fmt: skip
    if len(workers) * 2 < rows:
        raise SystemExit(f"only {len(workers)} workers on duty: use fewer rows")
    first, second = today - dt.timedelta(days=20), today - dt.timedelta(days=5)
    data = []
    for i, t in enumerate(workers):
        base = [t.id_number, t.name]
        blank = ["", "", "", "", ""]
        if i % 3 == 0:
            names = [
                n for n in committees[t.subdistrict_id] if n != getattr(t.neighbourhood, "name", "")
            ]
            data.append(
                [
                    *base,
                    "调动",
                    first,
                    t.subdistrict.name,
                    names[i % len(names)],
                    "",
                    "",
                    "",
                    "工作需要",
                    f"长宁民〔2026〕{i}号",
                ]
            )
            post = "社区工作者" if t.post == "member" else "委员"
            data.append([*base, "岗位变动", second, "", "", post, "", "", "", ""])
        elif i % 3 == 1:
            data.append([*base, "休假", first, *blank[:4], "病假", "", ""])
            data.append([*base, "返岗", second, *blank, ""])
        else:
            other = [g for g in grades if g != t.grade_id]
            grade = other[i % len(other)]
            data.append([*base, "调级", first, "", "", "", names_of[grade], "", "", ""])
            data.append([*base, "借调", second, *blank, ""])
    headers = [str(c.header) for c in CHANGES.columns]
    return write_xlsx(headers, data[:rows], sheet_title=str(CHANGES.title))


def timed(fn):
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument(
        "--database-url", action="store_true", help="use DATABASE_URL (a database to empty)"
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    seed_demo(activity=False)
    actor = User.objects.get(username="district")
    today = timezone.localdate()
    data = change_list(args.rows, today)
    events = AuditEvent.objects.count()
    preview, t_preview, c_preview = timed(
        lambda: import_preview(
            kind="changes", file=ContentFile(data, name="变动.xlsx"), actor=actor
        )
    )
    assert preview.error_count == 0, preview.errors[:5]
    assert preview.changed_count == args.rows
    applied, t_apply, c_apply = timed(lambda: import_apply(run=preview, actor=actor))
    assert applied.status == ImportRun.Status.APPLIED, applied.message
    assert AuditEvent.objects.count() == events + args.rows  # one per row
    again, t_again, _cpu = timed(
        lambda: import_preview(
            kind="changes", file=ContentFile(data, name="again.xlsx"), actor=actor
        )
    )
    assert (again.changed_count, again.unchanged_count) == (0, args.rows), again.errors[:5]
    total = t_preview + t_apply
    verdict = "ok" if total < TARGET else "TOO SLOW"
    engine = connection.vendor
    print(
        f"{args.rows:,} rows on {engine}: preview {t_preview:.2f} s, apply {t_apply:.2f} s, "
        f"total {total:.2f} s (target < {TARGET:g} s: {verdict}; CPU {c_preview + c_apply:.2f} "
        f"s, load {os.getloadavg()[0]:.1f}); re-import preview {t_again:.2f} s"
    )
    if args.no_write:
        return
    section = "\n".join(
        [
            START,
            "`python -m bench.changes_import` (`make bench`): an .xlsx list of changes to the "
            "demo district's workers on duty (without activity), two rows per worker (a "
            "transfer then a post change, a leave then the return, a grade change then a "
            "secondment), through `import_preview` (read, check and plan every row; nothing "
            "written) and `import_apply` (plan again, write every worker's periods with "
            "`apply_plans`, their columns with `sync_current` and one audit event per row, in "
            "one transaction), then a preview of the same file again (every row already "
            f"recorded). Fresh {engine} database. Measured {dt.date.today():%Y-%m-%d} on "
            f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.",
            "",
            "| rows | preview | apply | preview + apply | target | CPU (preview + apply) "
            "| load average | re-import preview |",
            "|---|---|---|---|---|---|---|---|",
            f"| {args.rows:,} | {t_preview:.2f} s | {t_apply:.2f} s | {total:.2f} s | "
            f"< {TARGET:g} s ({verdict}) | {c_preview + c_apply:.2f} s | "
            f"{os.getloadavg()[0]:.1f} | {t_again:.2f} s |",
            END,
        ]
    )
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Change-list import\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")
    print(f"updated {DOCS}")


if __name__ == "__main__":
    main()
