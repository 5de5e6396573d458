"""Tests for matcher.optimize.flow: column generation with local re-solves stays exact."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.optimize.flow import solve_flow
from matcher.optimize.problem import Arcs, AssignmentProblem, Scaling, Solution


def _instance(
    seed: int, patients: int = 400, sessions: int = 30
) -> tuple[Arcs, np.ndarray, np.ndarray]:
    """Random pairs (about a third of all), costs with many ties, tight capacity."""
    rng = np.random.default_rng(seed)
    allowed = rng.random((patients, sessions)) < 0.35
    patient, session = np.nonzero(allowed)
    cost = rng.integers(0, 40, len(patient)).astype(float) / 4
    capacity = rng.integers(3, 15, sessions)
    priority = 1 + rng.binomial(3, 0.3, patients)
    return Arcs(patient, session, cost), capacity, priority


def _pricer(arcs: Arcs, start: np.ndarray):
    """Every pair not yet given with a negative reduced cost, at most two per patient."""
    seen = np.zeros(len(arcs), bool)
    seen[start] = True

    def price(pot_p: np.ndarray, pot_s: np.ndarray, scaling: Scaling) -> Arcs:
        reduced = scaling.cost(arcs.cost) + pot_p[arcs.patient] - pot_s[arcs.session]
        new = np.flatnonzero((reduced < 0) & ~seen)
        order = np.lexsort((reduced[new], arcs.patient[new]))
        new = new[order]
        first = np.searchsorted(arcs.patient[new], arcs.patient[new])
        new = np.sort(new[np.arange(len(new)) - first < 2])
        seen[new] = True
        return Arcs(arcs.patient[new], arcs.session[new], arcs.cost[new])

    return price


def _solve(seed: int) -> tuple[Solution, Solution, Arcs, np.ndarray, np.ndarray]:
    """One solve over all pairs, and one from the cheapest pair per patient with pricing."""
    arcs, capacity, priority = _instance(seed)
    n = len(priority)
    scaling = Scaling.choose(float(arcs.cost.max()), n, len(capacity), int(priority.max()))
    whole, _ = solve_flow(AssignmentProblem(n, capacity, priority, arcs, scaling))
    cheapest = np.lexsort((arcs.cost, arcs.patient))
    first = np.searchsorted(arcs.patient[cheapest], arcs.patient[cheapest])
    start = np.sort(cheapest[np.arange(len(cheapest)) - first < 1])
    begin = Arcs(arcs.patient[start], arcs.session[start], arcs.cost[start])
    problem = AssignmentProblem(n, capacity, priority, begin, scaling)
    priced, final = solve_flow(problem, price=_pricer(arcs, start))
    return whole, priced, final, capacity, priority


@pytest.mark.parametrize("seed", range(8))
def test_local_re_solves_reach_the_all_pairs_optimum(seed: int) -> None:
    """Rounds that re-solve only the patients new pairs can move end at exactly the
    optimum of one solve over all pairs (same objective, same priority placed, places
    within capacity)."""
    whole, priced, final, capacity, priority = _solve(seed)
    assert priced.status == "OPTIMAL"
    assert priced.objective == pytest.approx(whole.objective, abs=1e-9)
    placed = priced.arc >= 0
    assert priority[placed].sum() == priority[whole.arc >= 0].sum()
    load = np.bincount(final.session[priced.arc[placed]], minlength=len(capacity))
    assert (load <= capacity).all()


def test_the_local_re_solve_is_used_on_late_rounds() -> None:
    """The instances above do exercise the local re-solve (else the test above proves
    nothing about it)."""
    used = sum(any("re-solved only" in note for note in _solve(seed)[1].notes) for seed in range(8))
    assert used >= 2
