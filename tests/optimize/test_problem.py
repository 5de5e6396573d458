"""The assignment models (matcher.optimize.problem) on arrays, against brute force.

The optimiser sees arrays only: patients with a priority, sessions with a
capacity, allowed pairs with a cost in points. Brute force enumerates every
assignment of a few patients, so the lexicographic order of the contract
(first the priority placed, then the cost) can be checked exactly.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.errors import PrecisionWarning
from matcher.optimize.cpsat import solve_cpsat
from matcher.optimize.flow import solve_flow
from matcher.optimize.greedy import greedy
from matcher.optimize.problem import (
    DEFAULT_SCALE,
    Arcs,
    AssignmentProblem,
    Scaling,
    SideConstraint,
    SolverOptions,
)

PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None)


class Instance:
    """A random transportation instance: priorities, capacities and allowed pairs."""

    def __init__(
        self, priority: list[int], capacity: list[int], pairs: dict[tuple[int, int], float]
    ):
        self.priority = np.array(priority, np.int64)
        self.capacity = np.array(capacity, np.int64)
        keys = sorted(pairs)
        self.arcs = Arcs(
            np.array([p for p, _ in keys], np.int64),
            np.array([s for _, s in keys], np.int64),
            np.array([pairs[k] for k in keys], float),
        )

    @property
    def n_patients(self) -> int:
        return len(self.priority)

    def problem(
        self, arcs: Arcs | None = None, side: list[SideConstraint] | None = None
    ) -> AssignmentProblem:
        """The instance as the solvers take it (over ``arcs``, default: every pair)."""
        return AssignmentProblem(
            self.n_patients,
            self.capacity,
            self.priority,
            self.arcs if arcs is None else arcs,
            self.scaling(),
            tuple(side or ()),
        )

    def scaling(self) -> Scaling:
        return Scaling.choose(
            float(self.arcs.cost.max()) if len(self.arcs) else 0.0,
            self.n_patients,
            len(self.capacity),
            int(self.priority.max()),
        )

    def brute_force(
        self, side: list[SideConstraint] | None = None
    ) -> tuple[int, float, list[tuple[int, ...]]]:
        """Best (priority placed, cost) over every assignment, and the arc tuples reaching it."""
        options: list[list[int]] = [[-1] for _ in range(self.n_patients)]
        for i, p in enumerate(self.arcs.patient.tolist()):
            options[p].append(i)
        best: tuple[int, float] = (-1, 0.0)
        winners: list[tuple[int, ...]] = []
        for choice in itertools.product(*options):
            used = [a for a in choice if a >= 0]
            load = np.bincount(self.arcs.session[used], minlength=len(self.capacity))
            if (load > self.capacity).any():
                continue
            if side and any(
                sum(int(c.use[k]) for k, a in enumerate(c.arcs) if a in used) > c.limit
                for c in side
            ):
                continue
            priority = int(sum(self.priority[self.arcs.patient[a]] for a in used))
            cost = float(sum(round(self.arcs.cost[a] * DEFAULT_SCALE) for a in used))
            key = (priority, -cost)
            if key > (best[0], -best[1]):
                best, winners = (priority, cost), [choice]
            elif key == (best[0], -best[1]):
                winners.append(choice)
        return best[0], best[1] / DEFAULT_SCALE, winners

    def priority_and_cost(self, arc_of_patient: np.ndarray) -> tuple[int, float]:
        placed = arc_of_patient >= 0
        arcs = arc_of_patient[placed]
        cost = float(sum(round(c * DEFAULT_SCALE) for c in self.arcs.cost[arcs]))
        return int(self.priority[placed].sum()), cost / DEFAULT_SCALE

    def assert_valid(self, arc_of_patient: np.ndarray, session: np.ndarray) -> None:
        placed = arc_of_patient >= 0
        idx = arc_of_patient[placed]
        assert (self.arcs.patient[idx] == np.flatnonzero(placed)).all()
        assert (self.arcs.session[idx] == session[placed]).all()
        assert (session[~placed] == -1).all()
        load = np.bincount(session[placed], minlength=len(self.capacity))
        assert (load <= self.capacity).all()


@st.composite
def instances(draw: st.DrawFn, max_patients: int = 6, max_sessions: int = 4) -> Instance:
    n_p = draw(st.integers(1, max_patients))
    n_s = draw(st.integers(1, max_sessions))
    priority = draw(st.lists(st.integers(1, 4), min_size=n_p, max_size=n_p))
    capacity = draw(st.lists(st.integers(0, 2), min_size=n_s, max_size=n_s))
    pairs = draw(
        st.dictionaries(
            st.tuples(st.integers(0, n_p - 1), st.integers(0, n_s - 1)),
            st.floats(0.0, 60.0, allow_nan=False).map(lambda x: round(x, 3)),
            max_size=n_p * n_s,
        )
    )
    return Instance(priority, capacity, pairs)


def full_pricer(inst: Instance, start: np.ndarray):
    """A price function over all pairs of ``inst`` that are not among ``start`` yet."""
    seen = set(start.tolist())
    rounds: list[int] = []

    def price(pot_p: np.ndarray, pot_s: np.ndarray, scaling: Scaling) -> Arcs:
        reduced = scaling.cost(inst.arcs.cost) + pot_p[inst.arcs.patient] - pot_s[inst.arcs.session]
        new = [i for i in np.flatnonzero(reduced < 0).tolist() if i not in seen]
        seen.update(new)
        rounds.append(len(new))
        idx = np.array(new, np.int64)
        return Arcs(inst.arcs.patient[idx], inst.arcs.session[idx], inst.arcs.cost[idx])

    price.rounds = rounds  # type: ignore[attr-defined]
    return price


@PROPERTY
@given(instances())
def test_flow_places_the_most_priority_then_least_cost(inst: Instance) -> None:
    """solve_flow on all pairs reaches the brute-force optimum: most priority placed,
    and among such plans the least cost."""
    solution, _ = solve_flow(inst.problem())
    inst.assert_valid(solution.arc, solution.session)
    best_priority, best_cost, _ = inst.brute_force()
    priority, cost = inst.priority_and_cost(solution.arc)
    assert priority == best_priority
    assert cost == pytest.approx(best_cost, abs=1e-6)
    assert solution.status == "OPTIMAL"
    assert solution.gap == 0.0


@PROPERTY
@given(instances(), st.integers(0, 2**31 - 1))
def test_flow_from_one_candidate_per_patient_prices_in_the_rest(inst: Instance, seed: int) -> None:
    """Starting from a random single pair per patient, the potentials and pricing add
    every pair that can improve the plan, so the optimum equals the all-pairs optimum."""
    rng = np.random.default_rng(seed)
    start: list[int] = []
    for p in range(inst.n_patients):
        mine = np.flatnonzero(inst.arcs.patient == p)
        if len(mine):
            start.append(int(rng.choice(mine)))
    idx = np.array(sorted(start), np.int64)
    begin = Arcs(inst.arcs.patient[idx], inst.arcs.session[idx], inst.arcs.cost[idx])
    price = full_pricer(inst, idx)
    solution, final = solve_flow(inst.problem(begin), price=price)
    best_priority, best_cost, _ = inst.brute_force()
    placed = solution.arc >= 0
    assert int(inst.priority[placed].sum()) == best_priority
    cost = sum(round(c * DEFAULT_SCALE) for c in final.cost[solution.arc[placed]])
    assert cost / DEFAULT_SCALE == pytest.approx(best_cost, abs=1e-6)
    assert solution.status == "OPTIMAL"


def test_pricing_is_needed_when_the_cheapest_pairs_collide() -> None:
    """Two patients whose only candidate is the same one-place session: pricing must add
    the second patient's other session, or one of them stays unplaced."""
    inst = Instance([1, 1], [1, 1], {(0, 0): 1.0, (1, 0): 1.0, (1, 1): 5.0})
    start = np.array([0, 1], np.int64)
    begin = Arcs(inst.arcs.patient[start], inst.arcs.session[start], inst.arcs.cost[start])
    price = full_pricer(inst, start)
    solution, final = solve_flow(inst.problem(begin), price=price)
    assert (solution.session >= 0).all()
    assert solution.rounds == 2
    assert len(final) == 3


@PROPERTY
@given(instances(max_patients=5, max_sessions=3))
def test_cpsat_agrees_with_flow_without_side_constraints(inst: Instance) -> None:
    """CP-SAT on the same arcs (no side constraint, 1 worker, seed 0) proves the same optimum."""
    flow, _ = solve_flow(inst.problem())
    sat = solve_cpsat(inst.problem(), SolverOptions(time_limit=10))
    inst.assert_valid(sat.arc, sat.session)
    assert sat.status == "OPTIMAL"
    assert sat.objective == pytest.approx(flow.objective)
    assert inst.priority_and_cost(sat.arc) == inst.priority_and_cost(flow.arc)


@PROPERTY
@given(instances(max_patients=5, max_sessions=3), st.integers(0, 200))
def test_cpsat_respects_a_side_constraint_and_is_optimal(inst: Instance, limit: int) -> None:
    """A limit on the minutes of the arcs into session 0 (e.g. staff minutes) holds, and
    the plan is the brute-force optimum under that limit."""
    into = np.flatnonzero(inst.arcs.session == 0)
    use = (60 + (inst.arcs.cost[into] // 2)).astype(np.int64)
    side = [SideConstraint("staff", into, use, limit)]
    flow, _ = solve_flow(inst.problem())
    sat = solve_cpsat(inst.problem(side=side), SolverOptions(time_limit=10), hint=flow.arc)
    inst.assert_valid(sat.arc, sat.session)
    chosen = np.isin(into, sat.arc[sat.arc >= 0])
    assert int(use[chosen].sum()) <= limit
    best_priority, best_cost, _ = inst.brute_force(side)
    assert inst.priority_and_cost(sat.arc) == (best_priority, pytest.approx(best_cost))
    assert sat.status == "OPTIMAL"


def test_cpsat_with_no_time_returns_the_repaired_hint() -> None:
    """A time limit of 0 returns the hint, repaired to respect the side constraints,
    as a feasible plan with a bound: never nothing."""
    inst = Instance([1, 2], [2], {(0, 0): 1.0, (1, 0): 9.0})
    flow, _ = solve_flow(inst.problem())
    side = [SideConstraint("staff", np.array([0, 1]), np.array([60, 60]), 100)]
    sat = solve_cpsat(inst.problem(side=side), SolverOptions(time_limit=0.0), hint=flow.arc)
    assert sat.status == "FEASIBLE"
    assert (sat.session >= 0).sum() == 1
    assert sat.objective >= flow.objective


@pytest.mark.parametrize(
    ("max_cost", "patients", "sessions", "scale"),
    [
        (500.0, 10_000, 2_000, 100),
        (1e6, 100_000, 20_000, 10),
        (2e7, 100_000, 20_000, 1),
    ],
)
def test_scaling_reward_dominates_every_chain_of_moves(
    max_cost: float, patients: int, sessions: int, scale: int
) -> None:
    """The reward per priority exceeds the largest cost change of any chain of moves."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrecisionWarning)
        scaling = Scaling.choose(max_cost, patients, sessions, 6)
    assert scaling.scale == scale
    chain = min(patients, sessions + 1)
    assert scaling.reward > chain * max_cost * scaling.scale


def test_scaling_warns_when_precision_is_lost() -> None:
    """A PrecisionWarning is raised when costs must be scaled coarser than 1/100 point."""
    with pytest.warns(PrecisionWarning, match="1/10 point"):
        scaling = Scaling.choose(1e6, 100_000, 20_000, 6)
    assert scaling.scale == 10


def test_scaling_does_not_warn_at_full_precision() -> None:
    """Ordinary costs keep 1/100 point and raise no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaling = Scaling.choose(300.0, 50_000, 10_000, 6)
    assert scaling.scale == DEFAULT_SCALE


def test_scaling_refuses_what_cannot_be_exact() -> None:
    """Costs too large for exact 64-bit arithmetic even at whole points raise ValueError."""
    with pytest.warns(PrecisionWarning), pytest.raises(ValueError, match="too large"):
        Scaling.choose(2e8, 100_000, 20_000, 6)


def test_greedy_takes_the_nearest_open_place_in_order() -> None:
    """Greedy: in order, each patient takes the candidate with the least key that has room."""
    arcs = Arcs(
        np.array([0, 0, 1, 1, 2]),
        np.array([0, 1, 0, 1, 0]),
        np.zeros(5),
    )
    key = np.array([1.0, 2.0, 1.0, 3.0, 1.0])
    chosen = greedy(np.array([1, 0, 2]), np.array([1, 1]), arcs, key)
    assert chosen.tolist() == [1, 2, -1]
