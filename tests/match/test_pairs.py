"""Tests for matcher.match.pairs: blocks of pairs joined into one store, cheapest first."""

from __future__ import annotations

import numpy as np

from matcher.match.pairs import Pairs


def _pairs(row: list[int], cost: list[float]) -> Pairs:
    n = len(row)
    return Pairs(
        np.array(row), np.arange(n), np.array(cost), np.ones(n, np.float32), np.zeros(n, np.int8)
    )


def test_blocks_join_with_their_rows_shifted() -> None:
    """Two blocks become one store: rows count from each block's first patient, and the
    options per patient and the largest cost are the whole store's."""
    store = Pairs.concat([_pairs([0, 0, 1], [1, 2, 3]).shifted(0), _pairs([0], [9]).shifted(2)])
    assert store.row.tolist() == [0, 0, 1, 2] and store.row.dtype == np.int32
    assert store.options(4).tolist() == [2, 1, 1, 0]
    assert store.max_cost == 9.0
    assert len(Pairs.concat([])) == 0


def test_cheapest_keeps_k_pairs_per_patient_in_order() -> None:
    """``cheapest(k)``: each patient's k cheapest pairs, by position."""
    pairs = _pairs([0, 0, 0, 1], [3.0, 1.0, 2.0, 5.0])
    assert pairs.cheapest(2).tolist() == [1, 2, 3]
    assert pairs.cheapest(3).tolist() == [0, 1, 2, 3]
    arcs = pairs.arcs(np.array([1, 3]))
    assert arcs.patient.tolist() == [0, 1] and arcs.cost.tolist() == [1.0, 5.0]
