"""Tests for matcher.optimize.cpsat: CP-SAT keeps the side constraints and the priority first."""

from __future__ import annotations

import numpy as np

from matcher.optimize.cpsat import solve_cpsat
from matcher.optimize.problem import (
    Arcs,
    AssignmentProblem,
    Scaling,
    SideConstraint,
    SolverOptions,
)


def test_a_staff_limit_moves_the_cheaper_visit_out() -> None:
    """Two visits fit the places but not the minutes: the patient of higher priority keeps
    the visit, the other takes the costlier session without a limit."""
    arcs = Arcs(np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([1.0, 1.0, 5.0]))
    side = (SideConstraint("staff mon", np.array([0, 1]), np.array([60, 60]), 100),)
    problem = AssignmentProblem(
        2, np.array([2, 1]), np.array([2, 1]), arcs, Scaling.choose(5.0, 2, 2, 2), side
    )
    solution = solve_cpsat(problem, SolverOptions(time_limit=5))
    assert solution.status == "OPTIMAL"
    assert solution.session.tolist() == [0, 1]
    assert solution.objective == 6.0 and solution.gap == 0.0
