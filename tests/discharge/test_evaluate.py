"""One patient against every session (matcher.discharge.evaluate): a patient by id or
as a profile, the conversation date and the places already booked."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import patient

from matcher import InputError, Recommender
from matcher.discharge.evaluate import Evaluator


def test_a_mapping_gives_the_same_options_as_its_id(demo: Any) -> None:
    """Same arrays: a profile typed in gives exactly what the same patient's id gives."""
    recommender = Recommender(demo)
    for i in range(0, len(demo.patients), 10):
        row = demo.patients.iloc[i]
        by_id = recommender.recommend(str(row["patient_id"]), top=5, suggest=False).table()
        by_map = recommender.recommend(row.to_dict(), top=5, suggest=False).table()
        pd.testing.assert_frame_equal(by_id, by_map)


def test_an_unknown_patient_id_is_an_input_error(town_recommender: Recommender) -> None:
    """Bad input: an id that is not in the dataset raises InputError naming it."""
    with pytest.raises(InputError, match="'NOPE'"):
        town_recommender.recommend("NOPE")


@pytest.mark.parametrize(
    ("discharge", "today", "earliest"),
    [
        ("2027-01-04", None, "2027-01-04"),
        ("2027-01-04", "2027-01-20", "2027-01-20"),
        ("2027-01-25", "2027-01-20", "2027-01-25"),
    ],
)
def test_nobody_starts_before_today_or_discharge(
    town: Any, discharge: str, today: str | None, earliest: str
) -> None:
    """Start date: never before the later of discharge and the conversation date."""
    found = Recommender(town, today=today).recommend(patient(discharge_date=discharge), top=6)
    frame = found.table()
    assert (frame["first_date"] >= pd.Timestamp(earliest)).all()
    start = pd.Timestamp(today or discharge)
    assert ((frame["first_date"] - start).dt.days == frame["days_until_start"]).all()


def test_booked_places_are_taken_into_account(town: Any) -> None:
    """Capacity: a session whose places are all booked is never offered."""
    near = {**patient(), "max_travel_min": 60}
    open_ = Recommender(town).ranked(near).table()
    full = Recommender(town, booked={"WALK-MON": 5}).ranked(near).table()
    assert "WALK-MON" in set(open_["session_id"])
    assert "WALK-MON" not in set(full["session_id"])
    assert "SWIM-THU" not in set(open_["session_id"])  # capacity 0


def test_an_unknown_session_id_is_an_input_error(town: Any) -> None:
    """session_index gives a session's position; an unknown id names sessions.csv."""
    evaluator = Evaluator(town)
    assert evaluator.session_index("WALK-WED") == 1
    with pytest.raises(InputError) as caught:
        evaluator.session_index("NOPE")
    assert caught.value.problems[0].file == "sessions.csv"


def test_options_are_the_allowed_sessions_cheapest_first(town: Any) -> None:
    """Evaluated.options holds every allowed session, in order of cost."""
    found = Evaluator(town).evaluate({**patient(), "max_travel_min": 60})
    feasible = found.evaluation.feasible[0]
    cost = found.evaluation.cost[0, found.options]
    assert set(found.options.tolist()) == set(np.flatnonzero(feasible).tolist())
    assert len(found.options) > 1
    assert (np.diff(cost) >= 0).all()
