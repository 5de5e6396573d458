"""Start dates past a session's exceptions, a person's time away and not_before date."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import build, patient, session

from matcher import Recommender, plan

DISCHARGE = "2027-01-04"  # a Monday, the builders' session's first meeting


def _start(sessions: dict | None = None, **person: object) -> tuple[str, int]:
    """Start date and wait of the one patient of a plan with the Monday association."""
    ds = build(
        sessions=[session(**(sessions or {}))],
        patients=[patient(discharge_date=DISCHARGE, **person)],
    )
    row = plan(ds).table().iloc[0]
    assert row["status"] == "placed"
    return str(pd.Timestamp(row["start_date"]).date()), int(row["wait_days"])


@pytest.mark.parametrize(
    ("exceptions", "start"),
    [
        ("", "2027-01-04"),
        ("2027-01-18", "2027-01-04"),  # holds: an exception after the start changes nothing
        ("2027-01-04", "2027-01-11"),  # bites: no session on the first Monday
        ("2027-01-01..2027-01-20", "2027-01-25"),  # bites: a break over three meetings
    ],
)
def test_a_session_does_not_start_anyone_on_its_exceptions(exceptions: str, start: str) -> None:
    """The start is the first meeting that is not one of the session's exceptions."""
    assert _start({"exceptions": exceptions})[0] == start


@pytest.mark.parametrize(
    ("away", "start"),
    [
        ("2027-02-01..2027-02-14", "2027-01-04"),  # holds: away only after the start
        ("2026-12-20..2027-01-04", "2027-01-11"),  # bites: away on the discharge day
        ("2027-01-04..2027-01-11;2027-01-18", "2027-01-25"),  # bites: two periods away
    ],
)
def test_a_person_starts_after_their_time_away(away: str, start: str) -> None:
    """The first session falls on no day the person is away, and the wait counts from
    discharge."""
    found, wait = _start(away=away)
    assert found == start
    assert wait == (pd.Timestamp(start) - pd.Timestamp(DISCHARGE)).days


@pytest.mark.parametrize(
    ("not_before", "start"),
    [
        ("2026-12-01", "2027-01-04"),  # holds: a date before discharge changes nothing
        ("2027-01-05", "2027-01-11"),  # bites: the next Monday on or after it
        ("2027-01-11", "2027-01-11"),  # on the day itself
    ],
)
def test_a_person_starts_no_earlier_than_not_before(not_before: str, start: str) -> None:
    """The start is the first meeting on or after not_before."""
    assert _start(not_before=not_before)[0] == start


def test_the_recommendation_gives_the_plans_start_date() -> None:
    """One person's options and the batch plan agree on the start past exceptions and time
    away."""
    ds = build(
        sessions=[session(exceptions="2027-01-11")],
        patients=[patient(discharge_date=DISCHARGE, away="2027-01-01..2027-01-04")],
    )
    option = Recommender(ds).option("P1", "S1").table().iloc[0]
    planned = plan(ds).table().iloc[0]
    assert pd.Timestamp(option["first_date"]) == pd.Timestamp("2027-01-18")
    assert pd.Timestamp(planned["start_date"]) == pd.Timestamp("2027-01-18")
