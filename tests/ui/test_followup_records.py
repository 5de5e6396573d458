"""What the follow-up tab reads from the store: the attendance as it now stands, and
whether a history holds anything."""

from __future__ import annotations

from datetime import date

import pandas as pd

from matcher.ui.followup_records import ATTENDANCE, History, attendance_records, empty_frame


def _trail(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [(a, "booking", o, d) for a, o, d in rows],
        columns=["action", "object_type", "object_id", "detail"],
    )


def test_a_correction_replaces_the_first_mark_of_a_day() -> None:
    """The latest record of a booking and date is the attendance now."""
    found = attendance_records(
        _trail(
            ("attendance", "1", "2027-02-10: absent"),
            ("correct_attendance", "1", "2027-02-10: present"),
        )
    )
    assert found.to_dict("records") == [
        {"booking_id": 1, "date": date(2027, 2, 10), "present": True}
    ]


def test_only_attendance_entries_are_marks() -> None:
    """A booking, a task or a text that is no mark is left out; marks come by booking
    and date."""
    found = attendance_records(
        _trail(
            ("attendance", "2", "2027-02-17: absent"),
            ("book", "1", "session S1 from 2027-02-10"),
            ("attendance", "1", "2027-02-10: present"),
            ("attendance", "x", "2027-02-10: present"),
            ("attendance", "3", "not a mark"),
        )
    )
    assert list(zip(found["booking_id"], found["date"], strict=True)) == [
        (1, date(2027, 2, 10)),
        (2, date(2027, 2, 17)),
    ]


def test_no_trail_is_no_attendance() -> None:
    """An empty audit log gives the attendance columns and no rows."""
    found = attendance_records(_trail())
    assert list(found.columns) == list(ATTENDANCE) and len(found) == 0


def test_a_history_without_bookings_tasks_or_statuses_is_empty() -> None:
    """A history is empty until the person has a booking, a task or a status."""
    nothing = empty_frame(("booking_id",))
    assert History("P1", nothing, nothing, nothing).empty
    one = pd.DataFrame({"booking_id": [1]})
    assert not History("P1", one, nothing, nothing).empty
    assert not History("P1", nothing, nothing, nothing, statuses=one).empty
