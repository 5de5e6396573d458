"""``brobygger recommend``: the table, the JSON and exit status 2 for bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher import Recommender, load_dataset
from matcher.cli import app
from matcher.discharge.options import OPTION_COLUMNS


def test_cli_recommend_prints_a_table(demo_dir: Path) -> None:
    """CLI: recommend exits 0 and shows the options."""
    result = CliRunner().invoke(app, ["recommend", str(demo_dir), "--patient", "P00001"])
    assert result.exit_code == 0, result.stderr
    assert "Next steps for P00001" in result.stdout


def test_cli_recommend_json_shape(demo_dir: Path) -> None:
    """CLI: --json prints the options with every column, dates as YYYY-MM-DD."""
    result = CliRunner().invoke(
        app, ["recommend", str(demo_dir), "--patient", "P00001", "--top", "3", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"lang", "top", "patient_id", "options", "nothing_fits"}
    assert payload["patient_id"] == "P00001" and payload["top"] == 3
    assert 1 <= len(payload["options"]) <= 3
    first = payload["options"][0]
    assert list(first) == list(OPTION_COLUMNS)
    assert date.fromisoformat(first["first_date"])
    assert isinstance(first["fits"], list) and isinstance(first["travel_min"], float)


def test_cli_recommend_json_when_nothing_fits(demo_dir: Path) -> None:
    """CLI: when nothing fits, --json holds the rules and the suggestions."""
    demo = load_dataset(demo_dir)
    recommender = Recommender(demo)
    empty = next(
        pid
        for pid in demo.patients["patient_id"]
        if not recommender.evaluate(pid).evaluation.feasible.any()
        and not bool(demo.patients.set_index("patient_id").loc[pid, "escalate"])
    )
    result = CliRunner().invoke(app, ["recommend", str(demo_dir), "--patient", empty, "--json"])
    assert result.exit_code == 0, result.stderr
    nothing = json.loads(result.stdout)["nothing_fits"]
    assert nothing["blockers"] and {"rule", "sessions", "text"} <= set(nothing["blockers"][0])
    assert all(s["options"] > 0 for s in nothing["suggestions"])


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--patient", "NOPE"], "'NOPE'"),
        (["--patient", "P00001", "--lang", "xx"], "'xx'"),
        (["--patient", "P00001", "--today", "tomorrow"], "'tomorrow'"),
    ],
)
def test_cli_recommend_bad_input_exits_2(demo_dir: Path, args: list[str], named: str) -> None:
    """CLI: a bad patient id, language or date exits 2 and names it."""
    result = CliRunner().invoke(app, ["recommend", str(demo_dir), *args])
    assert result.exit_code == 2
    assert named in result.stderr
