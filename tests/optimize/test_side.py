"""The neighbourhood re-plan under staff minutes (matcher.optimize.side), on arrays.

Each instance is small enough to enumerate every plan, so the re-plan can be
checked against the true optimum under the side constraints, and against the
flow optimum without them that it starts from.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from matcher.optimize.flow import solve_flow
from matcher.optimize.problem import (
    Arcs,
    AssignmentProblem,
    Scaling,
    SideConstraint,
    Solution,
    SolverOptions,
    arc_mask,
)
from matcher.optimize.side import solve_side, usage

OPTIONS = SolverOptions(time_limit=5.0, workers=1, seed=0)


def _instance(seed: int, tight: bool = True) -> AssignmentProblem:
    """Five patients, three sessions; sessions 0 and 1 are home visits whose staff
    minutes per day are limited below what the flow optimum without limits uses."""
    rng = np.random.default_rng(seed)
    n, n_s = 5, 3
    allowed = rng.random((n, n_s)) < 0.7
    allowed[:, 0] = True  # everyone could take a home visit, so the limit binds
    patient, session = np.nonzero(allowed)
    arcs = Arcs(patient, session, rng.integers(0, 10, len(patient)).astype(float))
    capacity = rng.integers(1, 3, n_s).astype(np.int64)
    priority = (1 + rng.integers(0, 2, n)).astype(np.int64)
    scaling = Scaling.choose(float(arcs.cost.max()), n, n_s, int(priority.max()))
    plain = AssignmentProblem(n, capacity, priority, arcs, scaling)
    start, _ = solve_flow(plain)
    visits = np.flatnonzero(session < 2)
    use = rng.integers(30, 90, len(visits)).astype(np.int64)
    used = int(use[arc_mask(start.arc, len(arcs))[visits]].sum())
    limit = max(0, used - 40) if tight else used + 1000
    side = (SideConstraint("mon staff", visits, use, limit),)
    return AssignmentProblem(n, capacity, priority, arcs, scaling, side)


def _start(problem: AssignmentProblem) -> Solution:
    """The flow optimum of ``problem`` without its side constraints."""
    solution, _ = solve_flow(replace(problem, side=()))
    return solution


def _plans(problem: AssignmentProblem) -> list[np.ndarray]:
    """Every plan (arc per patient, -1 unplaced) within capacities and side limits."""
    arcs = problem.arcs
    choices = [[-1, *np.flatnonzero(arcs.patient == p).tolist()] for p in range(problem.n_patients)]
    plans = []
    for combo in itertools.product(*choices):
        arc_of = np.array(combo, np.int64)
        load = np.bincount(arcs.session[arc_of[arc_of >= 0]], minlength=problem.n_sessions)
        if (load > problem.capacity).any():
            continue
        limits = np.array([c.limit for c in problem.side])
        if (usage(problem.side, arc_of, len(arcs)) > limits).any():
            continue
        plans.append(arc_of)
    return plans


@pytest.mark.parametrize("seed", range(6))
def test_the_re_plan_keeps_every_side_limit_and_capacity(seed: int) -> None:
    """The re-planned plan uses no more staff minutes than allowed and no more places."""
    problem = _instance(seed)
    result = solve_side(problem, OPTIONS, start=_start(problem))
    limits = np.array([c.limit for c in problem.side])
    assert (usage(problem.side, result.arc, len(problem.arcs)) <= limits).all()
    placed = result.arc >= 0
    assert (problem.arcs.patient[result.arc[placed]] == np.flatnonzero(placed)).all()
    load = np.bincount(result.session[placed], minlength=problem.n_sessions)
    assert (load <= problem.capacity).all()
    assert (result.session == problem.sessions_of(result.arc)).all()


@pytest.mark.parametrize("seed", range(6))
def test_the_re_plan_is_between_the_flow_bound_and_dropping_the_visits(seed: int) -> None:
    """Never better than the flow optimum without limits, never worse than the start
    with every constrained visit dropped (a plan that always keeps the limits)."""
    problem = _instance(seed)
    start = _start(problem)
    result = solve_side(problem, OPTIONS, start=start)
    scale = problem.scaling.scale
    dropped = start.arc.copy()
    constrained = np.isin(dropped, problem.side[0].arcs)
    dropped[constrained] = -1
    assert result.objective * scale >= round(start.objective * scale)
    assert result.objective * scale <= problem.objective(dropped)
    assert result.bound <= result.objective


@pytest.mark.parametrize("seed", range(6))
def test_an_optimal_re_plan_is_the_best_plan_within_the_limits(seed: int) -> None:
    """When the status is OPTIMAL the objective equals the brute-force optimum under
    the side limits; the objective is never below it either way."""
    problem = _instance(seed)
    result = solve_side(problem, OPTIONS, start=_start(problem))
    best = min(problem.objective(plan) for plan in _plans(problem))
    value = round(result.objective * problem.scaling.scale)
    assert value == problem.objective(result.arc)
    assert value >= best
    if result.status == "OPTIMAL":
        assert value == best


def test_a_start_within_the_limits_is_kept_and_proven() -> None:
    """A flow optimum that already keeps every limit is the answer, proven optimal."""
    problem = _instance(1, tight=False)
    start = _start(problem)
    result = solve_side(problem, OPTIONS, start=start)
    assert result.status == "OPTIMAL"
    assert result.objective == pytest.approx(start.objective)
    assert (result.arc >= 0).sum() == (start.arc >= 0).sum()


def test_a_limit_of_zero_minutes_leaves_every_visit_out() -> None:
    """With no staff minutes at all, nobody is placed in a constrained session."""
    problem = _instance(2)
    zero = tuple(replace(c, limit=0) for c in problem.side)
    problem = replace(problem, side=zero)
    result = solve_side(problem, OPTIONS, start=_start(problem))
    assert not np.isin(result.arc, problem.side[0].arcs).any()
    assert "patients re-planned" in result.notes[0]
