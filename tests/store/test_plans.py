"""Stored plans: PLAN.csv and PLAN.json read back, pseudonyms only, and what a stored plan
counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from store_support import START, plan_rows

from matcher import InputError
from matcher.store import list_tasks, read_plan, record_plan
from matcher.store.db import Store
from matcher.store.models import PlanRow, StoredPlan


def test_read_plan_gives_the_rows_and_the_summary_beside_them(tmp_path: Path) -> None:
    """read_plan returns PLAN.csv's rows and PLAN.json's summary; without PLAN.json the
    summary is empty."""
    plan_rows().to_csv(tmp_path / "PLAN.csv", index=False)
    frame, summary = read_plan(tmp_path / "PLAN.csv")
    assert frame["patient_id"].tolist() == ["P001", "P002", "P003", "P004"]
    assert frame["status"].tolist() == ["placed", "unplaced", "escalated", "unplaced"]
    assert summary == {}
    (tmp_path / "PLAN.json").write_text(json.dumps({"status": "OPTIMAL"}), encoding="utf-8")
    assert read_plan(tmp_path / "PLAN.csv")[1] == {"status": "OPTIMAL"}


def test_a_missing_plan_file_is_bad_input(tmp_path: Path) -> None:
    """A PLAN.csv that does not exist is refused naming the file."""
    with pytest.raises(InputError) as caught:
        read_plan(tmp_path / "PLAN.csv")
    (problem,) = caught.value.problems
    assert str(problem) == f"{tmp_path / 'PLAN.csv'}:-:-: plan file not found"


def test_a_stored_plan_counts_its_patients_and_keeps_its_summary(store: Store) -> None:
    """The stored plan counts placed, unplaced and escalated patients, keeps the summary as
    JSON, and stores one row per patient with empty numbers as none."""
    recorded = record_plan(store, plan_rows(), {"status": "OPTIMAL"}, today=START)
    with store.read() as session:
        plan = session.get(StoredPlan, recorded.plan_id)
        assert plan is not None
        counts = (plan.patients, plan.placed, plan.unplaced, plan.escalated)
        summary = json.loads(plan.summary_json)
        rows = session.scalars(select(PlanRow).order_by(PlanRow.patient_id)).all()
        stored = [(r.patient_id, r.session_id, r.travel_min, r.start_date) for r in rows]
    assert counts == (4, 1, 2, 1)
    assert summary == {"status": "OPTIMAL"}
    assert stored[0] == ("P001", "S1", 5.0, START)
    assert stored[1] == ("P002", "", None, None)


def test_plan_with_a_cpr_number_names_file_row_and_column(store: Store) -> None:
    """Pseudonyms only: record_plan refuses every CPR-like patient_id as FILE:ROW:patient_id
    (never repeating the number) and stores nothing."""
    rows = plan_rows()
    rows.loc[1, "patient_id"] = "0101901234"
    rows.loc[3, "patient_id"] = "010190-1234"
    with pytest.raises(InputError) as caught:
        record_plan(store, rows, source="/plans/PLAN.csv", today=START)
    lines = [str(p) for p in caught.value.problems]
    assert lines == [
        "PLAN.csv:3:patient_id: looks like a CPR number; use the pseudonym",
        "PLAN.csv:5:patient_id: looks like a CPR number; use the pseudonym",
    ]
    assert "1234" not in str(caught.value)
    assert list_tasks(store).empty
