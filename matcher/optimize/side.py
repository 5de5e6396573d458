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

import numpy as np

from .flow import flow_once, node_labels
from .problem import (
    Arcs,
    Scaling,
    SideConstraint,
    Solution,
    _repair,
    arc_mask,
    solve_cpsat,
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


def usage(side: list[SideConstraint], arc_of: np.ndarray, n_arcs: int) -> np.ndarray:
    """Minutes (or other units) each side constraint uses in a plan over ``n_arcs`` arcs."""
    chosen = arc_mask(arc_of, n_arcs)
    return np.array([c.used(chosen) for c in side], np.int64)


def _neighbourhood(
    n_patients: int, n_sessions: int, arcs: Arcs, side: list[SideConstraint]
) -> tuple[np.ndarray, bool]:
    """Patients free to move, and whether nobody else can use their sessions."""
    free = np.zeros(n_patients, bool)
    for c in side:
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
    """The neighbourhood as its own small problem (patients renumbered)."""

    def __init__(
        self,
        free: np.ndarray,
        capacity: np.ndarray,
        priority: np.ndarray,
        arcs: Arcs,
        side: list[SideConstraint],
        start: np.ndarray,
    ) -> None:
        self.patients = np.flatnonzero(free)
        number = np.full(len(free), -1, np.int64)
        number[self.patients] = np.arange(len(self.patients))
        fixed = start[~free & (start >= 0)]
        self.capacity = np.asarray(capacity, np.int64) - np.bincount(
            arcs.session[fixed], minlength=len(capacity)
        )
        self.index = np.flatnonzero(free[arcs.patient])  # sub arc -> arc
        self.arcs = Arcs(
            number[arcs.patient[self.index]], arcs.session[self.index], arcs.cost[self.index]
        )
        local = np.full(len(arcs), -1, np.int64)
        local[self.index] = np.arange(len(self.index))
        self.side = [SideConstraint(c.name, local[c.arcs], c.use, c.limit) for c in side]
        self.priority = np.asarray(priority, np.int64)[self.patients]
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


def _lagrange(
    sub: _Sub, scaling: Scaling, deadline: float
) -> tuple[np.ndarray, int, int, np.ndarray]:
    """Best plan respecting the constraints, its objective, the best lower bound and
    the reduced cost of every pair at the prices of that bound (scaled units)."""
    n = len(sub.patients)
    icost = scaling.cost(sub.arcs.cost)
    unplaced = sub.priority * scaling.reward
    group = np.full(len(sub.arcs), -1, np.int64)
    use = np.zeros(len(sub.arcs), np.int64)
    for k, c in enumerate(sub.side):
        group[c.arcs], use[c.arcs] = k, c.use
    limit = np.array([c.limit for c in sub.side], np.int64)
    best = sub.start.copy()
    session = np.where(best >= 0, sub.arcs.session[np.maximum(best, 0)], -1)
    _repair(session, best, sub.arcs, sub.side)
    upper = _objective(icost, unplaced, best)
    lower, reduced = -(2**62), np.zeros(len(sub.arcs), np.int64)
    price = np.zeros(len(sub.side))
    theta, stalled, found = 1.0, 0, False
    for _ in range(MAX_STEPS):
        whole = np.floor(price).astype(np.int64)
        cost = icost + np.where(group >= 0, whole[np.maximum(group, 0)] * use, 0)
        priced = Arcs(sub.arcs.patient, sub.arcs.session, cost / scaling.scale)
        _, arc, value = flow_once(n, sub.capacity, unplaced, priced, scaling)
        bound = value - int((whole * limit).sum())
        if bound > lower:
            labels = node_labels(n, sub.capacity, unplaced, priced, arc, scaling, 100_000, None)
            if labels is not None:
                lower = bound
                reduced = cost + labels[sub.arcs.patient] - labels[n + sub.arcs.session]
            stalled = 0
        else:
            stalled += 1
            if stalled % 3 == 0:
                theta /= 2
        excess = usage(sub.side, arc, len(sub.arcs)) - limit
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
    n_patients: int,
    capacity: np.ndarray,
    priority: np.ndarray,
    arcs: Arcs,
    scaling: Scaling,
    side: list[SideConstraint],
    start: Solution,
    time_limit: float = 30.0,
    workers: int = 1,
    seed: int = 0,
    complete: bool = True,
    open_cpsat: bool = True,
) -> Solution:
    """The plan with side constraints, from the flow optimum ``start`` without them.

    ``start.objective`` (the optimum without side constraints) is a lower
    bound. The result is ``OPTIMAL`` when it reaches that bound, or when the
    neighbourhood's optimum is proven and nobody outside it can use its
    sessions; ``complete`` says that ``arcs`` holds every allowed pair (else
    only the first holds). With ``open_cpsat`` false, CP-SAT runs only where it
    can prove the plan (a closed neighbourhood over every pair), for a caller
    that has a better way to finish the others.
    """
    started = time.perf_counter()
    deadline = started + max(0.0, time_limit) / 2
    free, closed = _neighbourhood(n_patients, len(capacity), arcs, side)
    sub = _Sub(free, capacity, priority, arcs, side, start.arc)
    best, upper, lower, reduced = _lagrange(sub, scaling, deadline)
    status = "OPTIMAL" if upper <= lower else "FEASIBLE"
    notes = [f"staff minutes: {len(sub.patients)} patients re-planned"]
    keep = reduced <= upper - lower
    keep[best[best >= 0]] = True
    ran_cpsat = (
        upper > lower
        and time_limit > 0
        and int(keep.sum()) <= MAX_CPSAT_PAIRS
        and (open_cpsat or (closed and complete))
    )
    if upper > lower and not ran_cpsat:
        notes.append(
            f"CP-SAT not run: {int(keep.sum())} pairs could still improve the re-planned part"
        )
    if ran_cpsat:
        kept = np.flatnonzero(keep)
        renumber = np.full(len(sub.arcs), -1, np.int64)
        renumber[kept] = np.arange(len(kept))
        small = Arcs(sub.arcs.patient[kept], sub.arcs.session[kept], sub.arcs.cost[kept])
        small_side = [
            SideConstraint(c.name, renumber[c.arcs][keep[c.arcs]], c.use[keep[c.arcs]], c.limit)
            for c in sub.side
        ]
        hint = np.where(best >= 0, renumber[np.maximum(best, 0)], -1)
        remaining = max(0.0, time_limit - (time.perf_counter() - started))
        sat = solve_cpsat(
            len(sub.patients),
            sub.capacity,
            sub.priority,
            small,
            scaling,
            small_side,
            hint=hint,
            time_limit=remaining,
            workers=workers,
            seed=seed,
        )
        candidate = np.where(sat.arc >= 0, kept[np.maximum(sat.arc, 0)], -1)
        value = _objective(scaling.cost(sub.arcs.cost), sub.priority * scaling.reward, candidate)
        if value <= upper:
            best, upper = candidate, value
        if sat.status == "OPTIMAL":
            lower, status = upper, "OPTIMAL"
        elif np.isfinite(sat.bound):
            lower = max(lower, round(sat.bound * scaling.scale))
        notes.append(f"CP-SAT on {len(kept)} of {len(sub.arcs)} pairs: {sat.status.lower()}")
    whole = sub.lift(best, start.arc)
    icost = scaling.cost(arcs.cost)
    unplaced = np.asarray(priority, np.int64) * scaling.reward
    objective = _objective(icost, unplaced, whole)
    outside = objective - upper  # the part of the plan kept where the flow put it
    flow_bound = round(start.objective * scaling.scale)
    if closed and complete:
        bound = max(lower + outside, flow_bound)
    else:
        bound = flow_bound
        if objective > bound:
            status = "FEASIBLE"
            notes.append("others can use the re-planned sessions too; bound: the flow optimum")
    if objective <= bound:
        status = "OPTIMAL"
    placed_priority = int(np.asarray(priority)[whole >= 0].sum())
    if placed_priority == int(np.asarray(priority)[start.arc >= 0].sum()):
        notes.append("the priority placed is the most possible (as without the staff limits)")
    session = np.full(n_patients, -1, np.int64)
    session[whole >= 0] = arcs.session[whole[whole >= 0]]
    return Solution(
        session=session,
        arc=whole,
        status=status,
        objective=objective / scaling.scale,
        bound=min(bound, objective) / scaling.scale,
        seconds=time.perf_counter() - started,
        solver="min-cost flow + CP-SAT" if ran_cpsat else "min-cost flow + Lagrangian prices",
        arcs_used=len(arcs),
        notes=notes,
    )
