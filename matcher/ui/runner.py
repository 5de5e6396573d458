"""Background work of a page, delivered back on the kernel's event loop.

Every long task of the app (a plan, a plan over weeks, coverage, sites) runs
through one ``Runner``: the work runs in a worker thread, and everything it
hands back (its result, its progress, its error, ``busy`` going off) reaches
the page on the kernel's event loop, the thread that handles the page's
messages. So every trait change and every widget update happens there, and
widgets that need the loop (a map's ``fit_bounds`` is a coroutine) work.

The loop is the one running when the runner is made (a notebook cell, a
button's callback); where none runs (a plain script, the unit tests) the
result is delivered from the worker thread as it finishes, and ``wait``
returns once it is. A failure never escapes silently: a refused input
(``InputError``) is worded in the page's language; any other exception
becomes a plain sentence saying the work failed, and its traceback goes to
the server's log (logger ``matcher.ui.runner``, which ``errors`` sends to the
log of ``brobygger app``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from traitlets import Bool, HasTraits, Unicode

from ..errors import InputError
from ..words.app import text
from ..words.problems import problems_text

__all__ = ["Runner"]

log = logging.getLogger(__name__)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Runner(HasTraits):
    """One background task at a time for a page, with its progress and error.

    ``lang`` gives the page's language when an error is worded; ``loop`` is the
    event loop results are delivered on (default: the one running now, else
    the one running at the first ``start``; without one, results are
    delivered from the worker thread).
    """

    busy = Bool(False)
    #: What the running task said last through ``report`` ("" when idle).
    progress = Unicode("")
    #: What went wrong with the last task, in the page's language ("" when nothing).
    error = Unicode("")
    #: The label of the running task ("" when idle).
    task = Unicode("")

    def __init__(
        self,
        lang: Callable[[], str] = lambda: "da",
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._lang = lang
        self._loop = loop or _running_loop()
        self._loop_thread = threading.current_thread() if self._loop is not None else None
        self._lock = threading.RLock()
        self._generation = 0  # bumped by ``forget``: a task of an older one is stale
        self._token = 0  # the generation the running task was started in
        self._thread: threading.Thread | None = None
        self._finished = threading.Event()
        self._finished.set()

    # -- starting and waiting ---------------------------------------------
    def start(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        *,
        label: str,
        background: bool = True,
    ) -> bool:
        """Run ``work()`` in a worker thread, then ``done(result)`` on the loop.

        Returns False (and runs nothing) while another task is busy. With
        ``background`` False both run now, in this thread.
        """
        with self._lock:
            if self.busy:
                return False
            if self._loop is None:
                self._loop = _running_loop()
                self._loop_thread = threading.current_thread() if self._loop else None
            self._token = self._generation
            self._finished.clear()
            self.error = ""
            self.progress = ""
            self.task = label
            self.busy = True
        token = self._token
        if not background:
            self._finish(token, label, done, *self._attempt(work))
            return True
        self._thread = threading.Thread(
            target=self._run,
            args=(token, label, work, done),
            name=f"brobygger-{label}",
            daemon=True,
        )
        self._thread.start()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the task has finished and its result was delivered (for
        tests and scripts); True when it has. On the loop's own thread only the
        worker is waited for: the delivery follows when the loop runs again."""
        if self._loop is not None and threading.current_thread() is self._loop_thread:
            if self._thread is not None:
                self._thread.join(timeout)
            return self._thread is None or not self._thread.is_alive()
        return self._finished.wait(timeout)

    def forget(self) -> None:
        """The data changed: a result still to come is dropped, and the last
        error is cleared. A running task still keeps ``busy`` until it ends."""
        with self._lock:
            self._generation += 1
        self.error = ""

    @property
    def stale(self) -> bool:
        """Whether the running task's result will be dropped (``forget`` since it began)."""
        return self._token != self._generation

    # -- from the work ------------------------------------------------------
    def report(self, words: str) -> None:
        """Say how far the work has come (any thread); shown as ``progress``."""
        self.call(self._report, words)

    def call(self, function: Callable[..., Any], *args: Any) -> None:
        """Run ``function(*args)`` on the loop (any thread): at once on the loop's
        own thread or without a loop. Dropped when the running task is stale."""
        token = self._token

        def deliver() -> None:
            if token == self._generation:
                function(*args)

        self._deliver(deliver)

    def _report(self, words: str) -> None:
        if self.busy:
            self.progress = words

    # -- inside -------------------------------------------------------------
    def _deliver(self, function: Callable[[], None]) -> None:
        loop = self._loop
        if loop is None or threading.current_thread() is self._loop_thread:
            function()
            return
        try:
            loop.call_soon_threadsafe(function)
        except RuntimeError:  # the loop is closed: the kernel is ending
            log.info("the page's event loop is closed; a background result is dropped")

    @staticmethod
    def _attempt(work: Callable[[], Any]) -> tuple[Any, BaseException | None]:
        try:
            return work(), None
        except Exception as exc:
            return None, exc

    def _run(
        self, token: int, label: str, work: Callable[[], Any], done: Callable[[Any], None]
    ) -> None:
        result, failure = self._attempt(work)
        self._deliver(lambda: self._finish(token, label, done, result, failure))

    def _finish(
        self,
        token: int,
        label: str,
        done: Callable[[Any], None],
        result: Any,
        failure: BaseException | None,
    ) -> None:
        try:
            if token != self._generation:
                return  # the data changed while the task ran: its result is not for it
            if failure is None:
                try:
                    done(result)
                except Exception as exc:
                    failure = exc
            if failure is not None:
                self.error = self._worded(label, failure)
        finally:
            with self._lock:
                self.progress = ""
                self.task = ""
                self.busy = False
            self._finished.set()

    def _worded(self, label: str, failure: BaseException) -> str:
        lang = self._lang()
        if isinstance(failure, InputError):
            return "; ".join(problems_text(failure.problems, lang))
        log.error("Exception in a background task (%s):", label, exc_info=failure)
        return text("work_failed", lang)
