"""One district size of the city benchmark, in a process of its own (Django is set up for one
database). `python -m bench.city` starts it with DATABASE_URL pointing at the seeded database:

    python -m bench.city.measure --today 2026-11-01 --out results.json [--repeat 5]
        [--timeout 60] [--only KEY,...]

Each page is requested through Django's test client in this process (no network, no
browser: the server's side of a request, middleware, view, queries and template), signed in
as the user of its row, with the clock stopped at the seed's today. One warm-up request, then
the median of `--repeat` timed requests, then one more under CaptureQueriesContext for the
number of queries and their own time (SQL). A request that passes `--timeout` seconds is
stopped (PostgreSQL's statement_timeout, set on the connection by the caller, and a check
before each query) and reported as timed out. Writes stay out of the data: the marks, the
export's audit entry and the built report are each made inside a transaction rolled back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# WhiteNoise's, as in the test settings: no collected static files here, none are requested.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import OperationalError, connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.certification import hand_sql, orm_figures, sql_figures  # noqa: E402
from certification.selectors import month_ends, rate_dashboard  # noqa: E402
from neighbourhoods.models import Neighbourhood  # noqa: E402
from sessions.models import SupervisionSession  # noqa: E402
from trainees.models import Post, Trainee  # noqa: E402
from training.models import Attendance, Enrolment, Sitting  # noqa: E402

REPORT_YEAR = 2025  # the year report of issue 13's table: the seeded logs cover May 2025 on


class RequestTimeout(Exception):
    pass


@dataclass
class Timing:
    """What one page (or its baseline) measured."""

    runs_ms: list[float] = field(default_factory=list)
    median_ms: float | None = None
    cpu_ms: float | None = None  # this process's CPU time, median (background jobs)
    queries: int | None = None
    sql_ms: float | None = None
    bytes: int | None = None
    status: int | None = None
    timed_out_after_ms: float | None = None  # set when a request passed the timeout
    error: str = ""
    slowest_sql: str = ""  # of the counted request, or of the one stopped by the timeout
    slowest_ms: float | None = None


class Guard:
    """Stops a request that has run out of time before its next query (a query already running
    is stopped by PostgreSQL's statement_timeout), and keeps the request's slowest statement:
    one stopped by the timeout counts with the time it ran."""

    def __init__(self) -> None:
        self.deadline = float("inf")
        self.slowest: tuple[float, str, object] = (0.0, "", None)

    def start(self, timeout: float) -> None:
        self.deadline = time.perf_counter() + timeout
        self.slowest = (0.0, "", None)

    def __call__(self, execute, sql, params, many, context):
        if time.perf_counter() > self.deadline:
            raise RequestTimeout
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            if not many and took > self.slowest[0]:
                self.slowest = (took, sql, params)

    def slowest_sql(self) -> tuple[str, float]:
        """The slowest statement with its values in it, and its milliseconds."""
        took, sql, params = self.slowest
        if params:
            with connection.cursor() as cursor:
                sql = cursor.cursor.mogrify(sql, params)
        return sql, took * 1000


GUARD = Guard()


def _timed(fn: Callable[[], object], timeout: float) -> tuple[float, float, object]:
    """(wall ms, CPU ms, result) of fn(), raising RequestTimeout past `timeout` seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    GUARD.start(timeout)
    try:
        result = fn()
    except RequestTimeout:
        raise
    except OperationalError as exc:
        if "statement timeout" in str(exc) or "canceling statement" in str(exc):
            raise RequestTimeout from exc
        raise
    finally:
        GUARD.deadline = float("inf")
    wall = (time.perf_counter() - started) * 1000
    if wall > timeout * 1000:
        raise RequestTimeout
    return wall, (time.process_time() - cpu) * 1000, result


def measure(
    fn: Callable[[], object],
    *,
    repeat: int,
    timeout: float,
    around: Callable[[], AbstractContextManager] = nullcontext,
) -> Timing:
    """Warm-up, `repeat` timed calls, one counted call, each inside `around()` (not timed).
    fn returns (status, bytes) or None."""
    out = Timing()
    cpus: list[float] = []
    started = time.perf_counter()
    try:
        with around():
            _timed(fn, timeout)
        for _ in range(repeat):
            with around():
                wall, cpu, result = _timed(fn, timeout)
            out.runs_ms.append(round(wall, 1))
            cpus.append(cpu)
            if result is not None:
                out.status, out.bytes = result
        with around(), CaptureQueriesContext(connection) as captured:
            _timed(fn, timeout)
        queries = captured.captured_queries
        out.queries = len(queries)
        out.sql_ms = round(sum(float(q["time"]) for q in queries) * 1000, 1)
        out.slowest_sql, out.slowest_ms = GUARD.slowest_sql()
    except RequestTimeout:
        out.timed_out_after_ms = round((time.perf_counter() - started) * 1000, 1)
        out.slowest_sql, out.slowest_ms = GUARD.slowest_sql()
    except Exception as exc:  # reported in the table, the run goes on
        out.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    if out.runs_ms:
        out.median_ms = round(statistics.median(out.runs_ms), 1)
    if cpus:
        out.cpu_ms = round(statistics.median(cpus), 1)
    return out


def explain(timing: Timing, path: Path) -> None:
    """The plan of the page's slowest statement into `path`: EXPLAIN (ANALYZE, BUFFERS), or
    EXPLAIN alone when the request was stopped by the timeout (it might not finish)."""
    sql = timing.slowest_sql
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return
    analyse = timing.timed_out_after_ms is None
    with connection.cursor() as cursor:
        try:
            cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if analyse else "EXPLAIN ") + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        except OperationalError as exc:
            plan = f"EXPLAIN failed: {exc}"
    note = "" if analyse else ", request stopped by the timeout"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"-- {timing.slowest_ms:,.0f} ms{note}\n{sql}\n\n{plan}\n", encoding="utf-8")


# --- what is requested ------------------------------------------------------------------------


# The demo's logins (demo/context.py) whose homes are measured, with their roles.
HOMES = [
    ("district", "district admin"),
    ("leader", "leader"),
    ("huayang", "subdistrict admin"),
    ("supervisor", "supervisor"),
    ("worker", "worker"),
]
USERNAMES = [username for username, _role in HOMES]


class Clients:
    """One signed-in test client per username."""

    def __init__(self) -> None:
        self._clients: dict[str, Client] = {}

    def __call__(self, username: str) -> Client:
        if username not in self._clients:
            client = Client()
            client.force_login(User.objects.get(username=username))
            # A first request records the session's activity (SessionIdleTimeoutMiddleware);
            # made inside a page's rolled-back transaction, that write would come again with
            # every request of the page, three more queries each time.
            client.get("/accounts/notifications/")
            self._clients[username] = client
        return self._clients[username]


CLIENTS = Clients()


def get(username: str, url: str) -> Callable[[], tuple[int, int]]:
    def fn() -> tuple[int, int]:
        response = CLIENTS(username).get(url)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        if response.streaming:
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        return response.status_code, size

    return fn


def run_sql(statement: str) -> Callable[[], None]:
    def fn() -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            cursor.fetchall()

    return fn


@contextmanager
def rolled_back(prepare: Callable[[], object] | None = None) -> Iterator[None]:
    """A transaction rolled back at the end, so that the data stays as seeded; `prepare` runs
    in it first (untimed: measure() times only the call inside)."""
    with transaction.atomic():
        if prepare is not None:
            prepare()
        yield
        transaction.set_rollback(True)


def pg_hand_sql(day: dt.date) -> str:
    """bench.certification's hand-written statement (written for SQLite) in PostgreSQL's dialect.

    Each change must apply, so that a change there fails here instead of measuring something
    else: booleans are summed as integers, IFNULL is COALESCE, the months are dates, and the
    breakdown keys are text in every branch of the UNION.
    """
    text = hand_sql(day, month_ends(day))
    changes = [
        (r"SUM\(held\)", "SUM(held::int)"),
        (r"SUM\(reg\)", "SUM(reg::int)"),
        (r"SELECT '(\d{4}-\d\d-\d\d)' AS day", r"SELECT DATE '\1' AS day"),
        (r"SUM\(f\.first_held <= m\.day\)", "SUM((f.first_held <= m.day)::int)"),
        (r"SUM\(EXISTS \(", "SUM((EXISTS ("),
        (r"r\.ends_on >= m\.day\)\)\n", "r.ends_on >= m.day))::int)\n"),
        (r"IFNULL\(neighbourhood_id, ''\)", "COALESCE(neighbourhood_id::text, '')"),
        (r"IFNULL\(housing_type, 'office'\)", "COALESCE(housing_type, 'office')"),
        (r"IFNULL\(top, 0\)", "COALESCE(top, 0)::text"),
        (r"'subdistrict', subdistrict_id,", "'subdistrict', subdistrict_id::text,"),
        (r"'trend', m\.day,", "'trend', m.day::text,"),
    ]
    for pattern, replacement in changes:
        text, n = re.subn(pattern, replacement, text)
        if not n:
            raise SystemExit(f"bench.certification.hand_sql changed: no {pattern!r} in it")
    return text


@dataclass
class Page:
    key: str
    label: str
    fn: Callable[[], object]
    baseline_label: str = ""
    baseline_fn: Callable[[], object] | None = None
    around: Callable[[], AbstractContextManager] = nullcontext
    job: bool = False  # background work: fewer runs (at most 3), five times the timeout


def hand_sql_agrees(day: dt.date) -> bool:
    """Whether the baseline computes the dashboard's figures (untimed, once)."""
    board = rate_dashboard(user=User.objects.get(username="district"), on=day)
    with connection.cursor() as cursor:
        cursor.execute(pg_hand_sql(day))
        rows = cursor.fetchall()
    return orm_figures(board) == sql_figures(rows)


def district_facts() -> dict:
    huayang = User.objects.select_related("subdistrict").get(username="huayang").subdistrict
    largest = (
        Sitting.objects.annotate(n=Count("enrolments"))
        .select_related("event")
        .order_by("-n", "pk")
        .first()
    )
    first = Trainee.objects.order_by("pk").first()
    return {
        "workers": Trainee.objects.count(),
        "committees": Neighbourhood.objects.count(),
        "session_logs": SupervisionSession.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "largest_sitting": largest.pk,
        "largest_sitting_enrolments": largest.n,
        "largest_sitting_event": largest.event.title,
        "huayang_subdistrict": huayang.pk,
        "search_name": first.name,
    }


def pages(facts: dict, day: dt.date) -> list[Page]:
    sub, name = facts["huayang_subdistrict"], facts["search_name"]
    sitting = facts["largest_sitting"]
    filtered = f"subdistrict={sub}&post={Post.GENERAL}"
    admin_filtered = f"subdistrict__id__exact={sub}&post__exact={Post.GENERAL}"
    admin = "/admin/trainees/trainee/"
    search = urlencode({"q": name})

    def post_marks() -> tuple[int, int]:
        response = CLIENTS("district").post(f"/training/sittings/{sitting}/attendance/", marks)
        if response.status_code != 302:
            raise RuntimeError(f"HTTP {response.status_code}")
        return response.status_code, len(response.content)

    # The first marking of the whole sitting: its seeded marks are taken away (inside the
    # rolled-back transaction, untimed) and sent again as the page's script sends them, the
    # unmarked rest as "present"; afterwards every one must be back.
    seeded = Attendance.objects.filter(sitting_id=sitting)
    expected = seeded.count()
    marks = {
        "marks": ",".join(
            f"{e}:{s}" for e, s in seeded.values_list("enrolment_id", "status") if s != "present"
        ),
        "fill": "present",
    }

    @contextmanager
    def first_marking() -> Iterator[None]:
        with rolled_back(seeded.delete):
            yield
            if (saved := seeded.count()) != expected:
                raise RuntimeError(f"{saved:,} marks saved of {expected:,}")

    return [
        Page("roster", "roster page 1 `/workers/`", get("district", "/workers/"),
             "admin changelist", get("district", admin)),
        Page("roster-filtered", "roster filtered (subdistrict + post)",
             get("district", f"/workers/?{filtered}"),
             "admin changelist, same filter", get("district", f"{admin}?{admin_filtered}")),
        Page("roster-search", "roster name search",
             get("district", f"/workers/?{search}"),
             "admin changelist, same search", get("district", f"{admin}?{search}")),
        Page("roster-subdistrict", "roster of one subdistrict (subdistrict admin)",
             get("huayang", "/workers/"),
             "admin changelist of that subdistrict",
             get("district", f"{admin}?subdistrict__id__exact={sub}")),
        Page("certification", "certification dashboard `/certification/`",
             get("district", "/certification/"),
             "hand-written SQL, same figures", run_sql(pg_hand_sql(day))),
        Page("reports", "reports dashboard `/reports/`, cache off: the month's snapshot (kept "
             "by the warm-up request or the background refresh after a write)",
             get("district", "/reports/")),
        Page("reports-live", "same dashboard `/reports/?refresh=1`: computed live and the "
             "snapshot replaced, every request (what the first reader pays after a write)",
             get("district", "/reports/?refresh=1")),
        Page("sessions", "supervision log list `/sessions/`", get("district", "/sessions/")),
        Page("training", "training event list `/training/`", get("district", "/training/"),
             "admin changelist", get("district", "/admin/training/trainingevent/")),
        Page("sitting", "all-staff sitting attendance page",
             get("district", f"/training/sittings/{sitting}/attendance/")),
        Page("sitting-save", "save the whole sitting's marks (one POST)", post_marks,
             around=first_marking),
        Page("coverage", "coverage board `/supervisors/coverage/`",
             get("district", "/supervisors/coverage/")),
        *[
            Page(f"home-{who}", f"home `/` ({role})", get(who, "/"))
            for who, role in HOMES
        ],
        Page("roster-xlsx", "whole-district roster XLSX `/workers/export.xlsx` (request + "
             "background job + file stored; 5,000 rows or fewer, as at 2,000 workers, are the "
             "response itself: 5 queries, the job's path 27 at any size)",
             roster_export_job, around=rolled_back, job=True),
        Page("report-year", "district year report build (PDF + workbook)",
             build_year_report, around=rolled_back, job=True),
        Page("workbook", "fixed-format workbook of the whole district as of today "
             "(`/reports/workbook/`: request + background job + file stored)",
             build_workbook, around=rolled_back, job=True),
        Page("grants", "certificate grants of last year `/certification/grants/`",
             get("district", f"/certification/grants/?year={day.year - 1}")),
        Page("grades-compute", "grade ledger: open this year's (request) and compute every "
             "worker's proposal (the background job)", compute_ledger, around=rolled_back,
             job=True),
        Page("grades", "grade ledger page `/certification/grades/<year>/` (all workers)",
             get("district", f"/certification/grades/{day.year}/?moves=all"),
             around=lambda: rolled_back(compute_ledger)),
        Page("grades-apply", "grade ledger: apply every move as a 调级 period (the background "
             "job)", apply_ledger, around=lambda: rolled_back(compute_ledger), job=True),
    ]  # fmt: skip


def compute_ledger() -> tuple[int, int]:
    """The ledger page's request to open this year's ledger, then its background job."""
    from certification.grades.models import GradeYear
    from certification.grades.services import ledger_job_run

    day = dt.date.today()  # the clock is stopped at the seed's today
    response = CLIENTS("district").post(
        "/certification/grades/", {"year": day.year, "effective_on": f"{day.year + 1}-01-01"}
    )
    transaction.get_connection().run_on_commit.clear()  # run here, not by the broker
    if response.status_code != 302:
        raise RuntimeError(f"HTTP {response.status_code}")
    ledger = GradeYear.objects.get(year=day.year)
    if (
        ledger_job_run(ledger_id=ledger.pk, actor_id=User.objects.get(username="district").pk)
        != "compute"
    ):
        raise RuntimeError("the ledger was not computed")
    return 200, ledger.proposals.count()


def apply_ledger() -> tuple[int, int]:
    """Applying the computed ledger, as its background job does."""
    from certification.grades.models import GradeYear, LedgerJob
    from certification.grades.services import ledger_job_request, ledger_job_run

    district = User.objects.get(username="district")
    ledger = GradeYear.objects.get(year=dt.date.today().year)
    ledger_job_request(actor=district, ledger=ledger, job=LedgerJob.APPLY)
    transaction.get_connection().run_on_commit.clear()
    outcome = ledger_job_run(ledger_id=ledger.pk, actor_id=district.pk)
    if outcome != "apply":
        ledger.refresh_from_db()
        raise RuntimeError(f"apply {outcome}: {ledger.job_error}")
    return 200, 0


def roster_export_job() -> tuple[int, int]:
    """The export buttons' request (which starts the job at this size), then what the Celery
    worker runs for it, here and timed, until the encrypted file is stored."""
    from trainees.export_runs import roster_export_build
    from trainees.models import RosterExport

    response = CLIENTS("district").get("/workers/export.xlsx")
    transaction.get_connection().run_on_commit.clear()  # built here, not by the broker
    if response.status_code == 200:  # small enough to be written in the request
        return 200, len(response.content)
    if response.status_code != 302:
        raise RuntimeError(f"HTTP {response.status_code}")
    export = roster_export_build(RosterExport.objects.latest("pk").pk)
    if export.status != "done":
        raise RuntimeError(f"export {export.status}: {export.error}")
    size = export.file.size
    export.file.storage.delete(export.file.name)  # the row is rolled back, the file is not
    return 200, size


def build_year_report() -> tuple[int, int]:
    """What the Celery worker runs for a year report, here and timed (bench/reports.py)."""
    from reports.services import report_build, report_request

    run = report_request(
        actor=User.objects.get(username="district"),
        period_kind="year",
        year=REPORT_YEAR,
        number=1,
    )
    transaction.get_connection().run_on_commit.clear()  # built here, not by the broker
    run = report_build(run.pk)
    if run.status != "done":
        raise RuntimeError(f"report {run.status}: {run.error}")
    return 200, run.file.size + run.xlsx_file.size


def build_workbook() -> tuple[int, int]:
    """The workbook page's request, then what the Celery worker runs for it (issue 14, item 4),
    here and timed, until the encrypted file is stored."""
    from reports.models import WorkbookRun
    from reports.workbook.services import workbook_build

    day = dt.date.today()  # the clock is stopped at the seed's today
    response = CLIENTS("district").post("/reports/workbook/", {"as_of": day.isoformat()})
    transaction.get_connection().run_on_commit.clear()  # built here, not by the broker
    if response.status_code != 302:
        raise RuntimeError(f"HTTP {response.status_code}")
    run = workbook_build(WorkbookRun.objects.latest("pk").pk)
    if run.status != "done":
        raise RuntimeError(f"workbook {run.status}: {run.error}")
    size = run.file.size
    run.file.storage.delete(run.file.name)  # the row is rolled back, the file is not
    return 200, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--only", default="", help="comma-separated page keys")
    parser.add_argument(
        "--explain", type=Path, help="write the plan of each page's slowest statement here"
    )
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, required=True, help="the seed's today"
    )
    args = parser.parse_args()
    # The clock stopped at mid-morning of the seed's today (its history ends the day before):
    # stopped, so that no session is refreshed between requests (SessionIdleTimeoutMiddleware
    # would save it now and then, three more queries in whichever page it fell on).
    now = dt.datetime.combine(args.today, dt.time(10), tzinfo=ZoneInfo(settings.TIME_ZONE))
    # A page stopped by the timeout is reported in the table, not logged as a server error.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("axes").setLevel(logging.WARNING)  # a line for every force_login
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    results: dict[str, dict] = {}
    with time_machine.travel(now, tick=False), connection.execute_wrapper(GUARD):
        facts = district_facts()
        for username in USERNAMES:  # signed in here, not in a page's rolled-back transaction
            CLIENTS(username)
        if not args.only or "certification" in args.only:
            try:
                facts["hand_sql_agrees"] = hand_sql_agrees(args.today)
            except OperationalError:  # the statement timeout: the table says why
                facts["hand_sql_agrees"] = None
        print("  " + ", ".join(f"{k} {v}" for k, v in facts.items()), flush=True)
        only = set(filter(None, args.only.split(",")))
        for page in pages(facts, args.today):
            if only and page.key not in only:
                continue
            repeat = min(3, args.repeat) if page.job else args.repeat
            timeout = args.timeout * (5 if page.job else 1)
            row = {
                "label": page.label,
                "baseline_label": page.baseline_label,
                "job": page.job,
                "timeout_s": timeout,
            }
            timing = measure(page.fn, repeat=repeat, timeout=timeout, around=page.around)
            row["page"] = asdict(timing)
            if args.explain:
                explain(timing, args.explain / f"{page.key}.txt")
            if page.baseline_fn is not None:
                row["baseline"] = asdict(measure(page.baseline_fn, repeat=repeat, timeout=timeout))
            results[page.key] = row
            print(f"  {page.key:<20} {_summary(row)}", flush=True)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"facts": facts, "pages": results}, out, ensure_ascii=False, indent=1)


def _summary(row: dict) -> str:
    def one(t: dict) -> str:
        if t["error"]:
            return t["error"]
        if t["timed_out_after_ms"] is not None:
            return f"timed out ({t['timed_out_after_ms'] / 1000:.0f} s)"
        return f"{t['median_ms']:,.0f} ms, {t['queries']} queries, SQL {t['sql_ms']:,.0f} ms"

    text = one(row["page"])
    if "baseline" in row:
        text += f"   | baseline {one(row['baseline'])}"
    return text


if __name__ == "__main__":
    main()
