"""The follow-up tab's state: tasks due, a group's attendance, outcomes and histories,
all through the store."""

from __future__ import annotations

import logging
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from followup_support import PEOPLE, SESSION, Booked, book_three, state_on
from traitlets import Any as AnyTrait
from traitlets import HasTraits, Unicode

from matcher.store import Actor, audit_trail, current_status, give_consent, list_tasks, open_store
from matcher.ui.followup import NOT_NOW, RE_OFFER_WEEKS, Closed, FollowUpState, GroupSaved
from matcher.ui.state import DataState
from matcher.words.app import text


@pytest.fixture()
def booked(data: DataState, db: str) -> Booked:
    """Three people of the demo booked into one session."""
    assert data.dataset is not None
    return book_three(data.dataset, db)


def _two_absences(state: FollowUpState, booked: Booked, *absent: str) -> None:
    for week in (0, 1):
        marks = {b: p not in absent for p, b in booked.bookings.items()}
        state.record_group(SESSION, booked.week(week), marks, background=False)


def test_without_a_database_nothing_is_shown_and_none_is_made(
    data: DataState, tmp_path: Path
) -> None:
    """Reading a database that does not exist shows no tasks and creates no file."""
    path = tmp_path / "none.sqlite3"
    state = state_on(data, f"sqlite:///{path}", date(2027, 3, 1))
    assert state.snapshot is not None
    assert len(state.snapshot.tasks) == 0 and len(state.snapshot.bookings) == 0
    assert state.sessions() == []
    assert not path.exists()


def test_the_list_holds_the_open_tasks_due_by_the_day(data: DataState, booked: Booked) -> None:
    """Tasks due after the day worked on are not listed; moving the day lists them."""
    state = state_on(data, booked.url, booked.start)
    assert len(state.snapshot.tasks) == 0
    with open_store(booked.url) as store:
        due = list_tasks(store)["due_date"].min()
    state.today = due
    state.wait(30)
    assert set(state.snapshot.tasks["due_date"]) == {due}
    assert set(state.snapshot.tasks["patient_id"]) == set(PEOPLE)


def test_two_absences_in_a_row_make_a_call_for_that_person(data: DataState, booked: Booked) -> None:
    """A group saved twice with one person absent makes one call task for that person."""
    state = state_on(data, booked.url, booked.week(1) + timedelta(days=1))
    _two_absences(state, booked, "P00002")
    done = state.done
    assert isinstance(done, GroupSaved)
    assert (done.present, done.absent, done.unchanged) == (2, 1, 0)
    assert [p for _, p in done.calls] == ["P00002"]
    tasks = state.snapshot.tasks
    assert list(tasks["kind"]) == ["call_missed"] and list(tasks["patient_id"]) == ["P00002"]


def test_a_mark_as_recorded_already_is_not_written_again(data: DataState, booked: Booked) -> None:
    """Saving a group again leaves unchanged marks alone: no new audit entries."""
    state = state_on(data, booked.url, booked.week(1))
    marks = dict.fromkeys(booked.bookings.values(), True)
    state.record_group(SESSION, booked.start, marks, background=False)
    with open_store(booked.url) as store:
        before = len(audit_trail(store))
    state.record_group(SESSION, booked.start, marks, background=False)
    assert state.done.unchanged == len(marks) and state.done.present == 0
    with open_store(booked.url) as store:
        assert len(audit_trail(store)) == before


def test_a_correction_reads_back_as_the_attendance_now(data: DataState, booked: Booked) -> None:
    """A mark corrected to present is what the group shows, and the call it made goes."""
    state = state_on(data, booked.url, booked.week(1) + timedelta(days=1))
    _two_absences(state, booked, "P00001")
    first = booked.bookings["P00001"]
    state.record_group(SESSION, booked.start, {first: True}, background=False)
    group = state.group(SESSION, booked.start)
    assert bool(group.set_index("booking_id").loc[first, "recorded"]) is True
    assert state.done.cancelled and len(state.snapshot.tasks) == 0


def test_a_session_not_over_yet_is_refused_and_nothing_is_written(
    data: DataState, booked: Booked
) -> None:
    """Attendance for a date after the day worked on is the store's refusal, kept as a
    problem for the page; nothing is recorded."""
    state = state_on(data, booked.url, booked.start)
    later = booked.week(1)
    state.record_group(SESSION, later, {booked.bookings["P00001"]: False}, background=False)
    assert state.error == ""
    assert [p.column for p in state.problems] == ["today"]
    assert state.done.absent == 0
    assert len(state.snapshot.attendance) == 0


def test_a_call_not_answered_is_tried_again_then_escalated(data: DataState, booked: Booked) -> None:
    """Closing the call as not answered makes the next attempt; after the last the case
    is escalated and on the meeting's list."""
    day = booked.week(1) + timedelta(days=1)
    state = state_on(data, booked.url, day)
    _two_absences(state, booked, "P00003")
    for _attempt in range(3):
        state.today = day
        state.wait(30)
        call = state.snapshot.tasks[state.snapshot.tasks["kind"] == "call_missed"]
        assert len(call) == 1
        state.complete(int(call["task_id"].iloc[0]), "no_answer", background=False)
        assert state.problems == ()
        day += timedelta(days=7)
    assert isinstance(state.done, Closed) and state.done.completed.next_kind == "escalate"
    meeting = state.snapshot.meeting
    assert list(meeting["kind"]) == ["escalate"] and list(meeting["patient_id"]) == ["P00003"]


def test_closing_a_closed_task_is_a_problem_for_the_page(data: DataState, booked: Booked) -> None:
    """A task closed already is refused by the store; the page gets the problem."""
    with open_store(booked.url) as store:
        task = int(list_tasks(store)["task_id"].iloc[0])
    state = state_on(data, booked.url, booked.week(40))
    state.complete(task, "reached", background=False)
    assert state.problems == ()
    state.complete(task, "reached", background=False)
    assert [p.template for p in state.problems] == ["task {task_id} is {what_status}"]
    assert state.error == ""


def test_a_history_has_bookings_attendance_and_tasks(data: DataState, booked: Booked) -> None:
    """A person's history holds their booking, each session recorded and every task."""
    state = state_on(data, booked.url, booked.week(1) + timedelta(days=1))
    _two_absences(state, booked, "P00001")
    state.look_up(" P00001 ", background=False)
    found = state.history
    assert found is not None and found.patient_id == "P00001" and not found.empty
    assert list(found.bookings["booking_id"]) == [booked.bookings["P00001"]]
    assert list(found.attendance["present"]) == [False, False]
    assert "call_missed" in set(found.tasks["kind"])
    assert set(found.tasks["patient_id"]) == {"P00001"}


def test_a_history_shown_follows_what_is_done(data: DataState, booked: Booked) -> None:
    """The history on screen is read again after attendance is saved."""
    state = state_on(data, booked.url, booked.week(1))
    state.look_up("P00002", background=False)
    assert len(state.history.attendance) == 0
    state.record_group(SESSION, booked.start, {booked.bookings["P00002"]: True}, background=False)
    assert list(state.history.attendance["present"]) == [True]


def test_a_cpr_number_is_refused_without_being_repeated(data: DataState, booked: Booked) -> None:
    """Looking up a CPR number finds nothing, says why and never repeats the number."""
    state = state_on(data, booked.url, booked.start)
    assert not state.look_up("010190-1234")
    assert state.history is None
    assert len(state.problems) == 1
    assert "010190" not in str(state.problems[0])


def test_an_unknown_pseudonym_has_an_empty_history(data: DataState, booked: Booked) -> None:
    """A pseudonym the store does not know has a history with nothing in it."""
    state = state_on(data, booked.url, booked.start)
    state.look_up("P09999", background=False)
    assert state.history is not None and state.history.empty


def test_session_dates_run_weekly_from_the_start_to_the_day(
    data: DataState, booked: Booked
) -> None:
    """A session's dates are its weekday from the first start to the day worked on,
    latest first, and never after the course's weeks."""
    state = state_on(data, booked.url, booked.week(2) + timedelta(days=3))
    assert state.sessions() == [SESSION]
    assert state.session_dates(SESSION) == [booked.week(2), booked.week(1), booked.start]
    weeks = int(data.dataset.sessions.set_index("session_id").loc[SESSION, "weeks"])
    state.today = booked.week(weeks + 5)
    state.wait(30)
    dates = state.session_dates(SESSION)
    assert dates[0] == booked.week(weeks - 1) and len(dates) == weeks


def test_the_group_is_those_whose_booking_has_started(data: DataState, booked: Booked) -> None:
    """Nobody is in the group on a date before their booking starts."""
    state = state_on(data, booked.url, booked.week(1))
    assert list(state.group(SESSION, booked.start)["patient_id"]) == list(PEOPLE)
    assert len(state.group(SESSION, booked.start - timedelta(days=7))) == 0


def test_a_booking_on_the_discharge_tab_is_shown_at_once(data: DataState, booked: Booked) -> None:
    """A new booking in the Discharge state makes the follow-up read the store again."""

    class Discharge(HasTraits):
        booking = AnyTrait(None, allow_none=True)

    discharge = Discharge()
    state = FollowUpState(data, booked.url, discharge=discharge, today=lambda: booked.start)
    assert state.snapshot is None
    discharge.booking = object()
    state.wait(30)
    assert state.snapshot is not None and len(state.snapshot.bookings) == len(PEOPLE)


def test_a_refresh_asked_for_while_busy_follows_the_work(
    data: DataState, booked: Booked, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another day chosen while the store is being read is read once the work ends."""
    state = FollowUpState(data, booked.url, today=lambda: booked.start)
    release = threading.Event()
    read = state._read

    def slow(day: date) -> object:
        release.wait(30)
        return read(day)

    monkeypatch.setattr(state, "_read", slow)
    state.refresh()
    state.today = booked.week(40)
    release.set()
    for _ in range(100):
        state.wait(30)
        if state.snapshot is not None and len(state.snapshot.tasks):
            break
        threading.Event().wait(0.05)
    assert len(state.snapshot.tasks) > 0


def test_a_failure_is_a_plain_sentence_and_its_traceback_is_logged(
    data: DataState,
    booked: Booked,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing store read shows the runner's sentence in Danish and logs the traceback."""
    state = FollowUpState(data, booked.url, today=lambda: booked.start)

    def broken(day: date) -> object:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(state, "_read", broken)
    with caplog.at_level(logging.ERROR, logger="matcher.ui.runner"):
        state.refresh(background=False)
    assert state.error == text("work_failed", "da")
    assert any("disk gone" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_not_now_offers_a_next_step_again_in_four_weeks(data: DataState, booked: Booked) -> None:
    """ "Declines for now" closes the call as declined and sets the status not now with
    a re-offer task due four weeks on."""
    day = booked.week(1) + timedelta(days=1)
    state = state_on(data, booked.url, day)
    _two_absences(state, booked, "P00002")
    call = int(state.snapshot.tasks["task_id"].iloc[0])
    state.complete(call, NOT_NOW, background=False)
    assert state.problems == ()
    again = day + timedelta(weeks=RE_OFFER_WEEKS)
    assert state.done.completed.outcome == "declined" and state.done.re_offer == again
    with open_store(booked.url) as store:
        now = current_status(store, "P00002")
        offers = list_tasks(store, patient_id="P00002")
    assert now is not None and now.status == "not_now" and now.re_offer_date == again
    assert list(offers.loc[offers["kind"] == "re_offer", "due_date"]) == [again]


def test_the_meeting_list_knows_who_consented_to_sharing(data: DataState, booked: Booked) -> None:
    """Each case for the meeting says whether the person consented to sharing it with
    the municipality."""
    state = state_on(data, booked.url, booked.week(1) + timedelta(days=1))
    _two_absences(state, booked, "P00001", "P00002")
    with open_store(booked.url) as store:
        give_consent(store, "P00001", "share_municipality", actor=Actor("ab", "staff"))
    for _ in range(3):
        for _, call in state.snapshot.tasks.iterrows():
            state.complete(int(call["task_id"]), "not_reached", background=False)
        state.today = state.today + timedelta(days=7)
        state.wait(30)
    meeting = state.snapshot.meeting.set_index("patient_id")["shared"].to_dict()
    assert meeting == {"P00001": True, "P00002": False}


def test_what_is_done_is_audited_under_the_staff_initials(data: DataState, booked: Booked) -> None:
    """With initials given on the Discharge tab, attendance and outcomes are written
    down under them; without, under the app."""

    class Discharge(HasTraits):
        booking = AnyTrait(None, allow_none=True)
        initials = Unicode("")

    discharge = Discharge()
    state = FollowUpState(data, booked.url, discharge=discharge, today=lambda: booked.week(1))
    assert state.actor().pseudonym == "app"
    discharge.initials = "ab"
    state.record_group(SESSION, booked.start, {booked.bookings["P00001"]: True}, background=False)
    with open_store(booked.url) as store:
        trail = audit_trail(store, patient_id="P00001")
    assert list(trail.loc[trail["action"] == "attendance", "actor"]) == ["ab"]
    discharge.initials = "Jens Hansen"  # a name is never written down
    assert state.actor().pseudonym == "app"
