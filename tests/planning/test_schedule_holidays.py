"""Days without a meeting in the schedule: Danish public holidays (no home visit and no
exit-team start on one), a session's exceptions and a patient's time away."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import build, offer, patient, session

from matcher import Weights, load_dataset
from matcher.dataset.demo import write_demo
from matcher.dates import as_days, is_holiday
from matcher.planning.horizon import EXIT_TEAM, Horizon, HorizonModel
from matcher.planning.routes import route_home_visits
from matcher.planning.schedule import schedule

WEIGHTS = Weights.load()
NO_HOLIDAYS = replace(WEIGHTS, holiday_kinds=())
MAUNDY_THURSDAY = "2027-03-25"


def _on_holidays(dates: pd.Series) -> list[str]:
    """The dates among ``dates`` that are Danish public holidays, as text."""
    days = as_days(pd.to_datetime(dates).to_numpy())
    return sorted({str(d) for d in days[is_holiday(days)].astype("datetime64[D]")})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo"))


def _year(demo: Path, weights: Weights) -> tuple[list[str], list[str], list[str]]:
    """Starts of home visits and exit teams, routed days and exit-team first meetings
    that fall on a holiday, when the demo is scheduled over 2027."""
    ds = load_dataset(demo)
    result = schedule(ds, weeks=52, start="2027-01-01", budgets=[0], weights=weights)
    rows = result.assignments
    staffed = rows[(rows["status"] == "placed") & rows["kind"].isin(["home_visit", "exit_team"])]
    horizon = Horizon(np.datetime64("2027-01-01"), 52)
    hm = HorizonModel.build(ds, horizon, weights)
    cohort = hm.s_first_meeting[hm.s_cohort]
    meetings = pd.Series(cohort.astype("datetime64[D]"))
    return (
        _on_holidays(staffed["start_date"]),
        _on_holidays(result.routes.routes["date"]),
        _on_holidays(meetings),
    )


def test_the_demo_over_2027_meets_on_no_holiday(demo: Path) -> None:
    """By default no home visit is routed, and no home visit or exit team starts, on a
    Danish public holiday in 2027; no exit-team cohort counts a first meeting on one."""
    starts, routed, first_meetings = _year(demo, WEIGHTS)
    assert starts == []
    assert routed == []
    assert first_meetings == []


def test_with_holidays_off_the_demo_meets_on_easter(demo: Path) -> None:
    """With ``[holidays]`` off, the demo's plan does use holidays (Maundy Thursday 2027)."""
    starts, routed, first_meetings = _year(demo, NO_HOLIDAYS)
    assert MAUNDY_THURSDAY in starts + routed
    assert first_meetings != []


def _exit_team_on_maundy_thursday() -> object:
    team = offer(offer_id="E1", kind="exit_team", group_size=8, supervised="true")
    walk = offer(offer_id="A1")
    sessions = [
        session(offer_id="E1", weekday="thu", first_date=MAUNDY_THURSDAY, weeks=8),
        session(session_id="S2", offer_id="A1", weekday="thu", first_date="2027-01-07"),
    ]
    return build([team, walk], sessions, [patient(discharge_date="2027-03-22")])


@pytest.mark.parametrize(
    ("weights", "start"),
    [(WEIGHTS, "2027-04-01"), (NO_HOLIDAYS, MAUNDY_THURSDAY)],
)
def test_a_first_meeting_on_a_holiday_moves_to_the_next_meeting(
    weights: Weights, start: str
) -> None:
    """An exit team whose first meeting is Maundy Thursday starts a week later; with the
    setting off it starts on the holiday."""
    ds = _exit_team_on_maundy_thursday()
    ds = ds.replace(sessions=ds.sessions[ds.sessions["offer_id"] == "E1"])
    result = schedule(ds, weeks=4, start="2027-03-22", weights=weights)
    row = result.assignments.iloc[0]
    assert row["status"] == "placed"
    assert str(row["start_date"].date()) == start
    assert row["wait_days"] == (pd.Timestamp(start) - pd.Timestamp("2027-03-22")).days


def test_an_association_meets_on_a_holiday_by_default() -> None:
    """Associations set their own days: by default their first meeting may be a holiday."""
    ds = _exit_team_on_maundy_thursday()
    ds = ds.replace(sessions=ds.sessions[ds.sessions["offer_id"] == "A1"])
    result = schedule(ds, weeks=4, start="2027-03-22")
    assert str(result.assignments.iloc[0]["start_date"].date()) == MAUNDY_THURSDAY


def _home_visits_over_easter(exceptions: str = "", away: str = "") -> tuple[object, pd.DataFrame]:
    """One patient visited on Mondays from 2027-03-22 for three weeks, Easter Monday among them."""
    home = offer(offer_id="H1", kind="home_visit", supervised="true")
    visits = session(
        session_id="S1", offer_id="H1", first_date="2027-03-22", weeks=3, exceptions=exceptions
    )
    staff = [
        {
            "staff_id": "H1-T1",
            "offer_id": "H1",
            "weekday": "mon",
            "shift_start": "08:00",
            "shift_end": "16:00",
        }
    ]
    ds = build([home], [visits], [patient(home_bound="true", away=away)], staff=staff)
    frame = pd.DataFrame(
        {
            "patient_id": ["P1"],
            "status": "placed",
            "offer_id": "H1",
            "session_id": "S1",
            "kind": "home_visit",
            "start_date": pd.Timestamp("2027-03-22"),
        }
    )
    return ds, frame


@pytest.mark.parametrize(
    ("weights", "dates"),
    [
        (WEIGHTS, ["2027-03-22", "2027-04-05"]),
        (NO_HOLIDAYS, ["2027-03-22", "2027-03-29", "2027-04-05"]),
    ],
)
def test_no_home_visit_is_routed_on_a_holiday(weights: Weights, dates: list[str]) -> None:
    """A weekly home visit is not routed on Easter Monday, unless the setting is off."""
    ds, frame = _home_visits_over_easter()
    plan = route_home_visits(ds, frame, start="2027-03-22", end="2027-04-12", weights=weights)
    visits = plan.routes[plan.routes["patient_id"] == "P1"]
    assert sorted(set(visits["date"])) == dates


def test_the_horizon_counts_a_cohort_from_its_first_meeting_that_is_no_holiday() -> None:
    """An exit team's cohort that would begin on Maundy Thursday begins a week later, and
    takes newcomers for its joining weeks from then."""
    ds = _exit_team_on_maundy_thursday()
    horizon = Horizon(np.datetime64("2027-03-22"), 6)
    hm = HorizonModel.build(ds, horizon, WEIGHTS)
    team = int(np.flatnonzero(hm.model.o_kind[hm.model.s_offer] == EXIT_TEAM)[0])
    assert hm.s_first_meeting[team] == as_days(["2027-04-01"])[0]
    off = HorizonModel.build(ds, horizon, NO_HOLIDAYS)
    assert off.s_first_meeting[team] == as_days([MAUNDY_THURSDAY])[0]


@pytest.mark.parametrize(
    ("exceptions", "away", "dates"),
    [
        ("2027-04-12", "2027-04-06..2027-04-09", ["2027-03-22", "2027-04-05"]),  # holds
        ("2027-03-22", "", ["2027-04-05"]),  # bites: no visit on the session's exception
        ("", "2027-04-01..2027-04-05", ["2027-03-22"]),  # bites: the patient is away
    ],
)
def test_no_home_visit_is_routed_on_an_exception_or_while_away(
    exceptions: str, away: str, dates: list[str]
) -> None:
    """A weekly home visit is not routed on its session's exceptions nor while the patient
    is away."""
    ds, frame = _home_visits_over_easter(exceptions, away)
    plan = route_home_visits(ds, frame, start="2027-03-22", end="2027-04-12", weights=WEIGHTS)
    visits = plan.routes[plan.routes["patient_id"] == "P1"]
    assert sorted(set(visits["date"])) == dates


def test_a_cohort_begins_at_its_first_meeting_that_is_no_exception() -> None:
    """An exit team whose first meeting is one of its exceptions begins a week later."""
    team = offer(offer_id="E1", kind="exit_team", group_size=8, supervised="true")
    ses = session(offer_id="E1", first_date="2027-01-04", weeks=8, exceptions="2027-01-04")
    ds = build([team], [ses], [patient(discharge_date="2027-01-04")])
    hm = HorizonModel.build(ds, Horizon(np.datetime64("2027-01-04"), 4), WEIGHTS)
    assert hm.s_first_meeting.tolist() == as_days(["2027-01-11"]).tolist()
    result = schedule(ds, weeks=4, start="2027-01-04")
    assert str(result.assignments.iloc[0]["start_date"].date()) == "2027-01-11"
