"""The dataset commands: `brobygger demo` and `brobygger validate`, exit statuses, and that
bad input writes nothing (also through `brobygger plan`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import typer.main
from dataset_support import BAD_IDS, BAD_INPUTS, Change, valid_dataset
from typer.testing import CliRunner

from matcher import load_dataset
from matcher.cli import app

RUNNER = CliRunner()
BROBYGGER = Path(sys.executable).with_name("brobygger")


def run(*args: str | Path) -> tuple[int, str]:
    """Run a brobygger command in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder`` (empty when the folder does not exist)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def listed_commands() -> list[str]:
    """The command names `brobygger --help` shows."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.main.TyperGroup)
    return list(group.commands)


def test_help_lists_every_registered_command() -> None:
    """`brobygger --help` exits 0 and shows each command with its one-line description."""
    status, output = run("--help")
    assert status == 0
    for name in listed_commands():
        assert name in output
    assert {"demo", "validate"} <= set(listed_commands())


@pytest.mark.parametrize("command", listed_commands())
def test_every_listed_command_has_working_help(command: str) -> None:
    """Each command `brobygger --help` lists answers `--help` with exit 0 and a usage line."""
    status, output = run(command, "--help")
    assert status == 0, output
    assert f"brobygger {command}" in output


def test_validate_passes_on_the_embedded_demo(demo_dir: Path) -> None:
    """`brobygger validate data/activities` exits 0 and shows the table counts."""
    status, output = run("validate", demo_dir)
    assert status == 0, output
    assert "valid" in output
    assert "patients" in output and "400" in output


@pytest.mark.parametrize(("case", "change", "expected"), BAD_INPUTS, ids=BAD_IDS)
def test_validate_bad_input_exits_2_with_the_problem_line(
    tmp_path: Path, case: str, change: Change, expected: str
) -> None:
    """`brobygger validate` prints each problem as file:row:column: message and exits 2."""
    root = valid_dataset(tmp_path / "data")
    change(root)
    before = files_under(root)
    status, output = run("validate", root)
    assert status == 2, output
    assert expected in output
    assert "Traceback" not in output
    assert files_under(root) == before


@pytest.mark.parametrize(("case", "change", "expected"), BAD_INPUTS, ids=BAD_IDS)
def test_plan_on_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, case: str, change: Change, expected: str
) -> None:
    """`brobygger plan BAD --out X.csv` lists the problem, exits 2 and leaves no X.csv, no
    X.json and no temporary file."""
    root = valid_dataset(tmp_path / "data")
    change(root)
    out = tmp_path / "out"
    status, output = run("plan", root, "--out", out / "X.csv")
    assert status == 2, output
    assert expected in output
    assert "nothing was written" in output
    assert files_under(out) == []


def test_plan_on_valid_input_writes_both_files(tmp_path: Path) -> None:
    """The same small dataset without a problem plans: exit 0 with X.csv and X.json."""
    root = valid_dataset(tmp_path / "data")
    status, output = run("plan", root, "--out", tmp_path / "out" / "X.csv")
    assert status == 0, output
    assert files_under(tmp_path / "out") == ["X.csv", "X.json"]


def test_problems_of_several_files_are_printed_together(tmp_path: Path) -> None:
    """One run lists the problems of every file, with their count."""
    root = valid_dataset(tmp_path / "data")
    for name, column, value in (
        ("offers.csv", "kind", "club"),
        ("sessions.csv", "start", "25:00"),
        ("patients.csv", "lat", "91"),
    ):
        frame = pd.read_csv(root / name, dtype=str, keep_default_na=False)
        frame.loc[1, column] = value
        frame.to_csv(root / name, index=False)
    status, output = run("validate", root)
    assert status == 2
    assert "3 problems in the input; nothing was written:" in output
    assert "offers.csv:3:kind: 'club' is not a known kind" in output
    assert "sessions.csv:3:start: '25:00' is not a time of day" in output
    assert "patients.csv:3:lat: latitude 91 is outside -90..90" in output


def test_coordinates_outside_denmark_warn_and_exit_0(tmp_path: Path) -> None:
    """A patient in Paris is a warning naming the row; validation still passes (exit 0)."""
    root = valid_dataset(tmp_path / "data")
    frame = pd.read_csv(root / "patients.csv", dtype=str, keep_default_na=False)
    frame.loc[0, ["lat", "lon"]] = ["48.8566", "2.3522"]
    frame.to_csv(root / "patients.csv", index=False)
    status, output = run("validate", root)
    assert status == 0, output
    assert "warning: patients.csv:2:lat: 48.8566, 2.3522 is plainly outside Denmark" in output


def test_demo_is_byte_for_byte_the_same_for_a_seed(tmp_path: Path) -> None:
    """`brobygger demo` twice with one seed writes the same bytes; another seed differs."""
    size = ("--patients", "80", "--offers", "24")
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        status, output = run("demo", "--out", tmp_path / name, *size, "--seed", seed)
        assert status == 0, output
    first = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    assert sorted(first) == [
        "candidates.csv",
        "districts.geojson",
        "offers.csv",
        "patients.csv",
        "sessions.csv",
        "staff.csv",
    ]
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    other = {p.name: p.read_bytes() for p in (tmp_path / "c").iterdir()}
    assert first["patients.csv"] != other["patients.csv"]
    assert first["offers.csv"] != other["offers.csv"]


def test_demo_danish_loads_like_the_utf8_demo(tmp_path: Path) -> None:
    """`brobygger demo --danish` writes a spreadsheet export that loads to the same frames."""
    size = ("--patients", "50", "--offers", "12")
    assert run("demo", "--out", tmp_path / "utf8", *size)[0] == 0
    assert run("demo", "--out", tmp_path / "dk", *size, "--danish")[0] == 0
    assert b";" in (tmp_path / "dk" / "offers.csv").read_bytes().splitlines()[0]
    utf8, danish = load_dataset(tmp_path / "utf8"), load_dataset(tmp_path / "dk")
    for name in ("offers", "sessions", "patients", "staff", "candidates"):
        pd.testing.assert_frame_equal(getattr(utf8, name), getattr(danish, name))


@pytest.mark.parametrize(
    ("place", "message"),
    [("file", "exists and is not a folder"), ("file/sub", "is not a folder")],
    ids=["out_is_a_file", "parent_is_a_file"],
)
def test_demo_into_an_invalid_place_writes_nothing(
    tmp_path: Path, place: str, message: str
) -> None:
    """`brobygger demo --out` onto a file, or below one, exits 2 and changes nothing."""
    (tmp_path / "file").write_text("keep me\n", encoding="utf-8")
    status, output = run("demo", "--out", tmp_path / place, "--patients", "10")
    assert status == 2, output
    assert message in output
    assert files_under(tmp_path) == ["file"]
    assert (tmp_path / "file").read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize(
    "options",
    [("--offers", "3"), ("--patients", "-1"), ("--seed", "x")],
    ids=["too_few_offers", "negative_patients", "seed_not_a_number"],
)
def test_demo_with_impossible_options_exits_2_and_writes_nothing(
    tmp_path: Path, options: tuple[str, str]
) -> None:
    """Fewer than 4 offers, negative patients or a seed that is not a number: exit 2."""
    status, output = run("demo", "--out", tmp_path / "demo", *options)
    assert status == 2, output
    assert files_under(tmp_path) == []


def test_console_script_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    """The installed `brobygger` script exits 2 on bad input, problems on stderr, no traceback."""
    root = valid_dataset(tmp_path / "data")
    (root / "patients.csv").write_bytes(b"")
    done = subprocess.run(
        [str(BROBYGGER), "validate", str(root)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "patients.csv:-:-: the file is empty" in done.stderr
    assert "Traceback" not in done.stderr
