"""How many processes, and how many threads inside each job.

A job's threads are CP-SAT's search workers and the threads numpy's linear
algebra libraries start (OpenMP, OpenBLAS, MKL, numexpr). They are set by
environment variables read when those libraries load, so a worker process gets
them when it starts (``thread_env``). Processes × threads never exceeds the
cores unless asked for explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: The variables numpy's libraries read for their thread count.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Split:
    """Worker processes, threads inside each job, and the cores they share."""

    workers: int
    threads: int
    cores: int

    @property
    def oversubscribed(self) -> bool:
        """True when processes × threads is more than the cores."""
        return self.workers * self.threads > self.cores


def split_cores(workers: int | None, threads: int, available: int | None = None) -> Split:
    """``workers`` processes of ``threads`` threads each; without ``workers``, as
    many as fit in the cores (at least one)."""
    if threads < 1:
        raise ValueError("a job needs at least one thread")
    total = cores() if available is None else available
    chosen = max(1, total // threads) if workers is None else workers
    if chosen < 1:
        raise ValueError("at least one worker is needed")
    return Split(workers=chosen, threads=threads, cores=total)


def thread_env(threads: int) -> dict[str, str]:
    """The environment that keeps numpy's libraries to ``threads`` threads."""
    return {name: str(threads) for name in THREAD_VARIABLES}


def limit_threads(threads: int) -> None:
    """Set the thread variables in this process (read by libraries not loaded yet, and
    by any process it starts)."""
    os.environ.update(thread_env(threads))
