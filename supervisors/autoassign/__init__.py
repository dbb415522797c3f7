"""Auto-assignment: pair every unassigned active worker with a supervisor at once.

- `rows`: the plain shapes (worker and supervisor rows in, a plan out);
- `solver`: the optimal plan as a min-cost flow (the linear program and why it is right);
- `plan`: the plan for the current data under the district's SupervisionPolicy.

The preview and apply pages are `supervisors.views_autoassign`; `manage.py autoassign` does
the same from a shell.
"""

from .plan import autoassign_plan, load_rows
from .rows import (
    CostWeights,
    ModeFor,
    Plan,
    PlannedPair,
    SubdistrictSummary,
    SupervisorRow,
    WorkerRow,
)
from .solver import cost_weights, solve

__all__ = [
    "CostWeights",
    "ModeFor",
    "Plan",
    "PlannedPair",
    "SubdistrictSummary",
    "SupervisorRow",
    "WorkerRow",
    "autoassign_plan",
    "cost_weights",
    "load_rows",
    "solve",
]
