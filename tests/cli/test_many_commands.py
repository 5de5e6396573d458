"""`brobygger plan-many`, `gaps-many` and `demo-many`: one job per municipality folder on
a Dask cluster, results per folder, a national summary, a bad folder reported while the
others finish (exit 2)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scale_support import demo_root
from typer.testing import CliRunner

from matcher.cli import app

RUNNER = CliRunner()
DASK = Path(sys.executable).parent / "dask"


def _plan_many(root: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    run = RUNNER.invoke(app, ["plan-many", str(root), "--out", str(out), *extra])
    return run.exit_code, run.stdout, run.stderr


def test_plan_many_plans_every_folder_on_a_two_worker_local_cluster(tmp_path: Path) -> None:
    """Three municipalities on 2 workers: every plan OPTIMAL, each folder's PLAN.csv and
    PLAN.json written, summary.csv right about each."""
    folders = demo_root(tmp_path / "root", 3)
    code, stdout, stderr = _plan_many(tmp_path / "root", tmp_path / "out", "--workers", "2")
    assert code == 0, stderr
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert list(summary.columns) == [
        "folder", "patients", "placed", "priority_placed", "status", "seconds",
    ]  # fmt: skip
    assert summary["folder"].tolist() == [f.name for f in folders]
    assert (summary["status"] == "OPTIMAL").all()
    for row in summary.itertuples():
        plan = pd.read_csv(tmp_path / "out" / row.folder / "PLAN.csv")
        assert (tmp_path / "out" / row.folder / "PLAN.json").is_file()
        assert row.patients == len(plan)
        assert row.placed == int((plan["status"] == "placed").sum())
    assert "3 of 3 folders done" in stdout
    assert "2 worker processes" in stderr


def test_a_bad_folder_is_reported_and_the_others_finish(tmp_path: Path) -> None:
    """A folder with bad input: exit 2, its problems named inside it, the others planned."""
    demo_root(tmp_path / "root", 2, bad=True)
    code, stdout, stderr = _plan_many(tmp_path / "root", tmp_path / "out", "--workers", "2")
    assert code == 2
    assert "broken/patients.csv:1:patient_id: required column is missing" in stderr
    summary = pd.read_csv(tmp_path / "out" / "summary.csv").set_index("folder")
    assert summary.loc["broken", "status"] == "BAD_INPUT"
    assert pd.isna(summary.loc["broken", "placed"])
    assert (summary.drop(index="broken")["status"] == "OPTIMAL").all()
    assert not (tmp_path / "out" / "broken").exists()
    for name in ("kommune_1", "kommune_2"):
        assert (tmp_path / "out" / name / "PLAN.csv").is_file()
    assert "bad input" in stdout


def test_bad_arguments_are_refused_before_any_cluster_starts(tmp_path: Path) -> None:
    """An empty ROOT and a scheduler that is no address: exit 2, both named, nothing run."""
    (tmp_path / "root").mkdir()
    code, _, stderr = _plan_many(
        tmp_path / "root", tmp_path / "out", "--scheduler", "localhost 8786"
    )
    assert code == 2
    assert "holds no dataset folder" in stderr
    assert "'localhost 8786' is not a scheduler address" in stderr
    assert "local cluster" not in stderr
    assert not (tmp_path / "out").exists()


def test_out_inside_root_is_no_dataset_folder_and_a_dataset_folder_is_no_out(
    tmp_path: Path,
) -> None:
    """OUT may sit in ROOT (it is not planned as a municipality on the next run); a
    dataset folder as OUT is refused (exit 2) before any cluster starts."""
    from matcher.cli.many_commands import _folders

    folders = demo_root(tmp_path / "root", 2)
    (tmp_path / "root" / "results").mkdir()
    listed = _folders(tmp_path / "root", tmp_path / "root" / "results", None)
    assert [f.name for f in listed] == [f.name for f in folders]
    code, _, stderr = _plan_many(tmp_path / "root", folders[0])
    assert code == 2
    assert f"{folders[0]}:-:-: is one of the dataset folders" in stderr
    assert not (folders[0] / "summary.csv").exists()


def test_gaps_many_writes_each_folder_s_gaps_and_a_summary(tmp_path: Path) -> None:
    """gaps-many writes OUT/<folder>/gaps.csv for each folder and one summary row each."""
    folders = demo_root(tmp_path / "root", 2)
    run = RUNNER.invoke(
        app, ["gaps-many", str(tmp_path / "root"), "--out", str(tmp_path / "out"), "--workers", "2"]
    )
    assert run.exit_code == 0, run.stderr
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert summary["folder"].tolist() == [f.name for f in folders]
    assert (summary["status"] == "DONE").all()
    assert "lowest_share_exit_team" in summary.columns
    for folder in folders:
        assert (tmp_path / "out" / folder.name / "gaps.csv").is_file()


def test_demo_many_writes_municipalities_plan_many_can_read(tmp_path: Path) -> None:
    """demo-many --municipalities 2 writes two loadable dataset folders of other seeds."""
    from matcher.dataset.load import load_dataset

    run = RUNNER.invoke(
        app, ["demo-many", "--municipalities", "2", "--patients", "40", "--offers", "12",
              "--out", str(tmp_path / "root")],
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    folders = sorted((tmp_path / "root").iterdir())
    assert [f.name for f in folders] == ["kommune_01", "kommune_02"]
    first, second = (load_dataset(f) for f in folders)
    assert not first.patients[["lat", "lon"]].equals(second.patients[["lat", "lon"]])
    assert "wrote 2 demo municipalities" in run.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port}")


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[str]:
    """A separate `dask scheduler` and one `dask worker` process on free ports."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = (tmp_path / "scheduler.log").open("w"), (tmp_path / "worker.log").open("w")
    started = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"],
            stdout=logs[0], stderr=subprocess.STDOUT,
        ),
    ]  # fmt: skip
    try:
        _wait_for_port(port, 30)
        started.append(
            subprocess.Popen(
                [str(DASK), "worker", address, "--nthreads", "1", "--no-dashboard",
                 "--host", "127.0.0.1"],
                stdout=logs[1], stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        yield address
    finally:
        for process in reversed(started):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def test_plan_many_runs_on_a_separate_scheduler_and_worker(tmp_path: Path, scheduler: str) -> None:
    """--scheduler tcp://127.0.0.1:PORT sends the jobs to a scheduler and a worker started
    apart from the command; the plans are written as on a local cluster."""
    folders = demo_root(tmp_path / "root", 2)
    code, _, stderr = _plan_many(tmp_path / "root", tmp_path / "out", "--scheduler", scheduler)
    assert code == 0, stderr
    assert f"connecting to the Dask scheduler at {scheduler}" in stderr
    assert "local cluster" not in stderr
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert (summary["status"] == "OPTIMAL").all() and len(summary) == len(folders)
    for folder in folders:
        assert (tmp_path / "out" / folder.name / "PLAN.csv").is_file()


def test_a_scheduler_that_does_not_answer_is_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scheduler address where nobody listens: one line and exit 1, no traceback."""
    monkeypatch.setattr("matcher.scale.cluster.CONNECT_TIMEOUT", 2)
    demo_root(tmp_path / "root", 1)
    address = f"tcp://127.0.0.1:{_free_port()}"
    code, _, stderr = _plan_many(tmp_path / "root", tmp_path / "out", "--scheduler", address)
    assert code == 1
    assert f"no Dask scheduler answered at {address}" in stderr
    assert "Traceback" not in stderr


SWEEP_SCENARIOS = """[baseline]

[slow]
travel.walk.speed_kmh = 1.0
travel.bus.speed_kmh = 3.0
"""


def _sweep(data: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    run = RUNNER.invoke(app, ["sweep", str(data), "--out", str(out), *extra])
    return run.exit_code, run.stdout, run.stderr


def test_sweep_plans_every_scenario_and_prints_its_table(tmp_path: Path) -> None:
    """sweep --scenarios FILE --vary KEY=V on 2 workers: one plan per scenario under
    OUT/<scenario>/, sweep.csv with a row each, the table printed."""
    (data,) = demo_root(tmp_path / "root", 1)
    scenarios = tmp_path / "scenarios.toml"
    scenarios.write_text(SWEEP_SCENARIOS, encoding="utf-8")
    code, stdout, stderr = _sweep(
        data, tmp_path / "out", "--scenarios", str(scenarios), "--vary",
        "plan.together_bonus=10", "--workers", "2", "--time-limit", "5",
    )  # fmt: skip
    assert code == 0, stderr
    table = pd.read_csv(tmp_path / "out" / "sweep.csv")
    assert list(table.columns) == [
        "scenario", "patients", "placed", "unplaced", "vulnerable", "vulnerable_placed",
        "mean_travel_min", "cost", "status", "seconds",
    ]  # fmt: skip
    names = ["baseline+plan.together_bonus=10", "slow+plan.together_bonus=10"]
    assert table["scenario"].tolist() == names
    for row in table.itertuples():
        plan = pd.read_csv(tmp_path / "out" / row.scenario / "PLAN.csv")
        assert row.placed == int((plan["status"] == "placed").sum())
    assert table.loc[1, "placed"] < table.loc[0, "placed"]
    assert "2 of 2 scenarios done" in stdout
    first_cells = "".join(line.split("│")[1].strip() for line in stdout.splitlines() if "│" in line)
    assert "".join(names) in first_cells  # each name whole, folded over lines if need be
    assert "2 worker processes" in stderr


def test_sweep_refuses_a_bad_key_before_any_cluster_starts(tmp_path: Path) -> None:
    """An unknown key in the scenarios file and a --vary value out of range: exit 2, the
    file, line and key named, no cluster started and nothing written."""
    (data,) = demo_root(tmp_path / "root", 1)
    scenarios = tmp_path / "bad.toml"
    scenarios.write_text("[fine]\n\n[wrong.pathway]\nladder_bonus = 4\n", encoding="utf-8")
    code, _, stderr = _sweep(
        data, tmp_path / "out", "--scenarios", str(scenarios), "--vary", "weights.wait_day=1,-1"
    )
    assert code == 2
    assert "bad.toml:4:pathway.ladder_bonus: unknown key" in stderr
    assert "--vary:-:weights.wait_day: must be at least 0, not -1" in stderr
    assert "local cluster" not in stderr
    assert not (tmp_path / "out").exists()
    code, _, stderr = _sweep(data, tmp_path / "out")
    assert code == 2 and "give --scenarios FILE, --vary" in stderr


def test_sweep_reports_a_failed_scenario_and_writes_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario whose plan fails: exit 1, its error printed and its row empty in
    sweep.csv; the other scenarios are planned and written (jobs in threads here, so
    the failure can be patched in)."""
    import matcher.planning.plan as planning
    import matcher.scale.cluster as cluster

    opened, real = cluster.open_client, planning.plan

    def threads(split: Any, scheduler: Any = None) -> Any:
        return opened(split, scheduler, processes=False)

    def plan(dataset: Any, **options: Any) -> Any:
        if options["weights"].wait_day == 3.0:
            raise RuntimeError("the solver gave up")
        return real(dataset, **options)

    monkeypatch.setattr(cluster, "open_client", threads)
    monkeypatch.setattr(planning, "plan", plan)
    (data,) = demo_root(tmp_path / "root", 1)
    code, stdout, stderr = _sweep(
        data, tmp_path / "out", "--vary", "weights.wait_day=0.5,3,1", "--workers", "2"
    )
    assert code == 1
    assert "weights.wait_day=3: failed: RuntimeError: the solver gave up" in stderr
    table = pd.read_csv(tmp_path / "out" / "sweep.csv").set_index("scenario")
    assert table.loc["weights.wait_day=3", "status"] == "FAILED"
    assert pd.isna(table.loc["weights.wait_day=3", "placed"])
    for name in ("weights.wait_day=0.5", "weights.wait_day=1"):
        assert table.loc[name, "status"] == "OPTIMAL"
        assert (tmp_path / "out" / name / "PLAN.csv").is_file()
    assert "2 of 3 scenarios done" in stdout


def test_the_many_commands_share_one_declaration_of_each_common_option() -> None:
    """plan-many, gaps-many and sweep take --scheduler, --workers, --threads-per-job and
    --weights alike, and plan-many and sweep --time-limit, --solver and --seed alike."""
    import typer.main

    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]

    def option(command: str, name: str) -> tuple[Any, ...]:
        (found,) = [p for p in commands[command].params if name in p.opts]
        return (found.opts, found.help, found.default, found.min, found.max)

    for name in ("--scheduler", "--workers", "--threads-per-job", "--weights"):
        assert option("plan-many", name) == option("gaps-many", name) == option("sweep", name)
    for name in ("--time-limit", "--solver", "--seed"):
        assert option("plan-many", name) == option("sweep", name)
    assert option("plan-many", "--threads-per-job")[2] == 1
