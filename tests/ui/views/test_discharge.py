"""The discharge view's widgets, without a browser: they mirror the profile, show one card
per option, book, follow map clicks and apply what would open more options."""

from __future__ import annotations

from matcher.ui.discharge import DischargeState
from matcher.ui.state import DataState
from matcher.ui.views.discharge import DischargeView


def test_view_mirrors_the_profile_and_writes_back(data: DataState, db: str) -> None:
    """Widgets show the profile, and a widget change updates the profile."""
    state = DischargeState(data, db)
    view = DischargeView(data, state)
    state.start_from("P00002")
    assert view.fields["patient_id"].value == "P00002"
    view.fields["max_travel_min"].value = 45
    assert state.profile["max_travel_min"] == 45
    view.availability.value = view.availability.options[2][1]
    assert state.profile["available"].startswith("mon 16:00")


def test_view_shows_cards_and_booking(data: DataState, db: str) -> None:
    """Find shows one card per option; its Book button books and shows the hand-out."""
    state = DischargeState(data, db)
    view = DischargeView(data, state)
    state.start_from("P00001")
    view.find_button.click()
    assert len(view.results.children) == len(state.options) > 0
    view.results.children[0].children[1].click()
    assert state.booking is not None
    assert "iframe" in view.handout.value


def test_map_click_sets_the_home(data: DataState, db: str) -> None:
    """Clicking the map moves the home to the clicked point."""
    state = DischargeState(data, db)
    view = DischargeView(data, state)
    view._map_click(type="click", coordinates=[55.41, 10.40])
    assert (state.profile["lat"], state.profile["lon"]) == (55.41, 10.4)


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
    assert len(view.results.children) == len(state.options)
    assert view.fields["max_travel_min"].value == int(suggestion.changes["max_travel_min"])
