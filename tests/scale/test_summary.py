"""The national summary table: one row per job, empty figures where nothing was written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from matcher.errors import Problem
from matcher.scale.jobs import BAD_INPUT, JobResult
from matcher.scale.summary import summary_frame, write_summary

FIGURES = ("patients", "placed", "priority_placed")


def _results() -> list[JobResult]:
    good = JobResult(
        "a", "OPTIMAL", 1.234, figures=(("patients", 10), ("placed", 7), ("priority_placed", 30))
    )
    bad = JobResult("b", BAD_INPUT, 0.01, problems=(Problem("b/x.csv", None, None, "m"),))
    return [good, bad]


def test_summary_has_folder_figures_status_seconds_in_order() -> None:
    """Columns are folder, the figures, status, seconds; a failed job's figures are empty."""
    frame = summary_frame(_results(), FIGURES)
    assert list(frame.columns) == ["folder", *FIGURES, "status", "seconds"]
    assert frame.loc[0, "placed"] == 7 and frame.loc[0, "seconds"] == 1.23
    assert frame.loc[1, "status"] == BAD_INPUT and pd.isna(frame.loc[1, "placed"])


def test_summary_csv_reads_back_as_written(tmp_path: Path) -> None:
    """summary.csv holds the same rows, integers kept as integers."""
    path = write_summary(summary_frame(_results(), FIGURES), tmp_path / "summary.csv")
    back = pd.read_csv(path)
    assert back["folder"].tolist() == ["a", "b"]
    assert back.loc[0, "patients"] == 10
    assert "10.0" not in path.read_text()
