"""Follow-up tasks: closing a task with an outcome that fits its kind, the 3- and
6-month checks, the list due by a date, and the export for the meeting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from store_support import START, kinds, plan_rows

from matcher import InputError
from matcher.store import (
    TASK_COLUMNS,
    book,
    complete_task,
    export_tasks,
    list_tasks,
    outcomes,
    record_plan,
)
from matcher.store.db import Store


def test_outcome_checks_record_still_taking_part(store: Store) -> None:
    """Closing the 3- and 6-month checks records whether the patient still takes part."""
    booking = book(store, "P001", "S1", START)
    tasks = list_tasks(store).set_index("kind")["task_id"]
    complete_task(store, int(tasks["outcome_3m"]), "taking_part")
    complete_task(store, int(tasks["outcome_6m"]), "stopped")
    row = outcomes(store).set_index("booking_id").loc[booking.booking_id]
    assert (bool(row["taking_part_3m"]), bool(row["taking_part_6m"])) == (True, False)


@pytest.mark.parametrize(
    ("kind", "outcome", "message"),
    [
        ("outcome_3m", None, "say taking_part"),
        ("follow_up_call", "taking_part", "does not close"),
        ("outcome_6m", "reached", "does not close"),
    ],
)
def test_wrong_outcome_is_refused(
    store: Store, kind: str, outcome: str | None, message: str
) -> None:
    """A task can only be closed with an outcome that fits its kind."""
    book(store, "P001", "S1", START)
    task_id = int(list_tasks(store).set_index("kind").loc[kind, "task_id"])
    with pytest.raises(InputError, match=message):
        complete_task(store, task_id, outcome)
    assert kind in kinds(store)


def test_closed_task_cannot_be_closed_again(store: Store) -> None:
    """Completing a task twice is refused."""
    book(store, "P001", "S1", START)
    task_id = int(list_tasks(store)["task_id"].iloc[0])
    complete_task(store, task_id)
    with pytest.raises(InputError, match="is done"):
        complete_task(store, task_id)


def test_due_lists_only_tasks_due_by_the_date(store: Store) -> None:
    """--due keeps the tasks due on or before the date, earliest first."""
    book(store, "P001", "S1", START)
    assert kinds(store, due_by=date(2027, 3, 3)) == []
    assert kinds(store, due_by=date(2027, 4, 4)) == ["follow_up_call", "outcome_3m"]


def test_export_for_the_meeting(store: Store, tmp_path: Path) -> None:
    """The export is a CSV with one row per task, pseudonyms and ISO dates only."""
    book(store, "P001", "S1", START)
    record_plan(store, plan_rows(), today=START)
    path = export_tasks(list_tasks(store), tmp_path / "meeting.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert tuple(table.columns) == TASK_COLUMNS
    assert len(table) == 7  # 3 of the booking, 3 of the plan, and informing P003's GP
    assert set(table["due_date"]) >= {"2027-01-04", "2027-03-04"}
