"""The discharge state, without a browser: the profile, its checks, finding and booking."""

from __future__ import annotations

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
