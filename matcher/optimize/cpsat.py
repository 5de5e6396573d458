"""The assignment problem with its side constraints, by CP-SAT.

``solve_cpsat`` solves the same model as min-cost flow plus the side
constraints flow cannot express (e.g. staff minutes per day for home
visits), hinted with a plan (typically the flow optimum), with a time limit,
a worker count and a fixed seed. When the time runs out it returns the best
plan found, never nothing.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.sat.python import cp_model

from .problem import DEFAULT_OPTIONS, AssignmentProblem, Solution, SolverOptions, _repair

__all__ = ["solve_cpsat"]


def _model(problem: AssignmentProblem) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """The CP-SAT model: one bool per arc, at most one per patient, capacities, the
    side constraints, and the objective (the cost of every chosen pair instead of
    its patient's reward)."""
    arcs, capacity = problem.arcs, problem.capacity
    cost = problem.scaling.cost(arcs.cost)
    unplaced = problem.unplaced_cost
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(arcs))]
    by_patient: list[list[int]] = [[] for _ in range(problem.n_patients)]
    by_session: list[list[int]] = [[] for _ in range(len(capacity))]
    for i, (p, s) in enumerate(zip(arcs.patient.tolist(), arcs.session.tolist(), strict=True)):
        by_patient[p].append(i)
        by_session[s].append(i)
    for items in by_patient:
        if len(items) > 1:
            model.add_at_most_one(x[i] for i in items)
    for s, items in enumerate(by_session):
        if len(items) > capacity[s]:
            model.add(sum(x[i] for i in items) <= int(capacity[s]))
    for constraint in problem.side:
        model.add(
            sum(int(u) * x[int(i)] for i, u in zip(constraint.arcs, constraint.use, strict=True))
            <= constraint.limit
        )
    # minimise sum(cost - reward) over chosen pairs; the constant is every patient unplaced
    constant = int(unplaced.sum())
    model.minimize(
        sum(int(cost[i] - unplaced[arcs.patient[i]]) * x[i] for i in range(len(arcs))) + constant
    )
    return model, x


def solve_cpsat(
    problem: AssignmentProblem,
    options: SolverOptions = DEFAULT_OPTIONS,
    *,
    hint: np.ndarray | None = None,
) -> Solution:
    """The model with side constraints, by CP-SAT.

    ``hint`` is an arc index per patient (-1 unplaced), typically the flow
    optimum without the side constraints: it is repaired to respect them and
    given as a hint, and returned when the solver finds nothing better in
    ``options.time_limit`` seconds.
    """
    started = time.perf_counter()
    arcs, scaling, time_limit = problem.arcs, problem.scaling, options.time_limit
    n_patients = problem.n_patients
    session = np.full(n_patients, -1, np.int64)
    arc = np.full(n_patients, -1, np.int64) if hint is None else np.asarray(hint, np.int64).copy()
    session[arc >= 0] = arcs.session[arc[arc >= 0]]
    _repair(session, arc, arcs, problem.side)
    incumbent = problem.objective(arc)
    model, x = _model(problem)
    chosen = set(arc[arc >= 0].tolist())
    for i in range(len(arcs)):
        model.add_hint(x[i], i in chosen)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.0, float(time_limit))
    solver.parameters.num_workers = max(1, int(options.workers))
    solver.parameters.random_seed = int(options.seed)
    code = solver.solve(model) if time_limit > 0 else cp_model.UNKNOWN
    status = solver.status_name(code) if time_limit > 0 else "FEASIBLE"
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value <= incumbent:
        values = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        arc = np.full(n_patients, -1, np.int64)
        arc[arcs.patient[values]] = np.flatnonzero(values)
        incumbent = round(solver.objective_value)
        best_bound = float(solver.best_objective_bound)
    else:
        status = "FEASIBLE"
        best_bound = float(solver.best_objective_bound) if time_limit > 0 else float("-inf")
    return Solution(
        session=problem.sessions_of(arc),
        arc=arc,
        status=status,
        objective=incumbent / scaling.scale,
        bound=min(best_bound, incumbent) / scaling.scale,
        seconds=time.perf_counter() - started,
        solver="CP-SAT",
        arcs_used=len(arcs),
    )
