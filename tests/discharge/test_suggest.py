"""When nothing fits (matcher.discharge.suggest): the rules named and the changes promised are true.

Every promise is checked the long way round: the suggested change is applied
to the patient's cells, the changed patient is written as patients.csv
beside the dataset's own offers and sessions, loaded with ``load_dataset``,
and the options are counted with a fresh ``MatchModel``; the count must equal
what the suggestion said.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from builders import LAT, LON, build, offer, patient, session, write

from matcher import Dataset, Recommender, load_dataset
from matcher.dataset.profile import patient_cells
from matcher.discharge.suggest import NothingFits, Suggestion, nothing_fits, what_would_open
from matcher.match.costs import MatchModel, evaluate


def count_after(
    dataset: Dataset, cells: dict[str, str], change: Suggestion, where: Path
) -> tuple[int, int]:
    """Sessions and distinct offers that fit once ``change`` is applied, counted afresh."""
    where.mkdir(parents=True, exist_ok=True)
    assert dataset.source is not None
    for name in ("offers.csv", "sessions.csv"):
        shutil.copy(dataset.source / name, where / name)
    write(where, "patients.csv", [{**cells, **change.changes}])
    changed = load_dataset(where)
    model = MatchModel.from_dataset(changed)
    ev = evaluate(model, np.array([0]))
    sessions = np.flatnonzero(ev.feasible[0])
    return len(sessions), len(np.unique(model.s_offer[sessions]))


def assert_promises_hold(dataset: Dataset, pid: str, found: NothingFits, tmp_path: Path) -> None:
    """Each suggestion's counts equal a fresh count after applying its change."""
    cells = patient_cells(
        dataset.patients.set_index("patient_id").loc[pid].to_dict() | {"patient_id": pid}
    )
    for i, suggestion in enumerate(found.tried):
        options, places = count_after(dataset, cells, suggestion, tmp_path / f"change{i}")
        assert (options, places) == (suggestion.options, suggestion.places), suggestion.change


# -- hand-built cases, one blocking rule each ----------------------------------
FAR = {"lat": LAT + 0.03, "lon": LON}  # about 3.3 km north: 65 min on foot, 21 by bike
CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[dict[str, Any]], str, str]] = [
    # (name, patient changes, offer changes, sessions, first blocking rule, best change)
    ("too far", {"max_travel_min": 25, "modes": "walk"}, FAR, [{}], "travel", "mode:bike"),
    ("a little too far", {"max_travel_min": 20, "modes": "bike"}, FAR, [{}], "travel", "travel+10"),
    ("language", {"languages": "da"}, {"languages": "ar"}, [{}], "language", "interpreter"),
    ("fee", {"budget_dkk_month": 50}, {"fee_dkk_month": 120}, [{}], "fee", "budget+100"),
    (
        "time",
        {"available": "tue 08:00-12:00"},
        {},
        [{"session_id": "S1"}, {"session_id": "S2", "weekday": "wed"}],
        "time",
        "any_time",
    ),
    ("group", {"group_tolerance": "small"}, {"group_size": 10}, [{}], "group_size", "group:medium"),
    ("gender", {"gender_pref": "same", "gender": "woman"}, {}, [{}], "gender", "any_gender"),
]


@pytest.mark.parametrize(
    ("changes", "offer_changes", "sessions", "rule", "best"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_nothing_fits_names_the_rule_and_the_change_that_opens_most(
    tmp_path: Path,
    changes: dict[str, Any],
    offer_changes: dict[str, Any],
    sessions: list[dict[str, Any]],
    rule: str,
    best: str,
) -> None:
    """When nothing fits: the blocking rule comes first, the best change opens options,
    and every count promised is what applying the change gives."""
    ds = build(
        [offer(**offer_changes)],
        [session(**s) for s in sessions],
        [patient(**changes)],
        tmp_path / "data",
    )
    found = nothing_fits(Recommender(ds), "P1", lang="en")
    assert found.blockers[0].rule == rule
    assert found.suggestions[0].change == best
    assert found.suggestions[0].options >= 1
    assert_promises_hold(ds, "P1", found, tmp_path / "changed")


def test_a_home_visit_is_offered_last(tmp_path: Path) -> None:
    """When nothing fits: a home visit that would fit is named, after the other changes."""
    ds = build(
        [
            offer(**FAR),
            offer(offer_id="HOME", kind="home_visit", group_size=1, lat=LAT, lon=LON + 0.01),
        ],
        [
            session(),
            session(session_id="H1", offer_id="HOME"),
            session(session_id="H2", offer_id="HOME", weekday="tue"),
        ],
        [patient(max_travel_min=25)],
        tmp_path / "data",
    )
    found = nothing_fits(Recommender(ds), "P1", lang="en")
    home = found.suggestions[-1]
    assert home.change == "home_visit" and home.options == 2
    assert home.text == "a home visit is possible (2 sessions)"
    assert [s.change for s in found.suggestions[:-1]] and all(
        s.group != "home_visit" for s in found.suggestions[:-1]
    )
    assert_promises_hold(ds, "P1", found, tmp_path / "changed")


def test_demo_patients_without_options_get_true_suggestions(demo: Dataset, tmp_path: Path) -> None:
    """When nothing fits, on the demo municipality: every promised count is exact."""
    recommender = Recommender(demo)
    empty = [
        pid
        for pid in demo.patients["patient_id"]
        if not recommender.evaluate(pid).evaluation.feasible.any()
        and not bool(demo.patients.set_index("patient_id").loc[pid, "escalate"])
    ]
    assert len(empty) >= 5
    for pid in empty[:6]:
        found = recommender.recommend(pid).nothing_fits
        assert isinstance(found, NothingFits)
        assert found.blockers, pid
        assert_promises_hold(demo, pid, found, tmp_path / pid)


def test_suggestion_texts_state_the_exact_counts(tmp_path: Path) -> None:
    """Plain words: '3 sessions at 2 places if you could travel 10 min more (up to 30 min)'."""
    ds = build(
        [offer(**FAR), offer(offer_id="O2", lat=LAT + 0.028, lon=LON)],
        [
            session(),
            session(session_id="S2", weekday="tue"),
            session(session_id="S3", offer_id="O2"),
        ],
        [patient(modes="bike", max_travel_min=20)],
        tmp_path,
    )
    english, _ = what_would_open(Recommender(ds), "P1", lang="en")
    assert (
        english[0].text == "3 sessions at 2 places if you could travel 10 min more (up to 30 min)"
    )
    danish, _ = what_would_open(Recommender(ds), "P1")
    assert danish[0].text == "3 tider hos 2 steder, hvis du kan rejse 10 min mere (op til 30 min)"


def test_one_change_per_kind_of_change(tmp_path: Path) -> None:
    """Best few: one change per group (the one opening most), largest first."""
    ds = build(
        [offer(**FAR, fee_dkk_month=0), offer(offer_id="O2", lat=LAT + 0.045, lon=LON)],
        [session(), session(session_id="S2", offer_id="O2")],
        [patient(modes="bike", max_travel_min=15)],
        tmp_path,
    )
    best, tried = what_would_open(Recommender(ds), "P1", lang="en")
    groups = [s.group for s in best]
    assert len(groups) == len(set(groups))
    assert [s.options for s in best] == sorted((s.options for s in best), reverse=True)
    travel = {s.change: s.options for s in tried if s.group == "travel"}
    assert travel == {"travel+10": 1, "travel+20": 2}
    assert best[0].change == "travel+20"


def test_an_escalated_patient_gets_no_suggestion(tmp_path: Path) -> None:
    """Rule 'escalated': a person acts first, so nothing is suggested."""
    ds = build([offer()], [session()], [patient(escalate="true")], tmp_path)
    found = nothing_fits(Recommender(ds), "P1", lang="en")
    assert found.suggestions == () and found.blockers == ()
    assert "professional must act first" in found.text


def test_home_bound_without_home_visits_is_told_so(tmp_path: Path) -> None:
    """Rule 'home': someone who stays at home, with no home visits in the data, is told why."""
    ds = build([offer()], [session()], [patient(home_bound="true")], tmp_path)
    found = nothing_fits(Recommender(ds), "P1", lang="en")
    assert [b.rule for b in found.blockers] == ["home"]
    assert found.blockers[0].text == "you cannot go out, so only home visits fit"


def test_suggestions_only_when_nothing_fits(tmp_path: Path) -> None:
    """recommend attaches the 'nothing fits' analysis only to an empty list."""
    ds = build(
        [offer()], [session()], [patient(), patient(patient_id="P2", languages="ar")], tmp_path
    )
    recommender = Recommender(ds)
    assert recommender.recommend("P1").nothing_fits is None
    assert isinstance(recommender.recommend("P2").nothing_fits, NothingFits)


def test_a_profile_mapping_gets_the_same_suggestions_as_its_id(tmp_path: Path) -> None:
    """Same arrays: a typed-in profile is analysed exactly as its id is."""
    ds = build([offer(**FAR)], [session()], [patient(max_travel_min=20)], tmp_path)
    recommender = Recommender(ds)
    by_id = nothing_fits(recommender, "P1")
    by_map = nothing_fits(recommender, patient(max_travel_min=20))
    assert by_id.suggestions == by_map.suggestions and by_id.blockers == by_map.blockers


def test_joining_online_is_suggested_and_counted_honestly(tmp_path: Path) -> None:
    """What would open more: where the only offer meets online, 'online' is suggested
    for a patient without online_ok, and applying it opens exactly what it says."""
    ds = build([offer(online="true")], [session()], [patient()], tmp_path / "data")
    found = nothing_fits(Recommender(ds), "P1", lang="en")
    assert found.blockers[0].rule == "online"
    assert found.suggestions[0].change == "online"
    assert found.suggestions[0].options == 1
    assert_promises_hold(ds, "P1", found, tmp_path / "changed")


@pytest.mark.parametrize(
    ("spoken", "offered", "opens"),
    [
        ("ar", "da", True),  # an interpreter between Arabic and Danish
        ("da", "ar", True),  # and between Danish and Arabic
        ("so", "ar", False),  # no interpreter between Somali and Arabic is assumed
    ],
)
def test_an_interpreter_bridges_danish_and_the_patients_language_only(
    tmp_path: Path, spoken: str, offered: str, opens: bool
) -> None:
    """What would open more: 'with an interpreter' counts offers in Danish for someone
    who speaks no Danish (or any language for a Danish speaker), not every language."""
    ds = build([offer(languages=offered)], [session()], [patient(languages=spoken)], tmp_path)
    found = nothing_fits(Recommender(ds), "P1", lang="en")
    changes = {s.change: s.options for s in found.tried}
    assert (changes.get("interpreter", 0) > 0) is opens
