"""The assignment models. They see arrays only, never tables or geography.

The batch problem is a transportation problem: every patient supplies one
unit, every session takes up to its capacity, each allowed pair has a cost,
and an unplaced patient costs a reward that dominates every cost, in
proportion to the patient's priority (``Scaling``). ``matcher.optimize.flow`` solves
it exactly with OR-Tools min-cost flow.

``solve_cpsat`` solves the same model with CP-SAT plus side constraints that
flow cannot express (e.g. staff minutes per day for home visits), hinted with
a flow solution, with a time limit, a worker count and a fixed seed. When the
time runs out it returns the best plan found, never nothing.

``greedy`` is the baseline done by hand today: in order of discharge, each
patient takes the nearest suitable session that still has a place.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from ..errors import PrecisionWarning

__all__ = [
    "Arcs",
    "Scaling",
    "SideConstraint",
    "Solution",
    "arc_mask",
    "greedy",
    "solve_cpsat",
]

_INT64_SAFE = 2**62
#: Cost points are kept to this many parts per point when integers allow it.
DEFAULT_SCALE = 100


@dataclass(frozen=True)
class Arcs:
    """Allowed patient-session pairs and their costs in points."""

    patient: np.ndarray
    session: np.ndarray
    cost: np.ndarray

    def __len__(self) -> int:
        return len(self.patient)

    @classmethod
    def empty(cls) -> Arcs:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, float))

    def concat(self, other: Arcs) -> Arcs:
        return Arcs(
            np.concatenate([self.patient, other.patient]),
            np.concatenate([self.session, other.session]),
            np.concatenate([self.cost, other.cost]),
        )


@dataclass(frozen=True)
class Scaling:
    """Integer costs: ``round(points * scale)``; an unplaced patient costs
    ``priority * reward``, where ``reward`` exceeds what any exchange of
    places along one chain of moves can change in cost, so that placing
    more priority always wins (the contract's lexicographic order)."""

    scale: int
    reward: int

    @classmethod
    def choose(
        cls, max_cost: float, n_patients: int, n_sessions: int, max_priority: int
    ) -> Scaling:
        """The finest scale whose reward keeps OR-Tools' arithmetic inside int64.

        An improving change of a plan is a chain of moves through distinct
        sessions, so it moves at most ``min(patients, sessions + 1)`` people,
        each by at most ``max_cost``; the reward is one unit more than that.
        """
        chain = max(1, min(n_patients, n_sessions + 1))
        nodes = n_patients + n_sessions + 2
        max_cost = max(float(max_cost), 1.0)  # an unplaced patient never costs under a point
        scale = DEFAULT_SCALE
        while scale > 1:
            reward = chain * int(np.ceil(max_cost * scale)) + 1
            if reward * max(1, max_priority) * nodes * 4 < _INT64_SAFE:
                break
            scale //= 10
        reward = chain * int(np.ceil(max_cost * scale)) + 1
        if scale < DEFAULT_SCALE:
            warnings.warn(
                f"costs are scaled to 1/{scale} point (not 1/{DEFAULT_SCALE}) to keep the "
                "solver's integers safe; differences smaller than that are ignored",
                PrecisionWarning,
                stacklevel=3,
            )
        if reward * max(1, max_priority) * nodes * 4 >= _INT64_SAFE:
            raise ValueError("the instance is too large for exact integer costs")
        return cls(scale, reward)

    def cost(self, points: np.ndarray) -> np.ndarray:
        return np.rint(np.asarray(points) * self.scale).astype(np.int64)


@dataclass
class Solution:
    """An assignment: ``session[p]`` is the session of patient ``p`` or -1.

    ``objective`` and ``bound`` are in cost points, counting each unplaced
    patient at ``priority * reward`` points; ``gap`` is relative.
    """

    session: np.ndarray
    arc: np.ndarray  # index into the arcs of each placed patient, -1 if unplaced
    status: str
    objective: float
    bound: float
    seconds: float
    solver: str
    rounds: int = 1
    arcs_used: int = 0
    notes: list[str] = field(default_factory=list)
    #: Shortest-path labels of every node (patients, sessions, sink) on the
    #: residual network of an optimal flow, in scaled cost units, when known.
    labels: np.ndarray | None = None

    @property
    def gap(self) -> float:
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


@dataclass(frozen=True)
class SideConstraint:
    """A linear limit over pairs: sum of ``use[i]`` over chosen ``arcs[i]`` <= ``limit``.

    For example the minutes of one home-visit service's staff on one weekday.
    """

    name: str
    arcs: np.ndarray
    use: np.ndarray
    limit: int

    def used(self, chosen: np.ndarray) -> int:
        """What a plan uses of the limit; ``chosen``: a mask over all arcs (``arc_mask``)."""
        return int(self.use[chosen[self.arcs]].sum())


def arc_mask(arc_of: np.ndarray, n_arcs: int) -> np.ndarray:
    """True at the arcs a plan uses (``arc_of``: arc per patient, -1 unplaced)."""
    mask = np.zeros(n_arcs, bool)
    mask[arc_of[arc_of >= 0]] = True
    return mask


def _repair(session: np.ndarray, arc: np.ndarray, arcs: Arcs, side: list[SideConstraint]) -> None:
    """Unassign the costliest pairs of any side constraint the plan breaks (in place)."""
    for constraint in side:
        chosen = arc_mask(arc, len(arcs))[constraint.arcs]
        total = int(constraint.use[chosen].sum())
        if total <= constraint.limit:
            continue
        picked = constraint.arcs[chosen]
        uses = constraint.use[chosen]
        for i in np.argsort(-arcs.cost[picked], kind="stable"):
            patient = arcs.patient[picked[i]]
            session[patient] = -1
            arc[patient] = -1
            total -= int(uses[i])
            if total <= constraint.limit:
                break


def solve_cpsat(
    n_patients: int,
    capacity: np.ndarray,
    priority: np.ndarray,
    arcs: Arcs,
    scaling: Scaling,
    side: list[SideConstraint],
    hint: np.ndarray | None = None,
    time_limit: float = 30.0,
    workers: int = 1,
    seed: int = 0,
) -> Solution:
    """The model with side constraints, by CP-SAT.

    ``hint`` is an arc index per patient (-1 unplaced), typically the flow
    optimum without the side constraints: it is repaired to respect them and
    given as a hint, and returned when the solver finds nothing better in
    ``time_limit`` seconds.
    """
    started = time.perf_counter()
    cost = scaling.cost(arcs.cost)
    unplaced = np.asarray(priority, np.int64) * scaling.reward
    session = np.full(n_patients, -1, np.int64)
    arc = np.full(n_patients, -1, np.int64) if hint is None else np.asarray(hint, np.int64).copy()
    session[arc >= 0] = arcs.session[arc[arc >= 0]]
    _repair(session, arc, arcs, side)

    def objective_of(arc_of: np.ndarray) -> int:
        placed = arc_of >= 0
        return int(cost[arc_of[placed]].sum() + unplaced[~placed].sum())

    incumbent = objective_of(arc)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(arcs))]
    by_patient: list[list[int]] = [[] for _ in range(n_patients)]
    by_session: list[list[int]] = [[] for _ in range(len(capacity))]
    for i, (p, s) in enumerate(zip(arcs.patient.tolist(), arcs.session.tolist(), strict=True)):
        by_patient[p].append(i)
        by_session[s].append(i)
    for items in by_patient:
        if len(items) > 1:
            model.add_at_most_one(x[i] for i in items)
    for s, items in enumerate(by_session):
        if len(items) > capacity[s]:
            model.add(sum(x[i] for i in items) <= int(capacity[s]))
    for constraint in side:
        model.add(
            sum(int(u) * x[int(i)] for i, u in zip(constraint.arcs, constraint.use, strict=True))
            <= constraint.limit
        )
    # minimise sum(cost - reward) over chosen pairs; the constant is every patient unplaced
    constant = int(unplaced.sum())
    model.minimize(
        sum(int(cost[i] - unplaced[arcs.patient[i]]) * x[i] for i in range(len(arcs))) + constant
    )
    chosen = set(arc[arc >= 0].tolist())
    for i in range(len(arcs)):
        model.add_hint(x[i], i in chosen)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.0, float(time_limit))
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.random_seed = int(seed)
    code = solver.solve(model) if time_limit > 0 else cp_model.UNKNOWN
    status = solver.status_name(code) if time_limit > 0 else "FEASIBLE"
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value <= incumbent:
        values = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        arc = np.full(n_patients, -1, np.int64)
        arc[arcs.patient[values]] = np.flatnonzero(values)
        incumbent = round(solver.objective_value)
        best_bound = float(solver.best_objective_bound)
    else:
        status = "FEASIBLE"
        best_bound = float(solver.best_objective_bound) if time_limit > 0 else float("-inf")
    session = np.full(n_patients, -1, np.int64)
    session[arc >= 0] = arcs.session[arc[arc >= 0]]
    return Solution(
        session=session,
        arc=arc,
        status=status,
        objective=incumbent / scaling.scale,
        bound=min(best_bound, incumbent) / scaling.scale,
        seconds=time.perf_counter() - started,
        solver="CP-SAT",
        arcs_used=len(arcs),
    )


def greedy(
    order: np.ndarray,
    capacity: np.ndarray,
    arcs: Arcs,
    key: np.ndarray,
    fallback: Callable[[int, np.ndarray], int] | None = None,
) -> np.ndarray:
    """Arc index per patient (-1 unplaced) by the manual rule.

    In ``order``, each patient takes their candidate arc with the smallest
    ``key`` (travel minutes) whose session still has a place. When all of a
    patient's candidates are full, ``fallback(patient, remaining)`` may look
    beyond them and return a session (or -1); such placements are returned
    as ``-2 - session`` so the caller can tell them apart.
    """
    remaining = np.asarray(capacity, np.int64).copy()
    n = max(
        int(arcs.patient.max()) + 1 if len(arcs) else 0,
        int(order.max()) + 1 if len(order) else 0,
    )
    result = np.full(n, -1, np.int64)
    if len(arcs) and (np.diff(arcs.patient) < 0).any():
        by_patient = np.argsort(arcs.patient, kind="stable")
    else:
        by_patient = np.arange(len(arcs))
    starts = np.searchsorted(arcs.patient[by_patient], np.arange(n + 1))
    sessions, keys = arcs.session[by_patient], np.asarray(key, float)[by_patient]
    for p in order.tolist():
        a, b = starts[p], starts[p + 1]
        if a < b:
            open_key = np.where(remaining[sessions[a:b]] > 0, keys[a:b], np.inf)
            j = int(np.argmin(open_key))
            if open_key[j] < np.inf:
                remaining[sessions[a + j]] -= 1
                result[p] = by_patient[a + j]
                continue
            if fallback is not None:
                s = fallback(p, remaining)
                if s >= 0:
                    remaining[s] -= 1
                    result[p] = -2 - s
    return result
