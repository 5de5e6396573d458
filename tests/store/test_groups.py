"""Booking a group into one session at once (matcher.store.groups): all or none."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from store_support import dataset_dir

from matcher import InputError, load_dataset
from matcher.store import active_bookings, audit_trail, book, import_catalogue, open_store
from matcher.store.db import Store
from matcher.store.groups import GroupTooLarge, book_group, book_group_from_dataset
from matcher.store.models import Booking, Place

MONDAY = date(2027, 1, 4)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dataset with session S1 of 3 places and 6 patients."""
    return dataset_dir(tmp_path / "data", capacity=3, patients=6)


@pytest.fixture
def store(tmp_path: Path, folder: Path) -> Store:
    opened = open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    import_catalogue(opened, load_dataset(folder))
    yield opened
    opened.close()


def _booked(store: Store) -> tuple[int, int]:
    """The S1 place counter and the number of booking rows."""
    with store.read() as session:
        counter = session.get(Place, "S1").booked
        rows = len(session.scalars(select(Booking)).all())
    return counter, rows


def test_a_group_that_fits_is_booked_in_one_go(store: Store) -> None:
    """A group no larger than the free places gets one booking each, and the audit log
    names the group by pseudonyms only."""
    members = [("P001", MONDAY), ("P002", MONDAY), ("P003", MONDAY)]
    booked = book_group(
        store, "S1", members, contact_name="Fysioterapeut Hansen", contact_phone="66 12 34 56"
    )
    assert [b.patient_id for b in booked] == ["P001", "P002", "P003"]
    assert _booked(store) == (3, 3)
    trail = audit_trail(store)
    group = trail[trail["action"] == "book_group"]
    assert len(group) == 1
    assert group["detail"].iloc[0] == "3 booked together: P001, P002, P003"
    assert "Hansen" not in " ".join(trail["detail"].astype(str))
    assert sorted(trail.loc[trail["action"] == "book", "patient_id"]) == ["P001", "P002", "P003"]


def test_a_group_larger_than_the_free_places_is_refused_whole(store: Store) -> None:
    """Rule: more people than free places is refused whole, naming the session and its
    free places, and nothing is stored (no booking, no counter, no audit entry)."""
    book(store, "P006", "S1", MONDAY)
    before = audit_trail(store)
    members = [(f"P00{i}", MONDAY) for i in range(1, 4)]
    with pytest.raises(GroupTooLarge) as refused:
        book_group(store, "S1", members)
    message = refused.value.problems[0].message
    assert "S1" in message and "2 free places" in message and "group of 3" in message
    assert _booked(store) == (1, 1)
    assert len(audit_trail(store)) == len(before)
    assert list(active_bookings(store)["patient_id"]) == ["P006"]


def test_one_refused_member_rolls_the_whole_group_back(store: Store) -> None:
    """All or none: a member the store's own booking refuses (already booked for the
    offer) leaves the others unbooked too."""
    book(store, "P002", "S2", date(2027, 1, 6))  # S2 is the same offer O1
    with pytest.raises(InputError, match="already booked"):
        book_group(store, "S1", [("P001", MONDAY), ("P002", MONDAY)])
    assert _booked(store) == (0, 1)
    assert list(active_bookings(store)["patient_id"]) == ["P002"]


def test_a_member_named_twice_is_refused(store: Store) -> None:
    """A group names each person once."""
    with pytest.raises(InputError, match="named twice"):
        book_group(store, "S1", [("P001", MONDAY), ("P001", MONDAY)])
    assert _booked(store) == (0, 0)


def test_a_group_from_the_dataset_is_checked_against_the_rules(store: Store, folder: Path) -> None:
    """From a dataset, every member is checked first and gets the session's start date."""
    dataset = load_dataset(folder)
    booked = book_group_from_dataset(store, dataset, ["P004", "P005"], "S1")
    assert [(b.patient_id, b.start_date) for b in booked] == [
        ("P004", MONDAY),
        ("P005", MONDAY),
    ]
    with pytest.raises(InputError, match=r"not in patients\.csv"):
        book_group_from_dataset(store, dataset, ["P001", "NOBODY"], "S1")
    assert _booked(store) == (2, 2)
