"""One exact solve over a store of allowed pairs (matcher.planning.solve)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from builders import build, offer, patient, session

from matcher import Dataset
from matcher.match.costs import MatchModel, allowed_pairs
from matcher.match.pairs import Pairs
from matcher.optimize.problem import SolverOptions
from matcher.planning.solve import solve


def _case(tmp_path: Path) -> tuple[Dataset, MatchModel, Pairs]:
    ds = build(
        [offer()],
        [session(capacity=1), session(session_id="S2", weekday="tue", capacity=1)],
        [patient(), patient(patient_id="P2", lives_alone="true"), patient(patient_id="P3")],
        tmp_path,
    )
    model = MatchModel.from_dataset(ds)
    return ds, model, allowed_pairs(model, np.arange(model.n_patients))


def test_the_solve_places_the_most_priority_and_is_proven(tmp_path: Path) -> None:
    """Two places for three people: the one with a vulnerability flag is placed, the
    plan is OPTIMAL and its objective is its pairs' cost plus the unplaced reward."""
    ds, model, store = _case(tmp_path)
    found = solve(
        ds, model, store, np.arange(len(store)), SolverOptions(), solver="auto", progress=None
    )
    assert found.status == "OPTIMAL"
    assert found.pair[1] >= 0 and (found.pair >= 0).sum() == 2
    unplaced = int(np.flatnonzero(found.pair < 0)[0])
    cost = store.cost[found.pair[found.pair >= 0]].sum()
    reward = found.reward_points * model.p_priority[unplaced]
    assert found.objective == pytest.approx(cost + reward, abs=0.01)


def test_negative_costs_from_a_bonus_are_solved_exactly(tmp_path: Path) -> None:
    """A pair made cheaper than nothing (a team-mate's bonus) is still solved exactly:
    priority first, then the lowest cost."""
    ds, model, store = _case(tmp_path)
    cost = store.cost.copy()
    cost[(store.row == 0) & (store.session == 1)] -= 50.0
    found = solve(
        ds,
        model,
        replace(store, cost=cost),
        np.arange(len(store)),
        SolverOptions(),
        solver="auto",
        progress=None,
    )
    assert found.status == "OPTIMAL"
    assert store.session[found.pair[0]] == 1
    assert found.pair[1] >= 0
