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
