"""How many visits a limited day can make within its minutes (matcher.optimize.cover)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from matcher.optimize.cover import most_visits


def _brute(patient: np.ndarray, minutes: np.ndarray, limit: int, must: list[int]) -> int:
    """The largest set of different patients, holding ``must``, whose shortest visits fit."""
    shortest = {int(p): int(minutes[patient == p].min()) for p in np.unique(patient)}
    if any(m not in shortest for m in must):
        return -1
    best = -1
    people = sorted(shortest)
    for size in range(len(people) + 1):
        for chosen in combinations(people, size):
            if set(must) <= set(chosen) and sum(shortest[p] for p in chosen) <= limit:
                best = max(best, size)
    return best


def test_a_patient_counts_once_with_their_shortest_visit() -> None:
    """Cover: two visits of one patient count as one, at the shorter one's minutes."""
    patient = np.array([0, 0, 1, 2])
    minutes = np.array([50, 30, 40, 60])
    assert most_visits(patient, minutes, 70, np.array([], np.int64)) == 2
    assert most_visits(patient, minutes, 69, np.array([], np.int64)) == 1
    assert most_visits(patient, minutes, 130, np.array([], np.int64)) == 3


def test_visits_that_must_be_made_come_first() -> None:
    """Cover: a patient who must be visited takes their minutes before anyone else."""
    patient = np.array([0, 1, 2])
    minutes = np.array([30, 40, 60])
    assert most_visits(patient, minutes, 70, np.array([2])) == 1
    assert most_visits(patient, minutes, 59, np.array([2])) == -1
    assert most_visits(patient, minutes, 100, np.array([3])) == -1
    assert most_visits(patient[:0], minutes[:0], 100, np.array([], np.int64)) == 0


@pytest.mark.parametrize("seed", range(40))
def test_the_count_is_the_largest_set_that_fits(seed: int) -> None:
    """Cover: the count equals the largest set of patients that fits, found by trying all."""
    rng = np.random.default_rng(seed)
    pairs = int(rng.integers(1, 10))
    patient = rng.integers(0, 6, pairs)
    minutes = rng.integers(20, 90, pairs)
    limit = int(rng.integers(0, 250))
    present = np.unique(patient)
    must = [int(p) for p in present if rng.random() < 0.2]
    if rng.random() < 0.1:
        must.append(7)  # no visit that day
    expected = _brute(patient, minutes, limit, must)
    assert most_visits(patient, minutes, limit, np.array(must, np.int64)) == expected
