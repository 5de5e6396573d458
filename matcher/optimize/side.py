"""Plans under side constraints that min-cost flow cannot express (staff minutes).

The flow optimum without the side constraints is a lower bound. When it
breaks a side constraint, ``solve_side`` frees only the patients who could
use a constrained pair (plus, when few enough, everyone who competes with
them for a session: the *neighbourhood*), keeps everyone else where the flow
put them, and then:

1. Lagrangian relaxation with min-cost flow: each constraint gets a price per
   minute, added to the cost of its pairs; the prices move by subgradient
   steps. Every flow whose plan respects the constraints is a candidate plan,
   and every flow gives a lower bound for the neighbourhood.
2. Reduced-cost fixing: with the flow's potentials at the best prices, a pair
   whose reduced cost exceeds the gap between the best plan and the best
   bound cannot be in any better plan, so it is left out.
3. CP-SAT on the pairs that are left, hinted with the best plan, with a time
   limit, a worker count and a fixed seed.

When the neighbourhood is closed (nobody outside it can use its sessions),
its optimum is the optimum of the whole plan and the status is ``OPTIMAL``;
otherwise the plan is ``FEASIBLE`` and the bound is the flow optimum.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .cpsat import solve_cpsat
from .flow import flow_once, node_labels
from .problem import (
    DEFAULT_OPTIONS,
    Arcs,
    AssignmentProblem,
    SideConstraint,
    Solution,
    SolverOptions,
    _repair,
    arc_mask,
)

__all__ = ["solve_side"]

#: Largest neighbourhood (patients) grown to close it (and at most three times the
#: patients who could use a constrained pair); beyond this it stays open.
MAX_NEIGHBOURHOOD = 5_000
#: Subgradient steps of the Lagrangian relaxation at most, and without a better
#: bound before stopping (once a plan within the limits is known).
MAX_STEPS = 24
MAX_STALLED = 6
#: Most pairs left after reduced-cost fixing for CP-SAT to be worth running.
MAX_CPSAT_PAIRS = 60_000


def usage(side: Sequence[SideConstraint], arc_of: np.ndarray, n_arcs: int) -> np.ndarray:
    """Minutes (or other units) each side constraint uses in a plan over ``n_arcs`` arcs."""
    chosen = arc_mask(arc_of, n_arcs)
    return np.array([c.used(chosen) for c in side], np.int64)


def _neighbourhood(problem: AssignmentProblem) -> tuple[np.ndarray, bool]:
    """Patients free to move, and whether nobody else can use their sessions."""
    arcs, n_sessions = problem.arcs, problem.n_sessions
    free = np.zeros(problem.n_patients, bool)
    for c in problem.side:
        free[arcs.patient[c.arcs]] = True
    base, grown = free.copy(), free
    limit = min(MAX_NEIGHBOURHOOD, 3 * int(base.sum()) + 100)
    while True:
        touched = np.zeros(n_sessions, bool)
        touched[arcs.session[grown[arcs.patient]]] = True
        wider = grown.copy()
        wider[arcs.patient[touched[arcs.session]]] = True
        if wider.sum() == grown.sum():
            return grown, True
        if wider.sum() > limit:
            return base, False
        grown = wider


class _Sub:
    """The neighbourhood as its own small problem (patients renumbered): ``problem``
    has the places the others leave, ``start`` the plan of its patients in it."""

    def __init__(self, whole: AssignmentProblem, free: np.ndarray, start: np.ndarray) -> None:
        arcs, capacity = whole.arcs, whole.capacity
        self.patients = np.flatnonzero(free)
        number = np.full(len(free), -1, np.int64)
        number[self.patients] = np.arange(len(self.patients))
        fixed = start[~free & (start >= 0)]
        room = np.asarray(capacity, np.int64) - np.bincount(
            arcs.session[fixed], minlength=len(capacity)
        )
        self.index = np.flatnonzero(free[arcs.patient])  # sub arc -> arc
        local = np.full(len(arcs), -1, np.int64)
        local[self.index] = np.arange(len(self.index))
        self.problem = AssignmentProblem(
            n_patients=len(self.patients),
            capacity=room,
            priority=np.asarray(whole.priority, np.int64)[self.patients],
            arcs=Arcs(
                number[arcs.patient[self.index]], arcs.session[self.index], arcs.cost[self.index]
            ),
            scaling=whole.scaling,
            side=tuple(SideConstraint(c.name, local[c.arcs], c.use, c.limit) for c in whole.side),
        )
        own = start[self.patients]
        self.start = np.where(own >= 0, local[np.maximum(own, 0)], -1)

    def lift(self, sub_arc: np.ndarray, start: np.ndarray) -> np.ndarray:
        """The whole plan (arc per patient) with the neighbourhood's part replaced."""
        out = start.copy()
        out[self.patients] = np.where(sub_arc >= 0, self.index[np.maximum(sub_arc, 0)], -1)
        return out


def _objective(icost: np.ndarray, unplaced: np.ndarray, arc_of: np.ndarray) -> int:
    placed = arc_of >= 0
    return int(icost[arc_of[placed]].sum() + unplaced[~placed].sum())


def _lagrange(sub: _Sub, deadline: float) -> tuple[np.ndarray, int, int, np.ndarray]:
    """Best plan respecting the constraints, its objective, the best lower bound and
    the reduced cost of every pair at the prices of that bound (scaled units)."""
    problem = sub.problem
    arcs, scaling, side = problem.arcs, problem.scaling, problem.side
    n = problem.n_patients
    icost = scaling.cost(arcs.cost)
    unplaced = problem.unplaced_cost
    group = np.full(len(arcs), -1, np.int64)
    use = np.zeros(len(arcs), np.int64)
    for k, c in enumerate(side):
        group[c.arcs], use[c.arcs] = k, c.use
    limit = np.array([c.limit for c in side], np.int64)
    best = sub.start.copy()
    session = np.where(best >= 0, arcs.session[np.maximum(best, 0)], -1)
    _repair(session, best, arcs, side)
    upper = _objective(icost, unplaced, best)
    lower, reduced = -(2**62), np.zeros(len(arcs), np.int64)
    price = np.zeros(len(side))
    theta, stalled, found = 1.0, 0, False
    for _ in range(MAX_STEPS):
        whole = np.floor(price).astype(np.int64)
        cost = icost + np.where(group >= 0, whole[np.maximum(group, 0)] * use, 0)
        priced = replace(problem, arcs=Arcs(arcs.patient, arcs.session, cost / scaling.scale))
        _, arc, value = flow_once(priced)
        bound = value - int((whole * limit).sum())
        if bound > lower:
            labels = node_labels(priced, arc)
            if labels is not None:
                lower = bound
                reduced = cost + labels[arcs.patient] - labels[n + arcs.session]
            stalled = 0
        else:
            stalled += 1
            if stalled % 3 == 0:
                theta /= 2
        excess = usage(side, arc, len(arcs)) - limit
        if (excess <= 0).all():
            found = True
            value_true = _objective(icost, unplaced, arc)
            if value_true < upper:
                best, upper = arc, value_true
        if upper <= lower or time.perf_counter() > deadline or (found and stalled >= MAX_STALLED):
            break
        if not found:
            # no plan within the limits yet: double the price of every exceeded limit
            price = np.where(excess > 0, np.maximum(1.0, 2 * price), price)
            continue
        direction = np.where((price <= 0) & (excess < 0), 0, excess).astype(float)
        norm = float((direction**2).sum())
        if norm == 0:
            break
        price = np.maximum(0.0, price + theta * max(1, upper - bound) / norm * direction)
    return best, upper, lower, reduced


def solve_side(
    problem: AssignmentProblem,
    options: SolverOptions = DEFAULT_OPTIONS,
    *,
    start: Solution,
) -> Solution:
    """The plan with side constraints, from the flow optimum ``start`` without them.

    ``start.objective`` (the optimum without side constraints) is a lower
    bound. The result is ``OPTIMAL`` when it reaches that bound, or when the
    neighbourhood's optimum is proven and nobody outside it can use its
    sessions; ``problem.complete`` says that ``problem.arcs`` holds every
    allowed pair (else only the first holds). With ``options.open_cpsat``
    false, CP-SAT runs only where it can prove the plan (a closed neighbourhood
    over every pair), for a caller that has a better way to finish the others.
    """
    started = time.perf_counter()
    time_limit, complete = options.time_limit, problem.complete
    deadline = started + max(0.0, time_limit) / 2
    free, closed = _neighbourhood(problem)
    sub = _Sub(problem, free, start.arc)
    best, upper, lower, reduced = _lagrange(sub, deadline)
    status = "OPTIMAL" if upper <= lower else "FEASIBLE"
    notes = [f"staff minutes: {len(sub.patients)} patients re-planned"]
    keep = reduced <= upper - lower
    keep[best[best >= 0]] = True
    ran_cpsat = (
        upper > lower
        and time_limit > 0
        and int(keep.sum()) <= MAX_CPSAT_PAIRS
        and (options.open_cpsat or (closed and complete))
    )
    if upper > lower and not ran_cpsat:
        notes.append(
            f"CP-SAT not run: {int(keep.sum())} pairs could still improve the re-planned part"
        )
    if ran_cpsat:
        best, upper, lower, status, note = _finish(
            sub, best, (upper, lower), keep, options, started
        )
        notes.append(note)
    whole = sub.lift(best, start.arc)
    objective = problem.objective(whole)
    outside = objective - upper  # the part of the plan kept where the flow put it
    flow_bound = round(start.objective * problem.scaling.scale)
    if closed and complete:
        bound = max(lower + outside, flow_bound)
    else:
        bound = flow_bound
        if objective > bound:
            status = "FEASIBLE"
            notes.append("others can use the re-planned sessions too; bound: the flow optimum")
    if objective <= bound:
        status = "OPTIMAL"
    priority = np.asarray(problem.priority)
    if int(priority[whole >= 0].sum()) == int(priority[start.arc >= 0].sum()):
        notes.append("the priority placed is the most possible (as without the staff limits)")
    return Solution(
        session=problem.sessions_of(whole),
        arc=whole,
        status=status,
        objective=objective / problem.scaling.scale,
        bound=min(bound, objective) / problem.scaling.scale,
        seconds=time.perf_counter() - started,
        solver="min-cost flow + CP-SAT" if ran_cpsat else "min-cost flow + Lagrangian prices",
        arcs_used=len(problem.arcs),
        notes=tuple(notes),
    )


def _finish(
    sub: _Sub,
    best: np.ndarray,
    bounds: tuple[int, int],
    keep: np.ndarray,
    options: SolverOptions,
    started: float,
) -> tuple[np.ndarray, int, int, str, str]:
    """CP-SAT on the neighbourhood's pairs that ``keep`` leaves, hinted with ``best``
    (whose objective and lower bound are ``bounds``), in the time ``options`` leave
    since ``started``: (best plan, its objective, lower bound, status, note)."""
    upper, lower = bounds
    status = "FEASIBLE"
    arcs, scaling = sub.problem.arcs, sub.problem.scaling
    kept = np.flatnonzero(keep)
    renumber = np.full(len(arcs), -1, np.int64)
    renumber[kept] = np.arange(len(kept))
    small = replace(
        sub.problem,
        arcs=Arcs(arcs.patient[kept], arcs.session[kept], arcs.cost[kept]),
        side=tuple(
            SideConstraint(c.name, renumber[c.arcs][keep[c.arcs]], c.use[keep[c.arcs]], c.limit)
            for c in sub.problem.side
        ),
    )
    hint = np.where(best >= 0, renumber[np.maximum(best, 0)], -1)
    remaining = max(0.0, options.time_limit - (time.perf_counter() - started))
    sat = solve_cpsat(small, replace(options, time_limit=remaining), hint=hint)
    candidate = np.where(sat.arc >= 0, kept[np.maximum(sat.arc, 0)], -1)
    value = sub.problem.objective(candidate)
    if value <= upper:
        best, upper = candidate, value
    if sat.status == "OPTIMAL":
        lower, status = upper, "OPTIMAL"
    elif np.isfinite(sat.bound):
        lower = max(lower, round(sat.bound * scaling.scale))
    return (
        best,
        upper,
        lower,
        status,
        f"CP-SAT on {len(kept)} of {len(arcs)} pairs: {sat.status.lower()}",
    )
