"""The horizon model (matcher.planning.horizon): dates, weeks, the guarantee and cohorts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from builders import build, offer, patient, session

from matcher.planning.horizon import Horizon, HorizonModel, cut_horizon, first_meeting

START = "2027-01-04"  # a Monday


def _days(*dates: str) -> np.ndarray:
    return np.array(dates, dtype="datetime64[D]").astype(np.int64)


def test_first_meeting_is_the_first_such_weekday_on_or_after_the_day() -> None:
    """For every day of a month and every weekday, the meeting falls on that weekday
    within the seven days from the given day (checked with the calendar)."""
    days = np.arange(_days("2026-12-28")[0], _days("2027-02-01")[0])
    day, weekday = np.repeat(days, 7), np.tile(np.arange(7), len(days))
    meeting = first_meeting(day, weekday)
    calendar = [dt.date(1970, 1, 1) + dt.timedelta(days=int(m)) for m in meeting]
    assert [d.weekday() for d in calendar] == weekday.tolist()
    assert ((meeting - day >= 0) & (meeting - day < 7)).all()
    assert first_meeting(_days(START), np.array([0]))[0] == _days(START)[0]


def test_the_horizon_counts_whole_weeks_from_its_start() -> None:
    """Four weeks from a Monday end on the Sunday 27 days later; days fall in weeks 1-4."""
    horizon = Horizon(np.datetime64(START), 4)
    assert str(horizon.last) == "2027-01-31"
    assert str(horizon.end) == "2027-02-01"
    assert horizon.end_day - horizon.first_day == 28
    days = _days("2027-01-03", START, "2027-01-10", "2027-01-11", "2027-01-31")
    assert horizon.week_of(days).tolist() == [0, 1, 1, 2, 4]
    assert (horizon.guarantee_days, horizon.cohort_join_weeks) == (28, 2)


def test_a_start_after_the_guarantee_costs_a_breach_above_every_other_cost() -> None:
    """A pair whose wait exceeds the guarantee is late and costs the breach points on top
    of its cost; the breach outweighs the cost of every pair together."""
    ds = build(
        patients=[
            patient(patient_id="P1", discharge_date="2027-01-04"),  # meets the same day
            patient(patient_id="P2", discharge_date="2027-01-05"),  # waits six days
        ]
    )
    hm = HorizonModel.build(ds, Horizon(np.datetime64(START), 4, guarantee_days=3))
    order = np.argsort(hm.arcs.patient)
    assert hm.wait[order].tolist() == [0, 6]
    assert hm.late[order].tolist() == [False, True]
    extra = hm.arcs.cost - hm.base_cost
    assert np.allclose(extra, np.where(hm.late, hm.breach_points, 0.0))
    assert hm.breach_points > hm.base_cost.sum()


def test_with_one_place_the_patient_in_time_gets_it() -> None:
    """One place for two equal patients goes to the one who starts within the guarantee,
    and the figures count one placed, one unplaced and one breach."""
    ds = build(
        sessions=[session(capacity=1)],
        patients=[
            patient(patient_id="P1", discharge_date="2027-01-05"),
            patient(patient_id="P2", discharge_date="2027-01-04"),
        ],
    )
    hm = HorizonModel.build(ds, Horizon(np.datetime64(START), 4, guarantee_days=3))
    arc_of = hm.solve(hm.capacity).arc
    assert hm.model.patient_ids[arc_of >= 0].tolist() == ["P2"]
    figures = hm.metrics(arc_of)
    assert (figures.placed, figures.unplaced, figures.breaches, figures.late) == (1, 1, 1, 0)
    assert figures.mean_wait == 0


def test_a_cohort_past_its_joining_weeks_is_blocked_not_offered() -> None:
    """A patient discharged after a cohort's joining weeks has no pair to it, and the
    model remembers that the cohort rule alone kept them out."""
    team = offer(offer_id="E1", kind="exit_team", supervised="true")
    ds = build(
        [team],
        [session(offer_id="E1", weeks=8)],
        [
            patient(patient_id="P1", discharge_date="2027-01-04"),
            patient(patient_id="P2", discharge_date="2027-01-25"),
        ],
    )
    hm = HorizonModel.build(ds, Horizon(np.datetime64(START), 4))
    assert hm.model.patient_ids[hm.arcs.patient].tolist() == ["P1"]
    assert hm.cohort_blocked.tolist() == [0, 1]
    assert hm.s_cohort.tolist() == [True]
    assert hm.options(hm.capacity).tolist() == [1, 0]
    assert hm.earliest_wait(hm.capacity).tolist() == [0, -1]


def test_closed_candidates_get_no_places() -> None:
    """capacity_with keeps the places of existing sessions and opened candidates only."""
    ds = build(
        sessions=[
            session(session_id="S1"),
            session(session_id="S2", capacity=3),
            session(session_id="S3", capacity=2),
        ]
    )
    hm = HorizonModel.build(ds, Horizon(np.datetime64(START), 4), s_candidate=np.array([-1, 0, 1]))
    assert hm.capacity_with(np.array([1])).tolist() == [5, 0, 2]
    assert hm.capacity_with(np.zeros(0, np.int64)).tolist() == [5, 0, 0]


def _discharged(*dates: str) -> pd.DataFrame:
    return pd.DataFrame({"discharge_date": pd.to_datetime(list(dates))})


def test_the_horizon_cut_starts_at_the_earliest_discharge_by_default() -> None:
    """Without a start the horizon begins on the earliest discharge date and keeps the
    patients discharged before its end (exclusive), whatever their order."""
    patients = _discharged("2027-01-20", START, "2027-01-31", "2027-02-01")
    horizon, inside = cut_horizon(patients, weeks=4, guarantee_days=14, cohort_join_weeks=3)
    assert str(horizon.start) == START
    assert (horizon.weeks, horizon.guarantee_days, horizon.cohort_join_weeks) == (4, 14, 3)
    assert inside.tolist() == [True, True, True, False]


def test_the_horizon_cut_from_a_given_start_leaves_out_earlier_discharges() -> None:
    """A given start (text or date) wins over the discharges; a discharge the day before
    it is outside, one on it inside; no patients at all still give a horizon."""
    patients = _discharged("2027-01-10", "2027-01-11", "2027-01-17")
    for start in ("2027-01-11", np.datetime64("2027-01-11"), pd.Timestamp("2027-01-11")):
        horizon, inside = cut_horizon(patients, weeks=1, start=start)
        assert str(horizon.start) == "2027-01-11"
        assert inside.tolist() == [False, True, True]
    empty, none = cut_horizon(_discharged(), weeks=2)
    assert none.tolist() == []
    assert empty.end_day - empty.first_day == 14
