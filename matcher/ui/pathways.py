"""The pathways of the planning tab: every person's ladder of steps, planned in the
background (``matcher.planning.pathway_plan.plan_pathways``) through a ``Runner``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from traitlets import Any as AnyTrait
from traitlets import Bool, HasTraits, Unicode, directional_link

from .runner import Runner
from .state import DataState

__all__ = ["PathwayState"]


class PathwayState(HasTraits):
    """The last pathway plan (``result``, a ``PathwayPlan``), whether one is being
    planned (``busy``) and what went wrong (``error``, in the page's language)."""

    busy = Bool(False)
    result = AnyTrait(None, allow_none=True)
    error = Unicode("")

    def __init__(self, data: DataState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data = data
        self.computed: datetime | None = None
        self.runner = Runner(lang=lambda: self.data.lang)
        directional_link((self.runner, "busy"), (self, "busy"))
        directional_link((self.runner, "error"), (self, "error"))
        data.observe(self._forget, names="version")

    def _forget(self, _: Any = None) -> None:
        self.runner.forget()
        self.result = None
        self.computed = None

    def run(self, weeks: int = 12, *, background: bool = True) -> None:
        """Plan everyone's pathway over ``weeks`` weeks from the earliest discharge."""
        dataset = self.data.dataset
        if dataset is None or self.busy:
            return

        def work() -> Any:
            from ..planning.pathway_plan import plan_pathways

            return plan_pathways(dataset, weeks=int(weeks), time_limit=30.0)

        def done(found: Any) -> None:
            self.computed = datetime.now()
            self.result = found

        self.runner.start(work, done, label="pathways", background=background)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background plan to finish (for tests and scripts)."""
        self.runner.wait(timeout)
