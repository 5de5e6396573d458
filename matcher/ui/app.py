"""The app object the notebook displays: one place for three users.

Only the first tab (discharge) is built when the app starts; the planning,
municipality and data tabs are built the first time they are selected (or
their view is asked for), so the first page is quick to show: it sends the
browser less than half of the widgets, and the kernel imports less (the
municipality view's matplotlib, for one). A tab's state lives in the state
objects (``matcher.ui.state`` and friends), made at start, so a tab built
later shows whatever was done before, and keeps it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..words.app import LANGUAGE_NAMES, LANGUAGES, text
from .discharge import DischargeState
from .errors import log_callback_errors
from .followup import FollowUpState
from .launch import ENV_DATA, ENV_LANG, ENV_ROOTS, ENV_TILES
from .municipality import MunicipalityState
from .pathways import PathwayState
from .state import DataState, PlanningState
from .views.common import STYLE
from .views.discharge import DischargeView
from .views.page import Page

if TYPE_CHECKING:
    from .views.data_view import DataView
    from .views.followup import FollowUpView
    from .views.municipality import MunicipalityView
    from .views.planning import PlanningView

__all__ = ["TABS", "BrobyggerApp", "default_app"]

#: The tabs in order: (name of the view, key of the tab's title).
TABS = (
    ("discharge", "tab_discharge"),
    ("followup", "tab_followup"),
    ("planning", "tab_planning"),
    ("municipality", "tab_municipality"),
    ("data", "tab_data"),
)


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
    roots
        The folders the data tab's folder box may load from (and from under);
        default: the folder that holds ``data_dir`` (none without one).
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        lang: str = "da",
        tiles: str = "",
        roots: Iterable[str | Path] | None = None,
    ) -> None:
        lang = lang if lang in LANGUAGES else "da"
        if roots is None:
            roots = () if data_dir is None else (Path(data_dir).resolve().parent,)
        self.data = DataState(roots, lang=lang)
        self.planning = PlanningState(self.data)
        self.pathways = PathwayState(self.data)
        self.discharge = DischargeState(self.data)
        self.municipality = MunicipalityState(self.data, self.planning)
        self.followup = FollowUpState(self.data, discharge=self.discharge)
        self.tiles = tiles
        #: The page's language for the browser, and its print and scroll requests.
        self.page = Page(lang=lang)
        if data_dir is not None:
            self.data.load(data_dir)
        self._builders: dict[str, Callable[[], w.Widget]] = {
            "discharge": lambda: DischargeView(self.data, self.discharge, tiles, page=self.page),
            "followup": self._followup_view,
            "planning": self._planning_view,
            "municipality": self._municipality_view,
            "data": self._data_view,
        }
        self._views: dict[str, w.Widget] = {}
        #: One box per tab; a tab's view is put in its box when first built.
        self.slots = {name: w.VBox() for name, _ in TABS}
        self.tabs = w.Tab(children=[self.slots[name] for name, _ in TABS], selected_index=0)
        self.tabs.observe(self._selected, names="selected_index")
        self.view("discharge")
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
        super().__init__([STYLE, self.page, header, self.tabs])

    # -- tabs, built on first selection ----------------------------------
    def view(self, name: str) -> w.Widget:
        """The view of tab ``name`` (see ``TABS``), built now if it is not yet."""
        if name not in self._views:
            self._views[name] = view = self._builders[name]()
            self.slots[name].children = (view,)
        return self._views[name]

    def built(self) -> tuple[str, ...]:
        """The tabs whose views are built so far, in tab order."""
        return tuple(name for name, _ in TABS if name in self._views)

    def _selected(self, change: Any) -> None:
        index = change["new"]
        if index is not None:
            self.view(TABS[index][0])

    def _followup_view(self) -> FollowUpView:
        from .views.followup import FollowUpView

        return FollowUpView(self.data, self.followup)

    def _planning_view(self) -> PlanningView:
        from .views.planning import PlanningView

        return PlanningView(self.data, self.planning, pathways=self.pathways)

    def _municipality_view(self) -> MunicipalityView:
        from .views.municipality import MunicipalityView

        return MunicipalityView(self.data, self.municipality, self.tiles)

    def _data_view(self) -> DataView:
        from .views.data_view import DataView

        return DataView(self.data)

    @property
    def discharge_view(self) -> DischargeView:
        """The physiotherapist's tab (built at start)."""
        return self.view("discharge")

    @property
    def followup_view(self) -> FollowUpView:
        """The contact person's follow-up tab (built on first use)."""
        return self.view("followup")

    @property
    def planning_view(self) -> PlanningView:
        """The planner's tab (built on first use)."""
        return self.view("planning")

    @property
    def municipality_view(self) -> MunicipalityView:
        """The municipality's tab (built on first use)."""
        return self.view("municipality")

    @property
    def data_view(self) -> DataView:
        """The data tab (built on first use)."""
        return self.view("data")

    def _switch(self, change: Any) -> None:
        """The switch in the header: every view re-labels itself; no state is lost."""
        self.data.lang = change["new"]

    def _relabel(self, _: Any = None) -> None:
        lang = self.data.lang
        if self.language.value != lang:
            self.language.value = lang
        self.language.tooltips = [text("language_hint", lang)] * len(LANGUAGES)
        self.language_label.value = text("language", lang)
        self.page.lang = lang
        self.tabs.titles = tuple(text(key, lang) for _, key in TABS)
        self.title.value = f"<h2>{text('app_title', lang)}</h2>"


def default_app() -> BrobyggerApp:
    """The app configured from the environment set by ``brobygger app``; errors
    in its callbacks are copied to the server's log (``errors.log_callback_errors``).
    The data roots are ``brobygger app``'s (default: the data folder's parent)."""
    log_callback_errors()
    data = os.environ.get(ENV_DATA)
    if not data:
        from ..dataset.demo import default_data_dir

        data = str(default_data_dir())
    roots = os.environ.get(ENV_ROOTS)
    return BrobyggerApp(
        data,
        lang=os.environ.get(ENV_LANG, "da"),
        tiles=os.environ.get(ENV_TILES, ""),
        roots=None if roots is None else [r for r in roots.split(os.pathsep) if r],
    )
