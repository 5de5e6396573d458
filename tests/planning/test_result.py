"""The plan result (matcher.planning.result): PLAN.csv, PLAN.json and the summary figures."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from builders import build, offer, patient, session

from matcher import Plan, plan
from matcher.planning.result import PLAN_COLUMNS, Baseline
from matcher.words.notes import note_text

CONTRACT_KEYS = {
    "status",
    "objective",
    "bound",
    "gap",
    "seconds",
    "patients",
    "placed",
    "priority_placed",
    "by_kind",
}


@pytest.fixture
def result(tmp_path: Path) -> Plan:
    """Three patients, one exit-team place and one home visit: placed, unplaced, escalated,
    and a home visit."""
    ds = build(
        [offer(kind="exit_team"), offer(offer_id="H1", kind="home_visit", group_size=1)],
        [session(capacity=1), session(session_id="S2", offer_id="H1", weekday="tue")],
        [
            patient(patient_id="P1", lives_alone="true"),
            patient(patient_id="P2"),
            patient(patient_id="P3", escalate="true"),
            patient(patient_id="P4", home_bound="true", discharge_date="2027-01-06"),
        ],
        tmp_path / "data",
    )
    return plan(ds)


def test_csv_has_the_contract_columns_and_one_row_per_patient(result: Plan, tmp_path: Path) -> None:
    """PLAN.csv: the contract's columns in order, one row per patient, dates as YYYY-MM-DD,
    empty cells for patients without a place."""
    csv_path, json_path = result.write(tmp_path / "out" / "PLAN.csv")
    assert json_path == tmp_path / "out" / "PLAN.json"
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == PLAN_COLUMNS
    rows = frame.set_index("patient_id")
    assert rows["status"].to_dict() == {
        "P1": "placed",
        "P2": "unplaced",
        "P3": "escalated",
        "P4": "placed",
    }
    assert rows.loc["P1", "start_date"] == "2027-01-04"
    assert rows.loc["P4", "start_date"] == "2027-01-12"  # the Tuesday after discharge
    assert rows.loc["P4", "travel_mode"] == "staff"
    assert rows.loc["P1", "travel_mode"] == "walk"
    assert rows.loc["P2", ["offer_id", "session_id", "start_date", "cost"]].tolist() == [""] * 4
    assert rows.loc["P2", "reason"].startswith("every suitable place is taken")
    assert rows.loc["P3", "reason"].startswith("escalated")


def test_json_holds_the_contract_keys(result: Plan, tmp_path: Path) -> None:
    """PLAN.json has the contract's keys with counts that match PLAN.csv."""
    _, json_path = result.write(tmp_path / "PLAN.csv")
    summary = json.loads(json_path.read_text(encoding="utf-8"))
    assert set(summary) >= CONTRACT_KEYS
    assert summary["patients"] == 4
    assert summary["placed"] == 2
    assert summary["priority_placed"] == 3  # P1 (lives alone) and P4
    assert summary["by_kind"] == {
        "exit_team": 1,
        "network_group": 0,
        "association": 0,
        "home_visit": 1,
    }
    assert summary["status"] == "OPTIMAL"
    assert summary["gap"] == 0.0 and summary["gap_points"] == 0.0
    assert summary["escalated"] == 1 and summary["unplaced"] == 1
    assert summary["baseline_greedy"]["placed"] <= summary["placed"]


def test_writing_leaves_no_temporary_files(result: Plan, tmp_path: Path) -> None:
    """Both files are written whole (through a temporary file and a rename), nothing else."""
    result.write(tmp_path / "PLAN.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["PLAN.csv", "PLAN.json", "data"]


def make(objective: float, bound: float) -> Plan:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in PLAN_COLUMNS})
    return Plan(frame, "FEASIBLE", objective, bound, 1.0, "test", 0, 0, 1.0)


@pytest.mark.parametrize(
    ("objective", "bound", "gap", "points"),
    [
        (100.0, 100.0, 0.0, 0.0),
        (100.0, 90.0, 0.1, 10.0),
        (0.0, 0.0, 0.0, 0.0),
        (100.0, float("-inf"), None, None),
    ],
)
def test_gap_is_relative_and_in_points(
    objective: float, bound: float, gap: float | None, points: float | None
) -> None:
    """gap = (objective - bound) / objective, and gap_points the same in points; both
    unknown (null in PLAN.json) when there is no bound."""
    summary = make(objective, bound).summary()
    assert summary["gap"] == gap
    assert summary["gap_points"] == points
    assert summary["bound"] == (None if bound == float("-inf") else bound)


def test_baseline_is_reported_beside_the_plan() -> None:
    """The manual baseline's figures appear under baseline_greedy, rounded."""
    result = Plan(
        make(1.0, 1.0).assignments,
        "OPTIMAL",
        1.0,
        1.0,
        0.1,
        "test",
        0,
        0,
        1.0,
        baseline=Baseline(3, 5, 12.345, 99.999),
    )
    assert result.summary()["baseline_greedy"] == {
        "placed": 3,
        "priority_placed": 5,
        "total_travel_min": 12.3,
        "objective": 100.0,
    }


def test_plan_csv_holds_no_formula_and_keeps_numbers(result: Plan, tmp_path: Path) -> None:
    """PLAN.csv puts a ' before a text cell a spreadsheet would run, and writes a negative
    number in a numeric column as the number."""
    frame = result.assignments.copy()
    frame.loc[0, ["offer_id", "reason"]] = ['=HYPERLINK("http://x","y")', "-1-1"]
    frame["cost"] = frame["cost"].astype(float)
    frame.loc[0, "cost"] = -3.5
    hostile = Plan(frame, "OPTIMAL", 0.0, 0.0, 0.1, "test", 0, 0, 1.0)
    csv_path, _ = hostile.write(tmp_path / "PLAN.csv")
    rows = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    assert rows.loc[0, "offer_id"] == """'=HYPERLINK("http://x","y")"""
    assert rows.loc[0, "reason"] == "'-1-1"
    assert rows.loc[0, "cost"] == "-3.5"
    assert rows.loc[1, "patient_id"] == "P2"


def test_table_is_the_plan_rows_and_bookings_keep_their_place(result: Plan) -> None:
    """``table()`` is PLAN.csv's rows; ``plan(dataset, bookings=...)`` lists a patient who
    holds a booking as placed in it, takes the place off capacity, and counts their
    priority as placed."""
    assert result.table() is result.assignments
    ds = build(
        [offer(kind="exit_team")],
        [session(capacity=1)],
        [patient(patient_id="P1"), patient(patient_id="P2", lives_alone="true")],
        Path(tempfile.mkdtemp()),
    )
    bookings = pd.DataFrame(
        {
            "booking_id": [7],
            "patient_id": ["P1"],
            "session_id": ["S1"],
            "offer_id": ["O1"],
            "start_date": [pd.Timestamp("2027-01-13")],
        }
    )
    booked = plan(ds, bookings=bookings)
    rows = booked.table().set_index("patient_id")
    assert rows.loc["P1", "reason"] == "already booked (booking 7)"
    assert rows.loc["P1", "status"] == "placed"
    assert rows.loc["P2", "status"] == "unplaced"
    assert booked.priority_placed == 1 and booked.priority_total == 3
    assert booked.summary()["notes"][-1] == "1 patients already booked keep their place"
    assert "already booked" not in note_text(booked.notes[-1], "da")
