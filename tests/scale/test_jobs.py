"""One job of a many-folder run: results written, bad input caught, never raised."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pandas as pd
from scale_support import demo_root

from matcher.dataset.demo import make_demo
from matcher.dataset.export import save_dataset
from matcher.scale.jobs import BAD_INPUT, DONE, FAILED, JobOptions, JobResult, gaps_job, plan_job


def test_plan_job_writes_plan_csv_and_json_under_the_folder_s_name(tmp_path: Path) -> None:
    """plan_job writes OUT/<folder>/PLAN.csv and PLAN.json and returns their figures."""
    (folder,) = demo_root(tmp_path / "root", 1)
    result = plan_job(str(folder), str(tmp_path / "out"), JobOptions())
    assert result.ok and result.status == "OPTIMAL"
    plan = pd.read_csv(tmp_path / "out" / folder.name / "PLAN.csv")
    summary = json.loads((tmp_path / "out" / folder.name / "PLAN.json").read_text())
    figures = dict(result.figures)
    assert figures["patients"] == len(plan) == summary["patients"]
    assert figures["placed"] == int((plan["status"] == "placed").sum()) == summary["placed"]
    assert figures["priority_placed"] == summary["priority_placed"]
    assert result.seconds > 0


def test_bad_input_comes_back_with_its_problems_named_inside_the_folder(tmp_path: Path) -> None:
    """A folder with bad input is BAD_INPUT, its problems' files prefixed, nothing written."""
    folders = demo_root(tmp_path / "root", 0, bad=True)
    result = plan_job(str(folders[0]), str(tmp_path / "out"), JobOptions())
    assert result.status == BAD_INPUT and not result.ok
    assert any(
        p.file == "broken/patients.csv" and p.column == "patient_id" for p in result.problems
    )
    assert not (tmp_path / "out" / "broken").exists()


def test_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    """A folder that does not exist is reported, not raised."""
    result = plan_job(str(tmp_path / "nowhere"), str(tmp_path / "out"), JobOptions())
    assert result.status == BAD_INPUT
    assert result.problems[0].message == "folder does not exist"


def test_another_failure_is_failed_with_one_line(tmp_path: Path) -> None:
    """A failure that is not bad input (an unknown solver here) is FAILED with its error."""
    (folder,) = demo_root(tmp_path / "root", 1)
    result = plan_job(str(folder), str(tmp_path / "out"), JobOptions(solver="nonsense"))
    assert result.status == FAILED
    assert result.error and "\n" not in result.error.strip()


def test_a_result_pickles_for_the_trip_back_from_a_worker(tmp_path: Path) -> None:
    """JobResult with its problems survives pickling, as Dask sends it."""
    folders = demo_root(tmp_path / "root", 0, bad=True)
    result = plan_job(str(folders[0]), str(tmp_path / "out"), JobOptions())
    again = pickle.loads(pickle.dumps(result))
    assert isinstance(again, JobResult)
    assert again == result and again.problems[0].template == result.problems[0].template


def test_gaps_job_writes_the_gap_files_and_hides_a_count_below_5(tmp_path: Path) -> None:
    """gaps_job writes the files of brobygger gaps (gaps.csv, coverage.csv, gaps.geojson,
    gaps.png, gaps.gpkg); fewer than 5 patients in a municipality is a hidden count."""
    big = save_dataset(make_demo(patients=60, offers=16, seed=3), tmp_path / "root" / "big")
    few = save_dataset(make_demo(patients=3, offers=16, seed=4), tmp_path / "root" / "few")
    shown = gaps_job(str(big), str(tmp_path / "out"), JobOptions())
    hidden = gaps_job(str(few), str(tmp_path / "out"), JobOptions())
    assert shown.status == hidden.status == DONE
    assert len(shown.files) == 5
    for name in ("gaps.csv", "coverage.csv", "gaps.geojson", "gaps.png", "gaps.gpkg"):
        assert (tmp_path / "out" / "big" / name).is_file()
    assert dict(shown.figures)["patients"] == 60
    assert dict(hidden.figures)["patients"] is None
    table = pd.read_csv(tmp_path / "out" / "big" / "gaps.csv")
    assert dict(shown.figures)["districts"] == len(table)
