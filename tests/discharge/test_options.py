"""Ranked next steps for one patient (matcher.recommend) and ``brobygger recommend``.

The small town below has offers of every kind, sessions early, late and
full, men-only, women-only and non-Danish groups, a fee above most budgets
and a home visit, so random profiles meet every rule of the contract.
"""

from __future__ import annotations

import json
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
from matcher.discharge.options import OPTION_COLUMNS, as_dict, varied
from matcher.discharge.recommendation import Recommendation
from matcher.domain import GROUP_LIMIT, INTENSITY_LEVEL, VULNERABILITY_FLAGS, parse_window
from matcher.match.costs import MatchModel, evaluate
from matcher.match.weights import Weights
from matcher.optimize.problem import DEFAULT_SCALE
from matcher.words.patient import LANGUAGES

# -- a small town -------------------------------------------------------------
OFFERS = [
    offer(offer_id="WALK", name="Gåklub", tags="walking;social", group_size=8),
    offer(
        offer_id="SWIM",
        name="Svømning",
        lat=LAT,
        lon=LON + 0.032,
        tags="swimming",
        group_size=14,
        fee_dkk_month=150,
        intensity="moderate",
    ),
    offer(
        offer_id="TEAM",
        name="Udslusningshold",
        kind="exit_team",
        lat=LAT + 0.01,
        lon=LON,
        diagnoses="heart;copd",
        languages="da;ar",
        group_size=10,
        intensity="moderate",
        supervised="true",
        tags="strength;walking",
    ),
    offer(
        offer_id="CAFE",
        name="Kræftnetværk",
        kind="network_group",
        lat=LAT,
        lon=LON - 0.045,
        diagnoses="cancer",
        gender="women",
        group_size=5,
        fee_dkk_month=25,
    ),
    offer(
        offer_id="CHOIR",
        name="Mandekor",
        lat=LAT - 0.014,
        lon=LON,
        languages="tr",
        gender="men",
        group_size=20,
        fee_dkk_month=50,
        tags="choir",
    ),
    offer(
        offer_id="HOME",
        name="Hjemmetræning",
        kind="home_visit",
        lat=LAT + 0.02,
        lon=LON + 0.02,
        languages="da;en",
        group_size=1,
        supervised="true",
    ),
    offer(
        offer_id="GYM",
        name="Fitness",
        lat=LAT + 0.05,
        lon=LON + 0.05,
        group_size=6,
        fee_dkk_month=300,
        intensity="high",
        tags="strength;cycling",
    ),
]
SESSIONS = [
    session(session_id="WALK-MON", offer_id="WALK"),
    session(session_id="WALK-WED", offer_id="WALK", weekday="wed", start="17:00", end="18:00"),
    session(session_id="WALK-SAT", offer_id="WALK", weekday="sat", start="09:00", end="10:00"),
    session(session_id="WALK-SUN", offer_id="WALK", weekday="sun", start="11:00", end="12:00"),
    session(session_id="SWIM-TUE", offer_id="SWIM", weekday="tue", start="07:00", end="08:30"),
    session(
        session_id="SWIM-THU",
        offer_id="SWIM",
        weekday="thu",
        start="20:00",
        end="21:30",
        capacity=0,
    ),
    session(
        session_id="TEAM-FEB",
        offer_id="TEAM",
        weekday="tue",
        start="10:00",
        end="11:30",
        first_date="2027-02-02",
        weeks=8,
    ),
    session(
        session_id="TEAM-MAR",
        offer_id="TEAM",
        weekday="thu",
        start="13:00",
        end="14:30",
        first_date="2027-03-04",
        capacity=1,
    ),
    session(session_id="CAFE-FRI", offer_id="CAFE", weekday="fri", start="14:00", end="16:00"),
    session(session_id="CHOIR-WED", offer_id="CHOIR", weekday="wed", start="19:00", end="21:00"),
    session(session_id="HOME-MON", offer_id="HOME", start="09:00", end="10:00", capacity=3),
    session(session_id="HOME-THU", offer_id="HOME", weekday="thu", start="13:00", end="14:00"),
    session(session_id="GYM-MON", offer_id="GYM", start="16:00", end="17:00"),
]


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The small town with one ordinary patient."""
    return build(OFFERS, SESSIONS, [patient()], tmp_path_factory.mktemp("town"))


@pytest.fixture(scope="module")
def town_recommender(town: Any) -> Recommender:
    """A recommender for the small town, built once."""
    return Recommender(town)


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
def test_a_mapping_gives_the_same_options_as_its_id(demo: Any) -> None:
    """Same arrays: a profile typed in gives exactly what the same patient's id gives."""
    recommender = Recommender(demo)
    for i in range(0, len(demo.patients), 10):
        row = demo.patients.iloc[i]
        by_id = recommender.recommend(str(row["patient_id"]), top=5, suggest=False).table()
        by_map = recommender.recommend(row.to_dict(), top=5, suggest=False).table()
        pd.testing.assert_frame_equal(by_id, by_map)


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


def test_an_unknown_patient_id_is_an_input_error(town_recommender: Recommender) -> None:
    """Bad input: an id that is not in the dataset raises InputError naming it."""
    with pytest.raises(InputError, match="'NOPE'"):
        town_recommender.recommend("NOPE")


@pytest.mark.parametrize(("top", "lang"), [(0, "da"), (5, "xx")])
def test_bad_top_or_language_is_an_input_error(
    town_recommender: Recommender, top: int, lang: str
) -> None:
    """Bad input: top below 1 or an unknown language raises InputError."""
    with pytest.raises(InputError):
        town_recommender.recommend("P1", top=top, lang=lang)


# -- reasons, dates and places --------------------------------------------------
def test_reasons_read_like_the_issue(tmp_path: Path) -> None:
    """Reasons: travel by mode, days to the start, and a group larger than preferred."""
    ds = build(
        [offer(lat=LAT + 0.0133, group_size=10, fee_dkk_month=40, tags="dance")],
        [session(first_date="2027-01-13", weekday="wed")],
        [patient(modes="bike", group_tolerance="medium", interests="walking")],
        tmp_path,
    )
    frame = recommend(ds, "P1", lang="en").table()
    fits, less = frame["fits"].iloc[0], frame["less_good"].iloc[0]
    assert "12 min by bike" in fits
    assert "starts in 9 days" in fits
    assert "group of about 10: larger than you prefer" in less
    assert "costs DKK 40 a month" in less
    assert "not among the things you like most" in less
    danish = recommend(ds, "P1").table()
    assert "12 min på cykel" in danish["fits"].iloc[0]
    assert "starter om 9 dage" in danish["fits"].iloc[0]


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


# -- the recommendation as a result ---------------------------------------------
def test_a_recommendation_carries_its_patient_options_and_summary(
    town_recommender: Recommender,
) -> None:
    """Result: a Recommendation names its patient, its table has OPTION_COLUMNS in rank
    order, len() counts the options and summary() is the JSON of ``recommend --json``."""
    found = town_recommender.recommend("P1", top=3, lang="en")
    assert isinstance(found, Recommendation)
    assert found.patient_id == "P1"
    assert list(found.table().columns) == list(OPTION_COLUMNS)
    assert len(found) == len(found.table()) > 0
    assert found.nothing_fits is None
    summary = found.summary()
    assert summary == as_dict(found)
    assert [o["session_id"] for o in summary["options"]] == list(found.table()["session_id"])
    assert isinstance(summary["options"][0]["fits"], list)
    assert summary["options"][0]["first_date"] == found.table()["first_date"].iloc[0].strftime(
        "%Y-%m-%d"
    )
    json.dumps(summary)  # plain data throughout


def test_nothing_fits_travels_in_the_recommendation(town_recommender: Recommender) -> None:
    """Result: with nothing that fits, the summary says why, as NothingFits.as_dict()."""
    found = town_recommender.recommend(patient(escalate="true"), lang="en")
    assert found.nothing_fits is not None
    assert found.summary()["nothing_fits"] == found.nothing_fits.as_dict()
    assert found.summary()["options"] == []


def test_a_recommendation_writes_csv_and_json_by_suffix(town: Any, tmp_path: Path) -> None:
    """Result: write() gives JSON (the summary) or CSV (the table with the patient's id,
    reasons joined by '; '), by the file's suffix; other suffixes are bad input."""
    found = Recommender(town).recommend("P1", top=3, lang="en")
    as_json = found.write(tmp_path / "options.json")
    assert json.loads(as_json.read_text(encoding="utf-8")) == found.summary()
    as_csv = found.write(tmp_path / "options.csv")
    read = pd.read_csv(as_csv, dtype=str, keep_default_na=False)
    assert list(read.columns) == ["patient_id", *OPTION_COLUMNS]
    assert set(read["patient_id"]) == {"P1"}
    assert list(read["session_id"]) == list(found.table()["session_id"])
    assert read["fits"].iloc[0] == "; ".join(found.table()["fits"].iloc[0])
    assert read["first_date"].iloc[0] == found.summary()["options"][0]["first_date"]
    with pytest.raises(InputError, match=r"\.csv or \.json"):
        found.write(tmp_path / "options.txt")
    assert not (tmp_path / "options.txt").exists()


def test_a_recommendation_csv_runs_no_formula(tmp_path: Path) -> None:
    """Spreadsheet safety: an offer named like a formula is written with a quote in front."""
    ds = build([offer(name="=HYPERLINK(1)")], [session()], [patient()], tmp_path)
    found = recommend(ds, "P1")
    assert found.table()["name"].iloc[0] == "=HYPERLINK(1)"
    read = pd.read_csv(found.write(tmp_path / "out.csv"), dtype=str)
    assert read["name"].iloc[0] == "'=HYPERLINK(1)"
