"""Tests for matcher.optimize.exact: the exact search under staff-minute limits."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matcher.optimize.cpsat import solve_cpsat
from matcher.optimize.exact import Search, search
from matcher.optimize.flow import node_labels, solve_flow
from matcher.optimize.problem import (
    Arcs,
    AssignmentProblem,
    Scaling,
    SideConstraint,
    Solution,
    SolverOptions,
    _repair,
)


def _instance(seed: int, slack: tuple[int, int]) -> tuple[Arcs, np.ndarray, np.ndarray, list]:
    """Random pairs of 30 patients and 10 sessions. Sessions 0-2 and 3-5 are two
    limited days whose visits cost minutes per patient (as a drive does); each
    limit is the flow plan's use that day minus ``slack`` minutes (drawn), so the
    limits bind. Sessions 6-9 have no limit."""
    rng = np.random.default_rng(seed)
    patients, sessions = 30, 10
    allowed = rng.random((patients, sessions)) < 0.5
    patient, session = np.nonzero(allowed)
    cost = rng.integers(0, 12, len(patient)).astype(float) / 2
    capacity = rng.integers(2, 6, sessions)
    priority = 1 + rng.binomial(2, 0.3, patients)
    minutes = rng.integers(40, 80, (patients, 2))
    arcs = Arcs(patient, session, cost)
    flow, _ = _flow(arcs, capacity, priority)
    side = []
    for day, members in enumerate(([0, 1, 2], [3, 4, 5])):
        mine = np.flatnonzero(np.isin(session, members))
        use = minutes[patient[mine], day].astype(np.int64)
        chosen = np.isin(mine, flow.arc[flow.arc >= 0])
        limit = max(0, int(use[chosen].sum()) - int(rng.integers(*slack)))
        side.append(SideConstraint(f"day {day}", mine, use, limit))
    return arcs, capacity, priority, side


def _flow(arcs: Arcs, capacity: np.ndarray, priority: np.ndarray) -> tuple[Solution, Scaling]:
    n = len(priority)
    scaling = Scaling.choose(float(arcs.cost.max()), n, len(capacity), int(priority.max()))
    flow, _ = solve_flow(AssignmentProblem(n, capacity, priority, arcs, scaling))
    return flow, scaling


def _search(seed: int, slack: tuple[int, int], time_limit: float) -> tuple[Search, Solution, Any]:
    """The search from the flow optimum and a crude plan within the limits (visits
    dropped until every limit holds), and CP-SAT's proven optimum."""
    arcs, capacity, priority, side = _instance(seed, slack)
    n = len(priority)
    flow, scaling = _flow(arcs, capacity, priority)
    problem = AssignmentProblem(n, capacity, priority, arcs, scaling, tuple(side))
    labels = node_labels(problem, flow.arc)
    assert labels is not None
    crude_session, crude = flow.session.copy(), flow.arc.copy()
    _repair(crude_session, crude, arcs, side)
    found = search(
        problem,
        SolverOptions(time_limit=time_limit),
        flow=flow.arc,
        labels=labels,
        incumbent=crude,
    )
    reference = solve_cpsat(problem, SolverOptions(time_limit=60))
    assert reference.status == "OPTIMAL"
    placed = found.pair >= 0
    load = np.bincount(arcs.session[found.pair[placed]], minlength=len(capacity))
    assert (load <= capacity).all()
    chosen = np.zeros(len(arcs), bool)
    chosen[found.pair[placed]] = True
    assert all(c.used(chosen) <= c.limit for c in side)
    return found, reference, scaling


def test_search_proves_the_cpsat_optimum_when_a_few_visits_must_go() -> None:
    """Limits a little below what the flow plan uses: the search ends with a plan within
    every limit and place count; proven optimal on nearly every instance, and then at
    exactly CP-SAT's optimum (a search that runs out of time keeps a true bound)."""
    proven = 0
    for seed in range(10):
        found, reference, scaling = _search(seed, (5, 60), time_limit=5)
        assert found.bound / scaling.scale <= reference.objective + 1e-9
        if found.status == "OPTIMAL":
            assert found.objective / scaling.scale == pytest.approx(reference.objective, abs=1e-9)
            proven += 1
    assert proven >= 8


@pytest.mark.parametrize("seed", range(4))
def test_a_search_cut_short_keeps_a_true_bound(seed: int) -> None:
    """Limits far below what the flow plan uses, and half a second: whatever the search
    ends with lies within the limits, and its bound never exceeds the optimum."""
    found, reference, scaling = _search(seed, (80, 200), time_limit=0.5)
    assert found.bound / scaling.scale <= reference.objective + 1e-9
    assert found.objective / scaling.scale >= reference.objective - 1e-9
    if found.status == "OPTIMAL":
        assert found.objective / scaling.scale == pytest.approx(reference.objective, abs=1e-9)
