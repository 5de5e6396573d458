"""Planning over weeks: cohorts, waits, the guarantee, what-if and capacity."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import LAT, LON, build, offer, patient, session

from matcher import Dataset
from matcher.planning.candidates import expand_candidates
from matcher.planning.horizon import Horizon, Metrics
from matcher.planning.schedule import SCHEDULE_COLUMNS, schedule
from matcher.planning.whatif import looks_worse

START = "2027-01-04"  # a Monday


def _exit_team(**changes: object) -> dict:
    return offer(offer_id="E1", kind="exit_team", group_size=8, supervised="true", **changes)


@pytest.mark.parametrize(
    ("discharge", "join_weeks", "start"),
    [
        ("2027-01-04", 2, "2027-01-04"),  # at the first meeting
        ("2027-01-08", 2, "2027-01-11"),  # the second meeting is still inside two weeks
        ("2027-01-12", 2, None),  # the third meeting is too late to join
        ("2027-01-08", 1, None),  # only the first meeting when the rule says one week
    ],
)
def test_a_cohort_is_joined_only_in_its_first_weeks(
    discharge: str, join_weeks: int, start: str | None
) -> None:
    """An exit-team cohort takes newcomers only in its first ``cohort_join_weeks`` weeks."""
    ds = build(
        [_exit_team()],
        [session(offer_id="E1", first_date=START, weeks=8)],
        [patient(discharge_date=discharge)],
    )
    result = schedule(ds, weeks=4, start=START, cohort_join_weeks=join_weeks)
    row = result.assignments.iloc[0]
    if start is None:
        assert row["status"] == "unplaced"
        assert "cohort" in row["reason"]
    else:
        assert row["status"] == "placed"
        assert str(row["start_date"].date()) == start


@pytest.mark.parametrize("discharge", ["2027-01-05", "2027-02-10", "2027-03-01"])
def test_an_ongoing_offer_is_joined_the_first_week_after_discharge(discharge: str) -> None:
    """An association can be joined any week: the first meeting on or after discharge."""
    ds = build(
        sessions=[session(first_date="2026-12-07")], patients=[patient(discharge_date=discharge)]
    )
    result = schedule(ds, weeks=12, start=START)
    row = result.assignments.iloc[0]
    wait = (row["start_date"] - pd.Timestamp(discharge)).days
    assert row["status"] == "placed"
    assert 0 <= wait < 7
    assert row["wait_days"] == wait


def test_only_patients_discharged_in_the_horizon_are_planned() -> None:
    """The horizon holds the patients discharged in [start, start + weeks)."""
    dates = ["2027-01-03", "2027-01-04", "2027-01-31", "2027-02-01"]
    ds = build(
        patients=[patient(patient_id=f"P{i}", discharge_date=d) for i, d in enumerate(dates)]
    )
    result = schedule(ds, weeks=4, start=START)
    assert result.assignments["patient_id"].tolist() == ["P1", "P2"]
    assert list(result.assignments.columns) == list(SCHEDULE_COLUMNS)
    assert result.summary()["outside_horizon"] == 2


# -- the guarantee, checked by brute force on small instances ------------------
GUARANTEE = 14
SESSIONS = [
    # (session, offer, first date, cohort?)
    ("S1", "E1", "2027-01-04", True),
    ("S2", "E1", "2027-02-01", True),
    ("S3", "A1", "2027-01-25", False),
]


def _first_monday_on_or_after(day: np.datetime64) -> np.datetime64:
    return day + np.timedelta64(int((0 - (day.astype(np.int64) + 3)) % 7), "D")


def _instance(number: int) -> tuple[Dataset, list[int], dict[tuple[int, int], int], list[int]]:
    """Six patients, three sessions with few places; waits worked out by hand-rules."""
    rng = np.random.default_rng(0)
    for _ in range(number):  # each instance number draws its own numbers from seed 0
        rng.random(20)
    capacity = rng.integers(1, 3, size=3).tolist()
    discharge = [np.datetime64(START) + np.timedelta64(int(d), "D") for d in rng.integers(0, 42, 6)]
    flags = rng.integers(0, 3, size=6).tolist()
    offers = [_exit_team(), offer(offer_id="A1")]
    sessions = [
        session(session_id=s, offer_id=o, first_date=f, capacity=c, weeks=8 if cohort else "")
        for (s, o, f, cohort), c in zip(SESSIONS, capacity, strict=True)
    ]
    patients = [
        patient(
            patient_id=f"P{i}",
            discharge_date=str(d),
            lives_alone="true" if flags[i] >= 1 else "false",
            short_education="true" if flags[i] >= 2 else "false",
        )
        for i, d in enumerate(discharge)
    ]
    waits: dict[tuple[int, int], int] = {}
    for p, d in enumerate(discharge):
        for s, (_, _, first, cohort) in enumerate(SESSIONS):
            meeting = _first_monday_on_or_after(max(np.datetime64(first), d))
            if cohort and meeting >= np.datetime64(first) + np.timedelta64(14, "D"):
                continue  # cohorts are joined in their first two weeks
            waits[(p, s)] = int((meeting - d).astype(int))
    return build(offers, sessions, patients), capacity, waits, [1 + f for f in flags]


def _best_by_brute_force(
    capacity: list[int], waits: dict[tuple[int, int], int], priority: list[int]
) -> tuple[int, int]:
    """(most priority placed, fewest breaches among those) over every assignment."""
    choices = [[None] + [s for s in range(3) if (p, s) in waits] for p in range(6)]
    best = (-1, 99)
    for combo in itertools.product(*choices):
        load = [sum(1 for s in combo if s == k) for k in range(3)]
        if any(load[k] > capacity[k] for k in range(3)):
            continue
        placed = sum(priority[p] for p, s in enumerate(combo) if s is not None)
        breaches = sum(1 for p, s in enumerate(combo) if s is None or waits[(p, s)] > GUARANTEE)
        if (placed, -breaches) > (best[0], -best[1]):
            best = (placed, breaches)
    return best


@pytest.mark.parametrize("number", range(12))
def test_a_breach_appears_only_when_no_assignment_avoids_it(number: int) -> None:
    """Among plans placing the most priority, the schedule has the fewest guarantee breaches."""
    ds, capacity, waits, priority = _instance(number)
    result = schedule(ds, weeks=6, start=START, guarantee_days=GUARANTEE)
    most, fewest = _best_by_brute_force(capacity, waits, priority)
    assert result.summary()["priority_placed"] == most
    assert len(result.breaches) == fewest
    frame = result.assignments
    wait = frame["wait_days"].to_numpy(dtype=float, na_value=np.inf)
    broken = set(frame.loc[(frame["status"] == "unplaced") | (wait > GUARANTEE), "patient_id"])
    assert set(result.breaches["patient_id"]) == broken  # every breach is listed
    placed = frame[frame["status"] == "placed"]
    for row in placed.itertuples():
        p, s = int(row.patient_id[1:]), [x[0] for x in SESSIONS].index(row.session_id)
        assert row.wait_days == waits[(p, s)]


def test_a_late_start_beats_no_start_but_loses_to_one_in_time() -> None:
    """A late place beats none; the in-time place goes where it keeps someone in time."""
    offers = [_exit_team(), offer(offer_id="A1")]
    sessions = [
        session(session_id="S1", offer_id="E1", first_date="2027-01-04", capacity=1, weeks=8),
        session(session_id="S2", offer_id="A1", first_date="2027-02-15", capacity=1),
    ]
    patients = [
        patient(patient_id="P1", discharge_date="2027-01-04"),  # S1 in time, S2 after 42 days
        patient(patient_id="P2", discharge_date="2027-01-10"),  # S1 (day 1) in time, S2 late
    ]
    result = schedule(build(offers, sessions, patients), weeks=4, start=START, guarantee_days=28)
    frame = result.assignments.set_index("patient_id")
    assert (frame["status"] == "placed").all()
    assert len(result.breaches) == 1
    assert result.breaches["status"].tolist() == ["placed"]


# -- what-if -----------------------------------------------------------------------
def _candidate(**changes: object) -> dict:
    row = {
        "candidate_id": "C1",
        "name": "Nyt hold",
        "lat": LAT,
        "lon": LON,
        "weekday": "tue",
        "start": "10:00",
        "end": "11:30",
        "size": 4,
        "cohort_every_weeks": 2,
        "first_date": "2027-01-05",
        "staff_hours_week": 5,
    }
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("first_date", "every", "cohorts", "hours"),
    [
        ("2027-01-05", 2, 2, 20.0),  # tuesdays 5 and 19 January; runs 4 weeks of 5 hours
        ("2027-01-05", 4, 1, 20.0),
        ("2027-01-19", 1, 2, 10.0),  # starts in the third week: two weeks running
        ("2026-12-01", 4, 1, 5.0),  # began before: the next cohort is in the last week
        ("2027-02-02", 1, 0, 0.0),  # after the horizon: skipped
    ],
)
def test_candidates_become_cohorts_with_staff_hours(
    first_date: str, every: int, cohorts: int, hours: float
) -> None:
    """A candidate runs cohorts inside the horizon and costs its hours per running week."""
    ds = build(candidates=[_candidate(first_date=first_date, cohort_every_weeks=every)])
    assert ds.candidates is not None
    horizon = Horizon(np.datetime64(START), 4)
    teams = expand_candidates(ds.candidates, horizon, ds.offers, ds.sessions)
    assert len(teams.sessions) == cohorts
    assert teams.table["hours"].sum() == hours
    assert (teams.sessions["first_date"] >= pd.Timestamp(START)).all()


def _needs_a_new_team() -> Dataset:
    """One exit team with 2 places, 6 patients who fit it; a candidate next door."""
    patients = [
        patient(patient_id=f"P{i}", discharge_date="2027-01-04", available="") for i in range(1, 7)
    ]
    return build(
        [_exit_team()],
        [session(offer_id="E1", capacity=2, weeks=8)],
        patients,
        candidates=[
            _candidate(candidate_id="C1", size=3, staff_hours_week=5, cohort_every_weeks=4),
            _candidate(
                candidate_id="C2", size=2, staff_hours_week=3, cohort_every_weeks=4, lat=LAT + 0.001
            ),
        ],
    )


def test_a_budget_opens_candidates_and_never_looks_worse() -> None:
    """Placed never falls and breaches never rise as the budget grows, and hours stay within it."""
    result = schedule(_needs_a_new_team(), weeks=4, start=START, budgets=[0, 10, 15, 20, 40])
    table = result.tradeoff
    assert table["budget"].tolist() == [0, 10, 15, 20, 40]
    assert (table["staff_hours"] <= table["budget"]).all()
    assert table["placed"].is_monotonic_increasing
    assert table["breaches"].is_monotonic_decreasing
    assert table["placed"].tolist() == [2, 2, 4, 5, 6]  # C2 costs 12 hours, C1 20, both 32
    assert table.loc[table["budget"] == 40, "opened_ids"].iat[0] == "C1;C2"


def assert_never_looks_worse(table: pd.DataFrame) -> None:
    """Each budget's row is no worse than the one before: priority placed, placed and
    breaches never worse, and with those equal the mean wait, then the travel, never up."""
    assert table["placed"].is_monotonic_increasing
    assert table["priority_placed"].is_monotonic_increasing
    assert table["breaches"].is_monotonic_decreasing
    first = ["priority_placed", "placed", "breaches"]
    for (_, smaller), (_, larger) in itertools.pairwise(table.iterrows()):
        if (smaller[first] == larger[first]).all():
            assert larger["mean_wait"] <= smaller["mean_wait"], (smaller, larger)
            if larger["mean_wait"] == smaller["mean_wait"]:
                assert larger["mean_travel"] <= smaller["mean_travel"], (smaller, larger)


@pytest.mark.parametrize("budgets", [[0, 50, 100, 200], [0, 40, 80]])
def test_trade_off_on_the_demo_is_monotone(demo: Dataset, budgets: list[float]) -> None:
    """On the demo, more staff hours never place fewer, breach more, or (else equal) wait longer."""
    result = schedule(demo, weeks=12, budgets=budgets, time_limit=8, workers=1)
    table = result.tradeoff
    assert_never_looks_worse(table)
    assert (table["staff_hours"] <= table["budget"]).all()
    kept = table[table["status"] == "KEPT"]
    for row in kept.itertuples():  # a kept plan is the smaller budget's, teams and all
        before = table[table["budget"] < row.budget].iloc[-1]
        assert row.opened_ids == before["opened_ids"] or (
            pd.isna(row.opened_ids) and pd.isna(before["opened_ids"])
        )
        assert row.mean_wait == before["mean_wait"]


def _metrics(**changes: object) -> Metrics:
    base: dict[str, Any] = {
        "placed": 10,
        "priority_placed": 15,
        "in_time": 10,
        "late": 0,
        "unplaced": 2,
        "breaches": 2,
        "mean_wait": 3.0,
        "p90_wait": 6.0,
        "mean_travel": 12.0,
        "cost": 100.0,
    }
    base.update(changes)
    return Metrics(**base)


@pytest.mark.parametrize(
    ("changes", "worse"),
    [
        ({}, False),
        ({"mean_wait": 3.01}, True),  # same people, same breaches, a longer wait
        ({"mean_wait": 2.9, "mean_travel": 20.0}, False),  # a shorter wait comes first
        ({"mean_travel": 12.5}, True),  # equal wait, longer travel
        ({"placed": 11, "unplaced": 1, "breaches": 1, "mean_wait": 9.0}, False),  # one more
        ({"priority_placed": 16, "mean_wait": 9.0}, False),
        ({"placed": 9, "mean_wait": 1.0}, True),  # fewer placed is worse whatever the wait
        ({"breaches": 3, "mean_wait": 1.0}, True),
        ({"placed": 11, "priority_placed": 14}, True),  # less priority is worse
    ],
)
def test_looks_worse_follows_the_trade_off_order(changes: dict, worse: bool) -> None:
    """A plan looks worse by priority placed, placed, breaches, then mean wait, then travel."""
    assert looks_worse(_metrics(**changes), _metrics()) is worse


def test_weekly_report_counts_places_joiners_and_demand() -> None:
    """A cohort's places show only in its joining weeks, and joiners add up to the placed."""
    patients = [patient(patient_id=f"P{i}", discharge_date="2027-01-04") for i in range(3)]
    ds = build([_exit_team()], [session(offer_id="E1", capacity=2, weeks=8)], patients)
    result = schedule(ds, weeks=4, start=START)
    weekly = result.weekly.set_index("week")
    assert weekly["places"].tolist() == [2, 0, 0, 0]  # both taken in week 1, closed after 2
    assert weekly["joined"].tolist() == [2, 0, 0, 0]
    assert weekly["demand"].tolist() == [3, 0, 0, 0]


def test_home_visits_that_fit_no_route_count_against_capacity() -> None:
    """When the shift allows one visit, the service takes one patient, not its three places."""
    home = offer(offer_id="H1", kind="home_visit", group_size=1, supervised="true")
    sessions = [session(offer_id="H1", start="09:00", end="10:00", capacity=3, weeks=2)]
    patients = [
        patient(
            patient_id=f"P{i}",
            home_bound="true",
            lat=LAT + 0.01 * i,
            available="mon 08:00-16:00",
        )
        for i in range(1, 4)
    ]
    staff = [
        {
            "staff_id": "H1-T1",
            "offer_id": "H1",
            "weekday": "mon",
            "shift_start": "08:30",
            "shift_end": "10:00",
        }
    ]
    result = schedule(build([home], sessions, patients, staff=staff), weeks=2, start=START)
    frame = result.assignments
    assert (frame["status"] == "placed").sum() == 1
    visits = result.routes.routes[result.routes.routes["patient_id"] != ""]
    assert sorted(visits["date"]) == ["2027-01-04", "2027-01-11"]
    assert set(visits["patient_id"]) == set(frame.loc[frame["status"] == "placed", "patient_id"])


def test_the_schedule_end_date_is_its_last_day() -> None:
    """The schedule's end date is the last day it includes, not the day after."""
    ds = build(
        sessions=[session(first_date="2026-12-07")],
        patients=[patient(discharge_date="2027-01-31"), patient(patient_id="P2")],
    )
    result = schedule(ds, weeks=4, start=START)
    assert (result.figures["start"], result.figures["end"]) == ("2027-01-04", "2027-01-31")
    assert result.figures["patients"] == 2  # discharged on the end date: inside
