"""Background jobs: a plan or a schedule runs apart from the request that started it.

A job is ``queued``, then ``running`` (with the planner's ``stage`` and
``progress`` share, as the command line's bar shows them), then ``done`` (its
``result``), ``failed`` (its problems) or ``timed_out``: a job that runs longer
than its limit is stopped at the planner's next progress report. Only so many
jobs may wait at once (``Jobs.submit`` refuses more with 503).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, Problem
from ..words.problems import problem
from .problems import Refused

__all__ = ["Job", "JobStopped", "Jobs"]

#: A job's work: called with the progress callback, returns the result as plain data.
Work = Callable[[Callable[[str, float], None]], dict[str, Any]]
#: States a job ends in.
FINAL = ("done", "failed", "timed_out")


class JobStopped(Exception):
    """Raised inside a job's progress callback when its time is up."""


@dataclass
class Job:
    """One background job and where it stands."""

    job_id: str
    kind: str
    owner: str
    municipality: str | None
    limit_s: float
    state: str = "queued"
    stage: str = ""
    progress: float = 0.0
    started: float | None = None
    finished: float | None = None
    result: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        """The job's state as plain data (without its result)."""
        took = None
        if self.started is not None:
            took = round((self.finished or time.monotonic()) - self.started, 3)
        return {
            "job_id": self.job_id,
            "kind": self.kind,
            "state": self.state,
            "stage": self.stage,
            "progress": round(self.progress, 4),
            "seconds": took,
            "limit_seconds": self.limit_s,
            "problems": [str(p) for p in self.problems],
        }


class Jobs:
    """The service's jobs, run ``workers`` at a time, at most ``waiting`` unfinished."""

    def __init__(self, *, workers: int = 1, waiting: int = 8, limit_s: float = 900.0) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="brobygger-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.waiting = waiting
        self.limit_s = limit_s

    def submit(self, kind: str, work: Work, *, owner: str, municipality: str | None) -> Job:
        """Queue ``work`` as a new job of ``owner``."""
        with self._lock:
            open_jobs = sum(j.state not in FINAL for j in self._jobs.values())
            if open_jobs >= self.waiting:
                template = "{count} jobs are running or waiting; try again later"
                raise Refused(503, "job", [problem("job", None, None, template, count=open_jobs)])
            job = Job(uuid.uuid4().hex, kind, owner, municipality, self.limit_s)
            self._jobs[job.job_id] = job
        self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job ``job_id``, or ``None``."""
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: Job, work: Work) -> None:
        job.state, job.started = "running", time.monotonic()
        deadline = job.started + job.limit_s

        def progress(stage: str, share: float) -> None:
            if time.monotonic() > deadline:
                raise JobStopped
            job.stage, job.progress = str(stage), float(share)

        try:
            result = work(progress)
        except JobStopped:
            job.state = "timed_out"
            template = "stopped after {seconds:g} s, the longest a job may run"
            job.problems = [problem("job", None, None, template, seconds=job.limit_s)]
        except InputError as exc:
            job.state, job.problems = "failed", list(exc.problems)
        except Exception:  # the job's own failure, never the service's
            job.state = "failed"
            job.problems = [problem("job", None, None, "the job failed; try again")]
        else:
            if time.monotonic() > deadline:
                job.state = "timed_out"
                template = "stopped after {seconds:g} s, the longest a job may run"
                job.problems = [problem("job", None, None, template, seconds=job.limit_s)]
            else:
                job.state, job.result, job.progress = "done", result, 1.0
        job.finished = time.monotonic()

    def close(self) -> None:
        """Stop taking jobs; running ones finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)
