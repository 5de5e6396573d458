"""The flow optimum with every limited day capped at the visits its minutes fit.

A plan within a day's staff minutes visits at most as many patients that day
as the shortest visits of different patients fit (``cover.most_visits``).
Capping each limited day's visits so is a capacity on the arc from the day's
node to the sink, so one min-cost flow solves the capped network at once, and
its optimum bounds every plan within the limits from below. ``capped_root``
returns that optimum with shortest-path labels on its residual network, so
that the exact search starts from it (instead of moving the visits out one
shortest path at a time) and keeps only the pairs whose reduced cost, at
these labels, is small enough to matter.

Nodes: patients, sessions, the sink, then one node per limited day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .cover import most_visits
from .flow import _shortest_paths
from .problem import AssignmentProblem

__all__ = ["Capped", "capped_root", "day_caps", "day_of_sessions"]


@dataclass(frozen=True)
class Capped:
    """The capped optimum: arc per patient (-1 unplaced), its scaled value, the most
    visits per limited day, and the labels of every node (patients, sessions, sink,
    limited days), or None when they did not settle."""

    arc: np.ndarray
    value: int
    caps: np.ndarray
    labels: np.ndarray | None


def day_of_sessions(problem: AssignmentProblem) -> np.ndarray:
    """The limited day of each session (index into ``problem.side``), -1 for none."""
    day_of = np.full(problem.n_sessions, -1, np.int64)
    for k, c in enumerate(problem.side):
        day_of[np.unique(problem.arcs.session[c.arcs])] = k
    return day_of


def day_caps(problem: AssignmentProblem) -> np.ndarray:
    """The most visits each limited day's minutes fit (``cover.most_visits``)."""
    patient = problem.arcs.patient
    none = np.zeros(0, np.int64)
    return np.array(
        [most_visits(patient[c.arcs], c.use.astype(np.int64), c.limit, none) for c in problem.side],
        np.int64,
    )


def _network(
    problem: AssignmentProblem, day_of: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(tail, head, cost) of the capped network's arcs (pairs, session ways out, days,
    unplaced) and the sink's node."""
    n, n_sessions, n_days = problem.n_patients, problem.n_sessions, len(problem.side)
    sink = n + n_sessions
    out = np.where(day_of >= 0, sink + 1 + day_of, sink)
    days = sink + 1 + np.arange(n_days)
    tail = np.concatenate(
        [problem.arcs.patient, n + np.arange(n_sessions), days, np.arange(n)]
    ).astype(np.int64)
    head = np.concatenate(
        [n + problem.arcs.session, out, np.full(n_days, sink), np.full(n, sink)]
    ).astype(np.int64)
    cost = np.concatenate(
        [
            problem.scaling.cost(problem.arcs.cost),
            np.zeros(n_sessions + n_days, np.int64),
            problem.unplaced_cost,
        ]
    )
    return tail, head, cost, sink


def capped_root(problem: AssignmentProblem, start: np.ndarray | None = None) -> Capped:
    """The flow optimum over ``problem.arcs`` with each limited day capped at
    ``day_caps``, and its labels (warm-started from ``start``: labels of patients,
    sessions and sink, e.g. of the flow optimum without caps)."""
    n, n_sessions, n_days = problem.n_patients, problem.n_sessions, len(problem.side)
    day_of = day_of_sessions(problem)
    caps = day_caps(problem)
    tail, head, cost, sink = _network(problem, day_of)
    n_arcs = len(problem.arcs)
    room = np.concatenate(
        [
            np.ones(n_arcs, np.int64),
            np.asarray(problem.capacity, np.int64),
            caps,
            np.ones(n, np.int64),
        ]
    )
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        tail.astype(np.int32), head.astype(np.int32), room, cost
    )
    n_nodes = sink + 1 + n_days
    supplies = np.zeros(n_nodes, np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    solver.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supplies)
    if solver.solve() != solver.OPTIMAL:
        raise RuntimeError("min-cost flow with capped days found no optimum")
    flows = solver.flows(np.arange(len(tail), dtype=np.int32))
    used = flows[:n_arcs] > 0
    arc = np.full(n, -1, np.int64)
    arc[problem.arcs.patient[used]] = np.flatnonzero(used)
    # the residual network: every arc with room forward, every arc in use backward
    forward, backward = flows < room, flows > 0
    r_tail = np.concatenate([tail[forward], head[backward]])
    r_head = np.concatenate([head[forward], tail[backward]])
    r_cost = np.concatenate([cost[forward], -cost[backward]])
    order = np.argsort(r_tail, kind="stable")
    warm = None
    if start is not None:
        warm = np.concatenate([start, np.full(n_days, start[n + n_sessions])])
    labels = _shortest_paths(
        r_tail[order], r_head[order], r_cost[order], n_nodes, warm, max_rounds=100_000
    )
    return Capped(arc, int(solver.optimal_cost()), caps, labels)
