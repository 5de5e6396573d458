"""A ``dask.distributed`` client, and the jobs run on it with progress.

Without a scheduler address the client starts a ``LocalCluster`` of worker
processes on this machine, one job at a time in each, every process with the
thread variables of its jobs (``threads.thread_env``). With an address
(``tcp://host:8786``) it connects to a running scheduler; its workers read the
dataset folders and write the results at the same paths, so ROOT and OUT must
be on a file system they share.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .jobs import FAILED, JobOptions, JobResult
from .threads import Split, thread_env

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["Job", "dask_missing", "open_client", "run_calls", "run_jobs"]

Job = Callable[[str, str, JobOptions], JobResult]
#: Seconds to wait for a scheduler that does not answer.
CONNECT_TIMEOUT = 20
#: Dask's nannies give their workers ``MALLOC_TRIM_THRESHOLD_``, which turns off glibc's
#: moving mmap threshold: every large numpy array is mapped and unmapped again and a plan
#: takes about twice as long as in a plain process. The local cluster's workers go
#: without it (a worker started by hand takes it from the Dask configuration).
LOCAL_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


def dask_missing() -> bool:
    """True when ``dask.distributed`` is not installed (the ``[scale]`` extra)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return True
    return False


@contextlib.contextmanager
def open_client(
    split: Split, scheduler: str | None = None, *, processes: bool = True
) -> Iterator[Client]:
    """A client of a new ``LocalCluster`` (``split.workers`` processes, one job each at
    a time) or of the scheduler at ``scheduler``; closed when the block ends. Without
    ``processes`` the local workers are threads of this process (for tests: what is
    patched here holds in the jobs too)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler, timeout=CONNECT_TIMEOUT) as client:
            yield client
        return
    with (
        dask.config.set(LOCAL_CONFIG),
        LocalCluster(
            n_workers=split.workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.ERROR,
            # threads share this process's environment; processes start with the job's
            **({"env": thread_env(split.threads)} if processes else {}),
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def run_calls(
    client: Client,
    function: Callable[..., JobResult],
    calls: Sequence[tuple[str, tuple[object, ...]]],
    *,
    done: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """``function(*arguments)`` for every ``(name, arguments)`` of ``calls`` on
    ``client``'s workers; ``done`` is called with each result as it arrives. Results
    in the order of ``calls``; a call whose worker died comes back ``FAILED`` under
    its name."""
    from distributed import as_completed

    run = uuid.uuid4().hex  # keys of their own: a scheduler keeps results of other runs by key
    futures = {
        client.submit(function, *arguments, key=f"{name}-{run}-{i}"): i
        for i, (name, arguments) in enumerate(calls)
    }
    results: list[JobResult | None] = [None] * len(calls)
    for future in as_completed(futures):
        index = futures[future]
        try:
            result = future.result()
        except Exception as exc:  # the worker itself failed (killed, out of memory)
            result = JobResult(calls[index][0], FAILED, 0.0, error=f"{type(exc).__name__}")
        results[index] = result
        if done is not None:
            done(result)
    return [r for r in results if r is not None]


def run_jobs(
    client: Client,
    job: Job,
    folders: Sequence[Path],
    out: Path,
    options: JobOptions,
    *,
    done: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """``job(folder, out, options)`` for every folder on ``client``'s workers; ``done``
    is called with each result as it arrives. Results in the order of ``folders``; a
    job whose worker died comes back ``FAILED``."""
    calls = [(folder.name, (str(folder), str(out), options)) for folder in folders]
    return run_calls(client, job, calls, done=done)
