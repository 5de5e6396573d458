"""The allowed patient-session pairs and what each costs: ``Pairs``.

``costs.allowed_pairs`` gives them for a block of patients; the batch plan
joins the blocks into one store of every allowed pair of a dataset and hands
parts of it to the solvers as ``Arcs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..optimize.problem import Arcs

__all__ = ["Pairs"]


@dataclass(frozen=True)
class Pairs:
    """Allowed pairs, ordered by patient, then session.

    ``row`` indexes the patients the pairs were made for (a block's, or all of a
    dataset's), ``session`` the sessions; ``cost`` is in points (exactly what
    ``evaluate`` gives for the pair), ``travel_min`` the one-way minutes and
    ``mode`` the index into ``MODES`` (-1: the staff's drive).
    """

    row: np.ndarray
    session: np.ndarray
    cost: np.ndarray
    travel_min: np.ndarray
    mode: np.ndarray

    def __len__(self) -> int:
        return len(self.row)

    def shifted(self, first: int) -> Pairs:
        """These pairs with every row moved on by ``first`` (a block's first patient), rows
        and sessions as 32-bit integers to keep a store of every pair small."""
        return Pairs(
            (first + self.row).astype(np.int32),
            self.session.astype(np.int32),
            self.cost,
            self.travel_min,
            self.mode,
        )

    @classmethod
    def concat(cls, parts: Sequence[Pairs]) -> Pairs:
        """The pairs of ``parts`` one after the other."""
        dtypes = (np.int32, np.int32, np.float64, np.float32, np.int8)
        names = ("row", "session", "cost", "travel_min", "mode")
        columns = [
            np.concatenate([getattr(p, name) for p in parts]) if parts else np.zeros(0, dtype)
            for name, dtype in zip(names, dtypes, strict=True)
        ]
        return cls(*columns)

    def options(self, n_patients: int) -> np.ndarray:
        """Allowed sessions per patient."""
        return np.bincount(self.row, minlength=n_patients)

    @property
    def max_cost(self) -> float:
        return float(self.cost.max()) if len(self.cost) else 0.0

    def cheapest(self, k: int) -> np.ndarray:
        """Positions of each patient's (up to) ``k`` cheapest pairs, in order."""
        if len(self.row) == 0:
            return np.zeros(0, np.int64)
        counts = np.bincount(self.row)
        if counts.max() <= k:
            return np.arange(len(self.row))
        order = np.lexsort((self.cost, self.row))
        first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        rank = np.arange(len(self.row)) - first[self.row[order]]
        return np.sort(order[rank < k])

    def arcs(self, index: np.ndarray | None = None) -> Arcs:
        """The pairs at ``index`` (default: all, without copying) as arcs for the solvers."""
        if index is None:
            return Arcs(self.row, self.session, self.cost)
        return Arcs(
            self.row[index].astype(np.int64),
            self.session[index].astype(np.int64),
            self.cost[index],
        )
