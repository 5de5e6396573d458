"""Attendance: recording and correcting a session, dates outside the course or still to
come refused, and the outcome figures with small counts suppressed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from store_support import START, dataset_dir

from matcher import InputError, load_dataset
from matcher.store import (
    book,
    complete_task,
    holding_by_kind,
    import_catalogue,
    list_tasks,
    open_store,
    outcomes,
    record_attendance,
)
from matcher.store.db import Store


def test_correcting_attendance_replaces_the_record(store: Store) -> None:
    """Recording the same date again corrects it instead of adding a session."""
    booking = book(store, "P001", "S1", START)
    record_attendance(store, booking.booking_id, START, False)
    again = record_attendance(store, booking.booking_id, START, True)
    assert again.corrected
    row = outcomes(store).iloc[0]
    assert (row["sessions_recorded"], row["sessions_attended"]) == (1, 1)


def test_attendance_after_the_course_is_over_is_refused(tmp_path: Path) -> None:
    """A session of a 4-week course takes attendance in the 4 weeks from the booking's start
    only; a later date is refused naming weeks, and nothing is recorded."""
    from builders import session

    folder = dataset_dir(tmp_path / "data", sessions=[session(session_id="S1", weeks=4)])
    with open_store(str(tmp_path / "db.sqlite3")) as store:
        import_catalogue(store, load_dataset(folder))
        booking = book(store, "P001", "S1", START)
        record_attendance(store, booking.booking_id, START + timedelta(weeks=3), True)
        with pytest.raises(InputError) as caught:
            record_attendance(store, booking.booking_id, START + timedelta(weeks=4), False)
        (problem,) = caught.value.problems
        assert str(problem) == (
            "--date:-:weeks: 2027-02-01 is after the 4-week course of session S1 for booking "
            f"{booking.booking_id} (from 2027-01-04 to 2027-01-31 at the latest)"
        )
        assert outcomes(store)["sessions_recorded"].tolist() == [1]


def test_attendance_for_a_session_still_to_come_is_refused(store: Store) -> None:
    """Whether a patient came is known only once the session is over: a date after today is
    refused naming today, and nothing is recorded; today itself is fine."""
    booking = book(store, "P001", "S1", START)
    later = START + timedelta(weeks=1)
    with pytest.raises(InputError) as caught:
        record_attendance(store, booking.booking_id, later, False, today=START)
    (problem,) = caught.value.problems
    assert str(problem) == (
        "--date:-:today: 2027-01-11 has not come yet (today is 2027-01-04): "
        "record a session once it is over"
    )
    assert outcomes(store)["sessions_recorded"].tolist() == [0]
    assert not record_attendance(store, booking.booking_id, START, True, today=START).corrected


def test_holding_by_kind_suppresses_small_counts(tmp_path: Path) -> None:
    """Shares of patients still taking part are shown only when every count is 5 or more."""
    folder = dataset_dir(tmp_path / "data", capacity=20, patients=16)
    with open_store(str(tmp_path / "db.sqlite3")) as store:
        import_catalogue(store, load_dataset(folder))
        for i in range(1, 17):
            book(store, f"P{i:03d}", "S1", START)
        checks = list_tasks(store).query("kind == 'outcome_3m'")["task_id"].tolist()
        # 11 still taking part and 5 stopped at 3 months; 6-month checks not yet done
        for n, task_id in enumerate(checks):
            complete_task(store, int(task_id), "taking_part" if n < 11 else "stopped")
        table = holding_by_kind(store).set_index("kind")
        row = table.loc["association"]
        assert (row["bookings"], row["known_3m"], row["taking_part_3m"]) == (16, 16, 11)
        assert row["share_3m"] == pytest.approx(11 / 16)
        assert pd.isna(row["known_6m"]) and pd.isna(row["share_6m"])
        fewer = holding_by_kind(store, min_count=6).loc[0]
        assert pd.isna(fewer["taking_part_3m"])  # 5 stopped would be given away
