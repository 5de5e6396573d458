"""The municipality's view: where suitable activities are missing.

A map of districts coloured by the share of patients with a suitable option
(by kind and time of day, with a legend and district names; hidden below
five people), the coverage and accessibility table, the equity table, and
"where would a new activity help most" with the chosen sites on the map.
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
from ...words.app import code_text, equity_in, frame_in, text
from ..municipality import MunicipalityState
from ..state import DataState
from .common import frame_html, message, set_options
from .maps import base_map, districts_layer, fit

_STEPS = (0.0, 0.2, 0.4, 0.6, 0.8)
_BANDS = ("any", "day", "evening")
#: The coded columns of the coverage and sites tables, and their families in ``i18n``.
_COVERAGE_CODES = {"reason": "rule"}
_SITES_CODES = {"source": "source"}


def share_colour(value: float | None) -> str:
    """Colour of a served share (0..1): light for few served, dark for many."""
    if value is None:
        return "#dddddd"
    step = max(s for s in _STEPS if s <= min(value, 0.999))
    return to_hex(colormaps["YlGnBu"](0.15 + step * 0.9))


class MunicipalityView(w.VBox):
    """Kind and time-band pickers, the gap map, tables and new sites."""

    def __init__(self, data: DataState, state: MunicipalityState, tiles: str = "") -> None:
        self.data = data
        self.state = state
        self._relabelling = False
        self.kind = w.ToggleButtons(options=KINDS, value=state.kind)
        self.band = w.ToggleButtons(options=_BANDS, value=state.band)
        self.kind.observe(self._pick_kind, names="value")
        self.band.observe(self._pick_band, names="value")
        self.kind_label = w.Label()
        self.band_label = w.Label()
        self.analyse_button = w.Button(button_style="primary")
        self.analyse_button.on_click(lambda _: self.state.analyse())
        self.status = w.HTML()
        self.map = base_map(tiles, (55.3959, 10.3883), 11)
        self.legend = L.LegendControl({}, title="", position="bottomright")
        self.map.add(self.legend)
        self.title = w.HTML()
        self.table = w.HTML()
        self.equity = w.HTML()
        self.equity_heading = w.HTML()
        self.sites_heading = w.HTML()
        self.weekday = w.Dropdown(options=WEEKDAYS, value="tue")
        self.start = w.Text(value="17:00", layout=w.Layout(width="160px"))
        self.end = w.Text(value="18:30", layout=w.Layout(width="160px"))
        self.size = w.BoundedIntText(value=10, min=1, max=100)
        self.fee = w.BoundedFloatText(value=0, min=0, max=2000)
        self.k = w.BoundedIntText(value=3, min=1, max=10)
        self.sites_button = w.Button(button_style="info")
        self.sites_button.on_click(self._find_sites)
        self.sites = w.HTML()
        state.observe(self._render, names=["kind", "band", "analysis", "sites"])
        state.observe(self._busy, names=["busy", "error"])
        state.observe(self._render_equity, names="equity")
        data.observe(self._relabel, names="lang")
        super().__init__(
            [
                w.HBox([self.kind_label, self.kind]),
                w.HBox([self.band_label, self.band]),
                w.HBox([self.analyse_button, self.status]),
                self.title,
                self.map,
                self.table,
                self.equity_heading,
                self.equity,
                self.sites_heading,
                w.HBox([self.weekday, self.start, self.end]),
                w.HBox([self.size, self.fee, self.k, self.sites_button]),
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
        self.legend.title = text("coverage", lang)
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
        self._busy()
        self._render()
        self._render_equity()

    def _find_sites(self, _: Any = None) -> None:
        self.state.find_sites(
            self.weekday.value,
            self.start.value.strip(),
            self.end.value.strip(),
            self.size.value,
            self.fee.value,
            self.k.value,
        )

    def _busy(self, _: Any = None) -> None:
        lang = self.data.lang
        busy = self.state.busy
        self.analyse_button.disabled = busy
        self.sites_button.disabled = busy
        if self.state.error:
            self.status.value = message(text("error", lang, message=self.state.error), "error")
        else:
            self.status.value = message(text("working", lang)) if busy else ""

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
            share = shown["served_share"]
            values = {
                str(d): (None if pd.isna(v) else float(v))
                for d, v in zip(shown["district_id"], share, strict=True)
            }
            layers.append(districts_layer(state.analysis.districts, values, share_colour))
            layers += self._labels(state.analysis.districts)
            legend = {
                text("legend_step", lang, low=int(s * 100), high=int(s * 100) + 19): share_colour(
                    s + 0.01
                )
                for s in _STEPS
            }
            legend[text("suppressed", lang)] = "#dddddd"
            self.legend.legend = legend
            self.table.value = frame_html(frame_in(shown, lang, _COVERAGE_CODES), lang=lang)
        elif ds is not None and ds.districts is not None:
            layers.append(districts_layer(ds.districts))
            layers += self._labels(ds.districts)
            self.table.value = ""
        layers += self._site_markers()
        self.map.layers = tuple(layers)
        if ds is not None:
            lat = list(ds.patients["lat"]) + list(ds.offers["lat"])
            lon = list(ds.patients["lon"]) + list(ds.offers["lon"])
            if lat:
                fit(self.map, [min(lat), max(lat)], [min(lon), max(lon)])
        self._render_sites()

    def _labels(self, districts: Any) -> list[Any]:
        points = districts.to_crs("EPSG:4326").representative_point()
        return [
            L.Marker(
                location=(p.y, p.x),
                icon=L.DivIcon(
                    html=f"<span class='bb-label'>{html.escape(str(n))}</span>", icon_size=[90, 16]
                ),
                draggable=False,
                title=str(n),
            )
            for p, n in zip(points, districts["name"], strict=True)
        ]

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

    def _render_sites(self) -> None:
        choice = self.state.sites
        if choice is None:
            self.sites.value = ""
            return
        lang = self.data.lang
        covered = choice.shown_covered()  # None when it would give a hidden count away
        head = text("sites_head", lang, covered=covered, unserved=choice.unserved)
        covered_ok = covered is not None and choice.unserved >= 5
        table = frame_in(choice.table(), lang, _SITES_CODES)
        self.sites.value = (message(head) if covered_ok else "") + frame_html(table, lang=lang)

    def _render_equity(self, _: Any = None) -> None:
        equity = self.state.equity
        if equity is None:
            self.equity.value = message(text("equity_hint", self.data.lang))
            return
        self.equity.value = frame_html(equity_in(equity, self.data.lang), lang=self.data.lang)
