"""The follow-up rules: a call two months after the start and outcome checks at 3 and 6
months, a call after two missed sessions in a row (cancelled when a correction undoes
them), three tries then escalation, a task for every patient a plan leaves unplaced or
escalated, and what booking or cancelling does to open tasks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from store_support import START, kinds, plan_rows

from matcher.store import book, cancel, complete_task, list_tasks, record_attendance, record_plan
from matcher.store.db import Store
from matcher.store.task_rules import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 4), 2, date(2027, 3, 4)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),  # clamped to a leap February
        (date(2027, 8, 31), 3, date(2027, 11, 30)),
        (date(2027, 11, 15), 6, date(2028, 5, 15)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    """Months are calendar months, clamped to the end of a shorter month."""
    assert add_months(day, months) == expected


def test_booking_makes_follow_up_call_and_outcome_checks(store: Store) -> None:
    """A booking gets a call two months after the start and checks at 3 and 6 months."""
    booking = book(store, "P001", "S1", START)
    tasks = list_tasks(store)
    assert tasks[["kind", "due_date"]].values.tolist() == [
        ["follow_up_call", date(2027, 3, 4)],
        ["outcome_3m", date(2027, 4, 4)],
        ["outcome_6m", date(2027, 7, 4)],
    ]
    assert set(tasks["booking_id"]) == {booking.booking_id}


@pytest.mark.parametrize(
    ("pattern", "calls"),
    [
        ([False], 0),  # one miss
        ([False, False], 1),  # two in a row: call
        ([False, True, False], 0),  # not in a row
        ([False, False, False], 1),  # a third miss does not call twice
        ([False, False, True, False, False], 2),  # a new run after coming back
        ([True, True, True], 0),
    ],
)
def test_call_after_two_missed_sessions_in_a_row(
    store: Store, pattern: list[bool], calls: int
) -> None:
    """Two missed sessions in a row make one call task per run of absences."""
    booking = book(store, "P001", "S1", START)
    for week, present in enumerate(pattern):
        record_attendance(store, booking.booking_id, START + timedelta(weeks=week), present)
    assert kinds(store).count("call_missed") == calls


def test_call_is_due_the_day_after_the_second_miss(store: Store) -> None:
    """The call after two misses is due the day after the second missed session."""
    booking = book(store, "P001", "S1", START)
    record_attendance(store, booking.booking_id, START, False)
    second = record_attendance(store, booking.booking_id, START + timedelta(weeks=1), False)
    tasks = list_tasks(store).set_index("task_id")
    assert tasks.loc[second.call_task_id, "due_date"] == START + timedelta(weeks=1, days=1)


def _two_missed(store: Store) -> tuple[int, int]:
    """P001 booked into S1 and absent the first two Mondays: (booking, call task)."""
    booking = book(store, "P001", "S1", START)
    record_attendance(store, booking.booking_id, START, False)
    call = record_attendance(store, booking.booking_id, START + timedelta(weeks=1), False)
    assert call.call_task_id is not None
    return booking.booking_id, call.call_task_id


@pytest.mark.parametrize("corrected_week", [0, 1])
def test_correcting_an_absence_to_present_cancels_the_call_it_caused(
    store: Store, corrected_week: int
) -> None:
    """Calls follow the attendance as it now stands: when a correction to present leaves no
    two missed sessions in a row, the open call they caused is cancelled, saying why."""
    booking_id, call_id = _two_missed(store)
    fixed = record_attendance(store, booking_id, START + timedelta(weeks=corrected_week), True)
    assert fixed.corrected and fixed.cancelled_task_ids == (call_id,)
    assert "call_missed" not in kinds(store)
    gone = list_tasks(store, statuses=("cancelled",)).set_index("task_id").loc[call_id]
    assert gone["status"] == "cancelled"
    assert gone["note"] == (
        "missed 2 sessions in a row (from 2027-01-04): call; cancelled: the attendance was "
        "corrected and there are no longer 2 missed sessions in a row"
    )


def test_a_correction_that_leaves_the_run_keeps_the_call(store: Store) -> None:
    """A call stays open while its run of absences stands; its note names the run's new
    first missed session."""
    booking_id, call_id = _two_missed(store)
    record_attendance(store, booking_id, START + timedelta(weeks=2), False)
    fixed = record_attendance(store, booking_id, START, True)
    assert (fixed.call_task_id, fixed.cancelled_task_ids) == (None, ())
    calls = list_tasks(store).query("kind == 'call_missed'")
    assert calls["task_id"].tolist() == [call_id]
    assert calls["note"].tolist() == ["missed 2 sessions in a row (from 2027-01-11): call"]


def test_a_call_again_is_cancelled_when_its_absences_are_corrected(store: Store) -> None:
    """The next attempt of an unanswered call is about the same absences: a correction that
    undoes them cancels it too."""
    booking_id, call_id = _two_missed(store)
    again = complete_task(store, call_id, "no_answer", today=date(2027, 1, 13)).next_task_id
    fixed = record_attendance(store, booking_id, START, True)
    assert fixed.cancelled_task_ids == (again,)
    assert kinds(store).count("call_missed") == 0


def test_an_absence_restored_after_a_correction_calls_again(store: Store) -> None:
    """Marked absent again after a correction, the two missed sessions make a new call."""
    booking_id, call_id = _two_missed(store)
    record_attendance(store, booking_id, START, True)
    back = record_attendance(store, booking_id, START, False)
    assert back.call_task_id not in (None, call_id)
    assert kinds(store).count("call_missed") == 1


def test_two_runs_joined_by_a_correction_keep_one_call(store: Store) -> None:
    """Correcting the session between two runs of absences to absent makes one run: one of
    its two open calls is cancelled as the same missed sessions."""
    booking = book(store, "P001", "S1", START)
    for week, present in enumerate([False, False, True, False, False]):
        record_attendance(store, booking.booking_id, START + timedelta(weeks=week), present)
    first, second = list_tasks(store).query("kind == 'call_missed'")["task_id"].tolist()
    joined = record_attendance(store, booking.booking_id, START + timedelta(weeks=2), False)
    assert joined.cancelled_task_ids == (second,)
    assert list_tasks(store).query("kind == 'call_missed'")["task_id"].tolist() == [first]
    note = list_tasks(store, statuses=("cancelled",)).set_index("task_id").loc[second, "note"]
    assert note.endswith(f"; cancelled: the same missed sessions as task {first}")


def test_absences_recorded_out_of_order_still_call(store: Store) -> None:
    """Two missed sessions in a row make a call whatever order the dates are recorded in."""
    booking = book(store, "P001", "S1", START)
    record_attendance(store, booking.booking_id, START + timedelta(weeks=2), True)
    record_attendance(store, booking.booking_id, START, False)
    late = record_attendance(store, booking.booking_id, START + timedelta(weeks=1), False)
    assert late.call_task_id is not None
    due = list_tasks(store).set_index("task_id").loc[late.call_task_id, "due_date"]
    assert due == START + timedelta(weeks=1, days=1)


def test_a_call_again_says_the_attempt_and_the_reason_once(store: Store) -> None:
    """Each next attempt's note is the attempt and the original reason, never nested."""
    _booking_id, task_id = _two_missed(store)
    notes = []
    for _ in range(2):
        done = complete_task(store, task_id, "no_answer", today=date(2027, 1, 13))
        assert done.next_task_id is not None
        task_id = done.next_task_id
        notes.append(list_tasks(store).set_index("task_id").loc[task_id, "note"])
    assert notes == [
        "call again (attempt 2 of 3): missed 2 sessions in a row (from 2027-01-04): call",
        "call again (attempt 3 of 3): missed 2 sessions in a row (from 2027-01-04): call",
    ]


@pytest.mark.parametrize(
    ("answers", "open_kinds"),
    [
        (["reached"], []),
        (["no_answer"], ["call_missed"]),
        (["no_answer", "no_answer"], ["call_missed"]),
        (["no_answer", "no_answer", "no_answer"], ["escalate"]),
        (["no_answer", "reached"], []),
    ],
)
def test_three_unanswered_calls_escalate(
    store: Store, answers: list[str], open_kinds: list[str]
) -> None:
    """An unanswered call is tried again; after three unanswered calls a person takes over."""
    booking = book(store, "P001", "S1", START)
    record_attendance(store, booking.booking_id, START, False)
    task_id = record_attendance(
        store, booking.booking_id, START + timedelta(weeks=1), False
    ).call_task_id
    for answer in answers:
        assert task_id is not None
        done = complete_task(store, task_id, answer, today=date(2027, 1, 13))
        task_id = done.next_task_id
    calls = [k for k in kinds(store) if k in ("call_missed", "escalate")]
    assert calls == open_kinds
    attempts = list_tasks(store, statuses=("done",))["attempt"].tolist()
    assert attempts == list(range(1, len(answers) + 1))


def test_cancelling_a_booking_cancels_its_tasks_but_not_escalations(store: Store) -> None:
    """Cancelled bookings drop their calls and checks; an escalation stays for a person."""
    booking = book(store, "P001", "S1", START)
    record_attendance(store, booking.booking_id, START, False)
    task_id = record_attendance(
        store, booking.booking_id, START + timedelta(weeks=1), False
    ).call_task_id
    for _ in range(3):
        assert task_id is not None
        task_id = complete_task(store, task_id, "no_answer").next_task_id
    cancel(store, booking.booking_id)
    assert kinds(store) == ["escalate"]


def test_plan_makes_a_task_for_every_unplaced_or_escalated_patient(store: Store) -> None:
    """Storing a plan gives each unplaced or escalated patient one task (and an escalated one
    a task to inform the GP), even when stored twice."""
    first = record_plan(store, plan_rows(), {"status": "OPTIMAL"}, today=START)
    assert (first.rows, first.tasks_created) == (4, 4)
    again = record_plan(store, plan_rows(), {"status": "OPTIMAL"}, today=START)
    assert again.tasks_created == 0
    tasks = list_tasks(store)
    assert sorted(zip(tasks["patient_id"], tasks["kind"], strict=True)) == [
        ("P002", "unplaced"),
        ("P003", "escalated"),
        ("P003", "inform_gp"),
        ("P004", "unplaced"),
    ]
    assert "no session within 20 minutes" in tasks.set_index("patient_id").loc["P002", "note"]


def test_booking_an_unplaced_patient_closes_the_task(store: Store) -> None:
    """When an unplaced patient is booked, their unplaced task is closed as booked."""
    record_plan(store, plan_rows(), today=START)
    book(store, "P002", "S1", START)
    done = list_tasks(store, statuses=("done",))
    assert done[["patient_id", "kind", "outcome"]].values.tolist() == [
        ["P002", "unplaced", "booked"]
    ]


def test_an_unanswered_call_is_tried_again_at_another_time_of_day(store: Store) -> None:
    """Calls alternate the time of day after a miss (000:2159-2164): a call planned for the
    morning that nobody answers is tried in the afternoon, then in the evening, each
    attempt recording the part of the day to try next; a call is never tried again in the
    part of the day it was missed in."""
    from matcher.store.task_rules import next_call_time

    book(store, "P001", "S1", START, call_time="morning")
    tasks = list_tasks(store)
    assert set(tasks["call_time"]) == {"morning"}
    task_id = int(tasks.loc[tasks["kind"] == "follow_up_call", "task_id"].iloc[0])
    first = complete_task(store, task_id, "no_answer", today=START)
    assert first.next_call_time == "afternoon"
    second = complete_task(store, first.next_task_id, "not_reached", today=START)  # type: ignore[arg-type]
    assert second.next_call_time == "evening"
    listed = list_tasks(store).set_index("task_id")
    assert listed.loc[second.next_task_id, ["attempt", "call_time"]].tolist() == [3, "evening"]
    assert [next_call_time(t) for t in ("morning", "afternoon", "evening")] == [
        "afternoon",
        "evening",
        "morning",
    ]


def test_the_time_of_a_missed_call_may_be_said(store: Store) -> None:
    """complete_task(called=...) names the part of the day the unanswered call was made in;
    the next attempt is planned for the part after it; a wrong part is refused."""
    from matcher import InputError

    book(store, "P001", "S1", START)
    task_id = int(list_tasks(store)["task_id"].iloc[0])
    with pytest.raises(InputError, match="is not a part of the day"):
        complete_task(store, task_id, "no_answer", called="night")
    done = complete_task(store, task_id, "no_answer", called="evening", today=START)
    assert done.next_call_time == "morning"


def test_calls_after_missed_sessions_start_at_the_best_time(store: Store) -> None:
    """The call after two missed sessions is planned for the best time given at booking."""
    booking = book(store, "P001", "S1", START, call_time="afternoon")
    for week in (0, 1):
        record_attendance(store, booking.booking_id, START + timedelta(weeks=week), False)
    calls = list_tasks(store)
    assert calls.set_index("kind").loc["call_missed", "call_time"] == "afternoon"
