"""Background jobs: states, progress, the time limit and the queue's limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from matcher.errors import InputError
from matcher.service.jobs import Jobs
from matcher.service.problems import Refused
from matcher.words.problems import problem

Progress = Callable[[str, float], None]


def _wait(jobs: Jobs, job_id: str) -> str:
    for _ in range(200):
        job = jobs.get(job_id)
        assert job is not None
        if job.state in ("done", "failed", "timed_out"):
            return job.state
        time.sleep(0.02)
    raise AssertionError("job did not end")


def test_a_job_reports_its_stage_and_ends_with_its_result() -> None:
    """The progress callback's stage and share are the job's; its return value its result."""
    jobs = Jobs()
    seen = threading.Event()
    go = threading.Event()

    def work(progress: Progress) -> dict[str, int]:
        progress("solving", 0.5)
        seen.set()
        go.wait(5)
        return {"placed": 3}

    job = jobs.submit("plan", work, owner="a", municipality=None)
    assert seen.wait(5)
    assert (job.state, job.stage, job.progress) == ("running", "solving", 0.5)
    go.set()
    assert _wait(jobs, job.job_id) == "done"
    assert job.result == {"placed": 3} and job.view()["progress"] == 1.0


def test_a_job_s_bad_input_or_failure_is_failed_with_problems_only() -> None:
    """Bad input gives the job its problems; any other failure a plain problem, no text."""
    jobs = Jobs()

    def bad(progress: Progress) -> dict[str, int]:
        raise InputError([problem("patients.csv", 2, "lat", "is missing")])

    def broken(progress: Progress) -> dict[str, int]:
        raise RuntimeError("secret P00001")

    first = jobs.submit("plan", bad, owner="a", municipality=None)
    second = jobs.submit("plan", broken, owner="a", municipality=None)
    assert _wait(jobs, first.job_id) == _wait(jobs, second.job_id) == "failed"
    assert first.view()["problems"] == ["patients.csv:2:lat: is missing"]
    assert "P00001" not in str(second.view())


def test_a_job_past_its_limit_is_stopped_at_its_next_report() -> None:
    """A job still reporting progress after its limit is ``timed_out``."""
    jobs = Jobs(limit_s=0.05)

    def slow(progress: Progress) -> dict[str, int]:
        for step in range(100):
            progress("solving", step / 100)
            time.sleep(0.01)
        return {}

    job = jobs.submit("plan", slow, owner="a", municipality=None)
    assert _wait(jobs, job.job_id) == "timed_out"
    assert job.result is None


def test_more_jobs_than_may_wait_are_refused_with_503() -> None:
    """With room for two unfinished jobs, a third is refused."""
    jobs = Jobs(waiting=2)
    go = threading.Event()

    def blocked(progress: Progress) -> dict[str, int]:
        go.wait(5)
        return {}

    jobs.submit("plan", blocked, owner="a", municipality=None)
    jobs.submit("plan", blocked, owner="a", municipality=None)
    with pytest.raises(Refused) as refused:
        jobs.submit("plan", blocked, owner="a", municipality=None)
    assert refused.value.status == 503
    go.set()
