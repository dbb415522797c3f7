"""The auto-assignment solver: the optimal plan for plain rows, as a min-cost flow.

The plan is the optimum of a min-cost flow, not a greedy pass. Preferences, in strict
lexicographic order (issue 3):

0. place as many workers as capacity allows;
1. same subdistrict (worker's subdistrict == supervisor's home subdistrict);
2. a supervisor whose specialties include the housing type of the worker's committee;
3. even load: the l-th trainee of a supervisor costs l, so the load term is
   Σ_s Σ_{l=load_s+1}^{final_s} l, which for a fixed number placed is minimal exactly when the
   final loads are as equal as capacities allow (a convex cost, see below).

Network, aggregated into classes so that 100,000 workers and 10,000 supervisors are a few
thousand arcs. Workers with the same (subdistrict, housing type) are interchangeable, and so
are supervisors with the same (home subdistrict, specialties) -- their *type* -- except for
their load. One supply node per worker class (supply = its size), one node per supervisor type,
one sink:

    worker class --pair arc (cost: other subdistrict, no specialty)--> supervisor type
    supervisor type --level arc l (capacity: members with load < l <= capacity, cost l)--> sink
    worker class --"unplaced" arc (cost U)--> sink

Why the load cost is right with classes: level arcs have increasing costs, so an optimal flow
fills level l of a type only after level l-1; giving each incoming worker to the member with
the lowest load ("water-filling", ties by pk) uses exactly those levels.

Why the linear program is integral: its constraint matrix is the node-arc incidence matrix of
a directed graph (each arc is +1 at its tail and -1 at its head, the sink's row dropped), which
is totally unimodular; with integral supplies and capacities every vertex of the polytope is
integral, and the dual simplex method returns a vertex.

Why the weights keep the order lexicographic (instead of fixed numbers such as 1000 / 20, which
can be traded against each other): let f be optimal and g any other plan. g - f splits into
simple cycles of f's residual network, each of cost >= 0. A simple cycle passes the sink at
most once, so its load term is l - l' with 1 <= l, l' <= C (the largest capacity): at most C-1
in absolute value; and it has at most K = 2 x (number of worker classes) pair arcs (each worker
class node on it touches two of its arcs). With

    no specialty      B = C               > C - 1
    other subdistrict A = K*B + C         > K*B + C - 1
    unplaced          U = K*(A + B) + C + 1

a cycle that improves a higher preference has negative cost whatever it does to the lower
ones, so no cycle of f improves any preference without worsening a higher one, and neither
can their sum g - f. (With the default capacity 10 and 70 worker classes: B = 10, A = 1,410,
U = 198,811; costs stay far below 2^53, so floating point is exact.)

Ties between equally good plans are broken by the input order, which is sorted, so the same
data always gives the same plan. One deviation from the optimum is possible: a supervisor who
is also a community worker is never paired with themselves; the worker is swapped with an
interchangeable one (same class) where possible, else left unplaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import time
from collections import defaultdict

import numpy as np
from django.utils import timezone
from scipy.optimize import linprog
from scipy.sparse import coo_array

from ..models import SupervisionPolicy
from .rows import (
    CostWeights,
    ModeFor,
    Plan,
    PlannedPair,
    SubdistrictSummary,
    SupervisorRow,
    WorkerRow,
)


def cost_weights(*, worker_classes: int, max_capacity: int) -> CostWeights:
    c = max(max_capacity, 1)
    k = 2 * max(worker_classes, 1)
    b = c
    a = k * b + c
    return CostWeights(other_subdistrict=a, no_specialty=b, unplaced=k * (a + b) + c + 1)


def solve(
    workers: list[WorkerRow],
    supervisors: list[SupervisorRow],
    *,
    mode_for: ModeFor | None = None,
    today: dt.date | None = None,
    policy: SupervisionPolicy | None = None,
) -> Plan:
    """The plan for plain rows (no database): see the module docstring.

    `policy` is the district's row (`supervision_policy()`); without one, its defaults. It
    decides the mode of each pairing (unless `mode_for` is given) and the supervisors needed.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    policy = policy or SupervisionPolicy()
    supervisors = sorted(supervisors, key=lambda s: s.pk)

    classes: dict[tuple[int, str], list[WorkerRow]] = defaultdict(list)
    for w in workers:
        classes[_class_key(w)].append(w)
    class_keys = sorted(classes)

    members: dict[tuple[int, tuple[str, ...]], list[SupervisorRow]] = defaultdict(list)
    for s in supervisors:
        if s.capacity > s.load:
            members[(s.home_subdistrict_id, tuple(sorted(s.specialties)))].append(s)
    type_keys = sorted(members)
    max_capacity = max((s.capacity for s in supervisors if s.capacity > s.load), default=1)
    weights = cost_weights(worker_classes=len(class_keys), max_capacity=max_capacity)

    def pair_cost(ck: tuple[int, str], tk: tuple[int, tuple[str, ...]]) -> int:
        cost = 0 if ck[0] == tk[0] else weights.other_subdistrict
        if ck[1] and ck[1] not in tk[1]:
            cost += weights.no_specialty
        return cost

    # Variables: pair arcs (class i, type j), one "unplaced" arc per class, level arcs.
    n_w, n_t = len(class_keys), len(type_keys)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    cost: list[float] = []
    upper: list[float | None] = []
    for i, ck in enumerate(class_keys):
        for j, tk in enumerate(type_keys):
            var = len(cost)
            rows += [i, n_w + j]
            cols += [var, var]
            vals += [1.0, -1.0]
            cost.append(pair_cost(ck, tk))
            upper.append(None)
    unplaced_var0 = len(cost)
    for i in range(n_w):
        rows.append(i)
        cols.append(len(cost))
        vals.append(1.0)
        cost.append(weights.unplaced)
        upper.append(None)
    for j, tk in enumerate(type_keys):
        level_caps: dict[int, int] = defaultdict(int)
        for s in members[tk]:
            for level in range(s.load + 1, s.capacity + 1):
                level_caps[level] += 1
        for level in sorted(level_caps):
            rows.append(n_w + j)
            cols.append(len(cost))
            vals.append(1.0)
            cost.append(level)
            upper.append(level_caps[level])

    flows = np.zeros(len(cost))
    if n_w:
        a_eq = coo_array((vals, (rows, cols)), shape=(n_w + n_t, len(cost))).tocsc()
        b_eq = [len(classes[ck]) for ck in class_keys] + [0] * n_t
        result = linprog(
            np.asarray(cost),
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=[(0, u) for u in upper],
            method="highs-ds",  # dual simplex: a vertex, hence integral (see docstring)
        )
        if result.status != 0:  # cannot happen: the unplaced arcs make every instance feasible
            raise RuntimeError(f"auto-assignment solver failed: {result.message}")
        flows = np.rint(result.x)
        if np.abs(flows - result.x).max(initial=0) > 1e-6:
            raise RuntimeError("auto-assignment solver returned a fractional flow")

    # Which workers of a class are placed: cost-neutral, so prefer the newest (they need
    # supervision most); then hand them out ordered by committee so that colleagues of one
    # committee tend to share a supervisor, which suits drill-mode group exercises.
    incoming: dict[int, list[WorkerRow]] = defaultdict(list)
    unplaced_workers: list[WorkerRow] = []
    for i, ck in enumerate(class_keys):
        queue = sorted(classes[ck], key=lambda w: (-w.started_community_work.toordinal(), w.pk))
        n_unplaced = int(flows[unplaced_var0 + i])
        placed_here = queue[: len(queue) - n_unplaced]
        unplaced_workers += queue[len(queue) - n_unplaced :]
        placed_here.sort(key=lambda w: (w.neighbourhood_id or 0, w.pk))
        offset = 0
        for j in range(n_t):
            n = int(flows[i * n_t + j])
            if n:
                incoming[j] += placed_here[offset : offset + n]
                offset += n

    # Within a type, water-fill the members (lowest load, then pk): these are the levels the
    # flow paid for. Members are then listed one after another, each with its run of workers.
    assigned: list[list] = []  # [worker, supervisor, type index]
    for j in range(n_t):
        arriving = incoming.get(j, [])
        if not arriving:
            continue
        heap = [(s.load, s.pk, s) for s in members[type_keys[j]]]
        heapq.heapify(heap)
        added: dict[int, int] = defaultdict(int)
        order: list[SupervisorRow] = []
        for _w in arriving:
            load, pk, s = heapq.heappop(heap)
            if not added[pk]:
                order.append(s)
            added[pk] += 1
            if load + 1 < s.capacity:
                heapq.heappush(heap, (load + 1, pk, s))
        order.sort(key=lambda s: (s.load, s.pk))
        slots = [s for s in order for _n in range(added[s.pk])]
        assigned += [[w, s, j] for w, s in zip(arriving, slots, strict=True)]

    _avoid_self_supervision(assigned, unplaced_workers)

    loads_after = {s.pk: s.load for s in supervisors}
    for _w, s, _j in assigned:
        loads_after[s.pk] += 1
    pick_mode: ModeFor = mode_for or (lambda w: policy.mode_for(w.started_community_work, on=today))

    pairs: list[PlannedPair] = []
    total = weights.unplaced * len(unplaced_workers)
    for w, s, _j in sorted(assigned, key=lambda a: (a[1].pk, a[0].pk)):
        same = w.subdistrict_id == s.home_subdistrict_id
        match = None if not w.housing_type else w.housing_type in s.specialties
        pairs.append(
            PlannedPair(s.pk, w.pk, pick_mode(w), same, match, loads_after[s.pk], s.capacity)
        )
        total += (0 if same else weights.other_subdistrict) + (
            weights.no_specialty if match is False else 0
        )
    for s in supervisors:
        total += sum(range(s.load + 1, loads_after[s.pk] + 1))

    plan = Plan(
        pairs=pairs,
        unplaced_ids=sorted(w.pk for w in unplaced_workers),
        workers_unassigned_before=len(workers),
        loads_after=loads_after,
        by_subdistrict=_summaries(workers, pairs, unplaced_workers),
        weights=weights,
        cost=total,
        solver_seconds=0.0,
        district_ratio=policy.district_ratio,
        mentor_max_service_years=policy.mentor_max_service_years,
    )
    with_type = [p for p in pairs if p.specialty_match is not None]
    plan.same_subdistrict_share = (
        sum(p.same_subdistrict for p in pairs) / len(pairs) if pairs else 0.0
    )
    plan.specialty_share = (
        sum(bool(p.specialty_match) for p in with_type) / len(with_type) if with_type else 0.0
    )
    plan.fingerprint = hashlib.sha256(
        ";".join(f"{s},{t},{m}" for s, t, m in plan.as_triples()).encode()
    ).hexdigest()[:20]
    plan.solver_seconds = time.perf_counter() - started
    return plan


def _class_key(w: WorkerRow) -> tuple[int, str]:
    return (w.subdistrict_id, w.housing_type or "")


def _avoid_self_supervision(assigned: list[list], unplaced: list[WorkerRow]) -> None:
    """Swap a worker away from their own supervisor record, keeping the cost where possible.

    Two workers going to the same supervisor type, or two workers of the same class, can trade
    places (as can a placed and an unplaced worker of one class) without changing any cost
    term. `assigned` holds [worker, supervisor, type index], each type's entries contiguous.
    """
    for idx, (w, s, _j) in enumerate(assigned):
        if w is None or s.trainee_id != w.pk:
            continue
        partner = _nearest_in_type(assigned, idx)
        if partner is None:
            partner = next(
                (
                    k
                    for k, (w2, s2, _j2) in enumerate(assigned)
                    if w2 is not None and s2.pk != s.pk and _class_key(w2) == _class_key(w)
                ),
                None,
            )
        if partner is not None:
            assigned[idx][0], assigned[partner][0] = assigned[partner][0], w
            continue
        spare = next((k for k, w2 in enumerate(unplaced) if _class_key(w2) == _class_key(w)), None)
        if spare is not None:
            assigned[idx][0], unplaced[spare] = unplaced[spare], w
        else:  # the only case that costs something: nobody to trade with
            unplaced.append(w)
            assigned[idx][0] = None
    assigned[:] = [a for a in assigned if a[0] is not None]


def _nearest_in_type(assigned: list[list], idx: int) -> int | None:
    """The closest entry of the same supervisor type with another supervisor."""
    _w, s, j = assigned[idx]
    for step in (1, -1):
        k = idx + step
        while 0 <= k < len(assigned) and assigned[k][2] == j:
            if assigned[k][1].pk != s.pk and assigned[k][0] is not None:
                return k
            k += step
    return None


def _summaries(
    workers: list[WorkerRow], pairs: list[PlannedPair], unplaced: list[WorkerRow]
) -> list[SubdistrictSummary]:
    subdistrict_of = {w.pk: w.subdistrict_id for w in workers}
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for w in workers:
        counts[w.subdistrict_id][0] += 1
    for p in pairs:
        c = counts[subdistrict_of[p.trainee_id]]
        c[1] += 1
        c[2] += p.same_subdistrict
        c[3] += bool(p.specialty_match)
    for w in unplaced:
        counts[w.subdistrict_id][4] += 1
    return [SubdistrictSummary(sd, *counts[sd]) for sd in sorted(counts)]
