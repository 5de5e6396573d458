"""The physiotherapist's view at the closing conversation.

A profile form in the order the conversation goes (where the person lives and
how they travel; when they can; what they like; what they can manage; money;
language), then ranked next steps as cards with reasons, a map, what would
open more when little fits, and "book", which holds the place and shows the
hand-out.
"""

from __future__ import annotations

import base64
import html
from datetime import date
from typing import Any

import ipyleaflet as L
import ipywidgets as w
import pandas as pd

from ...domain import (
    AGE_BANDS,
    DIAGNOSES,
    GENDER_PREFS,
    INTENSITIES,
    MODES,
    PATIENT_GENDERS,
    TOLERANCES,
    VULNERABILITY_FLAGS,
)
from ...words.app import code_text, short_date, text
from ...words.problems import problems_text
from ..discharge import DischargeState
from ..state import DataState
from .common import message
from .maps import base_map, fit

#: Presets for "when": (key of the label, ``available`` text).
AVAILABILITY = (
    ("avail_any", ""),
    (
        "avail_day",
        "mon 08:00-16:00;tue 08:00-16:00;wed 08:00-16:00;thu 08:00-16:00;fri 08:00-16:00",
    ),
    (
        "avail_evening",
        "mon 16:00-21:30;tue 16:00-21:30;wed 16:00-21:30;thu 16:00-21:30;fri 16:00-21:30",
    ),
    (
        "avail_late",
        "mon 10:00-20:00;tue 10:00-20:00;wed 10:00-20:00;thu 10:00-20:00;fri 10:00-20:00;"
        "sat 10:00-20:00;sun 10:00-20:00",
    ),
)
_WIDE = w.Layout(width="420px")
_LABEL = {"description_width": "200px"}


def _items(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v for v in value.replace("|", ";").split(";") if v)
    return tuple(value or ())


#: Fields whose options are codes, shown in words: field -> (codes, family in ``i18n``).
_CODED: dict[str, tuple[tuple[str, ...], str]] = {
    "modes": (MODES, "mode"),
    "diagnoses": (DIAGNOSES, "diag"),
    "group_tolerance": (TOLERANCES, "tol"),
    "intensity_max": (INTENSITIES, "intensity"),
    "gender": (PATIENT_GENDERS, "gender"),
}
#: The label of a field is ``f_<field>`` except for these.
_FIELD_KEY = {"available": "f_available_text"}
#: The sections of the form, in the order of the conversation: key of the title.
_SECTIONS = (
    "where_travel",
    "when",
    "likes",
    "tolerates",
    "money",
    "language_section",
    "f_priority",
)


def _pairs(widget: Any) -> list[tuple[str, Any]]:
    """The (label, value) options of a selection widget, however they were given."""
    return [o if isinstance(o, tuple) else (str(o), o) for o in widget.options]


def _values(widget: Any) -> list[Any]:
    return [value for _, value in _pairs(widget)]


class DischargeView(w.VBox):
    """Profile, next steps, map, what would open more, booking and hand-out."""

    def __init__(self, data: DataState, state: DischargeState, tiles: str = "") -> None:
        self.data = data
        self.state = state
        self.tiles = tiles
        self._syncing = False
        self.fields: dict[str, w.ValueWidget] = {}

        def field(name: str, widget: w.ValueWidget) -> w.ValueWidget:
            self.fields[name] = widget
            widget.observe(lambda change, n=name: self._changed(n, change["new"]), names="value")
            return widget

        self.start_from = w.Combobox(placeholder="P00001", style=_LABEL)
        self.use_button = w.Button()
        self.use_button.on_click(lambda _: self.state.start_from(self.start_from.value.strip()))
        self.new_button = w.Button()
        self.new_button.on_click(lambda _: self.state.reset())
        self.map_hint = w.HTML()
        where = [
            field("patient_id", w.Text(style=_LABEL, layout=_WIDE)),
            field("lat", w.BoundedFloatText(min=-90, max=90, step=0.001, style=_LABEL)),
            field("lon", w.BoundedFloatText(min=-180, max=180, step=0.001, style=_LABEL)),
            self.map_hint,
            field("modes", w.SelectMultiple(options=MODES, style=_LABEL, rows=5)),
            field("max_travel_min", w.IntSlider(min=5, max=90, step=5, style=_LABEL, layout=_WIDE)),
        ]
        self.availability = w.Dropdown(
            options=[(k, v) for k, v in AVAILABILITY] + [("avail_custom", None)],
            value="",
            style=_LABEL,
            layout=_WIDE,
        )
        self.availability.observe(self._preset, names="value")
        when = [
            field("discharge_date", w.DatePicker(style=_LABEL)),
            self.availability,
            field(
                "available",
                w.Text(
                    style=_LABEL,
                    placeholder="mon 16:00-21:00;sat 09:00-13:00",
                    layout=w.Layout(width="640px"),
                ),
            ),
        ]
        likes = [
            field("interests", w.SelectMultiple(options=self._tags(), style=_LABEL, rows=6)),
            field("prior_offer_id", w.Dropdown(options=self._offers(), style=_LABEL, layout=_WIDE)),
        ]
        manage = [
            field("diagnoses", w.SelectMultiple(options=DIAGNOSES, style=_LABEL, rows=4)),
            field("group_tolerance", w.Dropdown(options=TOLERANCES, style=_LABEL)),
            field("intensity_max", w.Dropdown(options=INTENSITIES, style=_LABEL)),
            field("needs_supervision", w.Checkbox(indent=False)),
            field("home_bound", w.Checkbox(indent=False)),
            field("gender", w.Dropdown(options=PATIENT_GENDERS, style=_LABEL)),
            field(
                "age_band",
                w.Dropdown(options=[("?", ""), *[(b, b) for b in AGE_BANDS]], style=_LABEL),
            ),
            field("gender_pref", w.Dropdown(options=GENDER_PREFS, style=_LABEL)),
        ]
        money = [
            field("budget_dkk_month", w.BoundedFloatText(min=0, max=5000, step=25, style=_LABEL)),
        ]
        language = [
            field("languages", w.SelectMultiple(options=self._languages(), style=_LABEL, rows=5)),
        ]
        priority = [field(flag, w.Checkbox(indent=False)) for flag in VULNERABILITY_FLAGS]
        priority.append(field("escalate", w.Checkbox(indent=False)))
        self.sections = w.Accordion(
            children=[
                w.VBox(where),
                w.VBox(when),
                w.VBox(likes),
                w.VBox(manage),
                w.VBox(money),
                w.VBox(language),
                w.VBox(priority),
            ],
            selected_index=0,
        )
        self.find_button = w.Button(button_style="primary")
        self.find_button.on_click(lambda _: self.state.find())
        self.problems = w.HTML()
        self.results = w.VBox()
        self.more = w.VBox()
        self.map = base_map(tiles, (55.3959, 10.3883), 12)
        self.map.on_interaction(self._map_click)
        self.handout = w.HTML()
        state.observe(self._render_profile, names="profile")
        state.observe(self._render_results, names=["options", "nothing_fits", "problems", "error"])
        state.observe(self._render_booking, names=["booking", "booking_message", "handout"])
        data.observe(self._new_data, names="version")
        data.observe(self._relabel, names="lang")
        form = w.VBox(
            [
                w.HBox([self.start_from, self.use_button, self.new_button]),
                self.sections,
                w.HBox([self.find_button]),
                self.problems,
            ]
        )
        super().__init__(
            [
                w.HBox([form, w.VBox([self.map], layout=w.Layout(width="45%"))]),
                self.results,
                self.more,
                self.handout,
            ]
        )
        self._relabel()

    def _relabel(self, _: Any = None) -> None:
        """Every label, choice and result in the current language; the profile stays."""
        lang = self.data.lang

        def t(key: str) -> str:
            return text(key, lang)

        self.start_from.description = t("f_start_from")
        self.use_button.description = t("f_use")
        self.new_button.description = t("new_profile")
        self.map_hint.value = f"<i>{t('f_map_hint')}</i>"
        self.availability.description = t("f_available")
        self.find_button.description = t("find")
        self.sections.titles = tuple(t(key) for key in _SECTIONS)
        for name, widget in self.fields.items():
            widget.description = t(_FIELD_KEY.get(name, f"f_{name}"))
        with self._quiet():
            for name, (codes, family) in _CODED.items():
                self.fields[name].options = [(code_text(family, c, lang), c) for c in codes]
            self.fields["gender_pref"].options = [(t("no"), "any"), (t("yes"), "same")]
            self.availability.options = [(t(k), v) for k, v in AVAILABILITY] + [
                (t("avail_custom"), None)
            ]
        self._new_data()
        self._render_results()
        self._render_booking()

    # -- choices from the data --------------------------------------------
    def _tags(self) -> list[str]:
        ds = self.data.dataset
        found = {tag for tags in ds.offers["tags"] for tag in tags} if ds is not None else set()
        return sorted(found | {"walking", "strength", "dance", "choir", "swimming", "social"})

    def _languages(self) -> list[str]:
        ds = self.data.dataset
        found = {x for v in ds.offers["languages"] for x in v} if ds is not None else set()
        found |= {x for v in ds.patients["languages"] for x in v} if ds is not None else set()
        return sorted(found | {"da", "en"})

    def _offers(self) -> list[tuple[str, str]]:
        ds = self.data.dataset
        options = [(text("none", self.data.lang), "")]
        if ds is not None:
            teams = ds.offers[ds.offers["kind"].isin(["exit_team", "network_group"])]
            options += [
                (f"{n} ({o})", o) for o, n in zip(teams["offer_id"], teams["name"], strict=True)
            ]
        return options

    def _new_data(self, _: Any = None) -> None:
        ds = self.data.dataset
        self.start_from.options = list(ds.patients["patient_id"]) if ds is not None else []
        with self._quiet():  # the profile is the truth: _render_profile puts it back
            self.fields["interests"].options = self._tags()
            self.fields["languages"].options = self._languages()
            self.fields["prior_offer_id"].options = self._offers()
        self._render_profile()

    # -- profile <-> widgets ------------------------------------------------
    def _changed(self, name: str, value: Any) -> None:
        if self._syncing:
            return
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = tuple(value)
        elif value is None and name == "discharge_date":
            value = ""
        self.state.set(**{name: value})
        if name == "available":
            presets = {v for _, v in AVAILABILITY}
            with self._quiet():
                self.availability.value = value if value in presets else None

    def _preset(self, change: Any) -> None:
        if self._syncing or change["new"] is None:
            return
        self.fields["available"].value = change["new"]

    def _quiet(self) -> Any:
        view = self

        class _Guard:
            def __enter__(self) -> None:
                view._syncing = True

            def __exit__(self, *exc: object) -> None:
                view._syncing = False

        return _Guard()

    def _render_profile(self, _: Any = None) -> None:
        profile = self.state.profile
        with self._quiet():
            for name, widget in self.fields.items():
                value = profile.get(name)
                if isinstance(widget, w.SelectMultiple):
                    items = _items(value)
                    known = _values(widget)
                    if any(item not in known for item in items):
                        widget.options = [
                            *_pairs(widget),
                            *[(item, item) for item in items if item not in known],
                        ]
                    widget.value = items
                elif isinstance(widget, w.DatePicker):
                    widget.value = pd.Timestamp(value).date() if value else None
                elif isinstance(widget, w.Dropdown):
                    if value not in _values(widget):
                        widget.options = [*_pairs(widget), (str(value), value)]
                    widget.value = value
                elif isinstance(widget, w.Checkbox):
                    widget.value = str(value).lower() in ("true", "1", "ja", "yes")
                elif isinstance(widget, w.BoundedFloatText):
                    widget.value = float(value or 0)
                elif isinstance(widget, w.IntSlider):
                    widget.value = int(float(value or 0))
                else:
                    widget.value = str(value or "")
            available = str(profile.get("available") or "")
            presets = {v for _, v in AVAILABILITY}
            self.availability.value = available if available in presets else None
        self._draw_map()

    # -- map ----------------------------------------------------------------
    def _map_click(self, **event: Any) -> None:
        if event.get("type") == "click":
            lat, lon = event["coordinates"]
            self.state.set(lat=round(float(lat), 6), lon=round(float(lon), 6))

    def _draw_map(self) -> None:
        base = [layer for layer in self.map.layers if getattr(layer, "name", "") == "tiles"]
        layers: list[Any] = list(base)
        lat, lon = float(self.state.profile["lat"]), float(self.state.profile["lon"])
        lats, lons = [lat], [lon]
        options = self.state.options
        if options is not None and len(options):
            offers = self.data.dataset.offers.set_index("offer_id")
            for _, row in options.iterrows():
                venue = offers.loc[row["offer_id"]]
                lats.append(float(venue["lat"]))
                lons.append(float(venue["lon"]))
                layers.append(
                    L.Polyline(
                        locations=[(lat, lon), (venue["lat"], venue["lon"])],
                        color="#4a7fb5",
                        weight=2,
                        fill=False,
                    )
                )
                marker = L.CircleMarker(
                    location=(venue["lat"], venue["lon"]),
                    radius=8,
                    color="#1b5e20",
                    fill_color="#4caf50",
                    fill_opacity=0.9,
                    weight=2,
                )
                marker.popup = w.HTML(html.escape(f"{row['rank']}. {row['name']}"))
                layers.append(marker)
        layers.append(
            L.CircleMarker(
                location=(lat, lon),
                radius=9,
                color="#c0392b",
                fill_color="#e74c3c",
                fill_opacity=1.0,
                weight=2,
                name="home",
            )
        )
        self.map.layers = tuple(layers)
        fit(self.map, lats, lons)

    # -- results ------------------------------------------------------------
    def _render_results(self, _: Any = None) -> None:
        lang = self.data.lang
        state = self.state
        parts = []
        if state.problems:
            lines = problems_text(state.found_problems, lang) or state.problems
            parts.append(message("\n".join(lines), "error"))
        if state.error:
            parts.append(message(text("error", lang, message=state.error), "error"))
        self.problems.value = "".join(parts)
        cards: list[w.Widget] = []
        options = state.options
        if options is not None:
            for _, row in options.iterrows():
                cards.append(self._card(row))
        self.results.children = cards
        self.more.children = self._nothing_fits()
        self._draw_map()

    def _card(self, row: pd.Series) -> w.Widget:
        lang = self.data.lang
        when = short_date(pd.Timestamp(row["first_date"]).date(), lang)
        fits = "".join(f"<li class='bb-good'>{html.escape(str(r))}</li>" for r in row["fits"])
        less = "".join(f"<li class='bb-less'>{html.escape(str(r))}</li>" for r in row["less_good"])
        body = (
            f"<div class='bb-card'><h4>{int(row['rank'])}. {html.escape(str(row['name']))} "
            f"<small>({html.escape(code_text('kind', row['kind'], lang))})</small></h4>"
            f"<div>{text('first_time', lang)}: {when}, {html.escape(str(row['when']))}</div>"
            f"<ul>{fits}{less}</ul></div>"
        )
        button = w.Button(description=text("book", lang), button_style="success")
        session_id = str(row["session_id"])
        button.on_click(lambda _: self.state.book(session_id))
        return w.HBox([w.HTML(body, layout=w.Layout(width="80%")), button])

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
                button = w.Button(description=text("apply", lang))
                changes = dict(suggestion.changes)
                button.on_click(lambda _, c=changes: self._apply(c))
                parts.append(w.HBox([w.HTML(html.escape(suggestion.text)), button]))
        return parts

    def _apply(self, changes: dict[str, str]) -> None:
        self.state.set(**{k: v for k, v in changes.items() if k in self.state.profile})
        self.state.find()

    def _render_booking(self, _: Any = None) -> None:
        lang = self.data.lang
        state = self.state
        if state.booking_message == "full":
            self.handout.value = message(text("full", lang), "warn")
            return
        if state.booking is None or not state.handout:
            self.handout.value = ""
            return
        options = state.options
        name = state.booking.offer_id
        if options is not None:
            match = options[options["session_id"] == state.booking.session_id]
            if len(match):
                name = str(match.iloc[0]["name"])
        booked = text("booked", lang, name=name, date=short_date(state.booking.start_date, lang))
        encoded = base64.b64encode(state.handout.encode("utf-8")).decode("ascii")
        link = (
            f"<a download='udlevering-{html.escape(state.booking.patient_id)}.html' "
            f"href='data:text/html;base64,{encoded}'>{text('download', lang)}</a>"
        )
        frame = (
            f"<iframe title='{text('handout', lang)}' "
            f"srcdoc='{html.escape(state.handout, quote=True)}' "
            "style='width:820px;height:1100px;border:1px solid #ccc;background:white'></iframe>"
        )
        self.handout.value = message(booked) + f"<p>{text('print_hint', lang)} {link}</p>" + frame
