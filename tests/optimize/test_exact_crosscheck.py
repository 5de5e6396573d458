"""The exact search against CP-SAT's proven optimum on instances of 200-1,000 patients
whose home-visit days bind (matcher.optimize.exact)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from matcher.optimize.cpsat import solve_cpsat
from matcher.optimize.exact import search
from matcher.optimize.flow import node_labels, solve_flow
from matcher.optimize.problem import (
    Arcs,
    AssignmentProblem,
    Scaling,
    SideConstraint,
    SolverOptions,
    _repair,
)


def _instance(seed: int, patients: int, *, tight: bool = False) -> AssignmentProblem:
    """Random pairs: each patient may use about eight sessions. Six sessions are home
    visits on three limited days (two sessions a day); a visit's minutes
    depend on the patient and the day (a drive); each limit is 5 to 60 minutes below
    what the flow plan spends that day, so every limited day binds. With ``tight`` each
    limit is 150-260 minutes instead, room for two to five visits (as tight staff
    minutes leave)."""
    rng = np.random.default_rng([seed, patients])
    sessions = max(20, patients // 8)
    home = 6
    allowed = rng.random((patients, sessions)) < 8 / sessions
    homebound = rng.random(patients) < 0.15
    allowed[homebound, home:] = False
    allowed[~homebound, :home] &= rng.random(((~homebound).sum(), home)) < 0.2
    patient, session = np.nonzero(allowed)
    cost = rng.integers(0, 40, len(patient)).astype(float) / 4
    capacity = rng.integers(1, 6, sessions)
    capacity[:home] = rng.integers(2, 5, home)
    priority = 1 + rng.binomial(2, 0.3, patients)
    scaling = Scaling.choose(float(cost.max()), patients, sessions, int(priority.max()))
    arcs = Arcs(patient, session, cost)
    flow, _ = solve_flow(AssignmentProblem(patients, capacity, priority, arcs, scaling))
    days = np.array_split(np.arange(home), max(1, home // 2))
    minutes = rng.integers(45, 95, (patients, len(days)))
    side = []
    for day, members in enumerate(days):
        mine = np.flatnonzero(np.isin(session, members))
        use = minutes[patient[mine], day].astype(np.int64)
        chosen = np.isin(mine, flow.arc[flow.arc >= 0])
        limit = max(0, int(use[chosen].sum()) - int(rng.integers(5, 60)))
        if tight:
            limit = min(limit, int(rng.integers(150, 261)))
        side.append(SideConstraint(f"day {day}", mine, use, limit))
    return AssignmentProblem(patients, capacity, priority, arcs, scaling, tuple(side))


def _cross_check(
    seed: int, patients: int, time_limit: float, *, tight: bool = False
) -> tuple[str, float]:
    """The search's plan keeps every limit and place count, its bound is true, and when
    it is proven it is CP-SAT's optimum: (the search's status, its seconds)."""
    problem = _instance(seed, patients, tight=tight)
    flow, _ = solve_flow(problem)
    labels = node_labels(problem, flow.arc)
    assert labels is not None
    crude_session, crude = flow.session.copy(), flow.arc.copy()
    _repair(crude_session, crude, problem.arcs, problem.side)
    started = time.perf_counter()
    found = search(
        problem, SolverOptions(time_limit=time_limit), flow=flow.arc, labels=labels, incumbent=crude
    )
    seconds = time.perf_counter() - started
    reference = solve_cpsat(problem, SolverOptions(time_limit=120, workers=2))
    assert reference.status == "OPTIMAL", (seed, patients)
    arcs, scale = problem.arcs, problem.scaling.scale
    placed = found.pair >= 0
    load = np.bincount(arcs.session[found.pair[placed]], minlength=len(problem.capacity))
    assert (load <= problem.capacity).all()
    assert len(np.unique(found.pair[placed])) == int(placed.sum())
    chosen = np.zeros(len(arcs), bool)
    chosen[found.pair[placed]] = True
    assert all(c.used(chosen) <= c.limit for c in problem.side)
    assert found.objective == problem.objective(found.pair)
    assert found.bound / scale <= reference.objective + 1e-6, (seed, patients)
    assert found.objective / scale >= reference.objective - 1e-6, (seed, patients)
    if found.status == "OPTIMAL":
        assert found.objective / scale == pytest.approx(reference.objective, abs=1e-6)
    return found.status, seconds


def test_limits_bind_on_every_instance() -> None:
    """Every limited day of the cross-check's instances is broken by the flow plan."""
    for seed in range(3):
        problem = _instance(seed, 200)
        flow, _ = solve_flow(problem)
        chosen = np.zeros(len(problem.arcs), bool)
        chosen[flow.arc[flow.arc >= 0]] = True
        assert all(c.used(chosen) > c.limit for c in problem.side if c.limit > 0)


def test_search_finds_the_cpsat_optimum_on_small_instances() -> None:
    """Exact: on ten instances of 200 patients with binding days the search's plan is
    true (limits, places, bound) and nearly always proven at CP-SAT's optimum."""
    statuses = [_cross_check(seed, 200, time_limit=20)[0] for seed in range(10)]
    assert statuses.count("OPTIMAL") >= 8, statuses


def test_search_is_true_and_proven_under_tight_staff_minutes() -> None:
    """Exact: on six instances of 200 patients whose days fit two to five visits the
    search's plan is true (limits, places, bound) and mostly proven at CP-SAT's optimum."""
    statuses = [_cross_check(seed, 200, time_limit=20, tight=True)[0] for seed in range(6)]
    assert statuses.count("OPTIMAL") >= 4, statuses


@pytest.mark.slow
def test_search_finds_the_cpsat_optimum_up_to_1000_patients() -> None:
    """Exact: on 50 instances of 200-1,000 patients with binding days every plan is true
    and at least 33 are proven at CP-SAT's optimum within 30 seconds."""
    outcomes = []
    for seed in range(50):
        patients = 200 + 200 * (seed % 5)
        status, seconds = _cross_check(100 + seed, patients, time_limit=30)
        outcomes.append((seed, patients, status, round(seconds, 2)))
        print(*outcomes[-1], flush=True)
    proven = [o for o in outcomes if o[2] == "OPTIMAL"]
    assert len(proven) >= 33, outcomes
