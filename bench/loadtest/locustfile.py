"""Load scenario of issue 8: 50 people using Dudao at once (`make loadtest`, scripts/loadtest.sh).

    locust -f bench/loadtest/locustfile.py --host http://127.0.0.1:PORT --headless -u 50 -r 10

Who is on the site, with fixed counts that add up to 50:

- 30 supervisors (dd0001, dd0002, ... one login each): their home page, the session form,
  a session log for one of their own trainees POSTed from that form (submitted, or kept as a
  draft now and then), the log's page, their list of logs;
- 12 subdistrict administrators (huayang, xinjing): the roster with filters, searches and
  paging, a worker's page, the supervision logs, the coverage board, their dashboard;
- 4 district administrators doing HR work (district): the coverage board, the roster and its
  XLSX export (the whole district, ~2,000 rows), the certification lists;
- 3 leaders (leader): home figures, the district dashboard for several periods, coverage;
- 1 district administrator asking for last year's district report (PDF and Excel), which a
  Celery worker builds while the others work: the request, status polls until it is done,
  the PDF download.

Every simulated person signs in once through the real login form (CSRF token from the page,
django-axes left on) and must succeed; a failed sign-in stops that user and is counted. A page
that answers anything but what a browser would accept (a 200 with the expected content, or the
expected redirect) is a failure. Request names are "<group>: <page>", which report.py uses to
sum per group.

Traffic goes only to the host given (scripts/loadtest.sh passes 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from locust import events

# Locust loads this file by path, not as part of the bench package: the repository goes on
# sys.path so that the modules beside it are imported by their full names wherever locust is
# started (scripts/loadtest.sh starts it in the repository, where this changes nothing).
_REPOSITORY = str(Path(__file__).resolve().parents[2])
if _REPOSITORY not in sys.path:
    sys.path.insert(0, _REPOSITORY)

# Locust runs every User class it finds in this module: the personas, imported here.
from bench.loadtest.personas import (  # noqa: E402
    REPORT_RUN,
    DistrictHR,
    Leader,
    ReportBuilder,
    SubdistrictAdmin,
    Supervisor,
)

__all__ = ["DistrictHR", "Leader", "ReportBuilder", "SubdistrictAdmin", "Supervisor"]


SAMPLES: list[tuple[str, float, float, str]] = []  # (name, seconds since start, ms, error)
STARTED = time.monotonic()


@events.request.add_listener
def _keep_sample(name, response_time, exception, **_kwargs) -> None:
    # Every request as measured, so report.py can take exact percentiles per group and total.
    error = "" if exception is None else str(exception)[:200]
    SAMPLES.append((name, round(time.monotonic() - STARTED, 3), round(response_time, 1), error))


@events.quitting.add_listener
def _write_results(environment, **_kwargs) -> None:
    """Leave the samples and how the report run ended for report.py (DUDAO_LOADTEST_OUT)."""
    path = os.environ.get("DUDAO_LOADTEST_OUT")
    if not path:
        return
    run = dict(REPORT_RUN) or {"status": "not finished", "error": "", "seconds": None}
    if not REPORT_RUN and ReportBuilder.requested_at:
        run["seconds"] = round(time.monotonic() - ReportBuilder.requested_at, 1)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"report_run": run, "samples": SAMPLES}, f, ensure_ascii=False)
