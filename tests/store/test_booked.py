"""What is booked: the counts per session, and the staff contact person of a booking."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_support import START, dataset_dir

from matcher import InputError, load_dataset
from matcher.discharge.handout import Contact
from matcher.store import (
    active_bookings,
    book,
    book_from_dataset,
    booked_counts,
    booking_contact,
    cancel,
    holds_booking,
)
from matcher.store.db import Store


def test_a_booking_keeps_its_staff_contact_person(store: Store) -> None:
    """book --contact-name --contact-phone: booking_contact gives them back for the
    patient's active booking of the session; none without a booking or a contact."""
    book(store, "P001", "S1", START, contact_name="Anne Berg", contact_phone="+45 66 12 34 56")
    book(store, "P002", "S1", START)
    assert booking_contact(store, "P001", "S1") == Contact("Anne Berg", "+45 66 12 34 56")
    assert booking_contact(store, "P002", "S1") is None
    assert booking_contact(store, "P003", "S1") is None
    cancel(store, 1)
    assert booking_contact(store, "P001", "S1") is None


@pytest.mark.parametrize(
    ("name", "phone", "says"),
    [
        ("Anne Berg", "call me", "is not a phone number"),
        ("Anne Berg", "12", "is not a phone number"),
        (None, "66 12 34 56", "give both --contact-name and --contact-phone"),
        ("A" * 101, "66 12 34 56", "a name has at most 100"),
        ("Anne\x1b[2J", "66 12 34 56", "control character"),
        ("Anne 0101901234", "66 12 34 56", "CPR number"),
    ],
)
def test_a_contact_that_cannot_be_one_is_refused(
    store: Store, name: str | None, phone: str | None, says: str
) -> None:
    """A contact phone that is no phone number, a phone without a name, or a contact name
    too long, with a control character or a CPR number, is refused and nothing is booked."""
    with pytest.raises(InputError, match=says):
        book(store, "P001", "S1", START, contact_name=name, contact_phone=phone)
    assert active_bookings(store).empty


def test_booking_from_the_dataset_plans_calls_at_the_best_time(tmp_path: Path) -> None:
    """book_from_dataset plans the follow-up calls for the patient's call_time."""
    from builders import patient, write

    from matcher.store import list_tasks, open_store

    root = dataset_dir(tmp_path / "data")
    write(root, "patients.csv", [patient(patient_id="P001", call_time="evening")])
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}") as store:
        ds = load_dataset(root)
        book_from_dataset(store, ds, "P001", "S1", contact_name="Ole", contact_phone="66123456")
        assert set(list_tasks(store)["call_time"]) == {"evening"}
        assert booking_contact(store, "P001", "S1") == Contact("Ole", "66 12 34 56")


def test_counts_per_session_and_who_holds_a_booking(store: Store) -> None:
    """booked_counts counts active bookings per session; holds_booking finds one."""
    book(store, "P001", "S1", START)
    book(store, "P002", "S1", START)
    cancel(store, 2)
    assert booked_counts(store.url) == {"S1": 1}
    assert holds_booking(store.url, "P001", "S1") and not holds_booking(store.url, "P002", "S1")


def test_a_missing_database_file_is_not_created(tmp_path: Path) -> None:
    """Counting the bookings of a database file that is not there creates no file."""
    url = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    assert booked_counts(url) == {} and not holds_booking(url, "P001", "S1")
    assert not (tmp_path / "none.sqlite3").exists()
