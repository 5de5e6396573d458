"""Processes × threads: the cores are shared, never oversubscribed by default."""

from __future__ import annotations

import os

import pytest

from matcher.scale.threads import THREAD_VARIABLES, cores, limit_threads, split_cores, thread_env


def test_default_workers_fill_the_cores_with_the_threads_of_a_job() -> None:
    """Without --workers, workers × threads is at most the cores, and at least one worker."""
    for available in (1, 2, 3, 8, 16):
        for threads in (1, 2, 3, 4):
            split = split_cores(None, threads, available)
            assert split.workers >= 1
            assert split.workers == max(1, available // threads)
            assert not split.oversubscribed or split.workers == 1


def test_given_workers_are_kept_and_oversubscription_is_said() -> None:
    """An explicit worker count is kept; more threads than cores is flagged."""
    assert split_cores(4, 2, 4).oversubscribed
    assert not split_cores(2, 2, 4).oversubscribed
    assert split_cores(3, 1, 2).workers == 3


def test_a_job_needs_a_thread_and_a_worker() -> None:
    """Zero threads or workers is refused."""
    with pytest.raises(ValueError):
        split_cores(None, 0, 4)
    with pytest.raises(ValueError):
        split_cores(0, 1, 4)


def test_cores_counts_this_process_s_cores() -> None:
    """cores() is the affinity of this process, at least one."""
    assert 1 <= cores() <= (os.cpu_count() or 1)


def test_thread_env_names_every_library_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread variables of OpenMP, OpenBLAS, MKL and numexpr are set to the count."""
    assert thread_env(3) == {name: "3" for name in THREAD_VARIABLES}
    for name in THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    limit_threads(2)
    assert {os.environ[name] for name in THREAD_VARIABLES} == {"2"}
    assert "OMP_NUM_THREADS" in THREAD_VARIABLES
