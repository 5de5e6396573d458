"""What the follow-up tab's tests share: three people of the demo booked into one
session from the same start, through the store (as ``brobygger book`` makes them),
and the follow-up state over that database on a chosen day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from matcher import Dataset
from matcher.store import TASK_COLUMNS, book, first_start, import_catalogue, open_store
from matcher.ui.followup import FollowUpState
from matcher.ui.state import DataState

#: The people booked, and the session they share (the demo's first exit team).
PEOPLE = ("P00001", "P00002", "P00003")
SESSION = "S00002"
#: The day the follow-up lists are read on, in the tests of task rows.
TASK_DAY = date(2027, 3, 3)


def task_row(**values: object) -> dict[str, object]:
    """One follow-up task as the store lists it: a first missed-visit call for
    ``P00001``'s booking of ``S00002``, due on ``TASK_DAY``, with ``values`` instead."""
    row: dict[str, object] = {
        "task_id": 1,
        "kind": "call_missed",
        "patient_id": "P00001",
        "booking_id": 1,
        "offer_id": "O00001",
        "session_id": "S00002",
        "start_date": date(2027, 2, 10),
        "due_date": TASK_DAY,
        "attempt": 1,
        "status": "open",
        "outcome": "",
        "note": "",
        "call_time": "",
    }
    return {**row, **values}


def task_frame(*rows: dict[str, object]) -> pd.DataFrame:
    """The store's task list of ``rows`` (each as ``task_row`` takes), booking ids nullable."""
    frame = pd.DataFrame([task_row(**r) for r in rows], columns=[*TASK_COLUMNS])
    frame["booking_id"] = frame["booking_id"].astype("Int64")
    return frame


@dataclass(frozen=True)
class Booked:
    """The database, the start date the three share and their booking ids."""

    url: str
    start: date
    bookings: dict[str, int]

    def week(self, n: int) -> date:
        """The session's date ``n`` weeks after the start (0: the start)."""
        return self.start + timedelta(weeks=n)


def book_three(dataset: Dataset, url: str) -> Booked:
    """Book ``PEOPLE`` into ``SESSION`` from the first date it meets for all three."""
    session = dataset.sessions.set_index("session_id").loc[SESSION]
    discharged = dataset.patients.set_index("patient_id").loc[list(PEOPLE), "discharge_date"]
    start = first_start(session["first_date"].date(), max(discharged).date(), int(session["day"]))
    with open_store(url) as store:
        import_catalogue(store, dataset)
        ids = {p: book(store, p, SESSION, start).booking_id for p in PEOPLE}
    return Booked(url, start, ids)


def state_on(data: DataState, url: str, day: date) -> FollowUpState:
    """The follow-up state over ``url`` on ``day``, its snapshot read."""
    state = FollowUpState(data, url, today=lambda: day)
    state.refresh(background=False)
    assert state.error == "", state.error
    return state
