"""Best-first branch and bound over the exact search's tree.

The open branches are searched lowest bound first (ties deepest first), so
the lowest open bound is a true bound on every plan within the limits at any
moment, also while the limited days of the root are still being capped.

The tree (``matcher.optimize.exact``) gives ``over`` (the first broken
day), ``visits``, ``fewer``, ``without``, ``limits`` and ``pool``;
``cover.fit_day`` caps a day again after a branch rules patients out of it.
"""

from __future__ import annotations

import heapq
import time
from typing import Any

import numpy as np

from .cover import fit_day

__all__ = ["branch_and_bound", "children"]


def children(tree: Any, branch: Any, upper: int) -> list[Any]:
    """The children of ``branch`` below ``upper`` on its first broken day: one visit
    fewer that day, or each of its visits' patients not visited that day (the
    earlier ones kept), each day capped again when patients were ruled out of it."""
    k = tree.over(branch.assigned)
    made = [tree.fewer(branch, k, upper)]
    visits = tree.visits(branch.assigned, k)
    made += [tree.without(branch, e, k, visits[:i], upper) for i, e in enumerate(visits)]
    out = []
    for child in made:
        if child is not None and child.forbidden != branch.forbidden:
            child = fit_day(tree, child, k, upper)
        if child is not None and child.value < upper:
            out.append(child)
    return out


def branch_and_bound(
    tree: Any, root: Any, best: np.ndarray, ceiling: int, deadline: float
) -> tuple[np.ndarray, int, int, str]:
    """Best-first search from ``root`` for plans within the limits below ``ceiling``.

    Returns the best plan (store positions; ``best`` if none is found), a
    proven lower bound on every plan within the limits, the branches made, and
    how it ended: "done" (nothing better below the ceiling is left), "better"
    (a plan much better than the ceiling the pool of pairs was chosen for was
    found, so start again) or "time".
    """
    for k in range(len(tree.limits)):  # no day visits more than its minutes fit
        if time.perf_counter() > deadline:  # the root, capped so far, bounds every plan
            return best, min(root.value, ceiling), 0, "time"
        fitted = fit_day(tree, root, k, ceiling)
        if fitted is None:
            return best, ceiling, 0, "done"
        root = fitted
    lower = root.value
    heap: list[tuple[int, int, int, Any]] = [(root.value, 0, 0, root)]
    seen = {root.key}
    count = 0
    upper = ceiling
    while heap and heap[0][0] < upper:
        if time.perf_counter() > deadline:
            return best, min(upper, heap[0][0]), count, "time"
        branch = heapq.heappop(heap)[-1]
        for child in children(tree, branch, upper):
            count += 1
            if child.key in seen or child.value >= upper:
                continue
            seen.add(child.key)
            if tree.over(child.assigned) < 0:  # within every limit: the best plan so far
                upper = child.value
                best = np.where(child.assigned >= 0, tree.pool.position[child.assigned], -1)
            else:
                heapq.heappush(heap, (child.value, -child.depth, count, child))
        if upper - lower <= (ceiling - lower) // 4 and heap and heap[0][0] < upper:
            return best, lower, count, "better"
    return best, upper, count, "done"
