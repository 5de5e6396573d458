"""The next steps as cards: one per offer, numbered, with the facts a person weighs,
and the booking panel on the booked card."""

from __future__ import annotations

import pandas as pd

from matcher.ui.discharge import DischargeState
from matcher.ui.state import DataState
from matcher.ui.views.option_cards import OptionCards, grouped


def _found(data: DataState, db: str) -> tuple[DischargeState, OptionCards]:
    state = DischargeState(data, db)
    state.start_from("P00001")
    state.find(top=8)
    cards = OptionCards(state)
    cards.render("da", data.dataset.offers.set_index("offer_id")["address"])
    return state, cards


def _text(widget: object) -> str:
    value = getattr(widget, "value", "")
    own = value if isinstance(value, str) else ""
    return own + "".join(_text(c) for c in getattr(widget, "children", ()))


def test_sessions_of_one_offer_are_one_card_in_rank_order() -> None:
    """Two sessions of the same group are one card, placed where its best session ranks."""
    options = pd.DataFrame(
        {"offer_id": ["O2", "O1", "O2", "O3"], "session_id": ["S1", "S2", "S3", "S4"]}
    )
    groups = grouped(options)
    assert [list(g["session_id"]) for g in groups] == [["S1", "S3"], ["S2"], ["S4"]]


def test_each_card_has_its_number_name_kind_address_and_facts(data: DataState, db: str) -> None:
    """A card shows its number, the offer's name and kind once, its address, travel, fee and
    group size, and a Book button per session."""
    state, cards = _found(data, db)
    offers = grouped(state.options)
    assert len(cards.children) == len(offers)
    first = offers[0].iloc[0]
    shown = _text(cards.children[0])
    assert "<span class='bb-number' aria-hidden='true'>1</span>" in shown
    assert str(first["name"]) in shown
    address = data.dataset.offers.set_index("offer_id").loc[first["offer_id"], "address"]
    assert str(address) in shown
    assert "min." in shown and "deltagere" in shown
    assert set(cards.book_buttons) == set(state.options["session_id"].astype(str))


def test_user_text_on_a_card_is_escaped(data: DataState, db: str) -> None:
    """An offer named like markup is shown as text, not run as HTML."""
    state, cards = _found(data, db)
    options = state.options.copy()
    options["name"] = "<script>alert(1)</script>"
    state.options = options
    cards.render("da")
    shown = _text(cards)
    assert "<script>" not in shown and "&lt;script&gt;" in shown


def test_booking_disables_the_other_buttons_and_opens_the_panel(data: DataState, db: str) -> None:
    """Once booked, the booked session's button says so with the date, the others wait, and
    the panel with print, move and cancel sits on that card."""
    state, cards = _found(data, db)
    session = str(grouped(state.options)[0].iloc[0]["session_id"])
    cards.book_buttons[session].click()
    cards.render("da")
    assert cards.book_buttons[session].description.startswith("Booket ✓")
    assert all(b.disabled for b in cards.book_buttons.values())
    assert cards.panel in cards.children[0].children
    assert cards.print_button.description == "Udskriv udleveringen"
    assert "Booket:" in _text(cards.panel)


def test_the_booking_panel_offers_the_hand_out_s_languages_and_an_invitation(
    data: DataState, db: str
) -> None:
    """The panel names the eight languages of the hand-out in the page's language, marks
    those no native speaker has read, starts at the person's own, makes the hand-out
    again in the one chosen (the same controls stay, so the focus does), and offers the
    calendar invitation beside the hand-out."""
    from matcher.words.catalog import PATIENT_LANGUAGES, unreviewed

    state, cards = _found(data, db)
    state.observe(lambda _: cards.render_booking(), names="handout")
    session = str(state.options.iloc[0]["session_id"])
    assert state.book(session)
    cards.render("da")
    assert [code for _, code in cards.language.options] == list(PATIENT_LANGUAGES)
    names = dict((code, name) for name, code in cards.language.options)
    assert names["ar"].startswith("arabisk")
    assert all(("ikke læst" in names[c]) == (c in unreviewed()) for c in PATIENT_LANGUAGES)
    assert cards.language.value == "da"
    parts = list(cards.panel.children)
    cards.language.value = "ar"
    assert 'dir="rtl"' in state.handout
    assert list(cards.panel.children) == parts
    assert "data:text/calendar;base64," in cards.downloads.value
    assert "invitation-P00001.ics" in cards.downloads.value


def test_a_card_says_what_the_way_there_costs_and_a_ride_to_book(data: DataState, db: str) -> None:
    """A card whose way there costs money says about how much a month; one whose ride the
    municipality pays says the ride must be booked; a free way says neither."""
    state, cards = _found(data, db)
    first = grouped(state.options)[0].iloc[0].copy()
    first["transport_dkk_month"], first["ride_task"] = 156, False
    assert "Transport ca. 156" in cards._facts(first)
    first["transport_dkk_month"], first["ride_task"] = 0, True
    facts = cards._facts(first)
    assert "Transport ca." not in facts and "bestil turen" in facts


def test_a_card_shows_the_pathway_that_could_follow_its_first_step(
    data: DataState, db: str
) -> None:
    """Where a ladder can follow a card's first session, the card lists each step with
    its kind, offer name and first date, says how the later steps are held and
    confirmed, and has a button that books them all; a card without one lists none."""
    state = DischargeState(data, db)
    found = None
    for pid in data.dataset.patients["patient_id"].astype(str):
        state.start_from(pid)
        state.find(top=8)
        if state.ladders:
            found = pid
            break
    assert found is not None, "no person of the demo has a card with a ladder"
    cards = OptionCards(state)
    cards.render("da")
    names = data.dataset.offers.set_index("offer_id")["name"]
    first_sessions = list(state.options.drop_duplicates("offer_id")["session_id"].astype(str))
    for number, sid in enumerate(first_sessions):
        shown = _text(cards.children[number])
        steps = state.ladders.get(sid)
        if steps is None:
            assert "bb-ladder" not in shown
            continue
        assert "Et muligt forløb" in shown and "bekræfter hvert trin, når trinnet før" in shown
        for step in steps:
            assert f"{names[step.offer_id]} fra" in shown
        assert cards.pathway_buttons[sid].description == "Book hele forløbet"


def _with_ladder(data: DataState, db: str) -> tuple[DischargeState, OptionCards, str]:
    """The first person of the demo with a card whose first step has a ladder."""
    state = DischargeState(data, db)
    for pid in data.dataset.patients["patient_id"].astype(str):
        state.start_from(pid)
        state.find(top=8)
        if state.ladders:
            cards = OptionCards(state)
            cards.render("da")
            return state, cards, next(iter(state.ladders))
    raise AssertionError("no person of the demo has a card with a ladder")


def test_the_ladder_fills_a_card_shown_before_it_was_found(data: DataState, db: str) -> None:
    """Cards are shown as soon as the options are found; the ladder found after them
    fills its card in place, without drawing the cards again."""
    state, cards, sid = _with_ladder(data, db)
    ladders = state.ladders
    state.ladders = {}
    cards.render("da")
    drawn = cards.generation
    assert not cards.pathway_buttons
    state.ladders = ladders
    cards.show_ladders()
    assert cards.generation == drawn and sid in cards.pathway_buttons
    assert "Et muligt forløb" in _text(cards.ladder_slots[sid])


def test_booking_the_whole_pathway_marks_each_step_booked_or_held(data: DataState, db: str) -> None:
    """The card's pathway button books every step: the card then says which step is
    booked and which are held, and the confirmation says how many are held."""
    state, cards, sid = _with_ladder(data, db)
    steps = state.ladders[sid]
    cards.pathway_buttons[sid].click()
    assert [b.session_id for b in state.steps_booked] == [s.session_id for s in steps]
    assert [b.provisional for b in state.steps_booked] == [False] + [True] * (len(steps) - 1)
    cards.render("da")
    shown = _text(cards)
    assert shown.count("(booket)") == 1
    assert shown.count("(holdt foreløbigt)") == len(steps) - 1
    assert f"Senere trin holdt foreløbigt: {len(steps) - 1}." in shown
    assert all(button.disabled for button in cards.book_buttons.values())
    assert state.cancel() and state.steps_booked == []


def test_a_pathway_not_the_one_shown_is_refused_on_its_card(data: DataState, db: str) -> None:
    """When the steps found at booking are not the ones the card showed, nothing is
    booked and the card says to find the next steps again."""
    state, cards, sid = _with_ladder(data, db)
    state.ladders = {sid: state.ladders[sid][:1] * 2}
    assert not state.book_pathway(sid)
    assert state.booking is None
    cards.render("da")
    assert "find de næste skridt igen" in _text(cards)


def test_an_offer_nobody_has_checked_for_long_is_marked_on_its_card(
    data: DataState, db: str
) -> None:
    """A card's offer last verified more than the stale months ago says when it was
    checked and to check it still runs; a recently checked one says nothing of it."""
    state, cards = _found(data, db)
    offers = data.dataset.offers.copy()
    first = str(grouped(state.options)[0].iloc[0]["offer_id"])
    second = str(grouped(state.options)[1].iloc[0]["offer_id"])
    offers["verified_date"] = pd.NaT
    today = pd.Timestamp.today().normalize()
    offers.loc[offers["offer_id"] == first, "verified_date"] = today - pd.DateOffset(years=3)
    offers.loc[offers["offer_id"] == second, "verified_date"] = today - pd.DateOffset(months=1)
    state.data.dataset = data.dataset.replace(offers=offers)
    cards.render("da")
    assert "Sidst tjekket" in _text(cards.children[0]) and "bb-stale" in _text(cards.children[0])
    assert "Sidst tjekket" not in _text(cards.children[1])
