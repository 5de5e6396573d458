"""The page's background runner: results, progress and errors reach the page on the
kernel's event loop, failures are worded and logged, and stale results are dropped."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest

from matcher.errors import InputError
from matcher.ui.runner import Runner
from matcher.words.app import text
from matcher.words.problems import problem, problems_text


async def _finished(runner: Runner, seconds: float = 30) -> None:
    """Let the loop run until the runner is idle again."""
    for _ in range(int(seconds / 0.01)):
        await asyncio.sleep(0.01)
        if not runner.busy:
            return
    raise AssertionError("the task did not finish")


def test_result_progress_and_busy_change_on_the_loops_thread() -> None:
    """With a running loop, done, report and busy all run on the loop's thread, not the worker's."""
    seen: dict[str, Any] = {"busy": [], "progress": []}

    async def main() -> None:
        runner = Runner()
        here = threading.current_thread()
        runner.observe(
            lambda c: seen["busy"].append((c["new"], threading.current_thread())), names="busy"
        )
        runner.observe(
            lambda c: seen["progress"].append((c["new"], threading.current_thread())),
            names="progress",
        )
        release = threading.Event()

        def work() -> int:
            seen["worker"] = threading.current_thread()
            runner.report("2 af 6 uger")
            release.wait(10)
            return 42

        def done(result: int) -> None:
            seen["done"] = (result, threading.current_thread())
            # a map's fit_bounds schedules a coroutine: it needs the running loop here
            seen["task"] = asyncio.ensure_future(asyncio.sleep(0))

        assert runner.start(work, done, label="plan")
        for _ in range(1000):
            await asyncio.sleep(0.01)
            if runner.progress:
                break
        assert runner.progress == "2 af 6 uger" and runner.busy
        release.set()
        await _finished(runner)
        await seen["task"]
        seen["here"] = here

    asyncio.run(main())
    here = seen["here"]
    assert seen["worker"] is not here
    assert seen["done"] == (42, here)
    assert [value for value, _ in seen["busy"]] == [True, False]
    assert all(thread is here for _, thread in seen["busy"] + seen["progress"])
    assert ("2 af 6 uger", here) in seen["progress"]


def test_a_second_start_while_busy_is_refused() -> None:
    """While a task runs, another start returns False and its work never runs."""
    runner = Runner()
    release = threading.Event()
    ran: list[str] = []
    assert runner.start(lambda: release.wait(10), lambda _: ran.append("first"), label="a")
    assert not runner.start(lambda: ran.append("second work"), ran.append, label="b")
    release.set()
    assert runner.wait(30)
    assert ran == ["first"] and not runner.busy
    assert runner.start(lambda: "again", ran.append, label="c", background=False)
    assert ran == ["first", "again"]


def test_an_input_error_is_worded_in_the_pages_language() -> None:
    """A refused input shows the problems in the page's language, and nothing is logged."""
    found = problem("", None, "--start", "'{text}' is not a time of day (HH:MM)", text="25:00")

    def work() -> None:
        raise InputError([found])

    shown = {}
    for lang in ("da", "en"):
        runner = Runner(lang=lambda lang=lang: lang)
        runner.start(work, lambda _: None, label="sites", background=False)
        shown[lang] = runner.error
        assert runner.error == "; ".join(problems_text((found,), lang))
        assert "--start" in runner.error and not runner.busy
    assert shown["da"] != shown["en"]


def test_any_other_failure_says_so_plainly_and_logs_the_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected exception shows a plain sentence, never the exception, and its
    traceback goes to the log at ERROR, named by the task's label."""

    def work() -> None:
        raise ZeroDivisionError("P00001 broke it")

    with caplog.at_level(logging.ERROR, logger="matcher.ui.runner"):
        for lang in ("en", "da"):
            runner = Runner(lang=lambda lang=lang: lang)
            assert runner.start(work, lambda _: None, label="coverage")
            assert runner.wait(30)
            assert runner.error == text("work_failed", lang)
            assert "P00001" not in runner.error and "ZeroDivision" not in runner.error
    records = [r for r in caplog.records if r.name == "matcher.ui.runner"]
    assert len(records) == 2 and all(r.levelno == logging.ERROR for r in records)
    assert records[0].getMessage() == "Exception in a background task (coverage):"
    assert "P00001" not in records[0].getMessage()
    assert "ZeroDivisionError: P00001 broke it" in caplog.text  # the traceback, only there
    assert "Traceback" in caplog.text


def test_a_failing_done_is_reported_like_failing_work(caplog: pytest.LogCaptureFixture) -> None:
    """An exception while showing the result is caught, worded and logged too; busy ends."""

    def done(_: Any) -> None:
        raise KeyError("shown")

    runner = Runner(lang=lambda: "en")
    with caplog.at_level(logging.ERROR, logger="matcher.ui.runner"):
        runner.start(lambda: 1, done, label="plan", background=False)
    assert runner.error == text("work_failed", "en") and not runner.busy
    assert "KeyError" in caplog.text


def test_a_result_that_comes_after_the_data_changed_is_dropped() -> None:
    """forget() while a task runs: its result and its progress never arrive; busy ends."""
    runner = Runner()
    release = threading.Event()
    got: list[Any] = []
    runner.start(lambda: (release.wait(10), "old")[1], got.append, label="plan")
    runner.forget()
    assert runner.stale
    runner.report("late words")
    release.set()
    assert runner.wait(30)
    assert got == [] and not runner.busy and runner.progress == ""
    runner.start(lambda: "new", got.append, label="plan")
    assert runner.wait(30)
    assert got == ["new"]


def test_a_stale_result_is_dropped_on_the_loop_too() -> None:
    """With a loop, a task whose data changed delivers nothing, and an error is cleared."""
    got: list[Any] = []

    async def main() -> Runner:
        runner = Runner()
        release = threading.Event()
        runner.start(lambda: (release.wait(10), "old")[1], got.append, label="sites")
        runner.error = "earlier"
        runner.forget()
        release.set()
        await _finished(runner)
        return runner

    runner = asyncio.run(main())
    assert got == [] and runner.error == ""


def test_without_a_loop_the_result_is_delivered_before_wait_returns() -> None:
    """In a script (no loop) the worker delivers, and wait() returns after done ran."""
    runner = Runner()
    got: list[Any] = []
    assert runner.start(lambda: 7, got.append, label="plan")
    assert runner.wait(30)
    assert got == [7] and not runner.busy and runner.task == ""


def test_a_closed_loop_drops_the_result_without_raising() -> None:
    """A kernel that is ending (its loop closed) does not make the worker fail."""
    loop = asyncio.new_event_loop()
    loop.close()
    runner = Runner(loop=loop)
    errors: list[Any] = []
    hook = threading.excepthook
    threading.excepthook = errors.append
    try:
        runner.start(lambda: 1, lambda _: None, label="plan")
        assert runner._thread is not None
        runner._thread.join(30)
    finally:
        threading.excepthook = hook
    assert errors == []
