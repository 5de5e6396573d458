"""What the follow-up tab reads from the store, as plain values: the snapshot
it shows, one person's history, a task closed, a group's attendance saved,
and the attendance as it now stands, read from the audit log (where the
store writes every attendance record and correction, ``2027-02-10: absent``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

__all__ = [
    "ATTENDANCE",
    "Closed",
    "GroupSaved",
    "History",
    "Snapshot",
    "attendance_records",
    "empty_frame",
    "unplaced_reason",
]

#: The audit log's words for an attendance record: ``2027-02-10: absent``.
_MARK = re.compile(r"^(\d{4}-\d{2}-\d{2}): (present|absent)$")
#: A stored plan's note on an unplaced patient (the store's English rule text).
_NO_PLACE = re.compile(r"^no place in plan \d+: (.*)$")
_NO_REASON = "no reason given"


def unplaced_reason(note: str) -> str:
    """The plan's reason in the note of an ``unplaced`` task, in the file's English;
    empty when the note gives none."""
    found = _NO_PLACE.match(note)
    return found[1] if found and found[1] != _NO_REASON else ""


#: The columns of the attendance as it now stands.
ATTENDANCE = ("booking_id", "date", "present")


def empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    """A frame with ``columns`` and no rows (of no particular type)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def attendance_records(trail: pd.DataFrame) -> pd.DataFrame:
    """The attendance as it now stands, from the audit log (``audit_trail``):
    one row per booking and date (``booking_id, date, present``), the latest
    record of each (a correction replaces the first), by booking and date."""
    if not len(trail):
        return empty_frame(ATTENDANCE)
    marks = trail[
        trail["action"].isin(("attendance", "correct_attendance"))
        & (trail["object_type"] == "booking")
    ]
    rows: dict[tuple[int, date], bool] = {}
    for booking, detail in zip(marks["object_id"], marks["detail"], strict=True):
        found = _MARK.match(str(detail))
        if found is None or not str(booking).isdigit():
            continue
        rows[(int(booking), date.fromisoformat(found[1]))] = found[2] == "present"
    frame = pd.DataFrame(
        [(b, d, p) for (b, d), p in sorted(rows.items())], columns=list(ATTENDANCE)
    )
    return frame if len(frame) else empty_frame(ATTENDANCE)


@dataclass(frozen=True)
class Snapshot:
    """What the tab shows from the store: the open tasks due by the day worked
    on, the open cases for the meeting (whenever due; ``shared`` is whether the
    person consented to sharing it with the municipality), the active bookings
    (``active_bookings``), the attendance recorded for them, and the staff
    contact person of each task's booking (task id: ``Contact``)."""

    tasks: pd.DataFrame
    meeting: pd.DataFrame
    bookings: pd.DataFrame
    attendance: pd.DataFrame
    contacts: dict[int, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class History:
    """One person's history: every booking (``outcomes``: status, sessions
    recorded and attended, still taking part), each attendance record (with
    the booking's offer and session), every task with its outcome, and the
    referral's statuses."""

    patient_id: str
    bookings: pd.DataFrame
    attendance: pd.DataFrame
    tasks: pd.DataFrame
    #: Every change of the referral's status (``status_history``), and where it stands.
    statuses: pd.DataFrame = field(default_factory=pd.DataFrame)
    status: Any = None

    @property
    def empty(self) -> bool:
        """Whether the store knows nothing of the person."""
        return not (len(self.bookings) or len(self.tasks) or len(self.statuses))


@dataclass(frozen=True)
class Closed:
    """A task closed (``matcher.store.Completed``), and the date a next step is
    offered again when the person said "not now" (with the status change)."""

    completed: Any
    re_offer: date | None = None
    changed: Any = None


@dataclass(frozen=True)
class GroupSaved:
    """A group's attendance saved: how many were saved as present and as
    absent, how many were as recorded already (left alone), the calls the
    absences made (task id, pseudonym) and the calls a correction to present
    cancelled."""

    session_id: str
    day: date
    present: int
    absent: int
    unchanged: int
    calls: tuple[tuple[int, str], ...] = ()
    cancelled: tuple[int, ...] = ()
