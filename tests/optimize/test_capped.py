"""The flow optimum with limited days capped at the visits their minutes fit
(matcher.optimize.capped)."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.optimize.capped import capped_root, day_caps, day_of_sessions
from matcher.optimize.cover import most_visits
from matcher.optimize.cpsat import solve_cpsat
from matcher.optimize.flow import node_labels, solve_flow
from matcher.optimize.problem import (
    Arcs,
    AssignmentProblem,
    Scaling,
    SideConstraint,
    SolverOptions,
    arc_mask,
)


def _tight(seed: int, patients: int = 60) -> AssignmentProblem:
    """Random pairs; sessions 0-3 are home visits on two limited days (two sessions
    each) whose minutes fit only two or three visits, as tight staff minutes do."""
    rng = np.random.default_rng([seed, 5])
    sessions = 12
    allowed = rng.random((patients, sessions)) < 0.3
    allowed[:, :4] |= rng.random((patients, 4)) < 0.2
    patient, session = np.nonzero(allowed)
    cost = rng.integers(0, 20, len(patient)).astype(float) / 2
    capacity = rng.integers(1, 6, sessions)
    priority = 1 + rng.binomial(3, 0.3, patients)
    scaling = Scaling.choose(float(cost.max()), patients, sessions, int(priority.max()))
    minutes = rng.integers(60, 140, (patients, 2))
    side = []
    for day, members in enumerate(([0, 1], [2, 3])):
        mine = np.flatnonzero(np.isin(session, members))
        use = minutes[patient[mine], day].astype(np.int64)
        side.append(SideConstraint(f"day {day}", mine, use, int(rng.integers(150, 300))))
    arcs = Arcs(patient, session, cost)
    return AssignmentProblem(patients, capacity, priority, arcs, scaling, tuple(side))


def _labels(problem: AssignmentProblem) -> np.ndarray:
    flow, _ = solve_flow(problem)
    labels = node_labels(problem, flow.arc)
    assert labels is not None
    return labels


def test_caps_are_the_cover_counts() -> None:
    """Caps: each limited day's cap is the most visits its minutes fit."""
    problem = _tight(0)
    caps = day_caps(problem)
    for k, c in enumerate(problem.side):
        patient = problem.arcs.patient[c.arcs]
        assert caps[k] == most_visits(patient, c.use, c.limit, np.zeros(0, np.int64))
    assert (day_of_sessions(problem)[:4] == [0, 0, 1, 1]).all()
    assert (day_of_sessions(problem)[4:] == -1).all()


@pytest.mark.parametrize("seed", range(8))
def test_the_capped_optimum_bounds_every_plan_within_the_limits(seed: int) -> None:
    """Capped root: a plan with each day at most at its cap, no better than the flow
    optimum and no worse than CP-SAT's optimum within the limits."""
    problem = _tight(seed)
    capped = capped_root(problem, _labels(problem))
    chosen = arc_mask(capped.arc, len(problem.arcs))
    for k, c in enumerate(problem.side):
        assert int(chosen[c.arcs].sum()) <= capped.caps[k]
    assert capped.value == problem.objective(capped.arc)
    flow, _ = solve_flow(problem)
    scale = problem.scaling.scale
    assert capped.value >= round(flow.objective * scale)
    reference = solve_cpsat(problem, SolverOptions(time_limit=30))
    assert reference.status == "OPTIMAL"
    assert capped.value <= round(reference.objective * scale)


@pytest.mark.parametrize("seed", range(4))
def test_the_labels_leave_no_negative_reduced_cost(seed: int) -> None:
    """Capped root: at its labels every pair has a reduced cost of at least zero when
    unused and at most zero when used, and so has every day's way to the sink."""
    problem = _tight(seed)
    capped = capped_root(problem, _labels(problem))
    labels = capped.labels
    assert labels is not None
    n, s = problem.n_patients, problem.n_sessions
    sink = n + s
    assert len(labels) == sink + 1 + len(problem.side)
    arcs = problem.arcs
    reduced = problem.scaling.cost(arcs.cost) + labels[arcs.patient] - labels[n + arcs.session]
    used = arc_mask(capped.arc, len(arcs))
    assert (reduced[~used] >= 0).all()
    assert (reduced[used] <= 0).all()
    chosen = arc_mask(capped.arc, len(arcs))
    for k, c in enumerate(problem.side):
        to_sink = labels[sink + 1 + k] - labels[sink]
        if int(chosen[c.arcs].sum()) < capped.caps[k]:
            assert to_sink >= 0
        if int(chosen[c.arcs].sum()) > 0:
            assert to_sink <= 0
