"""Jobs on a Dask LocalCluster: every folder's result, in order, as they arrive."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from scale_support import demo_root

from matcher.scale.cluster import dask_missing, open_client, run_calls, run_jobs
from matcher.scale.jobs import BAD_INPUT, FAILED, JobOptions, JobResult, plan_job
from matcher.scale.threads import Split

if dask_missing():  # pragma: no cover - the [scale] extra is installed for the tests
    pytest.skip("dask.distributed (brobygger[scale]) is not installed", allow_module_level=True)

from distributed import Client


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """One 2-worker LocalCluster of processes, 1 thread in each job, for the module."""
    with open_client(Split(workers=2, threads=1, cores=2)) as opened:
        yield opened


def _thread_variable(folder: str, out: str, options: JobOptions) -> JobResult:
    """A job that reports the worker's OMP_NUM_THREADS as its status."""
    return JobResult(Path(folder).name, os.environ.get("OMP_NUM_THREADS", ""), 0.0)


def _dies(folder: str, out: str, options: JobOptions) -> JobResult:
    raise RuntimeError("the worker lost its job")


def test_every_folder_comes_back_in_order_and_each_is_reported(
    client: Client, tmp_path: Path
) -> None:
    """run_jobs returns one result per folder in the folders' order; done() sees each once."""
    folders = demo_root(tmp_path / "root", 3, bad=True)
    seen: list[str] = []
    results = run_jobs(
        client,
        plan_job,
        folders,
        tmp_path / "out",
        JobOptions(),
        done=lambda r: seen.append(r.folder),
    )
    assert [r.folder for r in results] == [f.name for f in folders]
    assert sorted(seen) == sorted(f.name for f in folders)
    statuses = {r.folder: r.status for r in results}
    assert statuses.pop("broken") == BAD_INPUT
    assert set(statuses.values()) == {"OPTIMAL"}
    assert len(client.scheduler_info()["workers"]) == 2


def test_workers_start_with_the_thread_variables_of_a_job(client: Client, tmp_path: Path) -> None:
    """Each worker process of the LocalCluster has OMP_NUM_THREADS set to the job's threads."""
    results = run_jobs(client, _thread_variable, [tmp_path / "a"], tmp_path, JobOptions())
    assert results[0].status == "1"


def _trim_variable(folder: str, out: str, options: JobOptions) -> JobResult:
    """A job that reports the worker's MALLOC_TRIM_THRESHOLD_ as its status."""
    return JobResult(Path(folder).name, os.environ.get("MALLOC_TRIM_THRESHOLD_", "unset"), 0.0)


def test_workers_keep_glibc_s_own_memory_trimming(client: Client, tmp_path: Path) -> None:
    """The local workers run without Dask's MALLOC_TRIM_THRESHOLD_ (which doubles a plan's time)."""
    results = run_jobs(client, _trim_variable, [tmp_path / "a"], tmp_path, JobOptions())
    assert results[0].status != "65536"


def test_runs_over_folders_of_the_same_names_get_their_own_results(
    client: Client, tmp_path: Path
) -> None:
    """Two runs over a folder of the same name on one cluster: each gets its own job's result."""
    first = run_jobs(client, _thread_variable, [tmp_path / "same"], tmp_path, JobOptions())
    second = run_jobs(client, _dies, [tmp_path / "same"], tmp_path, JobOptions())
    assert first[0].status == "1" and second[0].status == FAILED


def test_a_job_that_raises_is_failed_and_the_others_finish(client: Client, tmp_path: Path) -> None:
    """An exception out of a job (a lost worker) becomes FAILED; the run does not stop."""
    results = run_jobs(client, _dies, [tmp_path / "a", tmp_path / "b"], tmp_path, JobOptions())
    assert [r.status for r in results] == [FAILED, FAILED]
    assert [r.folder for r in results] == ["a", "b"]


def test_calls_come_back_in_their_order_under_their_names(client: Client, tmp_path: Path) -> None:
    """run_calls returns one result per call in the calls' order; a call whose job raises
    is FAILED under the call's own name (a sweep's scenario, not a folder)."""
    calls = [
        ("first", (str(tmp_path / "a"), str(tmp_path), JobOptions())),
        ("second", (str(tmp_path / "b"), str(tmp_path), JobOptions())),
    ]
    assert [r.status for r in run_calls(client, _thread_variable, calls)] == ["1", "1"]
    lost = run_calls(client, _dies, calls)
    assert [(r.folder, r.status) for r in lost] == [("first", FAILED), ("second", FAILED)]
