"""The physiotherapist's view at the closing conversation.

Left, the profile form in the order the conversation goes
(``profile_form.ProfileForm``) and "Find"; right, the map with the home and
numbered markers, and under it the next steps as numbered cards with
reasons (``option_cards.OptionCards``), what would open more when little
fits, and the booking on the card that was booked. On a narrow screen
(a tablet held upright) the two columns stack.
"""

from __future__ import annotations

import html
from typing import Any

import ipyleaflet as L
import ipywidgets as w

from ...words.app import text
from ...words.problems import problem_text
from ..discharge import DischargeState
from ..state import DataState
from .common import message
from .maps import base_map, districts_layer, fit
from .option_cards import OptionCards, grouped
from .page import Page
from .profile_form import ProfileForm

__all__ = ["DischargeView"]


def _number_icon(number: int) -> L.DivIcon:
    return L.DivIcon(
        html=f"<span class='bb-marker'>{number}</span>", icon_size=[26, 26], icon_anchor=[13, 13]
    )


class DischargeView(w.Box):
    """Profile, next steps, map, what would open more, booking and hand-out."""

    def __init__(
        self, data: DataState, state: DischargeState, tiles: str = "", *, page: Page | None = None
    ) -> None:
        self.data = data
        self.state = state
        self.tiles = tiles
        self.page = page
        self.start_from = w.Combobox(
            ensure_option=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.start_from.add_class("bb-start-from")
        self.use_button = w.Button(layout=w.Layout(width="auto"))
        self.use_button.on_click(lambda _: self.state.start_from(self.start_from.value.strip()))
        self.new_button = w.Button(icon="file-o", layout=w.Layout(width="auto"))
        self.new_button.on_click(lambda _: self.state.reset())
        self.start_problem = w.HTML()
        self.form = ProfileForm(data, state)
        self.fields = self.form.fields
        self.sections = self.form.sections
        self.find_button = w.Button(
            button_style="primary", icon="search", layout=w.Layout(width="auto")
        )
        self.find_button.add_class("bb-find")
        self.find_button.on_click(lambda _: self._find())
        self.find_hint = w.HTML()
        self.problems = w.HTML()
        self.cards = OptionCards(state, page)
        self.results = self.cards
        self.more = w.VBox()
        self.status = w.HTML()
        self.map = base_map(tiles, (55.3959, 10.3883), 12)
        self.map.on_interaction(self._map_click)
        self.home = L.CircleMarker(
            location=(0.0, 0.0),
            radius=9,
            color="#a51d2d",
            fill_color="#e01b24",
            fill_opacity=1.0,
            weight=2,
            name="home",
        )
        self._districts: list[Any] = []
        self.handout = self.cards.panel
        state.observe(self._moved, names="profile")
        state.observe(self._render_results, names=["options", "nothing_fits", "problems", "error"])
        state.observe(self._render_booking, names=["booking", "booking_message", "field_problems"])
        # a hand-out made again (another language, a contact person) redraws only the
        # booking panel, so the control just used keeps the focus
        state.observe(lambda _: self.cards.render_booking(), names="handout")
        # the ladders are found after the cards are shown, and fill them in place
        state.observe(lambda _: self.cards.show_ladders(), names="ladders")
        data.observe(self._new_data, names="version")
        data.observe(self._relabel, names="lang")
        start = w.HBox([self.start_from, self.use_button, self.new_button])
        start.add_class("bb-start")
        form = w.VBox(
            [
                start,
                self.start_problem,
                self.form,
                w.HBox([self.find_button, self.find_hint], layout=w.Layout(align_items="center")),
                self.problems,
            ]
        )
        form.add_class("bb-form-column")
        results = w.VBox([self.map, self.status, self.cards, self.more])
        results.add_class("bb-results-column")
        super().__init__([form, results])
        self.add_class("bb-discharge")
        self._relabel()

    def _relabel(self, _: Any = None) -> None:
        """Every label, choice and result in the current language; the profile stays."""
        lang = self.data.lang
        self.start_from.description = text("f_start_from", lang)
        self.start_from.placeholder = text("f_start_from_hint", lang)
        self.use_button.description = text("f_use", lang)
        self.new_button.description = text("new_profile", lang)
        self.find_button.description = text("find", lang)
        hint = html.escape(text("find_hint", lang))
        self.find_hint.value = f"<span class='bb-hint'>{hint}</span>"
        self.form.relabel()
        self._new_data()

    def _new_data(self, _: Any = None) -> None:
        ds = self.data.dataset
        self.start_from.options = list(ds.patients["patient_id"]) if ds is not None else []
        districts = ds.districts if ds is not None else None
        self._districts = (
            [districts_layer(districts, fill_opacity=0.08)]
            if districts is not None and len(districts)
            else []
        )
        self._render_results()

    # -- map ----------------------------------------------------------------
    def _map_click(self, **event: Any) -> None:
        if event.get("type") == "click":
            lat, lon = event["coordinates"]
            self.state.moved_home(lat, lon)

    def _moved(self, _: Any = None) -> None:
        """The home marker follows the profile; the map is drawn again only when
        the home moved (a slider or a tick elsewhere changes nothing here)."""
        at = (float(self.state.profile["lat"]), float(self.state.profile["lon"]))
        if tuple(self.home.location) != at:
            self._draw_map()

    def _draw_map(self) -> None:
        """Districts, the home, a numbered marker per card; fitted to all of them."""
        base = [layer for layer in self.map.layers if getattr(layer, "name", "") == "tiles"]
        layers: list[Any] = [*base, *self._districts]
        lat, lon = float(self.state.profile["lat"]), float(self.state.profile["lon"])
        lats, lons = [lat], [lon]
        options = self.state.options
        ds = self.data.dataset
        if options is not None and len(options) and ds is not None:
            offers = ds.offers.set_index("offer_id")
            for number, rows in enumerate(grouped(options), start=1):
                venue = offers.loc[rows.iloc[0]["offer_id"]]
                at = (float(venue["lat"]), float(venue["lon"]))
                lats.append(at[0])
                lons.append(at[1])
                layers.append(
                    L.Polyline(locations=[(lat, lon), at], color="#1a5fb4", weight=2, fill=False)
                )
                label = f"{number}. {venue['name']}"
                marker = L.Marker(
                    location=at, icon=_number_icon(number), draggable=False, title=label, alt=label
                )
                marker.on_click(lambda number=number, **_: self._show_card(number))
                layers.append(marker)
        self.home.location = (lat, lon)
        layers.append(self.home)
        self.map.layers = tuple(layers)
        fit(self.map, lats, lons)

    def _show_card(self, number: int) -> None:
        """A marker clicked brings its numbered card into view (markers carry no
        popup: a popup never opened breaks when the map's markers are replaced)."""
        if self.page is not None:
            self.page.show(f".bb-card-{number}")

    # -- results ------------------------------------------------------------
    def _find(self) -> None:
        """Find, then bring the results into view with the focus on the first
        card's name, so the next Tab reaches its "Book"; a field that could not be
        read stops it, with the focus on that field (its problem is under it)."""
        if self.form.unread:
            if self.page is not None:
                self.page.show(".bb-date", focus=".bb-date input")
            return
        self.state.find()
        if self.page is None:
            return
        if self.state.options is not None and len(self.state.options):
            first = f".bb-gen-{self.cards.generation}.bb-card-1 h3"
            self.page.show(".bb-results-column", focus=first)
        elif self.state.nothing_fits is not None or self.state.found_problems:
            self.page.show(".bb-results-column")

    def _render_results(self, _: Any = None) -> None:
        lang = self.data.lang
        state = self.state
        start_problems = [p for p in state.found_problems if p.file == "patient"]
        form_problems = [p for p in state.found_problems if p not in start_problems]
        if state.options is None and not form_problems and start_problems:
            self.start_problem.value = "".join(
                f"<div class='bb-field-error' role='alert'>{html.escape(problem_text(p, lang))}"
                "</div>"
                for p in start_problems
            )
            self.problems.value = ""
        else:
            self.start_problem.value = ""
            lines = [problem_text(p, lang) for p in state.found_problems]
            parts = [message("\n".join(lines), "error")] if lines else []
            if state.error:
                parts.append(message(text("error", lang, message=state.error), "error"))
            self.problems.value = "".join(parts)
        ds = self.data.dataset
        addresses = ds.offers.set_index("offer_id")["address"] if ds is not None else None
        self.cards.render(lang, addresses)
        self.more.children = self._nothing_fits()
        options = state.options
        self.status.value = (
            f"<div role='status' class='bb-hint'>"
            f"{html.escape(text('found_n', lang, n=len(grouped(options))))}</div>"
            if options is not None and len(options)
            else ""
        )
        self._draw_map()

    def _nothing_fits(self) -> list[w.Widget]:
        nothing = self.state.nothing_fits
        if nothing is None:
            return []
        lang = self.data.lang
        parts: list[w.Widget] = [w.HTML(message(nothing.text, "warn"))]
        if nothing.blockers:
            items = "".join(f"<li>{html.escape(b.text)}</li>" for b in nothing.blockers)
            parts.append(w.HTML(f"<b>{text('why_not', lang)}</b><ul>{items}</ul>"))
        if nothing.suggestions:
            parts.append(w.HTML(f"<b>{text('open_more', lang)}</b>"))
            for suggestion in nothing.suggestions:
                button = w.Button(description=text("apply", lang), layout=w.Layout(width="auto"))
                button.tooltip = suggestion.text
                changes = dict(suggestion.changes)
                button.on_click(lambda _, c=changes: self._apply(c))
                parts.append(w.HBox([w.HTML(html.escape(suggestion.text)), button]))
        return parts

    def _apply(self, changes: dict[str, str]) -> None:
        self.state.set(**{k: v for k, v in changes.items() if k in self.state.profile})
        self.state.find()

    def _render_booking(self, _: Any = None) -> None:
        lang = self.data.lang
        if self.state.booking_message == "full":
            self.status.value = message(text("full", lang), "warn")
        elif self.state.booking_message == "cancelled":
            self.status.value = message(text("booking_cancelled", lang))
        ds = self.data.dataset
        addresses = ds.offers.set_index("offer_id")["address"] if ds is not None else None
        self.cards.render(lang, addresses)
