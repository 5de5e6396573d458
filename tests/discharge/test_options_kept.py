"""``matcher.recommend`` keeps each loaded dataset's recommender (``kept_recommender``)
and builds it again when the dataset's tables change."""

from __future__ import annotations

import gc
from typing import Any

import pandas as pd
from pandas.testing import assert_frame_equal

from matcher import Recommender, recommend
from matcher.discharge import options
from matcher.discharge.options import KEPT_PER_DATASET, forget, kept_recommender


def _copy(town: Any) -> Any:
    """A dataset of its own (tables copied), so edits stay in the test."""
    return town.replace(
        offers=town.offers.copy(), sessions=town.sessions.copy(), patients=town.patients.copy()
    )


def _pid(dataset: Any) -> str:
    return str(dataset.patients["patient_id"].iloc[0])


def test_the_function_reuses_one_recommender_and_answers_as_a_fresh_one(town: Any) -> None:
    """Kept: repeated calls for one dataset reuse one recommender, with the same answer."""
    dataset = _copy(town)
    first = kept_recommender(dataset)
    assert kept_recommender(dataset) is first
    for _ in range(2):
        assert_frame_equal(
            recommend(dataset, _pid(dataset)).table(),
            Recommender(dataset).recommend(_pid(dataset)).table(),
        )
    assert kept_recommender(dataset) is first


def test_other_options_get_their_own_recommender(town: Any) -> None:
    """Kept per options: other bookings or another day build another recommender."""
    dataset = _copy(town)
    plain = kept_recommender(dataset)
    booked = kept_recommender(dataset, booked={"WALK-MON": 2})
    assert booked is not plain
    assert kept_recommender(dataset, booked={"WALK-MON": 2}) is booked
    assert kept_recommender(dataset, today="2027-01-04") is not plain
    walk = booked.model.s_capacity[booked.session_index("WALK-MON")]
    assert walk == plain.model.s_capacity[plain.session_index("WALK-MON")] - 2


def test_at_most_a_few_combinations_are_kept(town: Any) -> None:
    """Kept per dataset: at most KEPT_PER_DATASET recommenders, the oldest dropped first."""
    dataset = _copy(town)
    first = kept_recommender(dataset, booked={"WALK-MON": 0})
    for n in range(1, KEPT_PER_DATASET + 1):
        kept_recommender(dataset, booked={"WALK-MON": n})
    assert len(options._KEPT[id(dataset)].built) == KEPT_PER_DATASET
    assert kept_recommender(dataset, booked={"WALK-MON": 0}) is not first


def test_a_session_edited_in_place_is_noticed(town: Any) -> None:
    """Invalidated: places of a session set to 0 in place remove it from the options."""
    dataset = _copy(town)
    before = recommend(dataset, _pid(dataset), top=20).table()
    assert len(before) > 0
    taken = str(before["session_id"].iloc[0])
    dataset.sessions.loc[dataset.sessions["session_id"] == taken, "capacity"] = 0
    after = recommend(dataset, _pid(dataset), top=20).table()
    assert taken not in set(after["session_id"])
    assert_frame_equal(after, Recommender(dataset).recommend(_pid(dataset), 20).table())


def test_a_table_replaced_or_resized_is_noticed(town: Any) -> None:
    """Invalidated: a table swapped on the same object, or a column added in place, rebuild."""
    dataset = _copy(town)
    first = kept_recommender(dataset)
    object.__setattr__(dataset, "offers", dataset.offers.copy())
    second = kept_recommender(dataset)
    assert second is not first
    dataset.sessions["note"] = "ny"
    third = kept_recommender(dataset)
    assert third is not second
    assert list(third._session) == list(dataset.sessions.columns)


def test_other_cells_need_forget(town: Any) -> None:
    """Forget: after an offer's cell is edited in place, forget() builds the arrays again."""
    dataset = _copy(town)
    first = kept_recommender(dataset)
    dataset.offers.loc[dataset.offers.index[0], "name"] = "Ny gåklub"
    assert kept_recommender(dataset) is first
    forget(dataset)
    again = kept_recommender(dataset)
    assert again is not first
    assert "Ny gåklub" in set(again._offer["name"])


def test_the_kept_recommender_does_not_keep_the_dataset_alive(town: Any) -> None:
    """Weak: a dataset nobody holds is freed, and what was kept for it goes with it."""
    dataset = _copy(town)
    kept_recommender(dataset)
    key = id(dataset)
    assert key in options._KEPT
    del dataset
    gc.collect()
    assert key not in options._KEPT


def test_a_replaced_dataset_has_its_own_recommender(town: Any) -> None:
    """Kept per dataset: Dataset.less_capacity gives a new dataset with its own arrays."""
    dataset = _copy(town)
    walk = dataset.sessions["session_id"].iloc[0]
    fewer = dataset.less_capacity({walk: 1})
    a, b = kept_recommender(dataset), kept_recommender(fewer)
    assert a is not b
    assert isinstance(fewer.sessions, pd.DataFrame)
    s = a.session_index(walk)
    assert b.model.s_capacity[s] == max(0, a.model.s_capacity[s] - 1)
