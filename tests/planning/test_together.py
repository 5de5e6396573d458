"""Team-mates who go on together (matcher.planning.together): one shared session per
finishing cohort, carried as a bonus on the cohort's choice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from builders import LAT, LON, build, offer, patient, session

import matcher
from matcher.match.costs import MatchModel, allowed_pairs
from matcher.planning.together import apart, cohort_sessions, cohorts, with_bonus

#: Degrees of longitude per km at Odense's latitude.
KM = 1 / 63.0


def _east(km: float) -> dict[str, float]:
    return {"lat": LAT, "lon": LON + km * KM}


def _team(together: str, n_near_first: int = 3, n_near_second: int = 2) -> list[dict[str, Any]]:
    """Five people finishing exit team O9 on the same day: three live by the first
    club, two by the second (0.5 km apart)."""
    homes = [0.1] * n_near_first + [0.4] * n_near_second
    return [
        patient(
            patient_id=f"P{i + 1}",
            prior_offer_id="O9",
            discharge_date="2027-01-04",
            together=together,
            **_east(km),
        )
        for i, km in enumerate(homes)
    ]


def _clubs(capacity: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    offers = [offer(), offer(offer_id="O2", name="Gåklub Øst", **_east(0.5))]
    sessions = [
        session(capacity=capacity),
        session(session_id="S2", offer_id="O2", capacity=capacity),
    ]
    return offers, sessions


def test_five_team_mates_land_in_the_same_session_when_places_allow(tmp_path: Path) -> None:
    """Rule together: five team-mates who said yes all get the same next session when it
    has room for them, where without 'together' each goes to the nearest club; the plan
    is still proven optimal and notes the team-mates placed together."""
    offers, sessions = _clubs(capacity=5)
    apart_plan = matcher.plan(build(offers, sessions, _team("false"), tmp_path / "a"))
    assert sorted(apart_plan.assignments["session_id"]) == ["S1", "S1", "S1", "S2", "S2"]
    result = matcher.plan(build(offers, sessions, _team("true"), tmp_path / "b"))
    assert list(result.assignments["session_id"]) == ["S1"] * 5
    assert result.status == "OPTIMAL"
    assert any("5 team-mates of 1 cohorts" in n for n in result.notes)
    # PLAN.csv's cost stays the pair's own cost, without the bonus
    assert (result.assignments["cost"] > 0).all()


def test_team_mates_share_as_many_places_as_there_are(tmp_path: Path) -> None:
    """When the shared session has room for three, three of them go on together and
    everyone is still placed."""
    offers, sessions = _clubs(capacity=3)
    result = matcher.plan(build(offers, sessions, _team("true"), tmp_path))
    counts = result.assignments["session_id"].value_counts()
    assert counts.max() == 3 and counts.sum() == 5


def test_a_cohort_is_the_same_course_and_day_and_a_yes(tmp_path: Path) -> None:
    """cohorts(): same prior_offer_id and discharge_date, together set, not escalated,
    at least two; no prior team or a single person makes no cohort."""
    rows = [
        patient(patient_id="A", prior_offer_id="O9", together="true"),
        patient(patient_id="B", prior_offer_id="O9", together="true"),
        patient(patient_id="C", prior_offer_id="O9", together="false"),
        patient(patient_id="D", prior_offer_id="O9", together="true", escalate="true"),
        patient(patient_id="E", prior_offer_id="O9", together="true", discharge_date="2027-01-11"),
        patient(patient_id="F", prior_offer_id="", together="true"),
        patient(patient_id="G", prior_offer_id="", together="true"),
        patient(patient_id="H", prior_offer_id="O8", together="true"),
        patient(patient_id="I", prior_offer_id="O8", together="true"),
    ]
    found = cohorts(build(patients=rows, directory=tmp_path))
    assert [list(g) for g in found] == [[0, 1], [7, 8]]


def test_no_cohort_without_the_column(tmp_path: Path) -> None:
    """An old patients.csv without 'together' has no cohorts and plans as before."""
    ds = build(patients=[patient(), patient(patient_id="P2")], directory=tmp_path)
    assert cohorts(ds) == []


def test_the_bonus_goes_only_to_the_chosen_session_and_a_lonely_one_is_dropped(
    tmp_path: Path,
) -> None:
    """with_bonus lowers the members' pairs at their cohort's session only; apart names
    a cohort whose session holds fewer than two of them."""
    offers, sessions = _clubs(capacity=5)
    ds = build(offers, sessions, _team("true"), tmp_path)
    model = MatchModel.from_dataset(ds)
    store = allowed_pairs(model, np.arange(model.n_patients))
    groups = cohorts(ds)
    chosen = cohort_sessions(store, groups, 10.0, model.s_capacity)
    assert list(chosen) == [0]
    priced = with_bonus(store, groups, chosen, 10.0)
    lowered = priced.cost < store.cost
    assert set(store.session[lowered]) == {0}
    np.testing.assert_allclose(store.cost[lowered] - priced.cost[lowered], 10.0)
    assert list(apart(groups, chosen, np.array([0, 1, 1, 1, 1]))) == [0]
    assert list(apart(groups, chosen, np.array([0, 0, 1, 1, 1]))) == []
    assert list(cohort_sessions(store, groups, 0.0, model.s_capacity)) == [-1]
