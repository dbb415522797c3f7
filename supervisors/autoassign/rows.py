"""The shapes the auto-assignment works on: plain rows in, a plan out (no database here)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class WorkerRow:
    pk: int
    subdistrict_id: int
    neighbourhood_id: int | None
    housing_type: str | None  # None: based in the subdistrict office, no committee
    started_community_work: dt.date


@dataclass(frozen=True, slots=True)
class SupervisorRow:
    pk: int
    home_subdistrict_id: int
    specialties: frozenset[str]
    capacity: int
    load: int  # active assignments now
    trainee_id: int | None = None  # the supervisor's own worker record, if any


@dataclass(frozen=True, slots=True)
class CostWeights:
    """Cost of one pairing's terms; a supervisor's l-th trainee adds l (see module docstring)."""

    other_subdistrict: int
    no_specialty: int
    unplaced: int


@dataclass(frozen=True, slots=True)
class PlannedPair:
    supervisor_id: int
    trainee_id: int
    mode: str
    same_subdistrict: bool
    specialty_match: bool | None  # None: the worker has no committee, so no housing type
    load_after: int  # the supervisor's active trainees once the whole plan is applied
    capacity: int


@dataclass(frozen=True, slots=True)
class SubdistrictSummary:
    subdistrict_id: int
    to_place: int
    placed: int
    same_subdistrict: int
    specialty_matches: int
    unplaced: int


@dataclass
class Plan:
    pairs: list[PlannedPair]
    unplaced_ids: list[int]
    workers_unassigned_before: int
    loads_after: dict[int, int]
    by_subdistrict: list[SubdistrictSummary]
    weights: CostWeights
    cost: int
    solver_seconds: float
    # The district's policy the plan was made under (supervisors.SupervisionPolicy).
    district_ratio: int
    mentor_max_service_years: int
    same_subdistrict_share: float = 0.0
    specialty_share: float = 0.0
    fingerprint: str = field(default="")

    @property
    def placed(self) -> int:
        return len(self.pairs)

    @property
    def unplaced(self) -> int:
        return len(self.unplaced_ids)

    @property
    def supervisors_needed(self) -> int:
        """Supervisors still missing to cover everyone at the district's ratio (1:n)."""
        return math.ceil(self.unplaced / self.district_ratio)

    def as_triples(self) -> list[tuple[int, int, str]]:
        """The pairs in the shape `assignments_bulk_create` takes."""
        return [(p.supervisor_id, p.trainee_id, p.mode) for p in self.pairs]


ModeFor = Callable[[WorkerRow], str]
