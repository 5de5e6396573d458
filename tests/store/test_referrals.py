"""Referral statuses: the allowed changes, the refused ones naming both statuses, the
changes the store makes by itself, the dated re-offer task, and the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from store_support import START

from matcher import InputError
from matcher.store import (
    Actor,
    StatusRefused,
    audit_trail,
    book,
    complete_task,
    current_status,
    list_tasks,
    record_attendance,
    set_status,
    status_history,
)
from matcher.store.db import Store
from matcher.store.referrals import TRANSITIONS, WAY

NURSE = Actor("AB", "nurse")
TODAY = date(2027, 1, 4)


def _task(store: Store, kind: str) -> int:
    """The id of the open task of ``kind`` (the only one)."""
    tasks = list_tasks(store)
    return int(tasks.loc[tasks["kind"] == kind, "task_id"].iloc[0])


def test_the_way_through_is_kept_change_by_change(store: Store) -> None:
    """A person can take a referral along the whole way and out; each change is a history
    row with the status it came from, the one it went to, who and why."""
    steps = [*WAY, "stopped"]
    for to in steps:
        reason = "moved to another town" if to == "stopped" else ""
        set_status(store, "P001", to, actor=NURSE, reason=reason, referrer="OUH-B2")
    history = status_history(store, "P001")
    assert history[["from_status", "to_status"]].values.tolist() == [
        list(pair) for pair in zip(["", *steps[:-1]], steps, strict=True)
    ]
    assert set(history["actor"]) == {"AB"} and set(history["cause"]) == {"staff"}
    now = current_status(store, "P001")
    assert now is not None
    assert (now.status, now.referrer, now.reason) == ("stopped", "OUH-B2", "moved to another town")


@pytest.mark.parametrize(
    ("before", "to"),
    [
        ([], "started"),
        ([], "active_6m"),
        (["referred", "offered", "booked"], "referred"),
        (["referred", "booked", "started", "active_3m", "active_6m"], "booked"),
        (["referred", "declined"], "started"),
        (["referred", "booked"], "booked"),
    ],
)
def test_a_change_the_status_does_not_allow_is_refused(
    store: Store, before: list[str], to: str
) -> None:
    """A change outside TRANSITIONS is refused (StatusRefused, an InputError) naming the
    status it came from and the one asked for, and nothing is written."""
    for step in before:
        set_status(store, "P001", step, actor=NURSE)
    with pytest.raises(StatusRefused) as refused:
        set_status(store, "P001", to, actor=NURSE)
    came_from = before[-1] if before else None
    assert (refused.value.from_status, refused.value.to_status) == (came_from, to)
    message = refused.value.problems[0].message
    assert f"to {to}" in message or f"start at {to}" in message
    assert (f"from {came_from}" if came_from else "has no status yet") in message
    assert to not in TRANSITIONS[came_from]
    assert len(status_history(store, "P001")) == len(before)


def test_every_status_can_be_left_and_no_status_returns_to_itself() -> None:
    """Every status but the first may be reached, and no change leads a status to itself."""
    reached = set().union(*TRANSITIONS.values())
    assert reached == set(TRANSITIONS) - {None}
    assert all(status not in allowed for status, allowed in TRANSITIONS.items())


def test_not_now_makes_a_dated_re_offer_task(store: Store) -> None:
    """not_now needs a date to offer again, not in the past; it makes a re_offer task due
    that date, which a later change of status cancels."""
    set_status(store, "P001", "referred", actor=NURSE)
    with pytest.raises(InputError, match="needs the date to offer again"):
        set_status(store, "P001", "not_now", actor=NURSE)
    with pytest.raises(InputError, match="is before today"):
        set_status(store, "P001", "not_now", re_offer=TODAY - timedelta(days=1), today=TODAY)
    again = date(2027, 3, 1)
    changed = set_status(store, "P001", "not_now", re_offer=again, actor=NURSE, today=TODAY)
    tasks = list_tasks(store)
    assert tasks[["task_id", "kind", "due_date"]].values.tolist() == [
        [changed.re_offer_task_id, "re_offer", again]
    ]
    now = current_status(store, "P001")
    assert now is not None and now.re_offer_date == again
    set_status(store, "P001", "offered", actor=NURSE)
    assert list_tasks(store).empty
    cancelled = list_tasks(store, statuses=("cancelled",))
    assert cancelled["note"].iloc[0].endswith("cancelled: the status is now offered")


def test_a_re_offer_date_goes_with_not_now_only(store: Store) -> None:
    """--re-offer with another status than not_now is bad input."""
    with pytest.raises(InputError, match="goes with --to not_now only"):
        set_status(store, "P001", "referred", re_offer=date(2027, 3, 1), actor=NURSE)


@pytest.mark.parametrize(
    ("reason", "says"),
    [
        ("", "stopped needs a reason"),
        ("cpr 010190-1234", "looks like a CPR number"),
        ("Jens Hansen", "looks like a person's name"),
        ("x" * 201, "write at most 200"),
        ("ill\x1b[31m", "control character"),
    ],
)
def test_stopped_needs_a_reason_without_personal_data(store: Store, reason: str, says: str) -> None:
    """stopped is refused without a reason, and any reason holding a CPR number, a name,
    a control character or more than 200 characters is refused, never repeated."""
    set_status(store, "P001", "referred", actor=NURSE)
    with pytest.raises(InputError) as refused:
        set_status(store, "P001", "stopped", reason=reason, actor=NURSE)
    message = " ".join(p.message for p in refused.value.problems)
    assert says in message
    assert "1234" not in message and "Hansen" not in message
    now = current_status(store, "P001")
    assert now is not None and now.status == "referred"


def test_the_store_moves_the_status_on_where_it_knows(store: Store) -> None:
    """A booking makes the patient booked, the first session attended started, the 3- and
    6-month checks closed as taking part active_3m and active_6m, each change caused by
    what the store was told."""
    set_status(store, "P001", "referred", actor=NURSE)
    booking = book(store, "P001", "S1", START, actor=NURSE)
    record_attendance(store, booking.booking_id, START, False)
    assert current_status(store, "P001").status == "booked"  # type: ignore[union-attr]
    record_attendance(store, booking.booking_id, START + timedelta(weeks=1), True)
    record_attendance(store, booking.booking_id, START + timedelta(weeks=2), True)
    complete_task(store, _task(store, "outcome_3m"), "taking_part")
    complete_task(store, _task(store, "outcome_6m"), "taking_part")
    history = status_history(store, "P001")
    assert history[["from_status", "to_status", "cause"]].values.tolist() == [
        ["", "referred", "staff"],
        ["referred", "booked", "booking"],
        ["booked", "started", "attendance"],
        ["started", "active_3m", "outcome"],
        ["active_3m", "active_6m", "outcome"],
    ]


def test_a_check_may_move_the_status_past_an_unrecorded_start(store: Store) -> None:
    """A patient booked without recorded attendance who takes part at 3 months goes from
    booked to active_3m; a 3-month check closed as stopped makes them stopped with why."""
    book(store, "P001", "S1", START)
    complete_task(store, _task(store, "outcome_3m"), "taking_part")
    assert current_status(store, "P001").status == "active_3m"  # type: ignore[union-attr]
    book(store, "P002", "S1", START)
    tasks = list_tasks(store, patient_id="P002")
    check = int(tasks.loc[tasks["kind"] == "outcome_3m", "task_id"].iloc[0])
    assert complete_task(store, check, "stopped").status == "stopped"
    now = current_status(store, "P002")
    assert now is not None and now.reason == "not taking part 3 months after the start"


def test_a_booking_that_changes_nothing_leaves_the_status(store: Store) -> None:
    """A second booking of a patient who has started keeps them started (the booking is
    made, the status does not go back)."""
    book(store, "P001", "S1", START)
    record_attendance(store, 1, START, True)
    set_status(store, "P001", "active_3m", actor=NURSE)
    with store.write() as session:
        from matcher.store.referrals import follow_status

        assert follow_status(session, "P001", "booked", cause="booking") is None
    assert current_status(store, "P001").status == "active_3m"  # type: ignore[union-attr]


def test_three_unanswered_calls_escalate_and_leave_unreachable_to_a_person(store: Store) -> None:
    """After three unanswered calls the patient is escalated, not made unreachable; closing
    the escalation as not_reached records unreachable."""
    book(store, "P001", "S1", START)
    task_id = _task(store, "follow_up_call")
    for _ in range(3):
        task_id = complete_task(store, task_id, "no_answer").next_task_id  # type: ignore[assignment]
    assert list_tasks(store).set_index("task_id").loc[task_id, "kind"] == "escalate"
    assert current_status(store, "P001").status == "booked"  # type: ignore[union-attr]
    assert complete_task(store, task_id, "not_reached", actor=NURSE).status == "unreachable"
    assert status_history(store, "P001")["to_status"].tolist() == ["booked", "unreachable"]


def test_call_outcomes_tell_the_status(store: Store) -> None:
    """A call closed as declined makes the patient declined; a re-offer call that reached
    them makes them offered again."""
    book(store, "P001", "S1", START)
    assert complete_task(store, _task(store, "follow_up_call"), "declined").status == "declined"
    changed = set_status(store, "P001", "not_now", re_offer=date(2027, 6, 1), today=TODAY)
    assert changed.re_offer_task_id is not None
    assert complete_task(store, changed.re_offer_task_id, "reached").status == "offered"


def test_every_change_is_audited_with_the_pseudonym_only(store: Store) -> None:
    """Each change of status is an audit entry naming the pseudonym, who made it and the two
    statuses, never the reason given."""
    set_status(store, "P001", "referred", actor=NURSE, referrer="GP-0042")
    set_status(store, "P001", "stopped", actor=NURSE, reason="too far to travel")
    trail = audit_trail(store, patient_id="P001")
    rows = trail[trail["action"] == "status"]
    assert rows[["actor", "actor_role", "object_type", "object_id", "detail"]].values.tolist() == [
        ["AB", "nurse", "referral", "P001", "none -> referred"],
        ["AB", "nurse", "referral", "P001", "referred -> stopped"],
    ]
    assert not trail["detail"].str.contains("too far").any()


def test_a_referrer_or_patient_that_is_no_pseudonym_is_refused(store: Store) -> None:
    """The referrer is a unit or practice code and the patient a pseudonym: a name or a CPR
    number is refused for either."""
    with pytest.raises(InputError, match="--referrer"):
        set_status(store, "P001", "referred", referrer="Jens Hansen")
    with pytest.raises(InputError, match="CPR"):
        set_status(store, "0101901234", "referred")
    with pytest.raises(InputError, match="is not a status"):
        set_status(store, "P001", "lost")
    assert status_history(store).empty


@pytest.mark.parametrize(
    "statement", ["UPDATE status_changes SET to_status = 'booked'", "DELETE FROM status_changes"]
)
def test_the_history_of_statuses_cannot_be_rewritten(store: Store, statement: str) -> None:
    """status_changes is append-only: the database refuses to change or delete a row."""
    set_status(store, "P001", "referred", actor=NURSE)
    with pytest.raises(DatabaseError, match="append-only"), store.write() as session:
        session.execute(text(statement))
    assert len(status_history(store)) == 1
