"""Booking: atomic places, no double booking, cancelling, and counting bookings for plans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from builders import build, offer, patient, session
from sqlalchemy import func, select
from store_support import dataset_dir, run_cli_processes

from matcher import InputError, load_dataset
from matcher.store import (
    SessionFull,
    active_bookings,
    apply_bookings,
    book,
    book_from_dataset,
    booked_counts,
    cancel,
    check_booking,
    first_start,
    import_catalogue,
    open_store,
)
from matcher.store.db import Store
from matcher.store.models import Booking, Place


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dataset with session S1 of 3 places and 6 patients."""
    return dataset_dir(tmp_path / "data", capacity=3, patients=6)


@pytest.fixture
def store(tmp_path: Path, folder: Path) -> Store:
    """An SQLite store with the folder's catalogue imported."""
    opened = open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    import_catalogue(opened, load_dataset(folder))
    yield opened
    opened.close()


def _counter_matches(store: Store) -> dict[str, tuple[int, int]]:
    with store.read() as session:
        counters = {p.session_id: p.booked for p in session.scalars(select(Place))}
        rows = session.execute(
            select(Booking.session_id, func.count())
            .where(Booking.status == "active")
            .group_by(Booking.session_id)
        ).all()
    counted = dict(rows)
    return {sid: (n, counted.get(sid, 0)) for sid, n in counters.items()}


@pytest.mark.parametrize(
    ("first", "discharge", "weekday", "expected"),
    [
        (date(2027, 1, 4), date(2027, 1, 4), 0, date(2027, 1, 4)),  # both on the weekday
        (date(2027, 1, 4), date(2027, 1, 5), 0, date(2027, 1, 11)),  # discharged the day after
        (date(2027, 1, 4), date(2026, 12, 1), 2, date(2027, 1, 6)),  # first date decides
        (date(2027, 1, 1), date(2027, 1, 1), 6, date(2027, 1, 3)),  # a Friday, session Sunday
    ],
)
def test_first_start(first: date, discharge: date, weekday: int, expected: date) -> None:
    """The start is the first session weekday on or after both first_date and discharge."""
    assert first_start(first, discharge, weekday) == expected


def test_first_start_skips_holidays_when_asked() -> None:
    """With skip_holidays the start is the first session weekday that is no Danish public
    holiday: Maundy Thursday 2027 moves to the Thursday after."""
    args = (date(2027, 3, 25), date(2027, 3, 22), 3)
    assert first_start(*args) == date(2027, 3, 25)
    assert first_start(*args, skip_holidays=True) == date(2027, 4, 1)


def test_a_booking_into_an_exit_team_starts_past_a_holiday(tmp_path: Path) -> None:
    """check_booking gives the match's start date: an exit team's first meeting on Maundy
    Thursday moves to the next meeting."""
    team = offer(offer_id="E1", kind="exit_team", group_size=8, supervised="true")
    visits = session(offer_id="E1", weekday="thu", first_date="2027-03-25", weeks=8)
    ds = build([team], [visits], [patient(discharge_date="2027-03-22")], directory=tmp_path)
    assert check_booking(ds, "P1", "S1") == date(2027, 4, 1)


def test_booking_holds_a_place_and_makes_follow_up_tasks(store: Store, folder: Path) -> None:
    """A booking takes one place, starts on the first possible date and gets its tasks."""
    booking, report = book_from_dataset(store, load_dataset(folder), "P001", "S1")
    assert not report.changed
    assert (booking.session_id, booking.offer_id, booking.start_date) == (
        "S1",
        "O1",
        date(2027, 1, 4),
    )
    assert booked_counts(store.url) == {"S1": 1}
    assert _counter_matches(store)["S1"] == (1, 1)


def test_full_session_refuses_and_writes_nothing(store: Store) -> None:
    """When every place is taken, booking raises SessionFull and no booking is stored."""
    for pid in ("P001", "P002", "P003"):
        book(store, pid, "S1", date(2027, 1, 4))
    with pytest.raises(SessionFull, match="3 of 3"):
        book(store, "P004", "S1", date(2027, 1, 4))
    assert len(active_bookings(store)) == 3
    assert _counter_matches(store)["S1"] == (3, 3)


@pytest.mark.parametrize(
    ("second_session", "refused"),
    [
        ("S1", True),  # same session again
        ("S2", True),  # another session of the same offer
        ("S3", False),  # another offer is fine
    ],
)
def test_same_patient_twice_for_one_offer_is_refused(
    store: Store, second_session: str, refused: bool
) -> None:
    """A patient cannot hold two active bookings for the same offer."""
    book(store, "P001", "S1", date(2027, 1, 4))
    if refused:
        # a Monday for S1, a Wednesday for S2: days the sessions meet
        start = date(2027, 1, 11) if second_session == "S1" else date(2027, 1, 6)
        with pytest.raises(InputError, match="already booked for offer O1"):
            book(store, "P001", second_session, start)
        assert len(active_bookings(store)) == 1
    else:
        book(store, "P001", second_session, date(2027, 1, 7))
        assert len(active_bookings(store)) == 2


@pytest.mark.parametrize(
    ("start", "says"),
    [
        (date(2027, 1, 5), "2027-01-05 is a Tuesday, but session S1 meets on Mondays"),
        (date(2026, 12, 28), "before session S1 takes new participants (first_date 2027-01-04)"),
    ],
)
def test_a_booking_starts_on_a_day_the_session_meets(store: Store, start: date, says: str) -> None:
    """book refuses a start date on another weekday than the session's or before its
    first_date, naming start_date, and holds no place."""
    with pytest.raises(InputError) as caught:
        book(store, "P001", "S1", start)
    (problem,) = caught.value.problems
    assert (problem.column, says in problem.message) == ("start_date", True), problem
    assert active_bookings(store).empty
    assert _counter_matches(store)["S1"] == (0, 0)


def test_cancel_frees_the_place(store: Store) -> None:
    """Cancelling a booking of a full session lets the next patient in."""
    made = [book(store, pid, "S1", date(2027, 1, 4)) for pid in ("P001", "P002", "P003")]
    cancel(store, made[0].booking_id)
    book(store, "P004", "S1", date(2027, 1, 4))
    assert _counter_matches(store)["S1"] == (3, 3)
    with pytest.raises(InputError, match="already cancelled"):
        cancel(store, made[0].booking_id)


def test_patient_can_rebook_after_cancelling(store: Store) -> None:
    """The same patient may book the same offer again once the first booking is cancelled."""
    first = book(store, "P001", "S1", date(2027, 1, 4))
    cancel(store, first.booking_id)
    again = book(store, "P001", "S2", date(2027, 1, 6))
    assert again.booking_id != first.booking_id


@pytest.mark.parametrize(
    ("patient_id", "session_id", "message"),
    [
        ("P999", "S1", "not in patients.csv"),
        ("P001", "S9", "not in sessions.csv"),
        ("0101901234", "S1", "CPR"),
        ("010190-1234", "S1", "CPR"),
        ("Jens Hansen", "S1", "pseudonym"),
    ],
)
def test_bad_booking_input(
    store: Store, folder: Path, patient_id: str, session_id: str, message: str
) -> None:
    """Unknown ids, CPR numbers and names are refused before anything is written."""
    with pytest.raises(InputError, match=message):
        book_from_dataset(store, load_dataset(folder), patient_id, session_id)
    assert active_bookings(store).empty


def test_escalated_patient_is_not_booked(tmp_path: Path) -> None:
    """A patient marked escalate is refused: a person must act first."""
    from builders import patient, write

    folder = dataset_dir(tmp_path / "data")
    write(folder, "patients.csv", [patient(patient_id="P001", escalate="true")])
    with (
        open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}") as store,
        pytest.raises(InputError, match="escalate"),
    ):
        book_from_dataset(store, load_dataset(folder), "P001", "S1")


@pytest.mark.parametrize(
    ("changes", "rules"),
    [
        ({"intensity_max": "low"}, ["intensity"]),
        ({"languages": "en"}, ["language"]),
        ({"budget_dkk_month": 0, "available": "tue 08:00-12:00"}, ["fee", "time"]),
    ],
)
def test_a_pair_that_breaks_a_rule_is_not_booked(
    tmp_path: Path, changes: dict[str, object], rules: list[str]
) -> None:
    """Rules of a match: book_from_dataset refuses a session that breaks any rule but free
    places, naming every broken rule, and books nothing."""
    from builders import offer, patient, session, write

    folder = dataset_dir(tmp_path / "data")
    write(folder, "offers.csv", [offer(offer_id="O1", intensity="high", fee_dkk_month=200)])
    write(folder, "sessions.csv", [session(session_id="S1", capacity=3)])
    write(folder, "patients.csv", [patient(patient_id="P001", **changes)])
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}") as store:
        with pytest.raises(InputError) as caught:
            book_from_dataset(store, load_dataset(folder), "P001", "S1")
        (problem,) = caught.value.problems
        assert problem.message.startswith("session 'S1' does not fit patient 'P001': ")
        named = [part.split(" (")[0] for part in problem.message.split(": ", 1)[1].split("; ")]
        assert named == rules
        assert active_bookings(store).empty


def test_apply_bookings_reduces_capacity(store: Store, folder: Path) -> None:
    """Plans see each session's capacity minus its active bookings, never below zero."""
    for pid in ("P001", "P002"):
        book(store, pid, "S1", date(2027, 1, 4))
    book(store, "P003", "S3", date(2027, 1, 7))
    dataset = load_dataset(folder)
    reduced = apply_bookings(dataset, store.url)
    capacity = dict(zip(reduced.sessions["session_id"], reduced.sessions["capacity"], strict=True))
    assert capacity == {"S1": 1, "S2": 5, "S3": 4}
    assert dict(zip(dataset.sessions["session_id"], dataset.sessions["capacity"], strict=True)) == {
        "S1": 3,
        "S2": 5,
        "S3": 5,
    }


def test_booked_counts_of_a_missing_database_is_empty(tmp_path: Path) -> None:
    """Counting bookings in a database file that does not exist creates nothing."""
    target = tmp_path / "none.sqlite3"
    assert booked_counts(str(target)) == {}
    assert not target.exists()


@pytest.mark.slow
def test_fifty_processes_book_three_places(tmp_path: Path) -> None:
    """50 processes booking 3 remaining places at once: exactly 3 succeed, 47 exit 3."""
    folder = dataset_dir(tmp_path / "data", capacity=5, patients=52)
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with open_store(url) as store:
        for pid in ("P051", "P052"):
            book_from_dataset(store, load_dataset(folder), pid, "S1")
    argvs = [
        ["book", str(folder), "--patient", f"P{i:03d}", "--session", "S1", "--db", url]
        for i in range(1, 51)
    ]
    codes = run_cli_processes(argvs)
    assert sorted(codes).count(0) == 3, codes
    assert sorted(codes).count(3) == 47, codes
    with open_store(url) as store:
        assert booked_counts(url) == {"S1": 5}
        assert _counter_matches(store)["S1"] == (5, 5)
        assert len(active_bookings(store)) == 5
