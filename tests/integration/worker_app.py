"""The Celery app of the integration tests' worker (`celery -A tests.integration.worker_app`):
config.celery's app, with a report build made slow enough to kill mid-way on request."""

import os
import time

from celery import signals

from config.celery import app

__all__ = ["app"]


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
