"""Benchmark of the roster import (issue 7: 2,000 rows under 5 s, 100,000 rows under 2 minutes).

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python -m bench.imports
    ... -m bench.imports --rows 2000 [--no-write]

Runs against a throw-away SQLite database and media folder in a temporary directory (never the
development database): migrates it, seeds the demo district's structure (subdistricts,
committees, grades; `seed_demo(activity=False)`), then for each size builds an .xlsx roster of
new workers spread over the committees and times, through the services the web page and the
command use:

- preview: `import_preview` (read the file, check every row, record the run), nothing written;
- apply: `import_apply` (read the kept file again, re-check, write all rows in one transaction);
- re-import: preview and apply of the same file again (every row unchanged);
- all changed: preview and apply of the same workers with a new mobile number each.

Every write goes through `trainees.bulk.trainees_bulk_apply`, which records one audit event
per worker created or changed: the bench checks their number after each apply.

Writes the results between the markers of the "## Spreadsheet import" section of
docs/benchmarks.md, leaving the rest of the file alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import tempfile
import time
from pathlib import Path

_TMP = tempfile.mkdtemp(prefix="dudao-bench-imports-")
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP}/bench.sqlite3"
os.environ["DJANGO_MEDIA_ROOT"] = f"{_TMP}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts.models import User  # noqa: E402
from audit.models import AuditEvent  # noqa: E402
from core.spreadsheets import write_xlsx  # noqa: E402
from demo.seed import seed_demo  # noqa: E402
from imports.models import ImportRun  # noqa: E402
from imports.services import import_apply, import_preview  # noqa: E402
from neighbourhoods.models import Neighbourhood  # noqa: E402
from trainees.exports import roster_headers  # noqa: E402
from trainees.identity import id_check_char  # noqa: E402
from trainees.models import CareerGrade, Trainee  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:imports -->", "<!-- /bench:imports -->"
SIZES = ((2_000, 5.0), (100_000, 120.0))
EDUCATION = ("大专", "本科", "本科", "硕士", "高中/中专")
POSTS = ("社区工作者", "社区工作者", "社区工作者", "委员", "副书记/副主任")


def synthetic_roster(n: int, *, offset: int, seed: int = 2019, mobile: str = "139") -> bytes:
    """n new workers with valid, unique ID numbers (region codes outside the demo's)."""
    rng = random.Random(seed + offset)
    committees = list(Neighbourhood.objects.select_related("subdistrict").order_by("pk"))
    grades = list(
        CareerGrade.objects.filter(level__gte=1, level__lte=12).values_list("name", flat=True)
    )
    rows = []
    for i in range(n):
        k = offset + i
        birth = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 35))
        male = rng.random() < 0.3
        # 500 sequence numbers per (region, birth date): a region per 500 rows keeps them unique.
        first17 = f"{320100 + k // 500:06d}{birth:%Y%m%d}{(k % 500) * 2 + (1 if male else 0):03d}"
        started = birth + dt.timedelta(days=365 * 22 + rng.randint(0, 365 * 10))
        joined = started + dt.timedelta(days=rng.randint(0, 800))
        nb = committees[k % len(committees)]
        rows.append(
            [
                f"测试{k}",
                "男" if male else "女",
                birth,
                first17 + id_check_char(first17),
                f"{mobile}{k:08d}",
                "群众",
                nb.subdistrict.name,
                nb.name,
                "",
                rng.choice(POSTS),
                rng.choice(grades),
                rng.choice(EDUCATION),
                "",
                "否",
                started,
                joined,
                "在岗",
                "",
            ]
        )
    return write_xlsx(roster_headers(), rows, sheet_title="名册")


CPU: dict[str, float] = {}


def timed(fn, label: str = ""):
    # Wall-clock is the target; CPU time (this process, SQLite included) is recorded too,
    # because a shared machine under load stretches wall-clock time.
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    if label:
        CPU[label] = time.process_time() - cpu
    return result, time.perf_counter() - start


def _events() -> int:
    return AuditEvent.objects.filter(object_type="trainees.trainee").count()


def run_size(n: int, actor: User, offset: int) -> dict:
    data = synthetic_roster(n, offset=offset)
    before, events = Trainee.objects.count(), _events()
    preview, t_preview = timed(
        lambda: import_preview(
            kind="workers", file=ContentFile(data, name=f"{n}.xlsx"), actor=actor
        ),
        "preview",
    )
    assert preview.error_count == 0, preview.errors[:5]
    assert preview.new_count == n and Trainee.objects.count() == before
    applied, t_apply = timed(lambda: import_apply(run=preview, actor=actor), "apply")
    assert applied.status == ImportRun.Status.APPLIED, applied.message
    assert Trainee.objects.count() == before + n
    assert _events() == events + n  # one per worker created
    again, t_again_preview = timed(
        lambda: import_preview(
            kind="workers", file=ContentFile(data, name=f"{n}-again.xlsx"), actor=actor
        )
    )
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, n)
    _again, t_again_apply = timed(lambda: import_apply(run=again, actor=actor))
    assert _events() == events + n  # nothing changed, nothing recorded
    changed = synthetic_roster(n, offset=offset, mobile="138")
    moved, t_changed_preview = timed(
        lambda: import_preview(
            kind="workers", file=ContentFile(changed, name=f"{n}-changed.xlsx"), actor=actor
        )
    )
    assert (moved.new_count, moved.changed_count, moved.error_count) == (0, n, 0), moved.errors[:5]
    moved, t_changed_apply = timed(lambda: import_apply(run=moved, actor=actor))
    assert moved.status == ImportRun.Status.APPLIED, moved.message
    assert _events() == events + 2 * n  # one per worker changed
    return {
        "rows": n,
        "bytes": len(data),
        "preview": t_preview,
        "apply": t_apply,
        "again_preview": t_again_preview,
        "again_apply": t_again_apply,
        "changed_preview": t_changed_preview,
        "changed_apply": t_changed_apply,
        "cpu": CPU["preview"] + CPU["apply"],
        "load": os.getloadavg()[0],
    }


def write_section(lines: list[str]) -> None:
    section = "\n".join([START, *lines, END])
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n## Spreadsheet import\n\n" + section + "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    sizes = ((args.rows, None),) if args.rows else SIZES

    call_command("migrate", verbosity=0)
    seed_demo(activity=False)
    actor = User.objects.get(username="district")
    results = []
    offset = 0
    for n, target in sizes:
        r = run_size(n, actor, offset)
        offset += n
        total = r["preview"] + r["apply"]
        verdict = "" if target is None else ("ok" if total < target else "TOO SLOW")
        print(
            f"{n:>7,} rows ({r['bytes'] / 2**20:.1f} MB): preview {r['preview']:.2f} s, "
            f"apply {r['apply']:.2f} s, total {total:.2f} s (CPU {r['cpu']:.2f} s, "
            f"load {r['load']:.1f})"
            f"{f' (target < {target:g} s: {verdict})' if target else ''}; "
            f"re-import preview {r['again_preview']:.2f} s, apply {r['again_apply']:.2f} s; "
            f"all changed preview {r['changed_preview']:.2f} s, "
            f"apply {r['changed_apply']:.2f} s"
        )
        results.append((r, target, total, verdict))
    if args.no_write:
        return
    write_section(
        [
            "`python -m bench.imports` (`make bench`): an .xlsx roster of new workers (the "
            "columns of the roster export) on top of the demo district, through "
            "`import_preview` (read, check every row, record the run; nothing written) and "
            "`import_apply` (read the kept file again, re-check, write all rows through "
            "`trainees_bulk_apply` in one transaction, with one audit event per worker), then "
            "the same file again (every row unchanged), then the same workers each with a new "
            "mobile number (every row changed, one audit event each). Fresh SQLite "
            f"database. Measured {dt.date.today():%Y-%m-%d} on {platform.machine()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}.",
            "",
            "| rows | file | preview | apply | preview + apply | target | CPU (preview + apply) "
            "| load average | re-import preview | re-import apply | all changed: preview "
            "| all changed: apply |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
            *[
                f"| {r['rows']:,} | {r['bytes'] / 2**20:.1f} MB | {r['preview']:.2f} s | "
                f"{r['apply']:.2f} s | {total:.2f} s | "
                f"{f'< {target:g} s ({verdict})' if target else '—'} | {r['cpu']:.2f} s | "
                f"{r['load']:.1f} | {r['again_preview']:.2f} s | {r['again_apply']:.2f} s | "
                f"{r['changed_preview']:.2f} s | {r['changed_apply']:.2f} s |"
                for r, target, total, verdict in results
            ],
        ]
    )
    print(f"updated {DOCS}")


if __name__ == "__main__":
    main()
