"""Best-first branch and bound over the exact search's tree
(matcher.optimize.best_first)."""

from __future__ import annotations

import time

import numpy as np

from matcher.optimize.best_first import branch_and_bound
from matcher.optimize.cpsat import solve_cpsat
from matcher.optimize.exact import _start
from matcher.optimize.flow import node_labels, solve_flow
from matcher.optimize.problem import (
    Arcs,
    AssignmentProblem,
    Scaling,
    SideConstraint,
    SolverOptions,
    _repair,
)


def _problem(seed: int) -> AssignmentProblem:
    """40 patients, 8 sessions; sessions 0-2 one limited day that binds, a visit's
    minutes depending on the patient only (as the search assumes)."""
    rng = np.random.default_rng([seed, 11])
    patients, sessions = 40, 8
    patient, session = np.nonzero(rng.random((patients, sessions)) < 0.45)
    cost = rng.integers(0, 16, len(patient)).astype(float) / 2
    capacity = rng.integers(2, 6, sessions)
    priority = 1 + rng.binomial(2, 0.3, patients)
    scaling = Scaling.choose(float(cost.max()), patients, sessions, int(priority.max()))
    mine = np.flatnonzero(session < 3)
    use = rng.integers(40, 90, patients)[patient[mine]].astype(np.int64)  # per patient
    side = (SideConstraint("day", mine, use, int(rng.integers(120, 220))),)
    return AssignmentProblem(
        patients, capacity, priority, Arcs(patient, session, cost), scaling, side
    )


def _tree(problem: AssignmentProblem) -> tuple:
    flow, _ = solve_flow(problem)
    labels = node_labels(problem, flow.arc)
    assert labels is not None
    session, crude = flow.session.copy(), flow.arc.copy()
    _repair(session, crude, problem.arcs, problem.side)
    upper = problem.objective(crude)
    tree, root = _start(problem, (flow.arc, labels), crude, upper - problem.objective(flow.arc))
    return tree, root, crude, upper


def test_the_search_ends_at_cpsats_optimum() -> None:
    """Best first: with time enough, it ends 'done' with a plan at CP-SAT's optimum."""
    for seed in range(4):
        problem = _problem(seed)
        tree, root, crude, _ = _tree(problem)
        best, how = crude, "better"
        while how == "better":  # a much better plan: search again below it
            best, bound, _, how = branch_and_bound(
                tree, root, best, problem.objective(best), time.perf_counter() + 60
            )
        reference = solve_cpsat(problem, SolverOptions(time_limit=30))
        scale = problem.scaling.scale
        assert how == "done"
        assert problem.objective(best) == round(reference.objective * scale)
        assert bound == problem.objective(best)


def test_a_search_out_of_time_keeps_a_true_bound() -> None:
    """Best first: stopped at once, it answers 'time' with a bound no plan beats."""
    problem = _problem(1)
    tree, root, crude, upper = _tree(problem)
    best, bound, count, how = branch_and_bound(tree, root, crude, upper, time.perf_counter() - 1)
    reference = solve_cpsat(problem, SolverOptions(time_limit=30))
    assert how == "time" and count == 0
    assert best is crude
    assert bound <= round(reference.objective * problem.scaling.scale)
