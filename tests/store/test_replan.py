"""Plan and recommend count what is already booked (``--db``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from builders import offer, patient, session, write
from typer.testing import CliRunner

from matcher.cli import app

RUNNER = CliRunner()


def _folder(tmp_path: Path, capacity: int = 1) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    write(folder, "offers.csv", [offer()])
    write(folder, "sessions.csv", [session(capacity=capacity)])
    write(folder, "patients.csv", [patient(patient_id="P1"), patient(patient_id="P2")])
    return folder


def _run(*args: object) -> tuple[int, str]:
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_booked_patient_keeps_the_place_and_nobody_else_gets_it(tmp_path: Path) -> None:
    """After P2 is booked into the only place, the plan shows P2 there and P1 unplaced."""
    folder = _folder(tmp_path)
    db = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    assert _run("book", folder, "--patient", "P2", "--session", "S1", "--db", db)[0] == 0
    code, output = _run("plan", folder, "--out", tmp_path / "PLAN.csv", "--db", db)
    assert code == 0, output
    rows = pd.read_csv(tmp_path / "PLAN.csv", keep_default_na=False).set_index("patient_id")
    assert list(rows.index) == ["P1", "P2"]
    assert rows.loc["P2", "status"] == "placed"
    assert rows.loc["P2", "session_id"] == "S1"
    assert rows.loc["P2", "reason"].startswith("already booked")
    assert rows.loc["P1", "status"] == "unplaced"
    summary = json.loads((tmp_path / "PLAN.json").read_text())
    assert summary["placed"] == 1


def test_plan_without_database_plans_everyone(tmp_path: Path) -> None:
    """With a database file that does not exist, nothing is booked and none is created."""
    folder = _folder(tmp_path, capacity=2)
    missing = tmp_path / "none.sqlite3"
    code, output = _run(
        "plan", folder, "--out", tmp_path / "PLAN.csv", "--db", f"sqlite:///{missing}"
    )
    assert code == 0, output
    assert not missing.exists()
    rows = pd.read_csv(tmp_path / "PLAN.csv", keep_default_na=False)
    assert (rows["status"] == "placed").all()


def test_recommend_counts_bookings(tmp_path: Path) -> None:
    """A session whose only place is booked is no longer recommended to others."""
    folder = _folder(tmp_path)
    db = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    code, output = _run("recommend", folder, "--patient", "P1", "--json", "--db", db)
    assert code == 0, output
    assert [o["session_id"] for o in json.loads(output)["options"]] == ["S1"]
    assert _run("book", folder, "--patient", "P2", "--session", "S1", "--db", db)[0] == 0
    code, output = _run("recommend", folder, "--patient", "P1", "--json", "--db", db)
    assert code == 0, output
    assert json.loads(output)["options"] == []


def test_plan_with_a_database_in_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    """--db in a folder that does not exist (a typing error) is refused, as book refuses
    it, instead of planning over everyone's bookings."""
    folder = _folder(tmp_path, capacity=2)
    db = f"sqlite:///{tmp_path / 'no-such-folder' / 'b.sqlite3'}"
    code, output = _run("plan", folder, "--out", tmp_path / "PLAN.csv", "--db", db)
    assert code == 2, output
    assert "folder does not exist" in output
    assert not (tmp_path / "PLAN.csv").exists()
