"""Ranked next steps for one patient (matcher.recommend) and ``brobygger recommend``.

The small town (``town`` in tests/discharge/conftest.py) has offers of every
kind, sessions early, late and full, men-only, women-only and non-Danish
groups, a fee above most budgets and a home visit, so random profiles meet
every rule of the contract.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import LAT, LON, build, offer, patient, session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import InputError, Recommender, plan, recommend
from matcher.dataset.load import points
from matcher.discharge.options import OPTION_COLUMNS, varied
from matcher.domain import GROUP_LIMIT, INTENSITY_LEVEL, VULNERABILITY_FLAGS, parse_window
from matcher.match.costs import MatchModel, evaluate
from matcher.match.weights import Weights
from matcher.optimize.problem import DEFAULT_SCALE
from matcher.words.patient import LANGUAGES


# -- random profiles -----------------------------------------------------------
def some(
    values: list[str], least: int = 0, most: int | None = None
) -> st.SearchStrategy[list[str]]:
    """A list of distinct values drawn from ``values``."""
    return st.lists(st.sampled_from(values), min_size=least, max_size=most, unique=True)


def _windows(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return ""
    days = draw(
        st.lists(
            st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    out = []
    for day in days:
        start = draw(st.integers(6, 18))
        end = draw(st.integers(start + 1, 23))
        out.append(f"{day} {start:02d}:00-{end:02d}:00")
    return ";".join(out)


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    """A random patient profile as patients.csv cells."""
    flags = {flag: draw(st.booleans()) for flag in VULNERABILITY_FLAGS}
    return {
        "patient_id": "R1",
        "lat": LAT + draw(st.floats(-0.05, 0.05)),
        "lon": LON + draw(st.floats(-0.08, 0.08)),
        "discharge_date": (date(2027, 1, 1) + timedelta(days=draw(st.integers(0, 70)))).isoformat(),
        "diagnoses": draw(
            st.lists(
                st.sampled_from(["heart", "copd", "cancer", "other"]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        ),
        "gender": draw(st.sampled_from(["woman", "man", "other"])),
        "gender_pref": draw(st.sampled_from(["any", "any", "same"])),
        "modes": draw(
            st.lists(
                st.sampled_from(["walk", "bike", "bus", "car", "flextrafik"]),
                min_size=1,
                unique=True,
            )
        ),
        "max_travel_min": draw(st.integers(5, 60)),
        "available": _windows(draw),
        "group_tolerance": draw(st.sampled_from(["individual", "small", "medium", "large"])),
        "budget_dkk_month": draw(st.sampled_from([0, 25, 100, 200, 400])),
        "languages": draw(some(["da", "en", "ar", "tr"], 1, 2)),
        "intensity_max": draw(st.sampled_from(["low", "moderate", "high"])),
        "needs_supervision": draw(st.booleans()),
        "home_bound": draw(st.integers(0, 5)) == 0,
        "interests": draw(some(["walking", "swimming", "choir", "dance"])),
        "escalate": draw(st.integers(0, 15)) == 0,
        **flags,
    }


def assert_obeys_every_rule(
    profile: dict[str, Any], option: pd.Series, dataset: Any, booked: dict[str, int]
) -> None:
    """Check one option against each rule of the contract, in plain Python."""
    o = dataset.offers.set_index("offer_id").loc[option["offer_id"]]
    s = dataset.sessions.set_index("session_id").loc[option["session_id"]]
    gender, tolerance = profile["gender"], profile["group_tolerance"]
    assert not profile["escalate"], "escalated"
    if profile["home_bound"]:
        assert o["kind"] == "home_visit", "home-bound gets only home visits"
    if o["kind"] == "home_visit":
        assert profile["home_bound"] or tolerance == "individual", "home visit"
    if profile["available"]:
        windows = [parse_window(w) for w in profile["available"].split(";")]
        assert any(w.contains(int(s["day"]), s["start_min"], s["end_min"]) for w in windows)
    assert o["diagnoses"] == ("all",) or set(o["diagnoses"]) & set(profile["diagnoses"])
    assert set(o["languages"]) & set(profile["languages"]), "language"
    own = {"man": "men", "woman": "women"}.get(gender)
    assert o["gender"] in ("any", own), "gender"
    if profile["gender_pref"] == "same":
        assert o["gender"] == own, "same gender"
    assert o["group_size"] <= GROUP_LIMIT[tolerance], "group size"
    assert INTENSITY_LEVEL[o["intensity"]] <= INTENSITY_LEVEL[profile["intensity_max"]]
    assert o["supervised"] or not profile["needs_supervision"], "supervision"
    assert o["fee_dkk_month"] <= profile["budget_dkk_month"], "fee"
    home = points(pd.DataFrame({"lat": [profile["lat"]], "lon": [profile["lon"]]}))
    metres = float(np.hypot(home["x"].iloc[0] - o["x"], home["y"].iloc[0] - o["y"]))
    mode = "car" if o["kind"] == "home_visit" else option["travel_mode"]
    assert option["travel_mode"] == ("staff" if o["kind"] == "home_visit" else mode)
    assert o["kind"] == "home_visit" or mode in profile["modes"], "mode"
    minutes = float(Weights.load().travel[mode].minutes(np.array([metres]))[0])
    assert minutes <= profile["max_travel_min"] + 1e-3, "travel"
    assert option["travel_min"] == pytest.approx(minutes, abs=0.06)
    first = max(pd.Timestamp(s["first_date"]), pd.Timestamp(profile["discharge_date"]))
    first += pd.Timedelta(days=(int(s["day"]) - first.weekday()) % 7)
    assert pd.Timestamp(option["first_date"]) == first, "start date"
    free = int(s["capacity"]) - booked.get(str(option.name), 0)
    assert free > 0 and option["places_left"] == free, "capacity"


@pytest.mark.slow
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    profile=profiles(),
    booked=st.dictionaries(
        st.sampled_from(["WALK-MON", "TEAM-MAR", "HOME-MON"]), st.integers(0, 6)
    ),
)
def test_every_option_obeys_every_rule(
    town: Any, profile: dict[str, Any], booked: dict[str, int]
) -> None:
    """Contract rules: every returned option obeys every rule, counting booked places."""
    recommender = Recommender(town, booked=booked)
    frame = recommender.recommend(profile, top=6, suggest=False).table()
    assert list(frame.columns) == list(OPTION_COLUMNS)
    for _, option in frame.set_index("session_id", drop=False).iterrows():
        assert_obeys_every_rule(profile, option, town, booked)
    # and nothing that fits is missing: the first option is the cheapest that fits
    ev = evaluate(recommender.model_for(recommender.patient_row(profile)), np.array([0]))
    assert len(frame) == min(
        6, len(varied(np.flatnonzero(ev.feasible[0]), *_arrays(recommender), 6))
    )
    if ev.feasible.any():
        assert frame["cost"].iloc[0] == pytest.approx(float(ev.cost[0].min()), abs=0.01)


def _arrays(recommender: Recommender) -> tuple[np.ndarray, np.ndarray]:
    return recommender.model.s_offer, recommender.model.o_kind


# -- the same choice as the batch plan ----------------------------------------
@pytest.mark.slow
def test_top_option_is_what_the_plan_gives_a_patient_alone(demo: Any) -> None:
    """Rank by the plan's cost: the top option is the plan's choice for the patient alone
    in an empty municipality (exact ties go to the first session in the file)."""
    compared = 0
    for i in range(0, len(demo.patients), 8):
        alone = demo.replace(patients=demo.patients.iloc[[i]].reset_index(drop=True))
        pid = str(alone.patients["patient_id"].iloc[0])
        top = recommend(alone, pid, top=1).table()
        placed = plan(alone, workers=1, seed=0, baseline=False).assignments.iloc[0]
        assert (placed["status"] == "placed") == (len(top) == 1), pid
        if len(top) == 0:
            continue
        compared += 1
        model = MatchModel.from_dataset(alone)
        cost = evaluate(model, np.array([0])).cost[0]
        chosen = int(np.flatnonzero(model.session_ids == placed["session_id"])[0])
        best = int(np.flatnonzero(model.session_ids == top["session_id"].iloc[0])[0])
        # the plan works in integer hundredths of a point; equal there means equally good
        assert round(cost[chosen] * DEFAULT_SCALE) == round(cost[best] * DEFAULT_SCALE), pid
        assert cost[best] == cost.min(), pid
        assert best == int(np.flatnonzero(cost == cost.min())[0]), pid
    assert compared >= 20


# -- variety -------------------------------------------------------------------
def test_at_most_two_sessions_of_one_offer_and_every_kind_appears(tmp_path: Path) -> None:
    """Variety: no more than two sessions of one offer; the best of each kind appears."""
    offers = [
        offer(offer_id="NEAR", group_size=4),
        offer(offer_id="TEAM", kind="exit_team", lat=LAT + 0.03, group_size=6),
        offer(offer_id="CAFE", kind="network_group", lat=LAT - 0.03, group_size=6),
    ]
    sessions = [
        session(session_id=f"NEAR-{d}", offer_id="NEAR", weekday=d)
        for d in ["mon", "tue", "wed", "thu", "fri"]
    ]
    sessions += [
        session(session_id="TEAM-1", offer_id="TEAM", weekday="sat"),
        session(session_id="CAFE-1", offer_id="CAFE", weekday="sun"),
    ]
    ds = build(offers, sessions, [patient(modes="walk;car")], tmp_path)
    frame = recommend(ds, "P1", top=4).table()
    assert frame["offer_id"].value_counts().max() == 2
    assert set(frame["kind"]) == {"association", "exit_team", "network_group"}
    assert list(frame["rank"]) == [1, 2, 3, 4]
    assert frame["cost"].is_monotonic_increasing


@pytest.mark.parametrize(
    ("options", "offers", "kinds", "top", "expected"),
    [
        # sessions 0-3 of offer 0 (kind 0), session 4 of offer 1 (kind 1)
        ([0, 1, 2, 3, 4], [0, 0, 0, 0, 1], [0, 1], 3, [0, 1, 4]),
        ([0, 1, 2, 3, 4], [0, 0, 0, 0, 1], [0, 1], 5, [0, 1, 4]),
        ([4, 0, 1], [0, 0, 0, 0, 1], [0, 1], 1, [4]),
        ([0, 4, 1, 2], [0, 0, 0, 0, 1], [0, 0], 2, [0, 4]),
    ],
)
def test_varied_keeps_rank_order_and_kinds(
    options: list[int], offers: list[int], kinds: list[int], top: int, expected: list[int]
) -> None:
    """Variety: two per offer, the best of each kind kept, and rank order preserved."""
    chosen = varied(np.array(options), np.array(offers), np.array(kinds), top)
    assert chosen.tolist() == expected


# -- patients given as a mapping -----------------------------------------------


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"max_travel_min": 0}, "max_travel_min"),
        ({"modes": "walk;boat"}, "modes"),
        ({"discharge_date": "soon"}, "discharge_date"),
        ({"lat": 123}, "lat"),
        ({"available": "mon 25:00-26:00"}, "available"),
        ({"max_travel": 20}, "max_travel"),
    ],
)
def test_a_bad_mapping_names_the_column(
    town_recommender: Recommender, change: dict[str, Any], column: str
) -> None:
    """Bad input: a profile with a bad cell raises InputError naming that column."""
    with pytest.raises(InputError) as caught:
        town_recommender.recommend({**patient(), **change})
    assert [p.column for p in caught.value.problems] == [column]
    assert caught.value.problems[0].file == "patient"


@pytest.mark.parametrize(("top", "lang"), [(0, "da"), (5, "xx")])
def test_bad_top_or_language_is_an_input_error(
    town_recommender: Recommender, top: int, lang: str
) -> None:
    """Bad input: top below 1 or an unknown language raises InputError."""
    with pytest.raises(InputError):
        town_recommender.recommend("P1", top=top, lang=lang)


# -- what a patient sees -------------------------------------------------------


def test_vulnerability_flags_change_nothing_a_patient_sees(town: Any) -> None:
    """Health data: vulnerability flags never change or appear in the options or reasons."""
    recommender = Recommender(town)
    plain = recommender.recommend(patient(), top=6).table()
    flagged = recommender.recommend(
        {**patient(), **dict.fromkeys(VULNERABILITY_FLAGS, True)}, top=6
    ).table()
    pd.testing.assert_frame_equal(plain, flagged)
    text = " ".join(" ".join(r) for r in [*plain["fits"], *plain["less_good"]]).lower()
    for word in ("alone", "alene", "income", "indkomst", "education", "uddannelse", "priorit"):
        assert word not in text


def test_an_escalated_patient_gets_no_option(town_recommender: Recommender) -> None:
    """Rule 'escalated': nothing is offered; the reason says a person acts first."""
    found = town_recommender.recommend(patient(escalate="true"), lang="en")
    assert len(found) == 0
    assert "professional must act first" in found.nothing_fits.text
    assert found.nothing_fits.suggestions == ()


def test_every_language_has_the_same_words() -> None:
    """One place per language: Danish and English hold the same keys."""
    da, en = LANGUAGES["da"], LANGUAGES["en"]
    assert set(da) == set(en)
    for group in da:
        if isinstance(da[group], dict):
            assert set(da[group]) == set(en[group]), group
        else:
            assert len(da[group]) == len(en[group]), group
