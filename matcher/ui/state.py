"""The app's state, apart from any widget: traitlets objects with actions.

Views observe these objects and call their actions; tests drive the actions
directly, without a browser. Long work (planning) runs in a background thread
through a ``runner.Runner``, which hands its progress and result back on the
kernel's event loop, so the page never freezes and widgets change only there.
"""

from __future__ import annotations

import shutil
import threading
import weakref
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from traitlets import Any as AnyTrait
from traitlets import Bool, Float, HasTraits, Int, List, Unicode, directional_link

from ..dataset.load import Dataset, load_dataset
from ..errors import InputError, Problem
from ..words.app import code_text, text
from ..words.problems import problem
from .runner import Runner

__all__ = ["DataState", "PlanStopped", "PlanningState"]

_NOT_IN_FOLDER = "file not found in {folder}"
_NOT_UPLOADED = "was not among the files uploaded; choose it together with the others"


def _same(value: object, folder: Path) -> bool:
    return value is not None and Path(str(value)).resolve() == folder.resolve()


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
            self._not_uploaded(folder)
            return False
        _remove_folders(self.uploads)
        self.uploads.append(folder)
        return True

    def _not_uploaded(self, folder: Path) -> None:
        """A file missing from an upload is said so, without the server's folder."""
        found = tuple(
            problem(p.file, p.row, p.column, _NOT_UPLOADED)
            if p.template == _NOT_IN_FOLDER and _same(dict(p.values).get("folder"), folder)
            else p
            for p in self.found
        )
        self.found, self.problems = found, [str(p) for p in found]

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


#: What a plan that was stopped hands back instead of a result.
_STOPPED = object()


class PlanningState(HasTraits):
    """The batch plan of the whole waiting list, run in the background.

    The plan runs through a ``Runner`` (``self.runner``): its result, stages
    and errors reach these traits on the kernel's event loop, and a plan
    whose data changed while it ran is stopped and its result dropped.
    """

    running = Bool(False)
    #: The same as ``running``, under the name the other states use.
    busy = Bool(False)
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
        #: When the last plan ("plan") and plan over weeks ("schedule") were computed.
        self.computed: dict[str, datetime] = {}
        self.runner = Runner(lang=lambda: self.data.lang)
        directional_link((self.runner, "busy"), (self, "running"))
        directional_link((self.runner, "busy"), (self, "busy"))
        directional_link((self.runner, "error"), (self, "error"))
        self.runner.observe(self._ended, names="busy")
        data.observe(self._forget, names="version")

    def _forget(self, change: Any) -> None:
        if self.runner.busy:
            self._stop.set()  # its result is dropped anyway: end it soon
        self.runner.forget()
        self.result = None
        self.schedule = None

    def _progress(self, stage: str, share: float) -> None:
        """The plan's progress callback (in the worker): stops it when asked,
        and shows the stage on the page's loop."""
        if self._stop.is_set():
            raise PlanStopped
        self.runner.call(self._show_stage, stage, share)

    def _show_stage(self, stage: str, share: float) -> None:
        if not self.running:
            return
        self.stage = stage
        self.progress = share
        lang = self.data.lang
        self.runner.report(text("plan_running", lang, stage=code_text("stage", stage, lang)))

    def _work(self, dataset: Dataset, over_weeks: bool, options: dict[str, Any]) -> Any:
        from ..planning.plan import plan
        from ..planning.schedule import schedule

        try:
            if over_weeks:
                return schedule(dataset, progress=self._progress, **options)
            return plan(dataset, progress=self._progress, **options)
        except PlanStopped:
            return _STOPPED

    def _done(self, over_weeks: bool, found: Any) -> None:
        if found is _STOPPED:
            self.stopped = True
            return
        self.computed["schedule" if over_weeks else "plan"] = datetime.now()
        if over_weeks:
            self.schedule = found
        else:
            self.result = found

    def _ended(self, change: Any) -> None:
        if not change["new"]:
            self.stage = ""

    def run(self, background: bool = True, **options: Any) -> None:
        """Plan everyone; in a thread unless ``background`` is False."""
        dataset = self.data.dataset
        if self.running or dataset is None:
            return
        over_weeks = bool(options.pop("over_weeks", False))
        self._stop.clear()
        self.stopped = False
        self.progress = 0.0
        self.stage = ""
        self.runner.start(
            lambda: self._work(dataset, over_weeks, options),
            lambda found: self._done(over_weeks, found),
            label="schedule" if over_weeks else "plan",
            background=background,
        )

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
        self.runner.wait(timeout)
