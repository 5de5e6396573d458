"""The municipality's view: where suitable activities are missing.

A map of districts coloured by the share of patients with a suitable option
(by kind and time of day, with a legend, and on each district its name and
share, or "skjult (under 5)", so 0 % is never mistaken for a hidden share;
pointing at a district tells its figures), fitted to the municipality when
it opens; the coverage table, the equity table and "where would a new
activity help most" with the chosen sites on the map, each a ``PeopleTable``
with names (never ids or coordinates), shares as per cent, hidden counts as
"skjult (under 5)" with a legend line, and the time it was computed. The
progress of a task shows next to the button that started it.
"""

from __future__ import annotations

import html
from typing import Any

import ipyleaflet as L
import ipywidgets as w
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from ...domain import KINDS, WEEKDAYS
from ...words.app import code_text, column_text, text
from ...words.formats import clock, percent
from ..municipality import MunicipalityState
from ..state import DataState
from .common import message, set_options
from .gap_tables import (
    coverage_table,
    district_tip,
    equity_table,
    hidden_words,
    sites_table,
)
from .maps import base_map, districts_layer, view_of
from .table import PeopleTable, computed_caption

__all__ = ["MunicipalityView", "share_colour"]

_STEPS = (0.0, 0.2, 0.4, 0.6, 0.8)
_BANDS = ("any", "day", "evening")
#: The size (width, height in pixels) the map is fitted for: narrower than the
#: page at 1024 pixels, so the whole municipality shows at any page width.
_FIT_SIZE = (600, 400)


def share_colour(value: float | None) -> str:
    """Colour of a served share (0..1): light for few served, dark for many."""
    if value is None:
        return "#dddddd"
    step = max(s for s in _STEPS if s <= min(value, 0.999))
    return to_hex(colormaps["YlGnBu"](0.15 + step * 0.9))


def _clock(hhmm: str, lang: str) -> str:
    hours, _, minutes = hhmm.partition(":")
    return clock(int(hours) * 60 + int(minutes or 0), lang)


def _progress(words: str) -> str:
    return f"<span class='bb-progress' role='status'>{html.escape(words)}</span>"


class MunicipalityView(w.VBox):
    """Kind and time-band pickers, the gap map, tables and new sites."""

    def __init__(self, data: DataState, state: MunicipalityState, tiles: str = "") -> None:
        self.data = data
        self.state = state
        self._relabelling = False
        #: The task a button started last ("coverage" or "sites"): its row shows errors.
        self._started = "coverage"
        self._fitted = -1  # the data version the map was last fitted to
        self._tips: dict[str, str] = {}  # what pointing at each district says
        self.kind = w.ToggleButtons(options=KINDS, value=state.kind)
        self.band = w.ToggleButtons(options=_BANDS, value=state.band)
        self.kind.observe(self._pick_kind, names="value")
        self.band.observe(self._pick_band, names="value")
        self.kind_label = w.Label()
        self.band_label = w.Label()
        self.analyse_button = w.Button(button_style="primary", layout=w.Layout(width="auto"))
        self.analyse_button.on_click(self._analyse)
        self.status = w.HTML()
        self.map = base_map(tiles, (55.3959, 10.3883), 11)
        #: Shown on the map once there are shares to explain.
        self.legend = L.LegendControl({}, title="", position="bottomright")
        self.hover = w.HTML(layout=w.Layout(padding="2px 6px", max_width="260px"))
        self.map.add(L.WidgetControl(widget=self.hover, position="topright"))
        self.title = w.HTML()
        self.table = PeopleTable()
        self.equity = PeopleTable()
        self.equity_heading = w.HTML()
        self.sites_heading = w.HTML()
        wide = {"description_width": "initial"}
        self.weekday = w.Dropdown(options=WEEKDAYS, value="tue", style=wide)
        self.start = w.Text(value="17:00", layout=w.Layout(width="160px"), style=wide)
        self.end = w.Text(value="18:30", layout=w.Layout(width="160px"), style=wide)
        self.size = w.BoundedIntText(value=10, min=1, max=100, style=wide)
        self.fee = w.BoundedFloatText(value=0, min=0, max=2000, style=wide)
        self.k = w.BoundedIntText(value=3, min=1, max=10, style=wide)
        self.sites_button = w.Button(button_style="primary", layout=w.Layout(width="auto"))
        self.sites_button.on_click(self._find_sites)
        self.sites_status = w.HTML()
        self.sites = PeopleTable()
        state.observe(self._render, names=["kind", "band", "analysis", "sites"])
        state.observe(self._busy, names=["busy", "error"])
        state.runner.observe(self._busy, names=["progress", "task"])
        state.observe(self._render_equity, names="equity")
        data.observe(self._relabel, names="lang")
        row = {"align_items": "center", "flex_flow": "row wrap"}
        super().__init__(
            [
                w.HBox([self.kind_label, self.kind], layout=w.Layout(**row)),
                w.HBox([self.band_label, self.band], layout=w.Layout(**row)),
                w.HBox([self.analyse_button, self.status], layout=w.Layout(**row)),
                self.title,
                self.map,
                self.table,
                self.equity_heading,
                self.equity,
                self.sites_heading,
                w.HBox([self.weekday, self.start, self.end], layout=w.Layout(**row)),
                w.HBox(
                    [self.size, self.fee, self.k, self.sites_button, self.sites_status],
                    layout=w.Layout(**row),
                ),
                self.sites,
            ]
        )
        self._relabel()

    def _pick_kind(self, change: Any) -> None:
        if not self._relabelling:
            self.state.kind = change["new"]

    def _pick_band(self, change: Any) -> None:
        if not self._relabelling:
            self.state.band = change["new"]

    def _relabel(self, _: Any = None) -> None:
        """Every label, heading and table in the current language."""
        lang = self.data.lang
        self._relabelling = True
        try:
            set_options(self.kind, [(code_text("kind", k, lang), k) for k in KINDS])
            set_options(self.band, [(code_text("band", b, lang), b) for b in _BANDS])
            set_options(self.weekday, [(code_text("day", d, lang), d) for d in WEEKDAYS])
        finally:
            self._relabelling = False
        self.kind_label.value = text("kind", lang)
        self.band_label.value = text("band", lang)
        self.analyse_button.description = text("coverage", lang)
        self.legend.title = column_text("served_share", lang)
        self.hover.value = html.escape(text("map_hover", lang))
        caption = html.escape(text("equity_caption", lang))
        self.equity_heading.value = f"<h3>{text('equity', lang)}</h3><p>{caption}</p>"
        self.sites_heading.value = f"<h3>{text('sites', lang)}</h3>"
        self.start.description = text("site_from", lang)
        self.end.description = text("site_to", lang)
        self.weekday.description = text("site_day", lang)
        self.size.description = text("site_group", lang)
        self.fee.description = text("site_fee", lang)
        self.k.description = text("site_k", lang)
        self.sites_button.description = text("sites_run", lang)
        self.table.stem = text("file_coverage", lang)
        self.equity.stem = text("file_equity", lang)
        self.sites.stem = text("file_sites", lang)
        self._busy()
        self._render()
        self._render_equity()

    def _analyse(self, _: Any = None) -> None:
        self._started = "coverage"
        self.state.analyse()

    def _find_sites(self, _: Any = None) -> None:
        self._started = "sites"
        self.state.find_sites(
            self.weekday.value,
            self.start.value.strip(),
            self.end.value.strip(),
            self.size.value,
            self.fee.value,
            self.k.value,
        )

    def _busy(self, _: Any = None) -> None:
        """Buttons off while busy; progress and errors next to the button that started it."""
        lang = self.data.lang
        busy = self.state.busy
        self.analyse_button.disabled = busy
        self.sites_button.disabled = busy
        task = self.state.runner.task or self._started
        said = self.state.runner.progress or text("working", lang)
        for name, box in (("coverage", self.status), ("sites", self.sites_status)):
            if busy and task == name:
                box.value = _progress(said)
            elif self.state.error and self._started == name:
                box.value = message(text("error", lang, message=self.state.error), "error")
            else:
                box.value = ""

    # -- the map --------------------------------------------------------------
    def _render(self, _: Any = None) -> None:
        lang = self.data.lang
        ds = self.data.dataset
        state = self.state
        kind_name = code_text("kind", state.kind, lang)
        band_name = code_text("band", state.band, lang)
        self.title.value = f"<h3>{html.escape(kind_name)}: {html.escape(band_name)}</h3>"
        tiles = [layer for layer in self.map.layers if getattr(layer, "name", "") == "tiles"]
        layers: list[Any] = list(tiles)
        if state.analysis is not None:
            shown = state.shown()
            tips = {
                str(d): district_tip(str(n), s, p, lang)
                for d, n, s, p in zip(
                    shown["district_id"],
                    shown["name"],
                    shown["served_share"],
                    shown["patients"],
                    strict=True,
                )
            }
            values = {
                str(d): (None if pd.isna(v) else float(v))
                for d, v in zip(shown["district_id"], shown["served_share"], strict=True)
            }
            labels = {
                str(d): hidden_words(lang) if pd.isna(v) else percent(float(v), lang)
                for d, v in zip(shown["district_id"], shown["served_share"], strict=True)
            }
            polygons = districts_layer(state.analysis.districts, values, share_colour)
            polygons.on_hover(self._hovered)
            self._tips = tips
            layers.append(polygons)
            layers += self._labels(state.analysis.districts, labels, tips)
            self.legend.legend = self._legend(lang)
            if self.legend not in self.map.controls:
                self.map.add(self.legend)
            self._render_coverage(shown)
        elif ds is not None and ds.districts is not None:
            layers.append(districts_layer(ds.districts))
            layers += self._labels(ds.districts)
            self.table.clear()
        else:
            self.table.clear()
        if state.analysis is None and self.legend in self.map.controls:
            self.map.remove(self.legend)
        layers += self._site_markers()
        self.map.layers = tuple(layers)
        self._fit()
        self._render_sites()

    def _legend(self, lang: str) -> dict[str, str]:
        tops = [round(s * 100) - 1 for s in _STEPS[1:]] + [100]
        legend = {
            text("legend_step", lang, low=round(s * 100), high=top): share_colour(s + 0.01)
            for s, top in zip(_STEPS, tops, strict=True)
        }
        legend[hidden_words(lang)] = "#dddddd"
        return legend

    def _hovered(self, feature: Any = None, **_: Any) -> None:
        district = str((feature or {}).get("properties", {}).get("district_id", ""))
        tip = self._tips.get(district)
        if tip:
            self.hover.value = html.escape(tip)

    def _fit(self) -> None:
        """Open the map on the whole municipality: its districts (or, without
        districts, its patients and offers), once per dataset."""
        ds = self.data.dataset
        if ds is None or self._fitted == self.data.version:
            return
        shapes = self.state.analysis.districts if self.state.analysis is not None else None
        if shapes is None:
            shapes = ds.districts
        if shapes is not None and len(shapes):
            west, south, east, north = shapes.to_crs("EPSG:4326").total_bounds
            lats, lons = [float(south), float(north)], [float(west), float(east)]
        else:
            lats = list(ds.patients["lat"]) + list(ds.offers["lat"])
            lons = list(ds.patients["lon"]) + list(ds.offers["lon"])
        if not lats:
            return
        centre, zoom = view_of(lats, lons, _FIT_SIZE)
        self.map.center, self.map.zoom = centre, zoom
        self._fitted = self.data.version

    def _labels(
        self,
        districts: Any,
        shares: dict[str, str] | None = None,
        tips: dict[str, str] | None = None,
    ) -> list[Any]:
        points = districts.to_crs("EPSG:4326").representative_point()
        markers = []
        for p, d, n in zip(points, districts["district_id"], districts["name"], strict=True):
            share = (shares or {}).get(str(d), "")
            tip = (tips or {}).get(str(d), str(n))
            label = html.escape(str(n)) + (
                f"<br><span class='bb-share'>{html.escape(share)}</span>" if share else ""
            )
            markers.append(
                L.Marker(
                    location=(p.y, p.x),
                    icon=L.DivIcon(
                        html=f"<span class='bb-label'>{label}</span>", icon_size=[110, 30]
                    ),
                    draggable=False,
                    title=tip,
                    alt=tip,
                )
            )
        return markers

    def _site_markers(self) -> list[Any]:
        choice = self.state.sites
        if choice is None or not len(choice.sites):
            return []
        return [
            L.CircleMarker(
                location=(row["lat"], row["lon"]),
                radius=11,
                color="#6a1b9a",
                fill_color="#ab47bc",
                fill_opacity=0.9,
                weight=3,
                name=f"site {i + 1}",
            )
            for i, (_, row) in enumerate(choice.sites.iterrows())
        ]

    # -- the tables -----------------------------------------------------------
    def _render_coverage(self, shown: pd.DataFrame) -> None:
        lang = self.data.lang
        frame, columns, legend = coverage_table(shown, lang)
        what = text(
            "caption_coverage",
            lang,
            kind=code_text("kind", self.state.kind, lang),
            band=code_text("band", self.state.band, lang),
        )
        caption = computed_caption(what, self.state.computed.get("coverage"), lang)
        self.table.show(frame, columns, lang=lang, caption=caption, legend=legend)

    def _render_sites(self) -> None:
        choice = self.state.sites
        if choice is None:
            self.sites.clear()
            return
        lang = self.data.lang
        covered = choice.shown_covered()  # None when it would give a hidden count away
        head = text("sites_head", lang, covered=covered, unserved=choice.unserved)
        covered_ok = covered is not None and choice.unserved >= 5
        ds = self.data.dataset
        districts = self.state.analysis.districts if self.state.analysis is not None else None
        if districts is None and ds is not None:
            districts = ds.districts
        frame, columns, legend = sites_table(choice.table(), districts, lang)
        activity = choice.activity
        what = text(
            "caption_sites",
            lang,
            kind=code_text("kind", activity.kind, lang),
            day=code_text("day", activity.weekday, lang),
            start=_clock(activity.start, lang),
            end=_clock(activity.end, lang),
        )
        caption = computed_caption(what, self.state.computed.get("sites"), lang)
        self.sites.show(
            frame,
            columns,
            lang=lang,
            caption=caption,
            legend=legend,
            summary=head if covered_ok else "",
        )

    def _render_equity(self, _: Any = None) -> None:
        lang = self.data.lang
        equity = self.state.equity
        if equity is None:
            self.equity.clear()
            self.equity.value = message(text("equity_hint", lang))
            return
        frame, columns, legend = equity_table(equity, lang)
        caption = computed_caption(
            text("caption_equity", lang), self.state.computed.get("equity"), lang
        )
        self.equity.show(frame, columns, lang=lang, caption=caption, legend=legend)
