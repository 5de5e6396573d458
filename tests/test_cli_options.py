"""Number options of the commands have documented ranges: a value outside (a huge integer,
NaN, infinity) is bad input with exit 2, never wrapped, clipped or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app

RUNNER = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data" / "activities"
HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "args",
    [
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--seed", HUGE],
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--workers", HUGE],
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--time-limit", "nan"],
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--time-limit", "inf"],
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--time-limit", "-1"],
        ["schedule", str(DATA), "--weeks", HUGE, "--out", "{out}/s"],
        ["schedule", str(DATA), "--weeks", "0", "--out", "{out}/s"],
        ["schedule", str(DATA), "--weeks", "4", "--guarantee-days", HUGE, "--out", "{out}/s"],
        ["schedule", str(DATA), "--weeks", "4", "--budgets", "0,nan", "--out", "{out}/s"],
        ["schedule", str(DATA), "--weeks", "4", "--budgets", "-5", "--out", "{out}/s"],
        ["recommend", str(DATA), "--patient", "P00001", "--top", HUGE],
        ["demo", "--out", "{out}/demo", "--patients", HUGE],
        ["demo", "--out", "{out}/demo", "--seed", "-1"],
        ["cancel", "--booking", HUGE, "--db", "{out}/db.sqlite3"],
        ["attend", "--booking", "0", "--date", "2027-01-04", "--present", "--db", "{out}/x.db"],
    ],
    ids=lambda a: " ".join(a[:1] + a[-2:] if "--out" in a[-2:] else a[:1] + a[-4:-2]),
)
def test_a_number_option_outside_its_range_is_bad_input(tmp_path: Path, args: list[str]) -> None:
    """Each number option has a range; outside it the command exits 2 and writes nothing."""
    result = RUNNER.invoke(app, [a.format(out=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
