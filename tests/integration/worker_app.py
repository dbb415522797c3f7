"""The Celery app of the integration tests' worker (`celery -A tests.integration.worker_app`):
config.celery's app, with a report build made slow enough to kill mid-way on request."""

import datetime as dt
import os
import time

import time_machine
from celery import signals

from config.celery import app

__all__ = ["app"]

# The test process runs on the suite's pinned clock (tests/conftest.py); the worker must read
# the same time, or the heartbeats it writes are days away from the sweeper's "now".
# DUDAO_TEST_CLOCK is "<pinned time at spawn>@<real epoch seconds at spawn>": the worker's
# clock starts where the test's clock is now, and both tick on. Prefork children inherit it.
if clock := os.environ.get("DUDAO_TEST_CLOCK"):
    pinned, real_then = clock.rsplit("@", 1)
    elapsed = time.time() - float(real_then)  # not travelling yet: the real clock
    now = dt.datetime.fromisoformat(pinned) + dt.timedelta(seconds=elapsed)
    time_machine.travel(now, tick=True).start()


@signals.worker_process_init.connect
def _slow_pdf(**kwargs) -> None:
    # In each prefork child: DUDAO_TEST_BUILD_DELAY seconds of sleep before the PDF is
    # rendered, after the build has been claimed and its progress (40 %) written.
    delay = float(os.environ.get("DUDAO_TEST_BUILD_DELAY") or 0)
    if not delay:
        return
    from reports import pdf

    render = pdf.render_pdf

    def slow_render_pdf(figures: dict) -> bytes:
        time.sleep(delay)
        return render(figures)

    pdf.render_pdf = slow_render_pdf
