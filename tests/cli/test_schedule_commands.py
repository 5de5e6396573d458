"""``brobygger schedule``: its files, its summary, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from builders import write
from typer.testing import CliRunner

from matcher.cli import app
from matcher.planning.routes import ROUTE_COLUMNS
from matcher.planning.schedule import SCHEDULE_COLUMNS

CONTRACT_TRADEOFF = [
    "budget",
    "opened",
    "placed",
    "priority_placed",
    "mean_wait",
    "p90_wait",
    "breaches",
    "mean_travel",
]
runner = CliRunner()


@pytest.fixture(scope="module")
def written(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One run on the demo municipality: four weeks, two budgets."""
    out = tmp_path_factory.mktemp("schedule") / "out"
    result = runner.invoke(
        app,
        [
            "schedule",
            str(demo_dir),
            "--weeks",
            "4",
            "--out",
            str(out),
            "--budgets",
            "0,60",
            "--time-limit",
            "5",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def test_schedule_writes_the_contract_files(written: tuple[Path, str]) -> None:
    """schedule.csv, tradeoff.csv and routes.csv have the contract's columns; plots are PNG."""
    out, _ = written
    schedule = pd.read_csv(out / "schedule.csv", keep_default_na=False)
    assert list(schedule.columns) == list(SCHEDULE_COLUMNS)
    assert schedule["patient_id"].is_unique
    tradeoff = pd.read_csv(out / "tradeoff.csv")
    assert list(tradeoff.columns[: len(CONTRACT_TRADEOFF)]) == CONTRACT_TRADEOFF
    assert tradeoff["budget"].tolist() == [0, 60]
    routes = pd.read_csv(out / "routes.csv", keep_default_na=False, dtype=str)
    assert list(routes.columns) == list(ROUTE_COLUMNS)
    assert routes["arrive"].str.fullmatch(r"\d\d:\d\d").all()
    assert routes["date"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    for name in ("tradeoff.png", "capacity.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("breaches.csv", "capacity.csv", "opened.csv", "schedule.json"):
        assert (out / name).stat().st_size > 0


def test_schedule_prints_a_summary_and_the_tradeoff(written: tuple[Path, str]) -> None:
    """The summary names the horizon, the breaches and one trade-off row per budget."""
    _, output = written
    assert "breaches of the guarantee" in output
    assert "What staff hours buy" in output
    assert "wrote" in output


def test_the_printed_end_date_is_the_last_day_included(written: tuple[Path, str]) -> None:
    """The summary and schedule.json give as end date the last day of the last week."""
    import json

    out, output = written
    figures = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
    assert (figures["start"], figures["end"]) == ("2027-01-04", "2027-01-31")
    assert "Schedule 2027-01-04 to 2027-01-31 (4 weeks)" in output


def test_tradeoff_status_is_explained_in_words(written: tuple[Path, str]) -> None:
    """tradeoff.csv says in plain words what each row's status means (status_note)."""
    from matcher.planning.whatif import STATUS_NOTES

    out, output = written
    tradeoff = pd.read_csv(out / "tradeoff.csv", keep_default_na=False)
    columns = list(tradeoff.columns)
    assert columns[columns.index("status") + 1] == "status_note"
    assert set(STATUS_NOTES) == {"OPTIMAL", "LOCAL", "FEASIBLE", "KEPT"}
    for status, note in zip(tradeoff["status"], tradeoff["status_note"], strict=True):
        assert note == STATUS_NOTES[status] and note
    assert "LOCAL best found" in " ".join(output.split())


def test_placed_weeks_match_start_dates(written: tuple[Path, str]) -> None:
    """``week`` is the horizon week of the first attendance, counted from the earliest discharge."""
    out, _ = written
    frame = pd.read_csv(out / "schedule.csv", keep_default_na=False)
    placed = frame[frame["status"] == "placed"]
    start = pd.to_datetime(placed["start_date"])
    first = pd.Timestamp("2027-01-04")
    assert ((start - first).dt.days // 7 + 1).tolist() == placed["week"].astype(int).tolist()


def test_schedule_lists_only_patients_discharged_in_the_horizon(
    written: tuple[Path, str], demo_dir: Path
) -> None:
    """schedule.csv has the patients discharged in the four weeks, and no one else."""
    import json

    from matcher import load_dataset

    out, _ = written
    frame = pd.read_csv(out / "schedule.csv", keep_default_na=False, dtype={"patient_id": str})
    patients = load_dataset(demo_dir).patients
    discharge = pd.to_datetime(patients["discharge_date"])
    inside = (discharge >= pd.Timestamp("2027-01-04")) & (discharge < pd.Timestamp("2027-02-01"))
    assert 0 < inside.sum() < len(patients)  # the demo reaches beyond four weeks
    assert set(frame["patient_id"]) == set(patients.loc[inside, "patient_id"])
    figures = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
    assert figures["outside_horizon"] == len(patients) - len(frame)


def test_every_route_ends_with_a_return_to_base_row(written: tuple[Path, str]) -> None:
    """Each staff member's day in routes.csv ends with one row with no patient: back at base."""
    out, _ = written
    routes = pd.read_csv(out / "routes.csv", keep_default_na=False, dtype=str)
    assert len(routes)
    for _, day in routes.groupby(["staff_id", "date"], sort=False):
        ordered = day.sort_values("order", key=lambda o: o.astype(int))
        assert (ordered["patient_id"] == "").tolist() == [False] * (len(day) - 1) + [True]
        last = ordered.iloc[-1]
        assert last["depart"] == "" and last["arrive"] != "" and int(last["drive_min"]) >= 0


def _candidates_file(directory: Path, **changes: object) -> Path:
    row: dict[str, object] = {
        "candidate_id": "C1",
        "name": "Nyt hold",
        "lat": 55.3959,
        "lon": 10.3883,
        "weekday": "tue",
        "start": "10:00",
        "end": "11:30",
        "size": 8,
        "cohort_every_weeks": 4,
        "first_date": "2027-01-05",
        "staff_hours_week": 5,
    }
    row.update(changes)
    directory.mkdir(parents=True, exist_ok=True)
    return write(directory, "cands.csv", [row])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--weeks", "0"], "--weeks"),
        (["--budgets", "0,lots"], "'lots' is not a number"),
        (["--budgets", "0,-5"], "--budgets"),
        (["--guarantee-days", "-1"], "--guarantee-days"),
        (["--start", "first of May"], "--start"),
        (["--budgets", "0,40", "--schedule-budget", "20"], "--schedule-budget"),
        (["--candidates", "{tmp}/missing.csv"], "missing.csv"),
        (["--candidates", "{bad_time}"], "cands.csv:2:start"),
        (["--candidates", "{bad_size}"], "cands.csv:2:size"),
        (["--candidates", "{clash}"], "cands.csv:2:candidate_id"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    demo_dir: Path, tmp_path: Path, options: list[str], message: str
) -> None:
    """A user's mistake is listed with where it is, exits with status 2 and writes no file."""
    files = {
        "tmp": str(tmp_path),
        "bad_time": str(_candidates_file(tmp_path / "t", start="12:00", end="11:00")),
        "bad_size": str(_candidates_file(tmp_path / "s", size="big")),
        "clash": str(_candidates_file(tmp_path / "c", candidate_id="O00001")),
    }
    out = tmp_path / "out"
    args = ["schedule", str(demo_dir), "--weeks", "2", "--out", str(out)]
    args += [o.format(**files) for o in options]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists() or not any(out.iterdir())


def test_a_broken_dataset_exits_2(demo_dir: Path, tmp_path: Path) -> None:
    """A dataset with a bad cell is reported as file:row:column and nothing is written."""
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    sessions = (data / "sessions.csv").read_text(encoding="utf-8").splitlines()
    sessions[1] = sessions[1].replace(",wed,", ",someday,", 1)
    (data / "sessions.csv").write_text("\n".join(sessions) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["schedule", str(data), "--weeks", "2", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "sessions.csv:2:weekday" in result.output
    assert not out.exists()
