"""The discharge view's state and widgets, without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.ui.discharge import PROFILE_DEFAULTS, DischargeState
from matcher.ui.state import DataState
from matcher.ui.views.discharge import DischargeView


@pytest.fixture()
def data(demo_dir: Path) -> DataState:
    state = DataState()
    assert state.load(demo_dir)
    return state


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'brobygger.sqlite3'}"
    monkeypatch.setenv("BROBYGGER_DB", url)
    return url


def test_profile_covers_every_patients_csv_column() -> None:
    """The form's profile has a field for every column of patients.csv."""
    from matcher.dataset.schema import PATIENTS

    assert {c.name for c in PATIENTS.columns} == set(PROFILE_DEFAULTS)


def test_profile_without_pseudonym_is_refused_with_a_message(data: DataState, db: str) -> None:
    """No options are looked up before the patient has a pseudonym."""
    state = DischargeState(data, db)
    state.find()
    assert state.options is None
    assert any("patient_id" in p for p in state.problems)


def test_bad_field_is_explained_by_column(data: DataState, db: str) -> None:
    """A bad value names the column it is in, as the loader does."""
    state = DischargeState(data, db)
    state.set(patient_id="X1", available="someday 10-12")
    state.find()
    assert state.options is None
    assert any(p.startswith("patient:-:available:") for p in state.problems)


def test_find_ranks_options_for_a_dataset_patient(data: DataState, db: str) -> None:
    """Starting from a patient of the data gives the same ranked options as recommend()."""
    from matcher.discharge.options import recommend

    state = DischargeState(data, db)
    state.start_from("P00001")
    assert state.profile["patient_id"] == "P00001"
    state.find()
    expected = recommend(data.dataset, "P00001").table()
    assert list(state.options["session_id"]) == list(expected["session_id"])


def test_book_holds_the_place_and_makes_the_handout(data: DataState, db: str) -> None:
    """Booking the first option stores the booking and renders the hand-out."""
    from matcher.store import active_bookings, open_store

    state = DischargeState(data, db)
    state.start_from("P00001")
    state.find()
    session = str(state.options.iloc[0]["session_id"])
    assert state.book(session)
    assert state.booking.session_id == session
    assert "<html" in state.handout.lower()
    with open_store(db) as store:
        booked = active_bookings(store)
    assert list(booked["session_id"]) == [session]


def test_nothing_fits_offers_changes_that_open_options(data: DataState, db: str) -> None:
    """With a profile nothing fits, the state holds the reasons and what would open more."""
    state = DischargeState(data, db)
    state.set(patient_id="X2", modes=("walk",), max_travel_min=5, languages=("fa",))
    state.find()
    assert state.options is not None and len(state.options) == 0
    assert state.nothing_fits is not None
    assert state.nothing_fits.text


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
