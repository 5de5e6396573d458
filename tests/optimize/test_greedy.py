"""Tests for matcher.optimize.greedy: the manual rule and its fallback beyond the candidates."""

from __future__ import annotations

import numpy as np

from matcher.optimize.greedy import greedy
from matcher.optimize.problem import Arcs


def test_a_patient_whose_candidates_are_full_takes_the_fallback() -> None:
    """When every candidate is full, the fallback's session is returned as -2 - session
    and its place is taken."""
    arcs = Arcs(np.array([0, 1]), np.array([0, 0]), np.zeros(2))
    seen: list[int] = []

    def fallback(patient: int, remaining: np.ndarray) -> int:
        seen.append(int(remaining[1]))
        return 1

    chosen = greedy(np.array([0, 1]), np.array([1, 1]), arcs, np.zeros(2), fallback)
    assert chosen.tolist() == [0, -3]
    assert seen == [1]
