"""The next steps as numbered cards, one per offer, and the booking on the card.

Two sessions of one group are one card with a line (and a "Book" button) per
day. The number on a card is the number of its marker on the map. Booking
turns the card's button into "Booket ✓" with the date, and opens the booking
panel on that card, where the eye is: the confirmation, a print button (the
browser prints the A4 hand-out), the hand-out to download, cancel and move,
and any refusal, in the page's language.
"""

from __future__ import annotations

import base64
import functools
import html

import ipywidgets as w
import pandas as pd

from ...words.app import code_text, text
from ...words.catalog import PATIENT_LANGUAGES, unreviewed
from ...words.formats import day_month, language_name, long_date, money
from ...words.problems import problem_text
from ..discharge import DischargeState
from .page import Page

__all__ = ["OptionCards", "grouped"]

#: The element id of the hand-out frame the print button prints.
HANDOUT_FRAME = "bb-handout-frame"


@functools.cache
def _stale_months() -> int:
    """The packaged ``[freshness] stale_months``."""
    from ...match.weights import Weights

    return Weights.load().stale_months


def grouped(options: pd.DataFrame) -> list[pd.DataFrame]:
    """The options one frame per offer, in the order of each offer's best rank."""
    order = list(dict.fromkeys(options["offer_id"]))
    return [options[options["offer_id"] == offer] for offer in order]


def _escape(value: object) -> str:
    return html.escape(str(value))


def _download(name: str, mime: str, body: str, label: str) -> str:
    """A link that saves ``body`` as the file ``name``."""
    encoded = base64.b64encode(body.encode("utf-8")).decode("ascii")
    return (
        f"<a class='bb-download' download='{name}' href='data:{mime};base64,{encoded}'>"
        f"{_escape(label)}</a>"
    )


class OptionCards(w.VBox):
    """Cards for ``state.options`` and the booking panel of the booked card."""

    def __init__(self, state: DischargeState, page: Page | None = None) -> None:
        self.state = state
        self.page = page
        self.lang = "da"
        self.book_buttons: dict[str, w.Button] = {}
        #: per card's first session, where its ladder is shown (filled when found)
        self.ladder_slots: dict[str, w.VBox] = {}
        #: per card's first session, its "book the whole pathway" button, when shown
        self.pathway_buttons: dict[str, w.Button] = {}
        #: How many times the cards were drawn: each drawing's cards carry the class
        #: ``bb-gen-N``, so the page can wait for this drawing's, not the last one's.
        self.generation = 0
        self.panel = w.VBox()
        self.panel.add_class("bb-booking")
        self.print_button = w.Button(
            icon="print", button_style="primary", layout=w.Layout(width="auto")
        )
        self.print_button.add_class("bb-print")
        self.print_button.on_click(lambda _: self._print())
        self.cancel_button = w.Button(icon="times", layout=w.Layout(width="auto"))
        self.cancel_button.on_click(lambda _: self.state.cancel())
        self.move_button = w.Button(icon="exchange", layout=w.Layout(width="auto"))
        self.move_button.on_click(lambda _: self._move())
        # the panel's parts are kept, so a new language or contact person redraws
        # their words without taking the focus from the control just used
        self.confirmation = w.HTML()
        self.downloads = w.HTML()
        self.language = w.Dropdown(style={"description_width": "initial"})
        self.language.add_class("bb-handout-lang")
        self.language.observe(self._language_chosen, names="value")
        self.problems = w.HTML()
        self.frame = w.HTML()
        self._panel_parts = [
            self.confirmation,
            w.HBox([self.print_button, self.downloads]),
            self.language,
            w.HBox([self.move_button, self.cancel_button]),
            self.problems,
            self.frame,
        ]
        super().__init__()
        self.add_class("bb-cards")

    # -- cards ----------------------------------------------------------------
    def render(self, lang: str, addresses: pd.Series | None = None) -> None:
        """One card per offer of the options, with the booking panel on the booked one."""
        self.lang = lang
        options = self.state.options
        self.book_buttons = {}
        self.ladder_slots, self.pathway_buttons = {}, {}
        self.generation += 1
        cards: list[w.Widget] = []
        if options is not None and len(options):
            for number, rows in enumerate(grouped(options), start=1):
                cards.append(self._card(number, rows, addresses))
        self.children = cards
        self.render_booking()

    def _facts(self, first: pd.Series) -> str:
        lang = self.lang
        travel = text(
            "card_travel",
            lang,
            minutes=round(float(first["travel_min"])),
            mode=code_text("mode", first["travel_mode"], lang),
        )
        fee = (
            text("card_free", lang)
            if float(first["fee_dkk_month"]) == 0
            else text("card_fee", lang, fee=money(float(first["fee_dkk_month"]), lang))
        )
        group = text("card_group", lang, n=int(first["group_size"]))
        facts = [travel, fee, group]
        fares = float(first.get("transport_dkk_month", 0) or 0)
        if fares > 0:
            facts.append(text("card_transport", lang, amount=money(fares, lang)))
        if bool(first.get("ride_task", False)):
            facts.append(text("card_ride_task", lang))
        return " · ".join(_escape(x) for x in facts)

    def _card(self, number: int, rows: pd.DataFrame, addresses: pd.Series | None) -> w.Widget:
        lang = self.lang
        first = rows.iloc[0]
        address = ""
        if addresses is not None and first["offer_id"] in addresses.index:
            where = addresses.loc[first["offer_id"]]
            address = f"<div class='bb-address'>{_escape(where)}</div>" if where else ""
        fits = "".join(f"<li class='bb-good'>{_escape(r)}</li>" for r in first["fits"])
        less = "".join(f"<li class='bb-less'>{_escape(r)}</li>" for r in first["less_good"])
        head = (
            f"<h3><span class='bb-number' aria-hidden='true'>{number}</span> "
            f"{_escape(first['name'])}</h3>"
            f"<div class='bb-kind'>{_escape(code_text('kind', first['kind'], lang))}</div>"
            f"{address}<div>{self._facts(first)}</div>{self._stale(first)}"
            f"<ul>{fits}{less}</ul>"
        )
        slot = w.VBox()
        self.ladder_slots[str(first["session_id"])] = slot
        self._fill_ladder(str(first["session_id"]))
        lines: list[w.Widget] = [w.HTML(head), slot]
        for _, row in rows.iterrows():
            lines.append(self._session_line(row))
        booking = self.state.booking
        if booking is not None and booking.session_id in set(rows["session_id"].astype(str)):
            lines.append(self.panel)
        elif self.state.field_problems.get("booking") and self.state.booking_message in set(
            rows["session_id"].astype(str)
        ):
            lines.append(self._refusal())
        card = w.VBox(lines)
        card.add_class("bb-card")
        card.add_class(f"bb-card-{number}")
        card.add_class(f"bb-gen-{self.generation}")
        return card

    def _stale(self, first: pd.Series) -> str:
        """A mark on an offer nobody has checked for more than ``stale_months`` months
        (``[freshness]``): when it was last checked, and to check it still runs."""
        from ...dataset.freshness import stale_offers

        dataset = self.state.data.dataset
        if dataset is None or "verified_date" not in dataset.offers.columns:
            return ""
        offer = dataset.offers[dataset.offers["offer_id"] == first["offer_id"]]
        if not len(offer) or not stale_offers(offer, _stale_months()).any():
            return ""
        checked = long_date(pd.Timestamp(offer["verified_date"].iloc[0]).date(), self.lang)
        said = _escape(text("card_stale", self.lang, date=checked))
        return f"<div class='bb-stale' role='note'>{said}</div>"

    def show_ladders(self) -> None:
        """Fill each card's ladder, found after the cards were shown."""
        for session_id in self.ladder_slots:
            self._fill_ladder(session_id)

    def _fill_ladder(self, session_id: str) -> None:
        """This card's first session and the steps that could follow it, numbered
        ("1. Udslusningshold: Hjertehold Øst fra 18. jan."), with the button that books
        them all; once booked, each step says whether it is booked or held."""
        slot = self.ladder_slots.get(session_id)
        steps = self.state.ladders.get(session_id, [])
        dataset = self.state.data.dataset
        if slot is None:
            return
        if len(steps) < 2 or dataset is None:
            slot.children = []
            return
        lang = self.lang
        names = dataset.offers.set_index("offer_id")["name"]
        booked = list(self.state.steps_booked)
        mine = bool(booked) and booked[0].session_id == session_id
        said = []
        for i, step in enumerate(steps):
            key = "card_step"
            if mine and i < len(booked):
                key = "card_step_held" if booked[i].provisional else "card_step_booked"
            said.append(
                text(
                    key,
                    lang,
                    kind=code_text("kind", step.kind, lang),
                    name=str(names.get(step.offer_id, "")),
                    date=day_month(pd.Timestamp(step.start).date(), lang),
                )
            )
        items = "".join(f"<li>{_escape(line)}</li>" for line in said)
        title = _escape(text("card_pathway_booked" if mine else "card_pathway", lang))
        hint = _escape(text("card_pathway_hint_book", lang))
        parts: list[w.Widget] = [
            w.HTML(
                f"<div class='bb-ladder'><strong>{title}</strong><ol>{items}</ol>"
                f"<div class='bb-hint'>{hint}</div></div>"
            )
        ]
        if not mine:
            button = w.Button(
                description=text("card_book_pathway", lang),
                tooltip=text("card_book_pathway_this", lang, n=len(steps)),
                icon="list-ol",
                layout=w.Layout(width="auto", align_self="flex-start"),
                disabled=self.state.booking is not None,
            )
            button.add_class("bb-book-pathway")
            button.on_click(lambda _: self._book(session_id, pathway=True))
            self.pathway_buttons[session_id] = button
            parts.append(button)
        slot.children = parts

    def _session_line(self, row: pd.Series) -> w.Widget:
        lang = self.lang
        session_id = str(row["session_id"])
        when = text(
            "card_when",
            lang,
            day=code_text("day", row["weekday"], lang),
            start=row["start"],
            end=row["end"],
            first=day_month(pd.Timestamp(row["first_date"]).date(), lang),
        )
        booking = self.state.booking
        button = w.Button(layout=w.Layout(width="auto"))
        if booking is not None and booking.session_id == session_id:
            button.description = text("card_booked", lang, date=day_month(booking.start_date, lang))
            button.button_style = "success"
            button.disabled = True
        else:
            button.description = text("book", lang)
            button.tooltip = text("book_this", lang, when=when)
            button.button_style = "primary"
            button.disabled = booking is not None
            button.on_click(lambda _: self._book(session_id))
        self.book_buttons[session_id] = button
        line = w.HBox([w.HTML(f"<span class='bb-when'>{_escape(when)}</span>"), button])
        line.layout.flex_flow = "row wrap"
        return line

    def _refusal(self) -> w.Widget:
        return w.HTML(self._refusal_lines())

    def _refusal_lines(self) -> str:
        found = self.state.field_problems.get("booking", ())
        return "".join(
            f"<div class='bb-field-error' role='alert'>{_escape(problem_text(p, self.lang))}</div>"
            for p in found
        )

    # -- the booking panel ------------------------------------------------------
    def render_booking(self) -> None:
        """The booking panel: confirmation, print, download, cancel and move."""
        lang = self.lang
        state = self.state
        self.cancel_button.description = text("cancel_booking", lang)
        self.move_button.description = text("move_booking", lang)
        booking = state.booking
        if booking is None or not state.handout:
            self.panel.children = []
            return
        name = booking.offer_id
        options = state.options
        if options is not None:
            match = options[options["session_id"] == booking.session_id]
            if len(match):
                name = str(match.iloc[0]["name"])
        booked = text("booked", lang, name=name, date=long_date(booking.start_date, lang))
        later = len(state.steps_booked) - 1
        if later > 0:
            booked += " " + text("booked_pathway", lang, n=later)
        title = _escape(text("handout", lang))
        self.print_button.description = text("print", lang)
        pid = _escape(booking.patient_id)
        self.downloads.value = " · ".join(
            (
                _download(
                    f"udlevering-{pid}.html", "text/html", state.handout, text("download", lang)
                ),
                _download(
                    f"invitation-{pid}.ics",
                    "text/calendar",
                    state.invitation(),
                    text("ics_download", lang),
                ),
            )
        )
        self._offer_languages()
        frame = (
            f"<iframe id='{HANDOUT_FRAME}' title='{title}' "
            f"srcdoc='{html.escape(state.handout, quote=True)}' class='bb-handout'></iframe>"
        )
        self.confirmation.value = (
            f"<div class='bb-msg bb-info' role='status'>{_escape(booked)}</div>"
        )
        self.problems.value = self._refusal_lines()
        self.frame.value = f"<details open><summary>{title}</summary>{frame}</details>"
        self.panel.children = self._panel_parts

    def _offer_languages(self) -> None:
        """The languages the hand-out comes in, named in the page's language, those no
        native speaker has read marked so; the hand-out's own chosen."""
        lang = self.lang
        rough = set(unreviewed())
        names = []
        for code in PATIENT_LANGUAGES:
            name = language_name(code, lang)
            names.append(
                (text("handout_unreviewed", lang, language=name) if code in rough else name, code)
            )
        self._choosing = True
        try:
            self.language.description = text("handout_in", lang)
            self.language.options = names
            self.language.value = self.state.handout_language()
        finally:
            self._choosing = False

    def _language_chosen(self, change: dict[str, object]) -> None:
        if not getattr(self, "_choosing", False) and change["new"]:
            self.state.set_handout_lang(str(change["new"]))

    def _book(self, session_id: str, *, pathway: bool = False) -> None:
        """Book (with ``pathway``, the card's whole ladder), bring the confirmation on the
        card into view and put the focus on its print button, the next step (the
        confirmation itself is read out as a status)."""
        done = self.state.book_pathway(session_id) if pathway else self.state.book(session_id)
        if done and self.page is not None:
            card = f".bb-gen-{self.generation}.bb-card:has(.bb-booking)"
            self.page.show(card, focus=f"{card} .bb-print")

    def _print(self) -> None:
        """The browser prints the hand-out (its A4 page), as shown in the frame."""
        if self.page is not None:
            self.page.print_frame(HANDOUT_FRAME)

    def _move(self) -> None:
        """Free the place so another of the cards can be booked instead."""
        self.state.cancel()
