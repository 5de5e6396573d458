"""The assignment problem the solvers share. It holds arrays only, never tables or geography.

The batch problem is a transportation problem: every patient supplies one
unit, every session takes up to its capacity, each allowed pair has a cost,
and an unplaced patient costs a reward that dominates every cost, in
proportion to the patient's priority (``Scaling``). ``AssignmentProblem``
holds all of it, with the side constraints (e.g. staff minutes per day for
home visits); ``SolverOptions`` holds the knobs (time limit, workers, seed).
Every solver takes ``(problem, options)`` and returns a ``Solution``:

* ``matcher.optimize.flow.solve_flow``: exact, by OR-Tools min-cost flow
  (without side constraints);
* ``matcher.optimize.cpsat.solve_cpsat``: CP-SAT with the side constraints;
* ``matcher.optimize.side.solve_side``: re-plans the neighbourhood of the
  side constraints;
* ``matcher.optimize.exact.search``: branch and bound to a proven optimum
  under staff minutes.

``matcher.optimize.greedy`` is the baseline done by hand today.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import PrecisionWarning

__all__ = [
    "DEFAULT_OPTIONS",
    "Arcs",
    "AssignmentProblem",
    "Scaling",
    "SideConstraint",
    "Solution",
    "SolverOptions",
    "arc_mask",
    "relative_gap",
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


def relative_gap(objective: float, bound: float) -> float:
    """How far ``objective`` may be above the optimum, relative to it: 0 when the bound
    reaches it, ``inf`` when there is no bound (``-inf``) for a non-zero objective."""
    if objective == 0 or bound == float("-inf"):
        return 0.0 if objective == bound else float("inf")
    return max(0.0, (objective - bound) / abs(objective))


@dataclass(frozen=True)
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
    notes: tuple[str, ...] = field(default=())
    #: Shortest-path labels of every node (patients, sessions, sink) on the
    #: residual network of an optimal flow, in scaled cost units, when known.
    labels: np.ndarray | None = None

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)


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


def _repair(
    session: np.ndarray, arc: np.ndarray, arcs: Arcs, side: Sequence[SideConstraint]
) -> None:
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


@dataclass(frozen=True)
class AssignmentProblem:
    """One assignment problem: who may go where, at what cost, under which limits.

    ``n_patients`` patients with ``priority`` each, sessions with ``capacity``
    places, the allowed pairs ``arcs`` (costs in points), the integer
    ``scaling`` of those costs and the ``side`` constraints over the arcs.
    ``complete`` says that ``arcs`` holds every allowed pair (a solver that
    proves optimality over the pairs it sees proves it for the whole plan).
    """

    n_patients: int
    capacity: np.ndarray
    priority: np.ndarray
    arcs: Arcs
    scaling: Scaling
    side: tuple[SideConstraint, ...] = ()
    complete: bool = True

    @property
    def n_sessions(self) -> int:
        return len(self.capacity)

    @property
    def unplaced_cost(self) -> np.ndarray:
        """What leaving each patient unplaced costs, in scaled units."""
        return np.asarray(self.priority, np.int64) * self.scaling.reward

    def objective(self, arc_of: np.ndarray) -> int:
        """The scaled objective of the plan that uses arc ``arc_of[p]`` (-1: unplaced)."""
        placed = arc_of >= 0
        cost = self.scaling.cost(self.arcs.cost[arc_of[placed]])
        return int(cost.sum() + self.unplaced_cost[~placed].sum())

    def sessions_of(self, arc_of: np.ndarray) -> np.ndarray:
        """The session of each patient in the plan ``arc_of`` (-1: unplaced)."""
        session = np.full(len(arc_of), -1, np.int64)
        session[arc_of >= 0] = self.arcs.session[arc_of[arc_of >= 0]]
        return session


@dataclass(frozen=True)
class SolverOptions:
    """How long and how the solvers search: ``time_limit`` seconds for CP-SAT and the
    exact search, CP-SAT's ``workers`` and random ``seed``, the most pricing rounds of
    min-cost flow (``max_rounds``), and whether the neighbourhood re-plan runs CP-SAT
    where it cannot prove the plan (``open_cpsat``; false for a caller that has a
    better way to finish it)."""

    time_limit: float = 30.0
    workers: int = 1
    seed: int = 0
    max_rounds: int = 50
    open_cpsat: bool = True


#: The options every solver uses unless it is given others.
DEFAULT_OPTIONS = SolverOptions()
