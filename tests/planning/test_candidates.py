"""Candidate exit teams (matcher.planning.candidates): reading the file, and cohorts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import LAT, LON, build, offer, session, write

from matcher.errors import InputError
from matcher.planning.candidates import expand_candidates, load_candidates
from matcher.planning.horizon import Horizon

START = "2027-01-04"  # a Monday


def _candidate(**changes: Any) -> dict[str, Any]:
    """A Tuesday team of 4 places, a new cohort every 2 weeks from 5 January 2027."""
    row: dict[str, Any] = {
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


def _problems(path: Path) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(InputError) as caught:
        load_candidates(path)
    return [(p.file, p.row, p.column) for p in caught.value.problems]


def test_a_good_candidates_file_is_read_with_its_name(tmp_path: Path) -> None:
    """Every row of a valid file is read, with its points, and the file's name kept."""
    path = write(tmp_path, "teams.csv", [_candidate(), _candidate(candidate_id="C2")])
    table = load_candidates(path)
    assert table["candidate_id"].tolist() == ["C1", "C2"]
    assert table.attrs["source"] == "teams.csv"
    assert table.geometry.notna().all()


def test_a_bad_cell_is_named_by_file_row_and_column(tmp_path: Path) -> None:
    """A size of 0 on the second data row is reported as teams.csv, row 3, column size."""
    rows = [_candidate(), _candidate(candidate_id="C2", size=0)]
    assert _problems(write(tmp_path, "teams.csv", rows)) == [("teams.csv", 3, "size")]


def test_a_team_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    """A start not before the end is a problem in the start column of that row."""
    rows = [_candidate(start="12:00", end="11:00")]
    problems = _problems(write(tmp_path, "teams.csv", rows))
    assert problems == [("teams.csv", 2, "start")]


def test_a_missing_candidates_file_is_one_problem(tmp_path: Path) -> None:
    """A path that is not a file is refused with the file's name and no row."""
    with pytest.raises(InputError, match="not found") as caught:
        load_candidates(tmp_path / "nothing.csv")
    assert [(p.file, p.row) for p in caught.value.problems] == [("nothing.csv", None)]


def test_cohorts_become_offers_and_sessions_like_the_municipalitys() -> None:
    """Each candidate is a free exit team with its size as places, one session per cohort
    named id/number, and the activities most of the exit teams have; one starting after
    the horizon is skipped."""
    teams = [
        offer(offer_id="E1", kind="exit_team", tags="walking;strength"),
        offer(offer_id="E2", kind="exit_team", tags="walking;strength"),
        offer(offer_id="E3", kind="exit_team", tags="dance"),
    ]
    ds = build(
        teams,
        [session(offer_id="E1")],
        candidates=[_candidate(), _candidate(candidate_id="C9", first_date="2027-03-01")],
    )
    assert ds.candidates is not None
    out = expand_candidates(ds.candidates, Horizon(np.datetime64(START), 4), ds.offers, ds.sessions)
    assert out.skipped == ("C9",)
    assert out.table["candidate_id"].tolist() == ["C1"]
    assert out.sessions["session_id"].tolist() == ["C1/1", "C1/2"]
    assert (out.sessions["capacity"] == 4).all()
    assert out.sessions["first_date"].tolist() == [
        pd.Timestamp("2027-01-05"),
        pd.Timestamp("2027-01-19"),
    ]
    row = out.offers.iloc[0]
    assert (row["offer_id"], row["kind"], row["group_size"]) == ("C1", "exit_team", 4)
    assert row["fee_dkk_month"] == 0
    assert tuple(row["tags"]) == ("walking", "strength")
    assert out.hours.tolist() == out.table["hours"].tolist()


def test_a_candidate_named_like_an_offer_is_refused() -> None:
    """A candidate id that is already an offer id is a problem in its candidate_id cell."""
    ds = build(candidates=[_candidate(candidate_id="O1")])
    assert ds.candidates is not None
    with pytest.raises(InputError) as caught:
        expand_candidates(ds.candidates, Horizon(np.datetime64(START), 4), ds.offers, ds.sessions)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "candidate_id")]
