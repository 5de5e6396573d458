"""``brobygger pathways``: its files, its summary in words, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.planning.pathway_plan import PATHWAY_COLUMNS

runner = CliRunner()


@pytest.fixture(scope="module")
def written(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One run on the demo municipality over eight weeks: every one of its patients is
    discharged in them, and the plan is proven in half the time twelve weeks take."""
    out = tmp_path_factory.mktemp("pathways") / "out"
    result = runner.invoke(
        app, ["pathways", str(demo_dir), "--weeks", "8", "--out", str(out), "--time-limit", "60"]
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def test_pathways_writes_the_table_and_the_figures(written: tuple[Path, str]) -> None:
    """PATHWAYS.csv has its columns and every person of the horizon; pathways.json the
    counts, which add up."""
    out, _ = written
    table = pd.read_csv(out / "PATHWAYS.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == list(PATHWAY_COLUMNS)
    figures = json.loads((out / "pathways.json").read_text(encoding="utf-8"))
    assert table["patient_id"].nunique() == figures["patients"]
    assert figures["with_step"] + figures["none"] == figures["patients"]
    assert figures["complete"] <= figures["with_step"]
    assert set(table["status"]) <= {"placed", "late", "follows", "unplaced", "escalated"}


def test_the_summary_says_how_sure_the_plan_is_in_words(written: tuple[Path, str]) -> None:
    """The printed table names the counts and says the plan is proven best (no solver
    codes), and the files written."""
    _, said = written
    assert "reached a lasting step" in said and "without a step" in said
    assert "proven the best plan" in said and "OPTIMAL" not in said
    assert "wrote 2 files" in said


def test_a_bad_ladder_file_stops_before_anything_is_written(demo_dir: Path, tmp_path: Path) -> None:
    """A ladder with a gap whose minimum is above its maximum is refused by row and
    column, exit status 2, and no output folder appears."""
    ladders = tmp_path / "pathways.csv"
    ladders.write_text(
        "from_kind,to_kind,min_gap_days,max_gap_days\nhome_visit,exit_team,20,3\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["pathways", str(demo_dir), "--weeks", "4", "--out", str(out), "--ladders", str(ladders)],
    )
    assert result.exit_code == 2
    assert "pathways.csv:2:min_gap_days" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_one_step_writes_the_comparison_plan(demo_dir: Path, tmp_path: Path) -> None:
    """--one-step plans one step per person, as today's plan does."""
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["pathways", str(demo_dir), "--weeks", "4", "--out", str(out), "--one-step"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads((out / "pathways.json").read_text(encoding="utf-8"))
    assert figures["one_step"] is True and set(figures["steps"]) >= {"1"}
    assert all(n == 0 for k, n in figures["steps"].items() if k != "1")
