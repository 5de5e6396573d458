"""The app's state, apart from any widget: traitlets objects with actions.

Views observe these objects and call their actions; tests drive the actions
directly, without a browser. Long work (planning) runs in a background thread
and reports progress through traits, so the page never freezes.
"""

from __future__ import annotations

import shutil
import threading
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from traitlets import Any as AnyTrait
from traitlets import Bool, Float, HasTraits, Int, List, Unicode

from ..dataset.load import Dataset, load_dataset
from ..errors import InputError, Problem
from ..words.problems import problems_text

__all__ = ["DataState", "PlanStopped", "PlanningState"]


def _remove_folders(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    folders.clear()


def within(path: Path, roots: Iterable[Path]) -> bool:
    """Whether ``path`` (resolved: links followed) is one of ``roots`` or under one."""
    resolved = path.resolve()
    return any(resolved == root or root in resolved.parents for root in roots)


class DataState(HasTraits):
    """The dataset the app works on, and what went wrong loading one.

    ``roots`` are the folders whose datasets ``open`` (the page's folder box)
    may load, besides this state's own uploads; ``None`` (the default, for
    scripts and tests) allows any folder. The app gives every page the roots of
    ``brobygger app``, so one page cannot read another page's upload or any
    other folder the server can read. Uploaded files are kept in a folder of
    their own until the next upload, and removed when the state is (at the
    latest when its kernel ends).
    """

    path = Unicode("")
    dataset = AnyTrait(None, allow_none=True)
    #: The loader's problems, each ``file:row:column: message`` (English).
    problems = List(Unicode())
    warnings = List(Unicode())
    version = Int(0)
    lang = Unicode("da")
    #: The folder ``open`` refused last (outside ``roots``); "" when none.
    refused = Unicode("")

    def __init__(self, roots: Iterable[str | Path] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: The same problems as ``Problem``s, for the page to word in its language.
        self.found: tuple[Problem, ...] = ()
        self.roots: tuple[Path, ...] | None = (
            None if roots is None else tuple(Path(r).resolve() for r in roots)
        )
        self.uploads: list[Path] = []
        self._cleanup = weakref.finalize(self, _remove_folders, self.uploads)

    def open(self, path: str | Path) -> bool:
        """Load the folder typed in the page: only one of ``roots`` or under one
        (or this state's own upload); any other is refused (``refused``)."""
        folder = Path(path)
        if self.roots is not None and not within(folder, (*self.roots, *self.uploads)):
            self.refused = str(path)
            return False
        self.refused = ""
        return self.load(folder)

    def load(self, path: str | Path) -> bool:
        """Load the dataset in ``path``; on bad input keep the previous one.

        Returns True when loaded. The loader's messages (``file:row:column:
        message``) are kept in ``problems``, never a traceback.
        """
        try:
            dataset = load_dataset(path)
        except InputError as exc:
            self.found = exc.problems
            self.problems = [str(p) for p in exc.problems]
            return False
        self.use(dataset, str(path))
        return True

    def load_files(self, files: dict[str, bytes]) -> bool:
        """Load a dataset from uploaded files (name -> content).

        The files are written to a new folder of this state's own (readable
        only by the server's user); it replaces the folder of an earlier
        upload, and is removed when it fails to load or the state ends.
        """
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="brobygger-upload-"))
        try:
            for name, content in files.items():
                (folder / Path(name).name).write_bytes(content)
            loaded = self.load(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if not loaded:
            shutil.rmtree(folder, ignore_errors=True)
            return False
        _remove_folders(self.uploads)
        self.uploads.append(folder)
        return True

    def close(self) -> None:
        """Remove this state's uploaded files now (also done when it is collected
        or its kernel ends)."""
        _remove_folders(self.uploads)

    def use(self, dataset: Dataset, path: str = "") -> None:
        """Work on ``dataset`` from now on."""
        self.found = ()
        self.problems = []
        self.warnings = [str(w) for w in dataset.warnings]
        self.path = path
        self.dataset = dataset
        self.version += 1


class PlanStopped(Exception):
    """Raised inside a plan when the user pressed stop."""


class PlanningState(HasTraits):
    """The batch plan of the whole waiting list, run in the background."""

    running = Bool(False)
    stage = Unicode("")
    progress = Float(0.0)
    result = AnyTrait(None, allow_none=True)  # matcher.planning.result.Plan
    schedule = AnyTrait(None, allow_none=True)  # matcher.planning.schedule.Schedule
    error = Unicode("")
    stopped = Bool(False)

    def __init__(self, data: DataState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data = data
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        data.observe(self._forget, names="version")

    def _forget(self, change: Any) -> None:
        self.result = None
        self.schedule = None
        self.error = ""

    def _progress(self, stage: str, share: float) -> None:
        if self._stop.is_set():
            raise PlanStopped
        self.stage = stage
        self.progress = share

    def _work(self, over_weeks: bool = False, **options: Any) -> None:
        from ..planning.plan import plan
        from ..planning.schedule import schedule

        try:
            if over_weeks:
                self.schedule = schedule(self.data.dataset, progress=self._progress, **options)
            else:
                self.result = plan(self.data.dataset, progress=self._progress, **options)
        except PlanStopped:
            self.stopped = True
        except InputError as exc:
            self.error = "; ".join(problems_text(exc.problems, self.data.lang))
        except Exception as exc:  # shown in the page, never a traceback
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.running = False
            self.stage = ""

    def run(self, background: bool = True, **options: Any) -> None:
        """Plan everyone; in a thread unless ``background`` is False."""
        if self.running or self.data.dataset is None:
            return
        self._stop.clear()
        self.stopped = False
        self.error = ""
        self.running = True
        self.progress = 0.0
        if background:
            self._thread = threading.Thread(target=self._work, kwargs=options, daemon=True)
            self._thread.start()
        else:
            self._work(**options)

    def run_schedule(
        self,
        weeks: int = 12,
        budgets: tuple[float, ...] = (0.0, 40.0, 80.0),
        guarantee_days: int = 28,
        background: bool = True,
    ) -> None:
        """Plan over ``weeks`` weeks with the waiting-time guarantee and, when
        the data has candidate teams, the trade-off for each staff-hour budget."""
        has_candidates = self.data.dataset is not None and self.data.dataset.candidates is not None
        self.run(
            background,
            over_weeks=True,
            weeks=int(weeks),
            guarantee_days=int(guarantee_days),
            budgets=tuple(sorted(budgets)) if has_candidates else (0.0,),
            time_limit=10.0,
        )

    def stop(self) -> None:
        """Ask a running plan to stop at its next step; the last plan stays."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background plan to finish (for tests and scripts)."""
        if self._thread is not None:
            self._thread.join(timeout)
