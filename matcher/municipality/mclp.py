"""The maximal covering location problem on a plain coverage matrix.

``solve_mclp`` chooses at most ``k`` columns (sites) of a boolean coverage
matrix so that the rows (patients) they cover weigh the most; it knows
nothing of geography (``matcher.municipality.siting.best_sites`` builds the
matrix from a dataset). It is solved exactly with OR-Tools CP-SAT, started
from a greedy choice, so a solution is always returned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

__all__ = ["MclpSolution", "solve_mclp"]


@dataclass(frozen=True)
class MclpSolution:
    """Chosen columns of a coverage matrix and the rows they cover."""

    chosen: np.ndarray  # column positions, ascending
    covered: np.ndarray  # (rows,) bool
    value: int  # total weight of covered rows
    optimal: bool
    status: str


def solve_mclp(
    cover: np.ndarray,
    k: int,
    weight: np.ndarray | None = None,
    *,
    time_limit: float = 30.0,
    workers: int = 1,
    seed: int = 0,
) -> MclpSolution:
    """Maximal covering location: at most ``k`` columns that cover the most row weight.

    Parameters
    ----------
    cover
        (rows, columns) bool: column j covers row i (a site serves a patient).
    k
        Most columns to choose.
    weight
        Whole-number weight per row (default 1: count patients).
    time_limit, workers, seed
        CP-SAT's limits; a greedy solution is the starting hint, so a
        solution is always returned.

    Returns
    -------
    MclpSolution
        Among equally covering choices, the one whose column positions add
        up to least (fewer sites, and earlier candidates, first).
    """
    cover = np.asarray(cover, dtype=bool)
    rows, cols = cover.shape
    w = np.ones(rows, dtype=np.int64) if weight is None else np.asarray(weight, dtype=np.int64)
    k = max(0, min(int(k), cols))
    useful = np.flatnonzero(cover.any(axis=0) & (k > 0))
    reach = cover[:, useful].any(axis=1) & (w > 0)
    # identical rows become one row with their weights summed
    groups, inverse = np.unique(cover[reach][:, useful], axis=0, return_inverse=True)
    gw = np.bincount(inverse.reshape(-1), weights=w[reach], minlength=len(groups)).astype(np.int64)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"site_{j}") for j in useful]
    y = [model.new_bool_var(f"group_{g}") for g in range(len(groups))]
    for g, row in enumerate(groups):
        model.add_bool_or([x[i] for i in np.flatnonzero(row)]).only_enforce_if(y[g])
    model.add(sum(x) <= k)
    rank = useful + 1
    big = int(rank.sum()) + 1
    model.maximize(
        big * sum(int(gw[g]) * y[g] for g in range(len(groups)))
        - sum(int(r) * xi for r, xi in zip(rank, x, strict=True))
    )
    hint = _greedy(groups, gw, k)
    for i, xi in enumerate(x):
        model.add_hint(xi, bool(hint[i]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, float(time_limit))
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.random_seed = int(seed)
    # the LP relaxation of covering models is strong: with one worker, CP-SAT
    # needs the full linearisation to prove optimality quickly
    solver.parameters.linearization_level = 2
    code = solver.solve(model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        picked = np.array([solver.value(xi) for xi in x], dtype=bool)
    else:  # no solution in time: the greedy one
        picked = hint
    chosen = np.sort(useful[picked]) if len(useful) else np.zeros(0, dtype=np.int64)
    covered = np.asarray(cover[:, chosen].any(axis=1), dtype=bool)
    return MclpSolution(
        chosen=chosen.astype(np.int64),
        covered=covered,
        value=int(w[covered].sum()),
        optimal=code == cp_model.OPTIMAL,
        status=solver.status_name(code),
    )


def _greedy(groups: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray:
    """Greedy choice: repeatedly the column that covers the most uncovered weight."""
    picked = np.zeros(groups.shape[1], dtype=bool)
    open_ = np.ones(len(groups), dtype=bool)
    for _ in range(min(k, groups.shape[1])):
        gain = (groups & open_[:, None]).T.astype(np.int64) @ weight
        gain[picked] = -1
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break
        picked[best] = True
        open_ &= ~groups[:, best]
    return picked
