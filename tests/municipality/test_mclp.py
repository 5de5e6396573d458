"""The maximal covering location problem (matcher.municipality.mclp) on plain
coverage matrices: exact against brute force, better than greedy, no idle sites."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from matcher.municipality.mclp import solve_mclp

_RNG = np.random.default_rng(0)
#: Random covering instances: (patients x sites) coverage and whole-number weights.
INSTANCES = [(_RNG.random((14, 7)) < 0.3, _RNG.integers(1, 4, size=14)) for _ in range(6)]


def brute_force(cover: np.ndarray, weight: np.ndarray, k: int) -> tuple[tuple[int, int], set]:
    """The best (covered weight, -sum of site ranks) over every set of at most k
    sites, and every set reaching the best covered weight."""
    best, optimal, top = (-1, 0), set(), -1
    values = {}
    for size in range(k + 1):
        for chosen in combinations(range(cover.shape[1]), size):
            value = int(weight[cover[:, list(chosen)].any(axis=1)].sum()) if chosen else 0
            values[chosen] = value
            key = (value, -sum(c + 1 for c in chosen))
            best = max(best, key)
            top = max(top, value)
    optimal = {c for c, v in values.items() if v == top}
    return best, optimal


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("index", range(len(INSTANCES)))
def test_mclp_equals_brute_force(index: int, k: int) -> None:
    """On tiny instances the chosen sites are a brute-force optimum (ties: earliest sites)."""
    cover, weight = INSTANCES[index]
    got = solve_mclp(cover, k, weight, workers=1, seed=0)
    best, optimal = brute_force(cover, weight, k)
    assert got.optimal
    assert tuple(got.chosen.tolist()) in optimal
    assert (got.value, -int((got.chosen + 1).sum())) == best
    assert got.covered.tolist() == cover[:, got.chosen].any(axis=1).tolist()


def test_mclp_beats_greedy_where_greedy_fails() -> None:
    """Two medium sites beat the biggest site plus one: the model is exact, not greedy."""
    cover = np.zeros((6, 3), dtype=bool)
    cover[[0, 1, 2, 3], 0] = True  # the biggest site
    cover[[0, 1, 4], 1] = True
    cover[[2, 3, 5], 2] = True
    got = solve_mclp(cover, 2, workers=1, seed=0)
    assert got.chosen.tolist() == [1, 2]
    assert got.value == 6


def test_mclp_never_opens_a_site_that_serves_nobody() -> None:
    """With k above the useful sites, only sites that serve someone are chosen."""
    cover = np.array([[True, False, False], [True, False, False], [False, False, True]])
    got = solve_mclp(cover, 3, workers=1, seed=0)
    assert got.chosen.tolist() == [0, 2]
    assert solve_mclp(np.zeros((3, 2), dtype=bool), 2).chosen.tolist() == []
