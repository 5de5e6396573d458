"""Patients who are not in the dataset (matcher.match.newcomers), modelled on the
dataset's own arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matcher import Recommender
from matcher.match.costs import MatchModel, evaluate


@pytest.mark.parametrize(
    "change",
    [
        {"languages": "sw"},
        {"languages": "da;sw", "interests": "chess;walking"},
        {"interests": "walking", "prior_offer_id": "O00003"},
        {"available": "sat 06:00-09:00", "modes": "bus;flextrafik"},
    ],
)
def test_a_profile_is_evaluated_as_the_whole_model_would(demo: Any, change: dict[str, Any]) -> None:
    """Same arrays: a new profile (also with a language or interest nobody in the data has)
    gets exactly the evaluation of a model built from scratch with that patient."""
    profile = {**demo.patients.iloc[7].to_dict(), **change, "patient_id": "NEW"}
    recommender = Recommender(demo, booked={"S00001": 2})
    rows = recommender.patient_row(profile)
    joined = evaluate(recommender.model_for(rows), np.array([0]), explain=True)
    alone = demo.replace(patients=rows)
    whole = evaluate(
        MatchModel.from_dataset(alone, booked={"S00001": 2}), np.array([0]), explain=True
    )
    for name in ("feasible", "cost", "travel_min", "mode", "start_day", "terms", "fails"):
        assert np.array_equal(getattr(joined, name), getattr(whole, name)), name
