"""The app object the notebook displays: one place for three users."""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as w

from .discharge import DischargeState
from .i18n import text
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
        ``da`` (default) or ``en``.
    tiles
        Map tile URL template, or ``""`` for no tiles (polygons and points
        are drawn either way).
    """

    def __init__(
        self, data_dir: str | Path | None = None, lang: str = "da", tiles: str = ""
    ) -> None:
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
        self.tabs.titles = tuple(
            text(key, lang)
            for key in ("tab_discharge", "tab_planning", "tab_municipality", "tab_data")
        )
        title = w.HTML(f"<h2>{text('app_title', lang)}</h2>")
        super().__init__([STYLE, title, self.tabs])


def default_app() -> BrobyggerApp:
    """The app configured from the environment set by ``brobygger app``."""
    from ..cli.common import default_data_dir

    data = os.environ.get(ENV_DATA) or str(default_data_dir())
    return BrobyggerApp(
        data, lang=os.environ.get(ENV_LANG, "da"), tiles=os.environ.get(ENV_TILES, "")
    )
