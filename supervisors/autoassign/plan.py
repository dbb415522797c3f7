"""The auto-assignment plan for the current data: read the rows and the district's policy, solve.

Reads only; the preview shows the plan and apply saves it with `assignments_bulk_create`
(views_autoassign, `manage.py autoassign`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q

from trainees.models import Trainee, TraineeStatus

from ..models import Assignment, Supervisor
from ..selectors import supervision_policy
from .rows import ModeFor, Plan, SupervisorRow, WorkerRow
from .solver import solve


def load_rows(
    *, subdistrict_ids: Iterable[int] | None = None
) -> tuple[list[WorkerRow], list[SupervisorRow]]:
    """Unassigned active workers (of the subdistricts, if given) and all active supervisors.

    Two queries. Supervisors are not filtered by subdistrict: when a subdistrict lacks
    capacity, a supervisor from elsewhere is still better than none.
    """
    active_pairing = Assignment.objects.filter(trainee=OuterRef("pk"), ended_on__isnull=True)
    workers_qs = Trainee.objects.filter(status=TraineeStatus.ACTIVE).filter(~Exists(active_pairing))
    if subdistrict_ids is not None:
        workers_qs = workers_qs.filter(subdistrict_id__in=list(subdistrict_ids))
    workers = [
        WorkerRow(pk, sd, nb, ht, started)
        for pk, sd, nb, ht, started in workers_qs.order_by("pk").values_list(
            "pk",
            "subdistrict_id",
            "neighbourhood_id",
            "neighbourhood__housing_type",
            "started_community_work",
        )
    ]
    supervisors = [
        SupervisorRow(pk, home, frozenset(str(s) for s in (specs or [])), cap, load, trainee_id)
        for pk, home, specs, cap, load, trainee_id in Supervisor.objects.filter(is_active=True)
        .annotate(n=Count("assignments", filter=Q(assignments__ended_on__isnull=True)))
        .order_by("pk")
        .values_list("pk", "home_subdistrict_id", "specialties", "capacity", "n", "trainee_id")
    ]
    return workers, supervisors


def autoassign_plan(
    *,
    subdistrict_ids: Iterable[int] | None = None,
    mode_for: ModeFor | None = None,
    today: dt.date | None = None,
) -> Plan:
    """The optimal plan for the current data under the district's SupervisionPolicy (its ratio
    and mentor-mode rule). Three queries: workers, supervisors, the policy."""
    workers, supervisors = load_rows(subdistrict_ids=subdistrict_ids)
    return solve(workers, supervisors, mode_for=mode_for, today=today, policy=supervision_policy())
