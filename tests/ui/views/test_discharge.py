"""The discharge view's widgets, without a browser: they mirror the profile, show one
numbered card per offer with a numbered marker, book on the card, follow map clicks
and apply what would open more options."""

from __future__ import annotations

import ipyleaflet as L

from matcher.ui.discharge import DischargeState
from matcher.ui.state import DataState
from matcher.ui.views.discharge import DischargeView
from matcher.ui.views.option_cards import grouped


def test_view_mirrors_the_profile_and_writes_back(data: DataState, db: str) -> None:
    """Widgets show the profile, and a widget change updates the profile."""
    state = DischargeState(data, db)
    view = DischargeView(data, state)
    state.start_from("P00002")
    assert view.fields["patient_id"].value == "P00002"
    view.fields["max_travel_min"].value = 45
    assert state.profile["max_travel_min"] == 45
    view.form.available.value = "man-fre 12-17"
    assert state.profile["available"].startswith("mon 12:00-17:00")


def test_view_shows_one_card_per_offer_and_books_on_it(data: DataState, db: str) -> None:
    """Find shows one numbered card per offer; its Book button books and the card shows it."""
    state = DischargeState(data, db)
    view = DischargeView(data, state)
    state.start_from("P00001")
    view.find_button.click()
    offers = grouped(state.options)
    assert len(view.results.children) == len(offers) > 0
    first = str(offers[0].iloc[0]["session_id"])
    view.cards.book_buttons[first].click()
    assert state.booking is not None and state.booking.session_id == first
    booked = view.cards.book_buttons[first]
    assert booked.disabled and booked.description.startswith("Booket ✓")
    assert view.cards.panel in view.results.children[0].children
    assert any("iframe" in getattr(c, "value", "") for c in view.cards.panel.children)


def test_markers_are_numbered_like_the_cards(data: DataState, db: str) -> None:
    """Each offer's marker carries its card's number, and the map shows home and options."""
    state = DischargeState(data, db)
    view = DischargeView(data, state)
    state.start_from("P00001")
    view.find_button.click()
    markers = [layer for layer in view.map.layers if isinstance(layer, L.Marker)]
    assert [m.icon.html for m in markers] == [
        f"<span class='bb-marker'>{n}</span>" for n in range(1, len(grouped(state.options)) + 1)
    ]
    assert view.home in view.map.layers
    assert view.map.zoom >= 9


def test_a_marker_clicked_brings_its_card_into_view(data: DataState, db: str) -> None:
    """A numbered marker has no popup; clicking it scrolls the page to the card with
    its number."""
    shown: list[str] = []

    class Page:
        def show(self, selector: str, *, focus: str = "") -> None:
            shown.append(selector)

    state = DischargeState(data, db)
    view = DischargeView(data, state, page=Page())  # type: ignore[arg-type]
    state.start_from("P00001")
    view.find_button.click()
    shown.clear()
    markers = [layer for layer in view.map.layers if isinstance(layer, L.Marker)]
    assert all(m.popup is None for m in markers)
    markers[1]._handle_mouse_events(None, {"event": "interaction", "type": "click"}, None)
    assert shown == [".bb-card-2"]
    assert "bb-card-2" in view.results.children[1]._dom_classes


def test_map_click_sets_the_home(data: DataState, db: str) -> None:
    """Clicking the map moves the home to the clicked point."""
    state = DischargeState(data, db)
    view = DischargeView(data, state)
    view._map_click(type="click", coordinates=[55.41, 10.40])
    assert (state.profile["lat"], state.profile["lon"]) == (55.41, 10.4)
    assert tuple(view.home.location) == (55.41, 10.4)


def test_a_refused_booking_is_shown_on_its_card(data: DataState, db: str) -> None:
    """Booking a person already booked for that offer is refused on its card, in words."""
    state = DischargeState(data, db)
    state.start_from("P00001")
    state.find()
    first = str(grouped(state.options)[0].iloc[0]["session_id"])
    assert state.book(first)
    other = DischargeState(data, db)
    other_view = DischargeView(data, other)
    other.start_from("P00001")
    other_view.find_button.click()
    assert not other.book(first)
    refusal = other.field_problems["booking"]
    assert refusal
    card = other_view.results.children[0]
    shown = " ".join(getattr(c, "value", "") for c in card.children)
    assert "bb-field-error" in shown and "--patient" not in shown


def test_apply_suggestion_changes_the_profile_and_finds_again(data: DataState, db: str) -> None:
    """ "Try it" under what would open more applies that change to the profile and finds again."""
    state = DischargeState(data, db)
    view = DischargeView(data, state)
    state.start_from("P00001")
    view.fields["modes"].value = ("walk",)
    view.fields["max_travel_min"].value = 5
    view.find_button.click()
    assert state.options is not None and len(state.options) == 0
    suggestion = state.nothing_fits.suggestions[0]
    buttons = [
        box.children[1]
        for box in view.more.children
        if hasattr(box, "children") and len(box.children) == 2
    ]
    assert buttons and buttons[0].description == "Prøv det"
    buttons[0].click()
    for name, value in suggestion.changes.items():
        assert str(state.profile[name]) == str(value)
    assert len(state.options) > 0
    assert len(view.results.children) == len(grouped(state.options))
    assert view.fields["max_travel_min"].value == int(suggestion.changes["max_travel_min"])


def test_cancel_frees_the_place_and_the_cards_can_book_again(data: DataState, db: str) -> None:
    """Cancelling from the booking panel ends the booking; every Book button works again."""
    from matcher.store import active_bookings, open_store

    state = DischargeState(data, db)
    view = DischargeView(data, state)
    state.start_from("P00001")
    view.find_button.click()
    first = str(grouped(state.options)[0].iloc[0]["session_id"])
    view.cards.book_buttons[first].click()
    view.cards.cancel_button.click()
    assert state.booking is None and state.booking_message == "cancelled"
    with open_store(db) as store:
        assert len(active_bookings(store)) == 0
    assert not any(b.disabled for b in view.cards.book_buttons.values())


class _Focus:
    """A page that records where the view asked to bring the eye and the focus."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def show(self, selector: str, *, focus: str = "") -> None:
        self.asked.append((selector, focus))


def test_find_moves_the_focus_to_the_first_card_and_booking_to_print(
    data: DataState, db: str
) -> None:
    """After Find the focus goes to this drawing's first card (so one Tab reaches its
    Book); after a booking it goes to the booked card's print button."""
    page = _Focus()
    state = DischargeState(data, db)
    view = DischargeView(data, state, page=page)  # type: ignore[arg-type]
    state.start_from("P00001")
    view.find_button.click()
    generation = view.cards.generation
    assert page.asked == [(".bb-results-column", f".bb-gen-{generation}.bb-card-1 h3")]
    assert f"bb-gen-{generation}" in view.results.children[0]._dom_classes
    first = str(grouped(state.options)[0].iloc[0]["session_id"])
    view.cards.book_buttons[first].click()
    card = f".bb-gen-{view.cards.generation}.bb-card:has(.bb-booking)"
    assert page.asked[-1] == (card, f"{card} .bb-print")
    assert "bb-print" in view.cards.print_button._dom_classes


def test_a_date_that_cannot_be_read_stops_find_at_the_date(data: DataState, db: str) -> None:
    """A discharge date typed as 31.2.2026 is kept as typed with its problem under the
    field; Find does not run and the focus goes to the date."""
    page = _Focus()
    state = DischargeState(data, db)
    view = DischargeView(data, state, page=page)  # type: ignore[arg-type]
    state.start_from("P00001")
    before = state.profile["discharge_date"]
    view.form.date.value = "31.2.2026"
    assert state.profile["discharge_date"] == before
    assert "31.2.2026" in view.form.notes["discharge_date"].value
    view.find_button.click()
    assert state.options is None
    assert page.asked == [(".bb-date", ".bb-date input")]
    view.form.date.value = "3.12.2026"
    assert state.profile["discharge_date"] == "2026-12-03"
    assert view.form.notes["discharge_date"].value == ""
