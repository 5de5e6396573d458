"""The discharge state, without a browser: the profile, its checks, finding and booking."""

from __future__ import annotations

from pathlib import Path

import pytest
from address_support import ADDRESSES, write_addresses

from matcher.ui.discharge import PROFILE_DEFAULTS, DischargeState
from matcher.ui.state import DataState


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


def test_starting_from_an_unknown_id_never_repeats_a_cpr_number(data: DataState, db: str) -> None:
    """ "Start from patient" with an id nobody has says why, and never shows back
    what looks like a CPR number; an empty id asks for the pseudonym."""
    from matcher.words.problems import problems_text

    state = DischargeState(data, db)
    state.start_from("0101901234")
    assert state.problems and not any("0101901234" in p for p in state.problems)
    assert "CPR" in state.problems[0]
    state.start_from("   ")
    assert state.problems == [
        "patient:-:patient_id: give the patient's pseudonym (never a name or CPR number)"
    ]
    state.start_from("P99999")
    assert problems_text(state.found_problems, "da") == [
        "patient:-:patient_id: 'P99999' findes ikke i data"
    ]


def test_an_address_puts_the_home_there_and_says_how_exactly(data: DataState, db: str) -> None:
    """A postal code moves the home to that area and says it is the area's middle."""
    state = DischargeState(data, db)
    assert state.locate("5230")
    assert state.home_precision == "postal_code"
    assert "5230" in state.home
    assert 55.3 < state.profile["lat"] < 55.45 and 10.3 < state.profile["lon"] < 10.5
    assert "address" not in state.field_problems


def test_an_unknown_address_is_refused_beside_the_field(data: DataState, db: str) -> None:
    """A postal code that does not exist leaves the home where it was, with the problem
    kept for the address field, not the form's list."""
    state = DischargeState(data, db)
    before = (state.profile["lat"], state.profile["lon"])
    assert not state.locate("9999")
    assert (state.profile["lat"], state.profile["lon"]) == before
    assert state.field_problems["address"]
    assert state.problems == []


def test_danish_times_are_read_into_the_file_s_text(data: DataState, db: str) -> None:
    """ "man-fre 12-17" becomes the contract's text; a wrong time is kept beside the field."""
    state = DischargeState(data, db)
    assert state.set_available("man-fre 12-17")
    assert state.profile["available"].startswith("mon 12:00-17:00;tue 12:00-17:00")
    assert not state.set_available("man 17-12")
    assert state.field_problems["available"]
    assert state.profile["available"].startswith("mon 12:00-17:00")
    assert state.set_available("")
    assert state.profile["available"] == "" and "available" not in state.field_problems


def test_cancel_ends_the_booking_made_here(data: DataState, db: str) -> None:
    """Cancel frees the place in the store and clears the hand-out; nothing to cancel is False."""
    from matcher.store import active_bookings, open_store

    state = DischargeState(data, db)
    assert not state.cancel()
    state.start_from("P00001")
    state.find()
    assert state.book(str(state.options.iloc[0]["session_id"]))
    assert state.cancel()
    assert state.booking is None and state.handout == ""
    with open_store(db) as store:
        assert len(active_bookings(store)) == 0


def test_the_servers_address_file_finds_street_addresses(
    data: DataState, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``brobygger app --addresses FILE`` a street address is found at its door;
    a file that turned bad after the start is refused beside the address field."""
    from matcher.ui.launch import ENV_ADDRESSES

    good = write_addresses(tmp_path / "adgangsadresser.csv", ADDRESSES)
    monkeypatch.setenv(ENV_ADDRESSES, str(good))
    state = DischargeState(data, db)
    assert state.locate("Vestergade 12, 5000")
    assert (state.home_precision, state.profile["lat"]) == ("address", 55.3959)
    monkeypatch.setenv(ENV_ADDRESSES, str(tmp_path / "gone.csv"))
    state = DischargeState(data, db)
    assert not state.locate("Vestergade 12, 5000")
    assert state.field_problems["address"][0].message == "file not found"


def test_the_address_file_is_read_while_the_page_is_filled_in(
    data: DataState, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new page starts reading the server's address file at once, so the first
    address typed does not wait for it."""
    import threading

    from matcher.ui import discharge
    from matcher.ui.launch import ENV_ADDRESSES

    path = write_addresses(tmp_path / "warm.csv", ADDRESSES)
    monkeypatch.setenv(ENV_ADDRESSES, str(path))
    read = threading.Event()
    real = discharge._read_geocoder

    def reading(addresses: str, spec: str) -> object:
        read.set()
        return real(addresses, spec)

    monkeypatch.setattr(discharge, "_read_geocoder", reading)
    DischargeState(data, db)
    assert read.wait(10)
