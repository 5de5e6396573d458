"""Patients who are not in the dataset (matcher.match.newcomers), modelled on the
dataset's own arrays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import build, offer, patient, session

from matcher import Recommender
from matcher.dataset.profile import check_patient
from matcher.domain import MODES
from matcher.match.costs import MatchModel, evaluate
from matcher.match.newcomers import Newcomers


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


def test_a_newcomer_gets_the_dataset_sessions_and_a_router_row_of_its_own(
    tmp_path: Path,
) -> None:
    """model_for keeps the model's sessions and free places; a travel_times row for the
    newcomer's id replaces the estimate."""
    dataset = build([offer()], [session(capacity=4)], [patient()], tmp_path)
    model = MatchModel.from_dataset(dataset, booked={"S1": 1})
    rows = check_patient({**patient(), "patient_id": "NEW"})
    newcomers = Newcomers(dataset, model)
    joined = newcomers.model_for(rows)
    assert joined.patient_ids.tolist() == ["NEW"]
    np.testing.assert_array_equal(joined.s_capacity, model.s_capacity)
    np.testing.assert_array_equal(joined.session_ids, model.session_ids)
    table = pd.DataFrame(
        [{"origin_id": "NEW", "destination_id": "O1", "mode": "walk", "minutes": 3.0}]
    )
    routed = newcomers.model_for(rows, travel_times=table)
    walk = MODES.index("walk")
    minutes = routed.travel.minutes(np.array([0]), np.array([0]))
    assert minutes[0, 0, walk] == 3.0
    assert joined.travel.minutes(np.array([0]), np.array([0]))[0, 0, walk] != 3.0
