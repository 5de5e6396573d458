"""How many visits a limited day can make within its staff minutes.

A day's visits cost minutes per patient (the visit and the drive to them),
so a plan within the day's limit visits at most as many patients as the
shortest visits of different patients fit in it. The exact search caps each
limited day's visits by this count before it branches, and again in each
branch that rules patients out of a day, which closes most of the gap a
plan without the limits leaves (a cover cut on the day's minutes).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

__all__ = ["fit_day", "most_visits"]


def most_visits(patient: np.ndarray, minutes: np.ndarray, limit: int, must: np.ndarray) -> int:
    """The most visits within ``limit`` minutes, or -1 when the visits that must be made
    do not fit.

    ``patient`` and ``minutes`` are the day's possible visits (a patient may
    have several, at different sessions); the patients in ``must`` are
    visited whatever else is, each with their shortest visit; then as many
    others as fit, shortest first.
    """
    if len(patient) == 0:
        return 0 if len(must) == 0 else -1
    order = np.lexsort((minutes, patient))
    first = np.r_[True, patient[order][1:] != patient[order][:-1]]
    who, shortest = patient[order][first], minutes[order][first]
    bound = np.isin(who, must)
    if int(bound.sum()) < len(np.unique(must)):
        return -1
    room = int(limit) - int(shortest[bound].sum())
    if room < 0:
        return -1
    fits = np.searchsorted(np.cumsum(np.sort(shortest[~bound])), room, side="right")
    return int(bound.sum()) + int(fits)


def fit_day(tree: Any, branch: Any, k: int, ceiling: int) -> Any:
    """A branch of the exact search's ``tree`` with no more visits on limited day ``k``
    than its minutes fit without the branch's forbidden pairs (``tree.most_visits``),
    visits moved away one at a time (``tree.fewer``); None if that costs ``ceiling``
    or more."""
    most = min(int(branch.days[k]), tree.most_visits(k, branch.forbidden, branch.placed))
    if most < 0:
        return None
    while branch.value < ceiling and tree.loads(branch.assigned)[1][k] > most:
        fewer = tree.fewer(branch, k, ceiling)
        if fewer is None:
            return None
        branch = replace(fewer, depth=branch.depth)
    if branch.value >= ceiling:
        return None
    days = branch.days.copy()
    days[k] = most
    return replace(branch, days=days)
