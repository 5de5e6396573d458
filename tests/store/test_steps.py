"""A pathway's later steps: held until their confirming call, then firm or let go."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from store_support import pathway_town

from matcher import Dataset, InputError, load_dataset
from matcher.store import BookingInfo, complete_task, list_tasks, open_store, record_attendance
from matcher.store.db import Store
from matcher.store.models import Booking, Place
from matcher.store.pathway_bookings import book_pathway
from matcher.store.reminders import due_reminders
from matcher.store.steps import confirm_due
from matcher.store.task_rules import TaskRules


@pytest.fixture
def town(tmp_path: Path) -> Dataset:
    return load_dataset(pathway_town(tmp_path / "data"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture
def booked(store: Store, town: Dataset) -> list[BookingInfo]:
    return book_pathway(store, town, "P1", "SH")


def _confirm_task(store: Store, booking: BookingInfo) -> int:
    tasks = list_tasks(store)
    row = tasks[(tasks["kind"] == "confirm_step") & (tasks["booking_id"] == booking.booking_id)]
    return int(row["task_id"].iloc[0])


def _state(store: Store) -> list[tuple[str, str, bool]]:
    with store.read() as session:
        rows = session.scalars(select(Booking).order_by(Booking.id)).all()
        return [(b.session_id, b.status, b.provisional) for b in rows]


def test_the_call_is_due_when_the_step_before_ends_or_a_week_before_the_step() -> None:
    """Due when the step before ends; a week before the step when that comes sooner; never
    before the step before has begun; a step before without end counts from its start."""
    rules = TaskRules()
    assert confirm_due(date(2027, 1, 4), date(2027, 1, 25), date(2027, 2, 15), rules) == date(
        2027, 1, 25
    )
    assert confirm_due(date(2027, 2, 1), date(2027, 3, 22), date(2027, 3, 8), rules) == date(
        2027, 3, 1
    )
    assert confirm_due(date(2027, 3, 1), date(2027, 3, 22), date(2027, 3, 3), rules) == date(
        2027, 3, 1
    )
    assert confirm_due(date(2027, 1, 4), None, date(2027, 2, 1), rules) == date(2027, 1, 4)
    assert confirm_due(
        date(2027, 1, 4), date(2027, 1, 25), date(2027, 1, 28), TaskRules(confirm_days_before=1)
    ) == date(2027, 1, 25)


def test_a_confirmed_step_becomes_firm_with_its_follow_up(
    store: Store, booked: list[BookingInfo]
) -> None:
    """Confirming the team makes its booking firm and plans its follow-up call and checks;
    the club stays held."""
    complete_task(store, _confirm_task(store, booked[1]), "confirmed")
    assert _state(store) == [
        ("SH", "active", False),
        ("SE", "active", False),
        ("SA", "active", True),
    ]
    tasks = list_tasks(store)
    team = tasks[tasks["booking_id"] == booked[1].booking_id]["kind"].tolist()
    assert sorted(team) == ["follow_up_call", "outcome_3m", "outcome_6m"]


def test_a_dropped_step_frees_its_place_and_the_steps_after_it(
    store: Store, booked: list[BookingInfo]
) -> None:
    """A person who does not go on to the team lets go of the team and the club: both
    places are free again, the home visits stay."""
    complete_task(store, _confirm_task(store, booked[1]), "dropped")
    assert _state(store) == [
        ("SH", "active", False),
        ("SE", "cancelled", True),
        ("SA", "cancelled", True),
    ]
    with store.read() as session:
        assert {p.session_id: p.booked for p in session.scalars(select(Place))} == {
            "SH": 1,
            "SE": 0,
            "SA": 0,
        }
    assert "confirm_step" not in list_tasks(store)["kind"].tolist()


def test_an_unanswered_confirming_call_is_tried_again_and_the_place_held(
    store: Store, booked: list[BookingInfo]
) -> None:
    """Nobody answered: the call is made again another day and the step keeps its place."""
    done = complete_task(store, _confirm_task(store, booked[1]), "no_answer", called="morning")
    assert done.next_kind == "confirm_step" and done.next_call_time == "afternoon"
    assert _state(store)[1] == ("SE", "active", True)


def test_a_step_not_confirmed_gets_no_reminder_and_no_attendance(
    store: Store, town: Dataset, booked: list[BookingInfo]
) -> None:
    """Before its call confirms it, a held step is neither reminded of nor attended."""
    near = due_reminders(store, town, today=date(2027, 1, 28), days=7)
    assert booked[1].booking_id not in [r.booking_id for r in near]
    with pytest.raises(InputError, match="not confirmed yet"):
        record_attendance(store, booked[1].booking_id, date(2027, 2, 1), True)
    complete_task(store, _confirm_task(store, booked[1]), "confirmed")
    near = due_reminders(store, town, today=date(2027, 1, 28), days=7)
    assert booked[1].booking_id in [r.booking_id for r in near]
    record_attendance(store, booked[1].booking_id, date(2027, 2, 1), True)


def test_a_step_that_is_not_held_any_more_is_left_alone(
    store: Store, booked: list[BookingInfo]
) -> None:
    """Confirming after the step was cancelled changes nothing (the call was cancelled with
    it, so it cannot be closed)."""
    from matcher.store import cancel

    task = _confirm_task(store, booked[2])
    cancel(store, booked[2].booking_id)
    with pytest.raises(InputError, match="cancelled"):
        complete_task(store, task, "confirmed")
    assert _state(store)[2] == ("SA", "cancelled", True)


def test_a_step_is_not_confirmed_before_the_step_it_follows(
    store: Store, booked: list[BookingInfo]
) -> None:
    """The club cannot be confirmed while the team before it is held: nothing changes, and
    once the team is confirmed the club can be."""
    club = _confirm_task(store, booked[2])
    with pytest.raises(InputError, match="not confirmed yet: confirm that step first"):
        complete_task(store, club, "confirmed")
    assert _state(store)[1:] == [("SE", "active", True), ("SA", "active", True)]
    complete_task(store, _confirm_task(store, booked[1]), "confirmed")
    complete_task(store, club, "confirmed")
    assert _state(store)[1:] == [("SE", "active", False), ("SA", "active", False)]
