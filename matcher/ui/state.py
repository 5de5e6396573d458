"""The app's state, apart from any widget: traitlets objects with actions.

Views observe these objects and call their actions; tests drive the actions
directly, without a browser. Long work (planning) runs in a background thread
and reports progress through traits, so the page never freezes.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from traitlets import Any as AnyTrait
from traitlets import Bool, Float, HasTraits, Int, List, Unicode

from ..errors import InputError
from ..io import Dataset, load_dataset

__all__ = ["DataState", "PlanStopped", "PlanningState"]


class DataState(HasTraits):
    """The dataset the app works on, and what went wrong loading one."""

    path = Unicode("")
    dataset = AnyTrait(None, allow_none=True)
    problems = List(Unicode())
    warnings = List(Unicode())
    version = Int(0)
    lang = Unicode("da")

    def load(self, path: str | Path) -> bool:
        """Load the dataset in ``path``; on bad input keep the previous one.

        Returns True when loaded. The loader's messages (``file:row:column:
        message``) are kept in ``problems``, never a traceback.
        """
        try:
            dataset = load_dataset(path)
        except InputError as exc:
            self.problems = [str(p) for p in exc.problems]
            return False
        self.use(dataset, str(path))
        return True

    def load_files(self, files: dict[str, bytes]) -> bool:
        """Load a dataset from uploaded files (name -> content)."""
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="brobygger-upload-"))
        for name, content in files.items():
            (folder / Path(name).name).write_bytes(content)
        return self.load(folder)

    def use(self, dataset: Dataset, path: str = "") -> None:
        """Work on ``dataset`` from now on."""
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
    result = AnyTrait(None, allow_none=True)  # matcher.result.Plan
    schedule = AnyTrait(None, allow_none=True)  # matcher.schedule.Schedule
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
        from ..batch import plan
        from ..schedule import schedule

        try:
            if over_weeks:
                self.schedule = schedule(self.data.dataset, progress=self._progress, **options)
            else:
                self.result = plan(self.data.dataset, progress=self._progress, **options)
        except PlanStopped:
            self.stopped = True
        except InputError as exc:
            self.error = "; ".join(str(p) for p in exc.problems)
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
