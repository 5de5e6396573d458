"""A sweep: one plan of one dataset per scenario of the weights, one Dask job each;
results per scenario, sweep.csv with the most vulnerable's counts hidden below 5, and a
failed scenario reported while the others finish."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scale_support import demo_root

from matcher.domain import VULNERABILITY_FLAGS
from matcher.match.weights import Weights
from matcher.scale.cluster import dask_missing, open_client
from matcher.scale.jobs import FAILED, JobOptions
from matcher.scale.scenarios import ScenarioWeights, prepare, read_scenarios
from matcher.scale.summary import write_summary
from matcher.scale.sweep import MOST_VULNERABLE, SWEEP_FIGURES, run_sweep, sweep_frame, sweep_job
from matcher.scale.threads import Split

if dask_missing():  # pragma: no cover - the [scale] extra is installed for the tests
    pytest.skip("dask.distributed (brobygger[scale]) is not installed", allow_module_level=True)

from distributed import Client

SCENARIOS = """[baseline]

[slow]
travel.walk.speed_kmh = 1.0
travel.bus.speed_kmh = 3.0

[broken]
weights.travel_min = 7.0
"""


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A 2-worker LocalCluster of threads in this process: what a test patches holds in
    the jobs too."""
    with open_client(Split(workers=2, threads=1, cores=2), processes=False) as opened:
        yield opened


@pytest.fixture
def scenarios(tmp_path: Path) -> list[ScenarioWeights]:
    """The three scenarios of ``SCENARIOS``, checked."""
    path = tmp_path / "scenarios.toml"
    path.write_text(SCENARIOS, encoding="utf-8")
    return prepare(read_scenarios(path))


def _placed_most_vulnerable(data: Path, plan: pd.DataFrame) -> tuple[int, int]:
    patients = pd.read_csv(data / "patients.csv")
    flags = patients[list(VULNERABILITY_FLAGS)].fillna(False).astype(bool).sum(axis=1)
    most = set(patients.loc[flags >= MOST_VULNERABLE, "patient_id"])
    placed = set(plan.loc[plan["status"] == "placed", "patient_id"])
    return len(most), len(most & placed)


def test_two_scenarios_give_their_own_plans_and_rows(
    client: Client, scenarios: list[ScenarioWeights], tmp_path: Path
) -> None:
    """Slower walking and buses place fewer people than the defaults: each scenario's
    PLAN.csv, PLAN.json and weights.toml are written and its sweep.csv row is its plan's."""
    (data,) = demo_root(tmp_path / "root", 1)
    out = tmp_path / "out"
    results = run_sweep(client, data, out, JobOptions(time_limit=5), scenarios[:2])
    assert [r.folder for r in results] == ["baseline", "slow"]
    assert all(r.status == "OPTIMAL" for r in results)
    frame = sweep_frame(results)
    assert list(frame.columns) == ["scenario", *SWEEP_FIGURES, "status", "seconds"]
    rows = frame.set_index("scenario")
    for name in ("baseline", "slow"):
        plan = pd.read_csv(out / name / "PLAN.csv")
        assert (out / name / "PLAN.json").is_file()
        placed = plan[plan["status"] == "placed"]
        assert rows.loc[name, "placed"] == len(placed)
        assert rows.loc[name, "unplaced"] == int((plan["status"] == "unplaced").sum())
        assert rows.loc[name, "cost"] == pytest.approx(placed["cost"].sum(), abs=0.01)
        assert rows.loc[name, "mean_travel_min"] == pytest.approx(placed["travel_min"].mean(), 0.01)
    assert rows.loc["slow", "placed"] < rows.loc["baseline", "placed"]
    slow = Weights.load(out / "slow" / "weights.toml")
    assert slow.travel["walk"].speed_kmh == 1.0 and slow.travel["bus"].speed_kmh == 3.0


def test_the_most_vulnerable_s_counts_are_shown_only_from_5(
    client: Client, scenarios: list[ScenarioWeights], tmp_path: Path
) -> None:
    """vulnerable_placed is the true count of the most vulnerable placed when shown, and
    hidden when it or those of them not placed are fewer than 5 (as the equity table)."""
    (data,) = demo_root(tmp_path / "root", 1)
    out = tmp_path / "out"
    results = run_sweep(client, data, out, JobOptions(time_limit=5), scenarios[:2])
    shown = 0
    for result in results:
        figures = dict(result.figures)
        most, placed = _placed_most_vulnerable(data, pd.read_csv(out / result.folder / "PLAN.csv"))
        if figures["vulnerable"] is not None:
            assert figures["vulnerable"] == most
        if placed < 5 or most - placed < 5:
            assert figures["vulnerable_placed"] is None
        if figures["vulnerable_placed"] is not None:
            assert figures["vulnerable_placed"] == placed
            shown += 1
    written = pd.read_csv(write_summary(sweep_frame(results), out / "sweep.csv"), dtype=str)
    empty = written["vulnerable_placed"].isna().tolist()
    assert empty == [dict(r.figures)["vulnerable_placed"] is None for r in results]
    assert sum(empty) == len(results) - shown


def test_a_failed_scenario_is_reported_and_the_others_finish(
    client: Client,
    scenarios: list[ScenarioWeights],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A scenario whose plan fails comes back FAILED with its error, writes nothing, and
    the other scenarios' plans and rows are written."""
    import matcher.planning.plan as planning

    real = planning.plan

    def plan(dataset: Any, **options: Any) -> Any:
        if options["weights"].travel_min == 7.0:
            raise RuntimeError("the solver gave up")
        return real(dataset, **options)

    monkeypatch.setattr(planning, "plan", plan)
    (data,) = demo_root(tmp_path / "root", 1)
    out = tmp_path / "out"
    results = run_sweep(client, data, out, JobOptions(time_limit=5), scenarios)
    status = {r.folder: r for r in results}
    assert status["broken"].status == FAILED
    assert status["broken"].error == "RuntimeError: the solver gave up"
    assert not (out / "broken").exists()
    assert status["baseline"].ok and status["slow"].ok
    frame = pd.read_csv(write_summary(sweep_frame(results), out / "sweep.csv"))
    assert frame["scenario"].tolist() == ["baseline", "slow", "broken"]
    assert frame["placed"].isna().tolist() == [False, False, True]
    assert (out / "slow" / "PLAN.csv").is_file()


def test_one_job_plans_as_brobygger_plan_does(
    scenarios: list[ScenarioWeights], tmp_path: Path
) -> None:
    """sweep_job with the defaults writes the plan brobygger plan writes (same function)."""
    from dataclasses import replace

    from matcher.dataset.load import load_dataset
    from matcher.planning.plan import plan

    (data,) = demo_root(tmp_path / "root", 1)
    options = replace(JobOptions(time_limit=5), weights_text=scenarios[0].weights)
    result = sweep_job(str(data), str(tmp_path / "out"), options, "baseline")
    assert result.ok
    written = pd.read_csv(tmp_path / "out" / "baseline" / "PLAN.csv")
    direct = plan(load_dataset(data), time_limit=5).assignments
    assert written["session_id"].fillna("").tolist() == direct["session_id"].fillna("").tolist()
