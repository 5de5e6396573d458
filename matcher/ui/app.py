"""The app object the notebook displays: one place for three users."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ipywidgets as w

from .discharge import DischargeState
from .errors import log_callback_errors
from .i18n import LANGUAGE_NAMES, LANGUAGES, text
from .launch import ENV_DATA, ENV_LANG, ENV_TILES
from .municipality import MunicipalityState
from .state import DataState, PlanningState
from .views.common import STYLE
from .views.data_view import DataView
from .views.discharge import DischargeView
from .views.municipality import MunicipalityView
from .views.planning import PlanningView

__all__ = ["BrobyggerApp", "default_app"]


class BrobyggerApp(w.VBox):
    """Tabs for discharge, planning, municipality and data, over one dataset.

    Parameters
    ----------
    data_dir
        Dataset folder to load at start.
    lang
        ``da`` (default) or ``en`` at start; the switch in the header
        changes it while the app runs (``data.lang``), keeping all state.
    tiles
        Map tile URL template, or ``""`` for no tiles (polygons and points
        are drawn either way).
    """

    def __init__(
        self, data_dir: str | Path | None = None, lang: str = "da", tiles: str = ""
    ) -> None:
        lang = lang if lang in LANGUAGES else "da"
        self.data = DataState(lang=lang)
        self.planning = PlanningState(self.data)
        self.discharge = DischargeState(self.data)
        self.municipality = MunicipalityState(self.data, self.planning)
        self.tiles = tiles
        if data_dir is not None:
            self.data.load(data_dir)
        self.data_view = DataView(self.data)
        self.discharge_view = DischargeView(self.data, self.discharge, tiles)
        self.planning_view = PlanningView(self.data, self.planning)
        self.municipality_view = MunicipalityView(self.data, self.municipality, tiles)
        self.tabs = w.Tab(
            children=[
                self.discharge_view,
                self.planning_view,
                self.municipality_view,
                self.data_view,
            ]
        )
        self.title = w.HTML()
        self.language_label = w.Label()
        self.language = w.ToggleButtons(
            options=[(LANGUAGE_NAMES[code], code) for code in LANGUAGES],
            value=lang,
            style={"button_width": "80px"},
        )
        self.language.observe(self._switch, names="value")
        self.data.observe(self._relabel, names="lang")
        header = w.HBox(
            [self.title, w.HBox([self.language_label, self.language])],
            layout=w.Layout(justify_content="space-between", align_items="center"),
        )
        self._relabel()
        super().__init__([STYLE, header, self.tabs])

    def _switch(self, change: Any) -> None:
        """The switch in the header: every view re-labels itself; no state is lost."""
        self.data.lang = change["new"]

    def _relabel(self, _: Any = None) -> None:
        lang = self.data.lang
        if self.language.value != lang:
            self.language.value = lang
        self.language.tooltips = [text("language_hint", lang)] * len(LANGUAGES)
        self.language_label.value = text("language", lang)
        self.tabs.titles = tuple(
            text(key, lang)
            for key in ("tab_discharge", "tab_planning", "tab_municipality", "tab_data")
        )
        self.title.value = f"<h2>{text('app_title', lang)}</h2>"


def default_app() -> BrobyggerApp:
    """The app configured from the environment set by ``brobygger app``; errors
    in its callbacks are copied to the server's log (``errors.log_callback_errors``)."""
    from ..cli.common import default_data_dir

    log_callback_errors()
    data = os.environ.get(ENV_DATA) or str(default_data_dir())
    return BrobyggerApp(
        data, lang=os.environ.get(ENV_LANG, "da"), tiles=os.environ.get(ENV_TILES, "")
    )
