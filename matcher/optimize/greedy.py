"""The baseline done by hand today: in order of discharge, each patient takes
the nearest suitable session that still has a place."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .problem import Arcs

__all__ = ["greedy"]


def greedy(
    order: np.ndarray,
    capacity: np.ndarray,
    arcs: Arcs,
    key: np.ndarray,
    fallback: Callable[[int, np.ndarray], int] | None = None,
) -> np.ndarray:
    """Arc index per patient (-1 unplaced) by the manual rule.

    In ``order``, each patient takes their candidate arc with the smallest
    ``key`` (travel minutes) whose session still has a place. When all of a
    patient's candidates are full, ``fallback(patient, remaining)`` may look
    beyond them and return a session (or -1); such placements are returned
    as ``-2 - session`` so the caller can tell them apart.
    """
    remaining = np.asarray(capacity, np.int64).copy()
    n = max(
        int(arcs.patient.max()) + 1 if len(arcs) else 0,
        int(order.max()) + 1 if len(order) else 0,
    )
    result = np.full(n, -1, np.int64)
    if len(arcs) and (np.diff(arcs.patient) < 0).any():
        by_patient = np.argsort(arcs.patient, kind="stable")
    else:
        by_patient = np.arange(len(arcs))
    starts = np.searchsorted(arcs.patient[by_patient], np.arange(n + 1))
    sessions, keys = arcs.session[by_patient], np.asarray(key, float)[by_patient]
    for p in order.tolist():
        a, b = starts[p], starts[p + 1]
        if a < b:
            open_key = np.where(remaining[sessions[a:b]] > 0, keys[a:b], np.inf)
            j = int(np.argmin(open_key))
            if open_key[j] < np.inf:
                remaining[sessions[a + j]] -= 1
                result[p] = by_patient[a + j]
                continue
            if fallback is not None:
                s = fallback(p, remaining)
                if s >= 0:
                    remaining[s] -= 1
                    result[p] = -2 - s
    return result
