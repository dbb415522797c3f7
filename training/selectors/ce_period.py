"""The continuing-education period shown on a worker's own training page.

Continuing education is counted within the worker's actual registration periods (登记,
DOMAIN.md), which certification keeps as Registration rows, above training in the layers.
Certification registers the function that finds a worker's period from its
AppConfig.ready() (as apps register their sweeps in core/sweeper.py); this module knows no
app above it, so the layers stay one-way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from trainees.models import Trainee


class CePeriodSource(Protocol):
    """The period in force on `on` (start, end, level_name, required, dudao, external, total)
    with the hours earned in it by then, or None when no registration covers the day."""

    def __call__(self, *, trainee: Trainee, on: dt.date) -> Any | None: ...


_SOURCES: dict[str, CePeriodSource] = {}


def ce_period_source_register(source: CePeriodSource) -> None:
    _SOURCES["registration"] = source


def ce_period_for(*, trainee: Trainee, on: dt.date) -> Any | None:
    """The worker's registration period on `on` and its CE hours; None when no registration
    covers the day (or no app keeps registrations)."""
    source = _SOURCES.get("registration")
    return source(trainee=trainee, on=on) if source else None
