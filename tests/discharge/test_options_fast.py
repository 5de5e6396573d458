"""The quick way of a recommender (typed profiles straight to arrays, "what would open
more" in one pass over the rules) gives exactly what the straightforward way gives:
the same options in the same order with the same reasons, and the same blockers and
suggestions when nothing fits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from matcher import Recommender, load_dataset, recommend
from matcher.dataset.demo import make_demo
from matcher.dataset.export import save_dataset
from matcher.discharge.options import kept_recommender


def _profiles(seed: int, n: int) -> list[dict[str, Any]]:
    """Typed-in profiles: the patients of another demo, under new pseudonyms."""
    people = make_demo(patients=n, offers=4, seed=seed).patients
    rows = people.drop(columns=["geometry", "x", "y"]).to_dict("records")
    return [{**row, "patient_id": f"NEW{i:04d}"} for i, row in enumerate(rows)]


def _same(quick: Recommender, plain: Recommender, patients: list[Any]) -> int:
    """Assert both ways answer alike for every patient; how many had nothing that fits."""
    empty = 0
    for patient in patients:
        a, b = quick.recommend(patient, 6), plain.recommend(patient, 6)
        assert_frame_equal(a.table(), b.table(), check_exact=True)
        assert a.nothing_fits == b.nothing_fits, patient
        empty += a.nothing_fits is not None
    return empty


@pytest.mark.parametrize("seed", [0, 7])
def test_the_quick_way_answers_as_the_straightforward_way(seed: int) -> None:
    """Same answers: options, order, reasons, blockers and every change tried, for the
    patients of a demo and for typed-in profiles."""
    dataset = make_demo(patients=90, offers=160, seed=seed)
    quick, plain = Recommender(dataset), Recommender(dataset, fast=False)
    assert quick.fast and not plain.fast
    ids = [str(p) for p in dataset.patients["patient_id"]]
    empty = _same(quick, plain, ids + _profiles(seed + 1, 90))
    assert 0 < empty < 180  # both sides of the quick way are compared


def test_the_quick_way_counts_bookings_and_the_day_alike() -> None:
    """Same answers with places booked and a day of the conversation after discharges."""
    dataset = make_demo(patients=60, offers=120, seed=3)
    booked = {str(s): 3 for s in dataset.sessions["session_id"].iloc[::3]}
    day = pd.Timestamp(dataset.patients["discharge_date"].max()).date()
    quick = Recommender(dataset, booked=booked, today=day)
    plain = Recommender(dataset, booked=booked, today=day, fast=False)
    ids = [str(p) for p in dataset.patients["patient_id"]]
    _same(quick, plain, ids + _profiles(4, 60))


def test_the_quick_way_follows_a_router_s_travel_times(tmp_path: Path) -> None:
    """Same answers when travel_times.csv gives some people's trips (also a typed-in
    profile's, by its pseudonym), so a changed copy travels as its person does."""
    demo = make_demo(patients=60, offers=80, seed=5)
    save_dataset(demo, tmp_path)
    rng = np.random.default_rng(5)
    people = [*demo.patients["patient_id"].astype(str)[:30], "NEW0001", "NEW0002"]
    offers = list(demo.offers["offer_id"].astype(str)[:40])
    rows = [
        {"origin_id": p, "destination_id": o, "minutes": int(rng.integers(3, 70)), "mode": m}
        for p in people
        for o in offers
        for m in ("", "bus")
    ]
    pd.DataFrame(rows).to_csv(tmp_path / "travel_times.csv", index=False)
    dataset = load_dataset(tmp_path)
    assert dataset.travel_times is not None and len(dataset.travel_times)
    quick, plain = Recommender(dataset), Recommender(dataset, fast=False)
    ids = [str(p) for p in dataset.patients["patient_id"]]
    _same(quick, plain, ids + _profiles(6, 30))


def test_a_typed_in_profile_is_the_same_row_both_ways() -> None:
    """The quick way's row of a profile holds the values the straightforward way's
    frame row holds, dates as Timestamps."""
    dataset = make_demo(patients=10, offers=20, seed=1)
    quick, plain = Recommender(dataset), Recommender(dataset, fast=False)
    for profile in _profiles(2, 20):
        a, b = quick.evaluate(profile).row, plain.evaluate(profile).row
        assert_series_equal(a, b, check_exact=True)
        assert isinstance(a["discharge_date"], pd.Timestamp)


def test_the_town_s_people_and_their_changed_profiles(town: Any) -> None:
    """Same answers in the small town (online, interpreters, home visits, full sessions)
    for its patients and for each of them changed one way or another."""
    quick, plain = Recommender(town), Recommender(town, fast=False)
    people = town.patients.drop(columns=["geometry", "x", "y"]).to_dict("records")
    changes = [
        {},
        {"home_bound": True},
        {"group_tolerance": "individual"},
        {"online_ok": True},
        {"languages": ("ar",)},
        {"modes": ("walk",), "max_travel_min": 10},
        {"budget_dkk_month": 0.0, "gender_pref": "same"},
        {"escalate": True},
    ]
    profiles = [{**p, **c, "patient_id": f"T{i}"} for i, p in enumerate(people) for c in changes]
    _same(quick, plain, [str(p) for p in town.patients["patient_id"]] + profiles)


def test_the_kept_quick_way_follows_a_changed_dataset(town: Any) -> None:
    """Rebuilt: an offers table swapped on the dataset, or every place booked in place,
    gives a kept recommender whose quick answers follow the change."""
    dataset = town.replace(offers=town.offers.copy(), sessions=town.sessions.copy())
    pid = str(dataset.patients["patient_id"].iloc[0])
    first = kept_recommender(dataset)
    assert "uk" not in first.offered_languages
    offers = dataset.offers.copy()
    offers["languages"] = [(*v, "uk") for v in offers["languages"]]
    object.__setattr__(dataset, "offers", offers)
    second = kept_recommender(dataset)
    assert second is not first and "uk" in second.offered_languages
    assert len(recommend(dataset, pid)) > 0
    dataset.sessions["capacity"] = 0  # every place taken, edited in place
    quick = recommend(dataset, pid)
    plain = Recommender(dataset, fast=False).recommend(pid)
    assert len(quick) == 0 and quick.nothing_fits is not None
    assert quick.nothing_fits == plain.nothing_fits
    assert quick.nothing_fits.tried
    assert all(s.options == 0 for s in quick.nothing_fits.tried)
