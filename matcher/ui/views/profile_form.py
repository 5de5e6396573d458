"""The profile form of the closing conversation, in the order it goes.

Where the person lives (an address or a postal code, found offline), how far
and how they travel (and whether they can join online); when they can (a
weekday × part-of-day grid, or Danish text such as "man-fre 12-17"); what size
of group, how much talking, what pace and what they need at the venue; money
and language; then, folded, the rest. Every control is a native element with a label, so it is
reached and operated by keyboard; each field's problem is shown right under
it. The discharge date is typed day first ("3.12.2026"), read with Babel in
the page's language, so it is one field, not the browser's three-part date
picker whose order follows the browser's locale rather than the page's.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import ipywidgets as w

from ...dataset.schema import ACCESS_NEEDS, TALK_LEVELS
from ...dataset.weekly import PARTS, grid_cells, grid_text, weekly_words
from ...domain import (
    AGE_BANDS,
    CALL_TIMES,
    CONSENT_PURPOSES,
    CONTACT_CHANNELS,
    DIAGNOSES,
    INTENSITIES,
    MODES,
    PATIENT_GENDERS,
    TOLERANCES,
    VULNERABILITY_FLAGS,
    WEEKDAYS,
)
from ...words.app import code_text, text
from ...words.catalog import catalogue
from ...words.formats import language_name, shown_date, typed_date
from ...words.problems import problem_text
from ..discharge import DischargeState
from ..state import DataState
from .controls import Choices, Section, WeekGrid

__all__ = ["ProfileForm"]

_WIDE = w.Layout(width="100%", max_width="420px")
_LABEL = {"description_width": "initial"}
#: Fields whose options are codes, shown in words: field -> (codes, family).
_CODED: dict[str, tuple[tuple[str, ...], str]] = {
    "modes": (MODES, "mode"),
    "diagnoses": (DIAGNOSES, "diag"),
    "group_tolerance": (TOLERANCES, "tol"),
    "intensity_max": (INTENSITIES, "intensity"),
    "gender": (PATIENT_GENDERS, "gender"),
    "talk_level_max": (TALK_LEVELS, "talk"),
    "needs": (ACCESS_NEEDS, "need"),
}
#: Interests every dataset may use, besides those of its offers.
_COMMON_TAGS = ("walking", "strength", "dance", "choir", "swimming", "social")
#: The sections: key of the title, and whether it is open at the start.
_SECTIONS = (
    ("where_travel", True),
    ("when", True),
    ("tolerates", True),
    ("money_language", True),
    ("contact_consent", True),
    ("likes", False),
    ("more_about", False),
    ("f_priority", False),
)


def _items(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v for v in value.replace("|", ";").split(";") if v)
    return tuple(value or ())


def _address_row(address: w.Text, button: w.Button) -> w.HBox:
    """The address field and its button, which wraps below it when the column is narrow."""
    row = w.HBox([address, button])
    row.add_class("bb-address-row")
    return row


def tag_name(tag: str, lang: str) -> str:
    """An interest in words, from the patient's register of the catalogue."""
    words = catalogue(lang)
    return words.text("patient", f"tags.{tag}") if words.has("patient", f"tags.{tag}") else tag


class ProfileForm(w.VBox):
    """The profile's fields (``fields``), in sections that fold (``sections``)."""

    def __init__(self, data: DataState, state: DischargeState) -> None:
        self.data = data
        self.state = state
        self._syncing = False
        self.fields: dict[str, Any] = {}
        self.notes: dict[str, w.HTML] = {
            name: w.HTML() for name in ("address", "available", "discharge_date")
        }
        #: The date as typed when it could not be read (shown under the field).
        self._bad_date = ""

        def field(name: str, widget: Any) -> Any:
            self.fields[name] = widget
            widget.observe(lambda change, n=name: self._changed(n, change["new"]), names="value")
            return widget

        self.address = w.Text(continuous_update=False, layout=_WIDE, style=_LABEL)
        self.address.observe(lambda c: self._locate(c["new"]), names="value")
        self.address_button = w.Button(icon="search", layout=w.Layout(width="auto"))
        self.address_button.on_click(lambda _: self._locate(self.address.value, again=True))
        self.map_hint = w.HTML()
        self.grid = WeekGrid()
        self.grid.observe(self._gridded, names="value")
        self.available = w.Text(continuous_update=False, layout=_WIDE, style=_LABEL)
        self.available.observe(lambda c: self._typed_times(c["new"]), names="value")
        self.grid_hint = w.HTML()
        first = field("patient_id", w.Text(layout=_WIDE, style=_LABEL))
        first.add_class("bb-first")
        where = [
            first,
            _address_row(self.address, self.address_button),
            self.notes["address"],
            self.map_hint,
            field("max_travel_min", w.BoundedIntText(min=5, max=180, step=5, style=_LABEL)),
            field("modes", Choices()),
            field("transport_help", w.Checkbox(indent=False)),
            field("online_ok", w.Checkbox(indent=False)),
        ]
        self.date = w.Text(continuous_update=False, style=_LABEL)
        self.date.add_class("bb-date")
        self.date.observe(lambda c: self._typed_date(c["new"]), names="value")
        when = [
            self.grid_hint,
            self.grid,
            self.available,
            self.notes["available"],
            self.date,
            self.notes["discharge_date"],
        ]
        tolerates = [
            field("group_tolerance", w.ToggleButtons(style={"button_width": "auto"})),
            field("talk_level_max", w.ToggleButtons(style={"button_width": "auto"})),
            field("intensity_max", w.ToggleButtons(style={"button_width": "auto"})),
            field("needs", Choices()),
            field("needs_supervision", w.Checkbox(indent=False)),
            field("home_bound", w.Checkbox(indent=False)),
        ]
        money = [
            field("budget_dkk_month", w.BoundedIntText(min=0, max=5000, step=25, style=_LABEL)),
            field("languages", Choices()),
        ]
        self.consents = Choices()
        self.consents.observe(lambda c: self._consented(c["new"]), names="value")
        self.contact_name = w.Text(continuous_update=False, layout=_WIDE, style=_LABEL)
        self.contact_phone = w.Text(continuous_update=False, layout=_WIDE, style=_LABEL)
        for typed in (self.contact_name, self.contact_phone):
            typed.observe(lambda _: self._contacted(), names="value")
        self.notes["contact"] = w.HTML()
        self.initials = w.Text(continuous_update=False, layout=_WIDE, style=_LABEL)
        self.initials.observe(lambda c: self._initialled(c["new"]), names="value")
        self.notes["initials"] = w.HTML()
        self.contact_hint = w.HTML()
        contact = [
            field("contact_channel", w.ToggleButtons(style={"button_width": "auto"})),
            field("call_time", w.ToggleButtons(style={"button_width": "auto"})),
            self.consents,
            self.initials,
            self.notes["initials"],
            self.contact_hint,
            self.contact_name,
            self.contact_phone,
            self.notes["contact"],
        ]
        likes = [
            field("interests", Choices()),
            field("prior_offer_id", w.Dropdown(style=_LABEL, layout=_WIDE)),
            field("together", w.Checkbox(indent=False)),
        ]
        more = [
            field("diagnoses", Choices()),
            field("gender", w.Dropdown(style=_LABEL)),
            field("age_band", w.Dropdown(style=_LABEL)),
            field("gender_pref", w.Checkbox(indent=False)),
        ]
        priority = [field(flag, w.Checkbox(indent=False)) for flag in VULNERABILITY_FLAGS]
        priority.append(field("escalate", w.Checkbox(indent=False)))
        bodies = (where, when, tolerates, money, contact, likes, more, priority)
        self.sections = [
            Section(body, expanded=expanded)
            for body, (_, expanded) in zip(bodies, _SECTIONS, strict=True)
        ]
        super().__init__(self.sections)
        self.add_class("bb-form")
        state.observe(
            self.render,
            names=["profile", "home", "home_precision", "field_problems", "consents"],
        )
        data.observe(self.new_data, names="version")

    # -- words ----------------------------------------------------------------
    def relabel(self) -> None:
        """Every label and choice in the page's language; the profile stays."""
        lang = self.data.lang

        def t(key: str) -> str:
            return text(key, lang)

        for section, (key, _) in zip(self.sections, _SECTIONS, strict=True):
            section.set_title(t(key))
        self.address.description = t("f_address")
        self.address.placeholder = t("f_address_hint")
        self.address_button.description = t("f_address_find")
        self.address_button.tooltip = t("f_address_find")
        self.map_hint.value = f"<i>{html.escape(t('f_map_hint'))}</i>"
        self.available.description = t("f_available_own")
        self.available.placeholder = t("f_available_example")
        hint = f"{t('f_grid_hint')} {t('f_grid_keys')}"
        self.grid_hint.value = f"<span class='bb-hint' id='bb-grid-hint'>{html.escape(hint)}</span>"
        self.date.description = t("f_discharge_date")
        self.date.placeholder = t("f_date_placeholder")
        self.grid.label([t(f"day_{d}") for d in WEEKDAYS], [t(f"part_{p}") for p in PARTS])
        for name, widget in self.fields.items():
            widget.description = t(f"f_{name}")
        with self._quiet():
            for name, (codes, family) in _CODED.items():
                self.fields[name].options = [(code_text(family, c, lang), c) for c in codes]
            self.fields["age_band"].options = [(t("not_given"), ""), *[(b, b) for b in AGE_BANDS]]
            self.fields["contact_channel"].options = [
                (t("not_given"), ""),
                *[(t(f"fu_channel_{c}"), c) for c in CONTACT_CHANNELS],
            ]
            self.fields["call_time"].options = [
                (t("not_given"), ""),
                *[(t(f"part_{c}"), c) for c in CALL_TIMES],
            ]
            self.consents.options = [(t(f"consent_{c}"), c) for c in CONSENT_PURPOSES]
        self.consents.description = t("f_consents")
        self.contact_hint.value = f"<span class='bb-hint'>{html.escape(t('f_contact_hint'))}</span>"
        self.contact_name.description = t("f_contact_name")
        self.initials.description = t("f_initials_short")
        self.initials.placeholder = t("f_initials_placeholder")
        self.contact_phone.description = t("f_contact_phone")
        self.new_data()

    # -- choices from the data ------------------------------------------------
    def _tags(self) -> list[tuple[str, str]]:
        ds = self.data.dataset
        found = {tag for tags in ds.offers["tags"] for tag in tags} if ds is not None else set()
        lang = self.data.lang
        return sorted(
            ((tag_name(t, lang), t) for t in found | set(_COMMON_TAGS)), key=lambda p: p[0]
        )

    def _languages(self) -> list[tuple[str, str]]:
        ds = self.data.dataset
        found = {"da", "en"}
        if ds is not None:
            found |= {x for v in ds.offers["languages"] for x in v}
            found |= {x for v in ds.patients["languages"] for x in v}
        lang = self.data.lang
        first = [c for c in ("da", "en") if c in found]
        rest = sorted(found - set(first), key=lambda c: language_name(c, lang))
        return [(language_name(c, lang), c) for c in (*first, *rest)]

    def _offers(self) -> list[tuple[str, str]]:
        ds = self.data.dataset
        options = [(text("none", self.data.lang), "")]
        if ds is not None:
            teams = ds.offers[ds.offers["kind"].isin(["exit_team", "network_group"])]
            options += sorted(zip(teams["name"], teams["offer_id"], strict=True))
        return options

    def new_data(self, _: Any = None) -> None:
        """Choices that come from the dataset (interests, languages, teams)."""
        with self._quiet():  # the profile is the truth: render puts it back
            self.fields["interests"].options = self._tags()
            self.fields["languages"].options = self._languages()
            self.fields["prior_offer_id"].options = self._offers()
        self.render()

    # -- profile <-> widgets --------------------------------------------------
    def _quiet(self) -> Any:
        form = self

        class _Guard:
            def __enter__(self) -> None:
                form._syncing = True

            def __exit__(self, *exc: object) -> None:
                form._syncing = False

        return _Guard()

    def _changed(self, name: str, value: Any) -> None:
        if self._syncing:
            return
        if name == "gender_pref":
            value = "same" if value else "any"
        self.state.set(**{name: value})

    def _locate(self, typed: str, again: bool = False) -> None:
        if self._syncing or not (typed.strip() or again):
            return
        self.state.locate(typed)

    def _typed_date(self, typed: str) -> None:
        """A date that reads is the profile's; one that does not is kept as typed, with
        its problem under the field (the profile keeps the last good date)."""
        if self._syncing:
            return
        found = typed_date(typed, self.data.lang) if typed.strip() else None
        self._bad_date = typed if typed.strip() and found is None else ""
        if not self._bad_date:
            self.state.set(discharge_date=found.isoformat() if found else "")
        self.render()

    @property
    def unread(self) -> bool:
        """Whether a field holds what was typed but could not be read (the date)."""
        return bool(self._bad_date)

    def _consented(self, given: tuple[str, ...]) -> None:
        if not self._syncing:
            self.state.consents = list(given)

    def _initialled(self, typed: str) -> None:
        if not self._syncing:
            self.state.set_initials(typed)

    def _contacted(self) -> None:
        """The contact person once both name and phone are typed (or both cleared), so
        typing the name does not show the phone as missing before it is reached."""
        name, phone = self.contact_name.value.strip(), self.contact_phone.value.strip()
        if not self._syncing and bool(name) == bool(phone):
            self.state.set_contact(name, phone)

    def _gridded(self, change: Any) -> None:
        if not self._syncing:
            self.state.set_available(grid_text(set(change["new"])))

    def _typed_times(self, typed: str) -> None:
        if not self._syncing:
            self.state.set_available(typed)

    def render(self, _: Any = None) -> None:
        """The widgets show the profile, the home found and each field's problem."""
        profile = self.state.profile
        lang = self.data.lang
        with self._quiet():
            for name, widget in self.fields.items():
                self._show(widget, name, profile.get(name))
            available = str(profile.get("available") or "")
            cells = grid_cells(available)
            self.grid.value = tuple(sorted(cells)) if cells is not None else ()
            self.available.value = weekly_words(available, lang) if cells is None else ""
            if self.state.home:
                self.address.value = self.state.home
            self.consents.value = tuple(self.state.consents)
            if not self._bad_date:
                when = str(profile.get("discharge_date") or "")
                self.date.value = shown_date(date.fromisoformat(when), lang) if when else ""
        notes = dict(self.state.field_problems)
        for name, note in self.notes.items():
            found = notes.get(name, ())
            note.value = "".join(
                f"<div class='bb-field-error' role='alert'>{html.escape(problem_text(p, lang))}"
                "</div>"
                for p in found
            )
        if self._bad_date:
            example = shown_date(date.today(), lang)
            bad = text("f_date_bad", lang, typed=self._bad_date, example=example)
            self.notes[
                "discharge_date"
            ].value = f"<div class='bb-field-error' role='alert'>{html.escape(bad)}</div>"
        precision = self.state.home_precision
        if not notes.get("address") and precision in ("address", "street", "postal_code", "map"):
            found_at = text(f"home_{precision}", lang, label=self.state.home)
            self.notes["address"].value = f"<div class='bb-field-ok'>{html.escape(found_at)}</div>"

    def _show(self, widget: Any, name: str, value: Any) -> None:
        if isinstance(widget, Choices):
            widget.value = _items(value)
        elif isinstance(widget, w.Dropdown | w.ToggleButtons):
            if value not in [v for _, v in widget.options]:
                widget.options = [*widget.options, (str(value), value)]
            widget.value = value
        elif name == "gender_pref":
            widget.value = value == "same"
        elif isinstance(widget, w.Checkbox):
            widget.value = str(value).lower() in ("true", "1", "ja", "yes")
        elif isinstance(widget, w.BoundedIntText):
            widget.value = int(float(value or 0))
        else:
            widget.value = str(value or "")
