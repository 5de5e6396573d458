"""Follow-up rules: calls after missed sessions, three tries then escalation, two-month
calls, outcome checks, tasks from a stored plan, and the export for the meeting."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from store_support import dataset_dir

from matcher import InputError, load_dataset
from matcher.store import (
    TASK_COLUMNS,
    book,
    cancel,
    complete_task,
    export_tasks,
    holding_by_kind,
    import_catalogue,
    list_tasks,
    open_store,
    outcomes,
    record_attendance,
    record_plan,
)
from matcher.store.db import Store
from matcher.store.tasks import add_months

START = date(2027, 1, 4)  # a Monday; S1 meets on Mondays


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An SQLite store with a tiny catalogue (S1: 5 places on Mondays)."""
    opened = open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    import_catalogue(opened, load_dataset(dataset_dir(tmp_path / "data", patients=8)))
    yield opened
    opened.close()


def _kinds(store: Store, **query: object) -> list[str]:
    return list_tasks(store, **query)["kind"].tolist()  # type: ignore[arg-type]


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
    assert _kinds(store).count("call_missed") == calls


def test_call_is_due_the_day_after_the_second_miss(store: Store) -> None:
    """The call after two misses is due the day after the second missed session."""
    booking = book(store, "P001", "S1", START)
    record_attendance(store, booking.booking_id, START, False)
    second = record_attendance(store, booking.booking_id, START + timedelta(weeks=1), False)
    tasks = list_tasks(store).set_index("task_id")
    assert tasks.loc[second.call_task_id, "due_date"] == START + timedelta(weeks=1, days=1)


def test_correcting_attendance_replaces_the_record(store: Store) -> None:
    """Recording the same date again corrects it instead of adding a session."""
    booking = book(store, "P001", "S1", START)
    record_attendance(store, booking.booking_id, START, False)
    again = record_attendance(store, booking.booking_id, START, True)
    assert again.corrected
    row = outcomes(store).iloc[0]
    assert (row["sessions_recorded"], row["sessions_attended"]) == (1, 1)


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
    assert "call_missed" not in _kinds(store)
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
    assert _kinds(store).count("call_missed") == 0


def test_an_absence_restored_after_a_correction_calls_again(store: Store) -> None:
    """Marked absent again after a correction, the two missed sessions make a new call."""
    booking_id, call_id = _two_missed(store)
    record_attendance(store, booking_id, START, True)
    back = record_attendance(store, booking_id, START, False)
    assert back.call_task_id not in (None, call_id)
    assert _kinds(store).count("call_missed") == 1


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
    calls = [k for k in _kinds(store) if k in ("call_missed", "escalate")]
    assert calls == open_kinds
    attempts = list_tasks(store, statuses=("done",))["attempt"].tolist()
    assert attempts == list(range(1, len(answers) + 1))


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
    assert kind in _kinds(store)


def test_closed_task_cannot_be_closed_again(store: Store) -> None:
    """Completing a task twice is refused."""
    book(store, "P001", "S1", START)
    task_id = int(list_tasks(store)["task_id"].iloc[0])
    complete_task(store, task_id)
    with pytest.raises(InputError, match="is done"):
        complete_task(store, task_id)


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
    assert _kinds(store) == ["escalate"]


def _plan_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": ["P001", "P002", "P003", "P004"],
            "status": ["placed", "unplaced", "escalated", "unplaced"],
            "offer_id": ["O1", "", "", ""],
            "session_id": ["S1", "", "", ""],
            "kind": ["association", "", "", ""],
            "start_date": ["2027-01-04", "", "", ""],
            "wait_days": [0.0, None, None, None],
            "travel_min": [5.0, None, None, None],
            "travel_mode": ["walk", "", "", ""],
            "fee_dkk_month": [0.0, None, None, None],
            "cost": [3.5, None, None, None],
            "reason": ["", "no session within 20 minutes", "", "no session fits the times"],
        }
    )


def test_plan_makes_a_task_for_every_unplaced_or_escalated_patient(store: Store) -> None:
    """Storing a plan gives each unplaced or escalated patient one task, even when stored twice."""
    first = record_plan(store, _plan_rows(), {"status": "OPTIMAL"}, today=START)
    assert (first.rows, first.tasks_created) == (4, 3)
    again = record_plan(store, _plan_rows(), {"status": "OPTIMAL"}, today=START)
    assert again.tasks_created == 0
    tasks = list_tasks(store)
    assert sorted(zip(tasks["patient_id"], tasks["kind"], strict=True)) == [
        ("P002", "unplaced"),
        ("P003", "escalated"),
        ("P004", "unplaced"),
    ]
    assert "no session within 20 minutes" in tasks.set_index("patient_id").loc["P002", "note"]


def test_plan_with_a_cpr_number_names_file_row_and_column(store: Store) -> None:
    """Pseudonyms only: record_plan refuses every CPR-like patient_id as FILE:ROW:patient_id
    (never repeating the number) and stores nothing."""
    rows = _plan_rows()
    rows.loc[1, "patient_id"] = "0101901234"
    rows.loc[3, "patient_id"] = "010190-1234"
    with pytest.raises(InputError) as caught:
        record_plan(store, rows, source="/plans/PLAN.csv", today=START)
    lines = [str(p) for p in caught.value.problems]
    assert lines == [
        "PLAN.csv:3:patient_id: looks like a CPR number; use the pseudonym",
        "PLAN.csv:5:patient_id: looks like a CPR number; use the pseudonym",
    ]
    assert "1234" not in str(caught.value)
    assert list_tasks(store).empty


def test_booking_an_unplaced_patient_closes_the_task(store: Store) -> None:
    """When an unplaced patient is booked, their unplaced task is closed as booked."""
    record_plan(store, _plan_rows(), today=START)
    book(store, "P002", "S1", START)
    done = list_tasks(store, statuses=("done",))
    assert done[["patient_id", "kind", "outcome"]].values.tolist() == [
        ["P002", "unplaced", "booked"]
    ]


def test_due_lists_only_tasks_due_by_the_date(store: Store) -> None:
    """--due keeps the tasks due on or before the date, earliest first."""
    book(store, "P001", "S1", START)
    assert _kinds(store, due_by=date(2027, 3, 3)) == []
    assert _kinds(store, due_by=date(2027, 4, 4)) == ["follow_up_call", "outcome_3m"]


def test_export_for_the_meeting(store: Store, tmp_path: Path) -> None:
    """The export is a CSV with one row per task, pseudonyms and ISO dates only."""
    book(store, "P001", "S1", START)
    record_plan(store, _plan_rows(), today=START)
    path = export_tasks(list_tasks(store), tmp_path / "meeting.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert tuple(table.columns) == TASK_COLUMNS
    assert len(table) == 6
    assert set(table["due_date"]) >= {"2027-01-04", "2027-03-04"}


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
