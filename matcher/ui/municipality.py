"""State of the municipality view: gaps by kind and time band, equity, new sites.

All figures come from ``matcher.municipality``: ``gaps.gap_analysis``,
``equity`` and ``siting.best_sites``, the functions behind ``brobygger gaps`` and
``brobygger sites``; everything shown is suppressed below five people.
Heavy work runs in a background thread through a ``runner.Runner`` so the page
stays responsive; results reach the traits on the kernel's event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
from traitlets import Any as AnyTrait
from traitlets import Bool, HasTraits, Unicode, directional_link

from .runner import Runner
from .state import DataState, PlanningState

__all__ = ["MunicipalityState"]


class MunicipalityState(HasTraits):
    """Gap analysis, equity table and the choice of sites for a new activity."""

    kind = Unicode("association")
    band = Unicode("any")
    analysis = AnyTrait(None, allow_none=True)  # matcher.municipality.gaps.GapAnalysis
    equity = AnyTrait(None, allow_none=True)  # DataFrame, suppressed
    sites = AnyTrait(None, allow_none=True)  # matcher.municipality.siting.SiteChoice
    busy = Bool(False)
    error = Unicode("")

    def __init__(self, data: DataState, planning: PlanningState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data = data
        self.planning = planning
        #: When coverage ("coverage"), equity ("equity") and sites ("sites") were computed.
        self.computed: dict[str, datetime] = {}
        self.runner = Runner(lang=lambda: self.data.lang)
        directional_link((self.runner, "busy"), (self, "busy"))
        directional_link((self.runner, "error"), (self, "error"))
        data.observe(self._forget, names="version")
        planning.observe(self._plan_changed, names="result")

    def _forget(self, _: Any = None) -> None:
        self.runner.forget()
        self.analysis = None
        self.equity = None
        self.sites = None

    def _run(
        self, work: Callable[[], Any], done: Callable[[Any], None], label: str, background: bool
    ) -> None:
        self.runner.start(work, done, label=label, background=background)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for background work (tests and scripts)."""
        self.runner.wait(timeout)

    def analyse(self, background: bool = True) -> None:
        """Compute coverage and accessibility for every kind and band."""
        from ..municipality.gaps import gap_analysis

        dataset = self.data.dataset
        if dataset is not None:
            self._run(lambda: gap_analysis(dataset), self._analysed, "coverage", background)

    def _analysed(self, analysis: Any) -> None:
        self.computed["coverage"] = datetime.now()
        self.analysis = analysis

    def shown(self) -> pd.DataFrame:
        """Per district for the chosen kind and band: patients, served share,
        most common excluding rule and E2SFCA, suppressed below five."""
        if self.analysis is None:
            return pd.DataFrame()
        long = self.analysis.long_table()
        chosen = long[(long["kind"] == self.kind) & (long["band"] == self.band)]
        return chosen.drop(columns=["kind", "band"]).reset_index(drop=True)

    def _plan_changed(self, change: Any) -> None:
        if change["new"] is not None:
            self.update_equity()

    def update_equity(self) -> None:
        """Placed share by group from the current plan (none without a plan).

        Every patient counts, escalated ones as not placed, and every district
        is listed: its patients and hidden counts are those of the gap table."""
        from ..dataset.load import districts_for
        from ..geo import locate
        from ..municipality.equity import equity_table

        result = self.planning.result
        ds = self.data.dataset
        if result is None or ds is None:
            self.equity = None
            return
        shapes = districts_for(ds).reset_index(drop=True)
        pos = locate(ds.patients.geometry, shapes)
        names = shapes["name"].to_numpy(dtype=object)
        district = pd.Series(
            [names[p] if p >= 0 else "outside" for p in pos],
            index=ds.patients["patient_id"].to_numpy(),
        )
        self.computed["equity"] = datetime.now()
        self.equity = equity_table(result.assignments, ds.patients, district, list(names))

    def find_sites(
        self,
        weekday: str,
        start: str,
        end: str,
        group_size: int,
        fee: float,
        k: int = 3,
        background: bool = True,
    ) -> None:
        """Pick the ``k`` sites where a new activity of ``kind`` would serve
        the most patients who have no option of that kind now."""
        from ..municipality.siting import NewActivity, best_sites

        activity = NewActivity(
            kind=self.kind,
            weekday=weekday,
            start=start,
            end=end,
            group_size=int(group_size),
            fee_dkk_month=float(fee),
        )

        dataset = self.data.dataset
        if dataset is not None:
            self._run(
                lambda: best_sites(dataset, activity, k=int(k), time_limit=20.0),
                self._sited,
                "sites",
                background,
            )

    def _sited(self, choice: Any) -> None:
        self.computed["sites"] = datetime.now()
        self.sites = choice
