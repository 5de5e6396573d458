"""The transportation problem solved exactly with OR-Tools min-cost flow.

``solve_flow`` solves it on the cheapest candidate pairs per patient, then
proves the result optimal for *all* allowed pairs: it computes node
potentials on the residual network and asks ``price`` for any left-out pair
with a negative reduced cost, adds those and solves again (column
generation), until none is left. A round that adds only pairs of small
reduced cost re-solves only the patients those pairs can move (reduced-cost
fixing), which keeps the last rounds of a large plan short.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from ortools.graph.python import min_cost_flow

from .problem import DEFAULT_OPTIONS, Arcs, AssignmentProblem, Scaling, Solution, SolverOptions

__all__ = ["PriceFunction", "flow_once", "node_labels", "solve_flow"]

#: A round re-solves only the patients its new pairs can move when their pairs
#: are at most this share of all pairs (else the whole problem is solved again).
_NEAR_SHARE = 0.5

PriceFunction = Callable[[np.ndarray, np.ndarray, Scaling], Arcs]


def flow_once(problem: AssignmentProblem) -> tuple[np.ndarray, np.ndarray, int]:
    """One min-cost flow solve, side constraints ignored: (session per patient, arc per
    patient, scaled objective)."""
    n_patients, capacity, arcs = problem.n_patients, problem.capacity, problem.arcs
    unplaced_cost = problem.unplaced_cost
    n_sessions = len(capacity)
    sink = n_patients + n_sessions
    cost = problem.scaling.cost(arcs.cost)
    tails = np.concatenate(
        [arcs.patient, n_patients + np.arange(n_sessions), np.arange(n_patients)]
    )
    heads = np.concatenate(
        [n_patients + arcs.session, np.full(n_sessions, sink), np.full(n_patients, sink)]
    )
    caps = np.concatenate(
        [
            np.ones(len(arcs), np.int64),
            np.asarray(capacity, np.int64),
            np.ones(n_patients, np.int64),
        ]
    )
    costs = np.concatenate([cost, np.zeros(n_sessions, np.int64), unplaced_cost])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    supplies = np.zeros(sink + 1, np.int64)
    supplies[:n_patients] = 1
    supplies[sink] = -n_patients
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    used = flow.flows(np.arange(len(arcs), dtype=np.int32)) > 0
    session = np.full(n_patients, -1, np.int64)
    arc = np.full(n_patients, -1, np.int64)
    session[arcs.patient[used]] = arcs.session[used]
    arc[arcs.patient[used]] = np.flatnonzero(used)
    return session, arc, int(flow.optimal_cost())


def _residual(
    problem: AssignmentProblem, arc_of_patient: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tail, head, cost) of every arc of the residual network of a flow, sorted by
    tail. Nodes: patients, then sessions, then the sink."""
    n_patients, capacity, arcs = problem.n_patients, problem.capacity, problem.arcs
    unplaced_cost = problem.unplaced_cost
    n_sessions = len(capacity)
    sink = n_patients + n_sessions
    cost = problem.scaling.cost(arcs.cost)
    used = np.zeros(len(arcs), bool)
    placed = arc_of_patient >= 0
    used[arc_of_patient[placed]] = True
    load = np.bincount(arcs.session[used], minlength=n_sessions)
    s_node = n_patients + np.arange(n_sessions)
    p_node = np.arange(n_patients)
    free, busy = load < capacity, load > 0
    pieces = [
        # patient -> session (unused pairs) and back along used ones
        (arcs.patient[~used], n_patients + arcs.session[~used], cost[~used]),
        (n_patients + arcs.session[used], arcs.patient[used], -cost[used]),
        # session -> sink while places are free, sink -> session when in use
        (s_node[free], np.full(int(free.sum()), sink), np.zeros(int(free.sum()), np.int64)),
        (np.full(int(busy.sum()), sink), s_node[busy], np.zeros(int(busy.sum()), np.int64)),
        # patient -> sink (unplaced) when placed, sink -> patient when unplaced
        (p_node[placed], np.full(int(placed.sum()), sink), unplaced_cost[placed]),
        (np.full(int((~placed).sum()), sink), p_node[~placed], -unplaced_cost[~placed]),
    ]
    tail = np.concatenate([x[0] for x in pieces]).astype(np.int64)
    head = np.concatenate([x[1] for x in pieces]).astype(np.int64)
    weight = np.concatenate([x[2] for x in pieces]).astype(np.int64)
    order = np.argsort(tail, kind="stable")
    return tail[order], head[order], weight[order]


def _shortest_paths(
    tail: np.ndarray,
    head: np.ndarray,
    weight: np.ndarray,
    n_nodes: int,
    start: np.ndarray | None,
    max_rounds: int,
) -> np.ndarray | None:
    """Labels with ``dist[head] <= dist[tail] + weight`` on every arc, by label
    correcting from ``start`` (zeros: a virtual source next to every node).

    Each round relaxes only the arcs out of nodes whose label fell in the round
    before, so a warm start from the labels of a similar network settles in a
    few rounds. Returns None if it does not settle within ``max_rounds`` (which
    only a negative cycle would cause).
    """
    dist = np.zeros(n_nodes, np.int64) if start is None else np.array(start, np.int64)
    first = np.searchsorted(tail, np.arange(n_nodes + 1))
    active = np.arange(n_nodes)
    for _ in range(max_rounds):
        begin = first[active]
        counts = first[active + 1] - begin
        total = int(counts.sum())
        if total == 0:
            return dist
        idx = np.arange(total) + np.repeat(begin - (np.cumsum(counts) - counts), counts)
        heads = head[idx]
        candidate = dist[tail[idx]] + weight[idx]
        better = candidate < dist[heads]
        if not better.any():
            return dist
        heads, candidate = heads[better], candidate[better]
        np.minimum.at(dist, heads, candidate)
        active = np.unique(heads)
    return None


def node_labels(
    problem: AssignmentProblem,
    arc_of_patient: np.ndarray,
    *,
    max_rounds: int = 100_000,
    start: np.ndarray | None = None,
) -> np.ndarray | None:
    """Shortest-path labels of every node (patients, sessions, sink) on the residual
    network of an optimal flow, so that every residual arc has a non-negative
    reduced cost; None if they do not settle within ``max_rounds`` (which only a
    negative cycle would cause). ``start`` warm-starts the search."""
    tail, head, weight = _residual(problem, arc_of_patient)
    n_nodes = problem.n_patients + problem.n_sessions + 1
    return _shortest_paths(tail, head, weight, n_nodes, start, max_rounds)


def _resolve_near(
    problem: AssignmentProblem, arc: np.ndarray, labels: np.ndarray, reach: int
) -> tuple[np.ndarray, np.ndarray, int] | None:
    """The optimum over ``arcs`` after pairs were appended to them, re-solving only
    the patients those pairs can move (as ``flow_once``), or None when that is
    most of the problem.

    ``arc`` is the optimal flow over the arcs before the new ones, with
    shortest-path ``labels``. The new optimum differs from it by cycles of
    negative reduced cost, each through new pairs, whose reduced costs add up
    to ``-reach`` at least: every other arc on such a cycle has a reduced cost
    below ``reach``. A patient whose way out of its current place (or out of
    staying unplaced) costs ``reach`` or more keeps it; the others are solved
    again on their pairs of reduced cost up to ``reach``, with the places the
    others leave.
    """
    capacity, arcs, scaling = problem.capacity, problem.arcs, problem.scaling
    unplaced = problem.unplaced_cost
    n = len(arc)
    sink = n + len(capacity)
    cost = scaling.cost(arcs.cost)
    reduced = cost + labels[arcs.patient] - labels[n + arcs.session]
    placed = arc >= 0
    leave = np.where(placed, -reduced[np.maximum(arc, 0)], -(unplaced + labels[:n] - labels[sink]))
    # a patient can move only along a cheap way out and a cheap way in: another
    # pair, or (when placed) becoming unplaced
    other = reduced <= reach
    other[arc[placed]] = False
    unplace = placed & (unplaced + labels[:n] - labels[sink] <= reach)
    free = (leave <= reach) & ((np.bincount(arcs.patient[other], minlength=n) > 0) | unplace)
    usable = free[arcs.patient] & other
    usable[arc[placed & free]] = True
    if usable.sum() > _NEAR_SHARE * len(arcs):
        return None
    people = np.flatnonzero(free)
    if len(people):
        number = np.full(n, -1, np.int64)
        number[people] = np.arange(len(people))
        index = np.flatnonzero(usable)
        kept = arc[placed & ~free]
        room = np.asarray(capacity, np.int64) - np.bincount(
            arcs.session[kept], minlength=len(capacity)
        )
        sub = Arcs(number[arcs.patient[index]], arcs.session[index], arcs.cost[index])
        priority = np.asarray(problem.priority)[people]
        near = AssignmentProblem(len(people), room, priority, sub, scaling)
        _, sub_arc, _ = flow_once(near)
        arc = arc.copy()
        arc[people] = np.where(sub_arc >= 0, index[np.maximum(sub_arc, 0)], -1)
    chosen = arc >= 0
    session = np.where(chosen, arcs.session[np.maximum(arc, 0)], -1)
    return session, arc, int(cost[arc[chosen]].sum() + unplaced[~chosen].sum())


def solve_flow(
    problem: AssignmentProblem,
    options: SolverOptions = DEFAULT_OPTIONS,
    *,
    price: PriceFunction | None = None,
) -> tuple[Solution, Arcs]:
    """The exact optimum with min-cost flow, proven over all allowed pairs (the side
    constraints are not looked at).

    ``problem.arcs`` are the candidate pairs to start from (typically the cheapest
    per patient). ``price``, given patient and session potentials, returns the
    left-out allowed pairs whose reduced cost is negative; it is asked at most
    ``options.max_rounds`` times. Without it, ``problem.arcs`` are taken to be all
    allowed pairs.

    Returns the solution and the final arc set (``Solution.arc`` indexes it).
    """
    started = time.perf_counter()
    n_patients, scaling, max_rounds = problem.n_patients, problem.scaling, options.max_rounds
    rounds = 0
    notes: list[str] = []
    status = "OPTIMAL"
    labels: np.ndarray | None = None
    reach: int | None = None  # how far the pairs added last can move the optimum
    arc = np.full(n_patients, -1, np.int64)
    local = 0  # rounds that re-solved only what the new pairs could move
    while True:
        rounds += 1
        near = None
        if reach is not None and labels is not None:
            near = _resolve_near(problem, arc, labels, reach)
            local += near is not None
        if near is None:
            near = flow_once(problem)
        session, arc, objective = near
        if price is None:
            break
        labels = node_labels(problem, arc, start=labels)
        if labels is None:
            notes.append("potentials did not settle; optimal over the candidate pairs only")
            status = "FEASIBLE"
            break
        extra = price(labels[:n_patients], labels[n_patients:-1], scaling)
        if len(extra) == 0:
            break
        if rounds >= max_rounds:
            notes.append(f"stopped after {rounds} pricing rounds; optimal over the pairs seen")
            status = "FEASIBLE"
            break
        added = (
            scaling.cost(extra.cost) + labels[extra.patient] - labels[n_patients + extra.session]
        )
        reach = int(-added[added < 0].sum())
        problem = replace(problem, arcs=problem.arcs.concat(extra))
    if local:
        notes.append(f"{local} of {rounds} rounds re-solved only the patients new pairs could move")
    points = objective / scaling.scale
    solution = Solution(
        session=session,
        arc=arc,
        status=status,
        objective=points,
        bound=points if status == "OPTIMAL" else float("-inf"),
        seconds=time.perf_counter() - started,
        solver="min-cost flow",
        rounds=rounds,
        arcs_used=len(problem.arcs),
        notes=tuple(notes),
        labels=labels if status == "OPTIMAL" else None,
    )
    return solution, problem.arcs
