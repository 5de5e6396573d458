"""Outputs never replace what is not theirs: a device, a pipe, a folder or a file of the
dataset being read is refused as bad input (exit 2) before any work, and left as it is."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher import InputError
from matcher.cli import app
from matcher.dataset.export import write_text

RUNNER = CliRunner()
DATA = Path(__file__).resolve().parents[2] / "data" / "activities"


def run(*args: str | Path) -> tuple[int, str]:
    """Run a brobygger command in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the demo dataset."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def test_plan_never_replaces_a_file_of_its_dataset(data: Path) -> None:
    """plan --out naming the dataset's own patients.csv is refused and the file kept."""
    before = (data / "patients.csv").read_bytes()
    code, output = run("plan", data, "--out", data / "patients.csv")
    assert code == 2, output
    assert "is a file of the dataset being read and is never replaced" in output
    assert (data / "patients.csv").read_bytes() == before
    assert not (data / "patients.json").exists()


def test_handout_never_replaces_a_file_of_its_dataset(data: Path) -> None:
    """handout --out naming the dataset's offers.csv is refused and the file kept."""
    before = (data / "offers.csv").read_bytes()
    session = (data / "sessions.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    code, output = run(
        "handout", data, "--patient", "P00001", "--session", session, "--out", data / "offers.csv"
    )
    assert code == 2, output
    assert (data / "offers.csv").read_bytes() == before


@pytest.mark.parametrize("command", ["plan", "tasks"])
def test_an_output_that_is_a_pipe_is_refused_and_kept(
    data: Path, tmp_path: Path, command: str
) -> None:
    """plan --out and tasks --export naming a named pipe exit 2; the pipe stays a pipe."""
    pipe = tmp_path / "out.csv"
    os.mkfifo(pipe)
    if command == "plan":
        code, output = run("plan", data, "--out", pipe)
    else:
        code, output = run("tasks", "--export", pipe, "--db", tmp_path / "db.sqlite3")
    assert code == 2, output
    assert "is not a regular file (a device or pipe) and is never replaced" in output
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_writer_never_replaces_a_pipe(tmp_path: Path) -> None:
    """Every file Brobygger writes goes through one writer, which refuses a target that
    is not a regular file."""
    pipe = tmp_path / "gaps.csv"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="is not a regular file"):
        write_text(pipe, "x")
    assert stat.S_ISFIFO(pipe.stat().st_mode)
