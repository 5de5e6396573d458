"""The options of a pathway: which sessions and start dates each step may have."""

from __future__ import annotations

import numpy as np
from builders import build, offer, patient, session

from matcher.match.weights import Weights
from matcher.planning.horizon import Horizon
from matcher.planning.ladders import Ladders
from matcher.planning.pathways import build_options, step_weeks

START = np.datetime64("2027-01-04")  # a Monday
DAY0 = int(START.astype(np.int64))


def _town() -> object:
    return build(
        [
            offer(offer_id="H", kind="home_visit", group_size=1),
            offer(offer_id="E", kind="exit_team", group_size=6),
            offer(offer_id="A", kind="association", group_size=6),
        ],
        [
            session(session_id="SH", offer_id="H"),
            session(session_id="SE", offer_id="E", first_date="2027-02-01", weeks=8),
            session(session_id="SA", offer_id="A", weekday="wed"),
        ],
        [
            patient(patient_id="P1", group_tolerance="individual"),
            patient(patient_id="P2", group_tolerance="medium", discharge_date="2027-01-20"),
        ],
    )


def test_a_step_lasts_its_session_s_weeks_or_the_kind_s_default() -> None:
    """An exit team with ``weeks`` lasts them, home visits four weeks by default, a club
    without weeks lasts (0)."""
    ds = _town()
    options = build_options(ds, Horizon(START, 16), Weights.load(), Ladders.load())
    assert list(step_weeks(options.model, ds.sessions, Weights.load())) == [4, 8, 0]


def test_first_steps_start_at_the_first_meetings_after_discharge() -> None:
    """A first step starts at a meeting on the session's weekday from discharge, up to
    ``start_weeks`` weeks later; an exit team only in its join weeks."""
    ds = _town()
    options = build_options(ds, Horizon(START, 16), Weights.load(), Ladders.load())
    p2 = options.patient == 1
    first = options.first_ok & p2
    exit_team = options.session == 1
    assert sorted(options.start[first & exit_team] - DAY0) == [28, 35]  # 1 and 8 February
    for day, end in zip(options.start[first], options.end[first], strict=True):
        assert day >= DAY0 + 16 and (end == -1 or end > day)
    assert not (options.first_ok & (options.patient == 0) & exit_team).any()


def test_no_step_starts_on_a_holiday_an_exception_before_not_before_or_while_away() -> None:
    """Home visits on Mondays skip Easter Monday 2027; a later not_before, time away and
    a session's exception each move the first possible meeting on, as every start
    date does."""
    easter = np.datetime64("2027-03-22")
    cases = {
        (): "2027-04-05",  # 29 March is Easter Monday
        (("not_before", "2027-04-06"),): "2027-04-12",
        (("away", "2027-04-01..2027-04-10"),): "2027-04-12",
    }
    for extra, first in cases.items():
        ds = build(
            [offer(offer_id="H", kind="home_visit", group_size=1)],
            [session(session_id="SH", offer_id="H", first_date="2027-03-22")],
            [patient(discharge_date="2027-03-23", group_tolerance="individual", **dict(extra))],
        )
        options = build_options(ds, Horizon(easter, 8), Weights.load(), Ladders.load())
        starts = options.start[options.first_ok]
        assert str(np.datetime64(int(starts.min()), "D")) == first, extra
    ds = build(
        [offer(offer_id="H", kind="home_visit", group_size=1)],
        [session(session_id="SH", offer_id="H", exceptions="2027-01-11")],
        [patient(discharge_date="2027-01-05", group_tolerance="individual")],
    )
    options = build_options(ds, Horizon(START, 8), Weights.load(), Ladders.load())
    days = {str(np.datetime64(int(d), "D")) for d in options.start[options.first_ok]}
    assert "2027-01-11" not in days and "2027-01-18" in days


def test_a_later_step_starts_inside_its_rung_s_gap() -> None:
    """After four home visits ending 25 January (rung 0-14 days) the exit team can start
    1 or 8 February; a club after the team (rung -14 to 0) in its last two weeks too."""
    ds = _town()
    options = build_options(ds, Horizon(START, 16), Weights.load(), Ladders.load())
    later = ~options.first_ok & (options.patient == 0)
    team = later & (options.session == 1)
    assert sorted(set((options.start[team] - DAY0).tolist())) == [28, 35]
    club = later & (options.session == 2)
    days = set((options.start[club] - DAY0).tolist())
    assert 65 in days  # Wednesday 10 March, in the team's last two weeks
    assert all(d % 7 == 2 for d in days)  # Wednesdays


def test_an_escalated_person_gets_no_options() -> None:
    """A person a member of staff must see first is never planned automatically."""
    ds = build(patients=[patient(escalate="true")])
    options = build_options(ds, Horizon(START, 8), Weights.load(), Ladders.load())
    assert len(options) == 0
