"""`brobygger plan`: a valid PLAN.csv and PLAN.json for every dataset, even an empty or
hopeless one, and exit status 2 with nothing written for a user's mistake."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from builders import build, offer, patient, session
from typer.testing import CliRunner

from matcher.cli import app
from matcher.planning.result import PLAN_COLUMNS

RUNNER = CliRunner()
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
STAFF = [
    {
        "staff_id": "T1",
        "offer_id": "H1",
        "weekday": "mon",
        "shift_start": "08:00",
        "shift_end": "10:00",  # 120 minutes: room for one visit only
    }
]


def run(*args: str | Path) -> tuple[int, str]:
    """Run brobygger in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def two_home_visits(directory: Path) -> None:
    build(
        [offer(offer_id="H1", kind="home_visit", group_size=1)],
        [
            session(session_id="S1", offer_id="H1", capacity=1),
            session(session_id="S2", offer_id="H1", start="12:00", end="13:00", capacity=1),
        ],
        [patient(patient_id="P1", home_bound="true"), patient(patient_id="P2", home_bound="true")],
        directory,
        staff=STAFF,
    )


CASES: dict[str, tuple[Callable[[Path], Any], list[str], int]] = {
    # name: (dataset builder, extra options, patients)
    "nothing feasible": (
        lambda d: build(
            patients=[patient(patient_id="P1", languages="ar"), patient(patient_id="P2")],
            offers=[offer(diagnoses="cancer", languages="ar")],
            directory=d,
        ),
        [],
        2,
    ),
    "zero capacity everywhere": (
        lambda d: build(
            sessions=[session(capacity=0), session(session_id="S2", capacity=0)],
            patients=[patient(patient_id="P1"), patient(patient_id="P2")],
            directory=d,
        ),
        [],
        2,
    ),
    "one patient": (lambda d: build(patients=[patient()], directory=d), [], 1),
    "no patients": (lambda d: build(directory=d), [], 0),
    "all patients escalated": (
        lambda d: build(
            patients=[
                patient(patient_id="P1", escalate="true"),
                patient(patient_id="P2", escalate="ja"),
            ],
            directory=d,
        ),
        [],
        2,
    ),
    "no sessions": (
        lambda d: (build(patients=[patient()], directory=d), _empty_sessions(d)),
        [],
        1,
    ),
    "time limit 0 with staff minutes": (two_home_visits, ["--time-limit", "0"], 2),
    "time limit 0 with CP-SAT": (
        two_home_visits,
        ["--time-limit", "0", "--solver", "cpsat"],
        2,
    ),
}


def _empty_sessions(directory: Path) -> None:
    (directory / "sessions.csv").write_text(
        "session_id,offer_id,weekday,start,end,capacity,first_date\n", encoding="utf-8"
    )


@pytest.mark.parametrize("name", list(CASES))
def test_hard_datasets_give_a_valid_plan_and_summary(tmp_path: Path, name: str) -> None:
    """Nothing feasible, zero capacity, one patient, no patients, everyone escalated, no
    sessions, a time limit of 0: exit 0, PLAN.csv with the header and one row per patient,
    PLAN.json with the contract's keys, a summary table, and no traceback."""
    make, options, patients = CASES[name]
    data = tmp_path / "data"
    make(data)
    out = tmp_path / "out" / "PLAN.csv"
    status, output = run("plan", data, "--out", out, *options)
    assert status == 0, output
    assert "Traceback" not in output
    assert f"Plan for {patients} patients" in output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == PLAN_COLUMNS
    assert len(frame) == patients
    assert set(frame["status"]) <= {"placed", "unplaced", "escalated"}
    assert (frame.loc[frame["status"] != "placed", "reason"] != "").all()
    summary = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert set(summary) >= CONTRACT_KEYS
    assert summary["patients"] == patients
    assert summary["placed"] == int((frame["status"] == "placed").sum())


def test_time_limit_zero_still_respects_staff_minutes(tmp_path: Path) -> None:
    """With no time for CP-SAT the plan is still within the staff minutes (one visit)."""
    two_home_visits(tmp_path / "data")
    out = tmp_path / "PLAN.csv"
    status, _ = run("plan", tmp_path / "data", "--out", out, "--time-limit", "0")
    assert status == 0
    assert (pd.read_csv(out)["status"] == "placed").sum() == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("[weights]\nspeed = 3\n", "weights.speed: unknown key"),
        ("[weights\n", "is not valid TOML"),
        ("[plan]\ncandidates_per_patient = 0\n", "plan.candidates_per_patient"),
    ],
)
def test_bad_weights_exit_2_naming_file_and_key_and_write_nothing(
    tmp_path: Path, content: str, words: str
) -> None:
    """--weights with an unknown key, bad TOML or an impossible value: exit status 2, the
    problem as file:row:column: message, and no output file."""
    build(patients=[patient()], directory=tmp_path / "data")
    weights = tmp_path / "bad.toml"
    weights.write_text(content, encoding="utf-8")
    out = tmp_path / "out" / "PLAN.csv"
    status, output = run("plan", tmp_path / "data", "--out", out, "--weights", weights)
    assert status == 2
    assert "bad.toml:" in output and words in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--solver", "simplex"], "'simplex' is not auto, flow or cpsat"),
        (["--workers", "0"], "--workers"),
        (["--time-limit", "-1"], "--time-limit"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, options: list[str], words: str) -> None:
    """An unknown solver or an impossible option value exits with status 2, nothing written."""
    build(patients=[patient()], directory=tmp_path / "data")
    out = tmp_path / "out" / "PLAN.csv"
    status, output = run("plan", tmp_path / "data", "--out", out, *options)
    assert status == 2
    assert words in output
    assert not (tmp_path / "out").exists()


def test_missing_dataset_exits_2(tmp_path: Path) -> None:
    """A dataset folder that does not exist: status 2 and nothing written."""
    status, output = run("plan", tmp_path / "nowhere", "--out", tmp_path / "PLAN.csv")
    assert status == 2
    assert "dataset folder not found" in output
    assert not (tmp_path / "PLAN.csv").exists()


def test_out_as_a_folder_exits_2(tmp_path: Path) -> None:
    """--out naming an existing folder is refused with status 2."""
    build(patients=[patient()], directory=tmp_path / "data")
    status, output = run("plan", tmp_path / "data", "--out", tmp_path)
    assert status == 2
    assert "is a folder" in output


def test_demo_dataset_plans_every_patient(demo_dir: Path, tmp_path: Path) -> None:
    """The embedded demo: one row per patient, an exact status, the model placing at least
    the priority the manual rule places."""
    out = tmp_path / "PLAN.csv"
    status, output = run("plan", demo_dir, "--out", out, "--workers", "1")
    assert status == 0, output
    frame = pd.read_csv(out)
    patients = pd.read_csv(demo_dir / "patients.csv")
    assert frame["patient_id"].tolist() == patients["patient_id"].tolist()
    summary = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert summary["status"] in ("OPTIMAL", "FEASIBLE")
    assert summary["priority_placed"] >= summary["baseline_greedy"]["priority_placed"]
    assert "by hand (nearest, in order)" in output
