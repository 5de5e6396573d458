"""The Follow-up tab: tasks in words, closing a task, a group's attendance, a history
by pseudonym and the meeting's list, each control labelled, in Danish and English."""

from __future__ import annotations

import html
from datetime import date, timedelta

import ipywidgets as w
import pytest
from followup_support import PEOPLE, Booked, book_three

from matcher.store import Actor, give_consent, open_store
from matcher.ui.followup import FollowUpState
from matcher.ui.state import DataState
from matcher.ui.views.followup import FollowUpView
from matcher.ui.views.followup_tables import RULES
from matcher.words.app import text
from matcher.words.formats import long_date, shown_date


@pytest.fixture()
def booked(data: DataState, db: str) -> Booked:
    """Three people of the demo booked into one session."""
    assert data.dataset is not None
    return book_three(data.dataset, db)


def _view(data: DataState, booked: Booked, day: date) -> FollowUpView:
    state = FollowUpState(data, booked.url, today=lambda: day)
    view = FollowUpView(data, state)
    state.wait(30)
    return view


def _wait(view: FollowUpView) -> None:
    view.state.wait(30)
    assert view.state.error == "", view.state.error


def _absent_twice(view: FollowUpView, booked: Booked, person: str) -> None:
    for week in (0, 1):
        view.date.value = booked.week(week).isoformat()
        view.all_present.click()
        view.marks[booked.bookings[person]].value = False
        view.save_attendance.click()
        _wait(view)


def test_every_control_has_a_label(data: DataState, booked: Booked) -> None:
    """Every field, choice and button the tab shows has words a screen reader reads."""
    view = _view(data, booked, booked.week(1))
    controls = [view.day, view.task, view.outcome, view.session, view.date, view.patient]
    assert all(c.description for c in controls)
    buttons = [
        view.refresh_button,
        view.save_outcome,
        view.all_present,
        view.all_absent,
        view.save_attendance,
        view.show_history,
    ]
    assert all(b.description for b in buttons)
    assert all(box.description for box in view.marks.values()) and len(view.marks) == 3
    assert view.print_button.label == text("fu_print_meeting", "da")


def test_the_group_is_ticked_saved_and_makes_a_call(data: DataState, booked: Booked) -> None:
    """Ticking the group and saving twice with one absence shows the call task in the
    list, with the person, what to do and why, in words."""
    view = _view(data, booked, booked.week(1) + timedelta(days=1))
    assert [label for label, _ in view.date.options] == [
        long_date(booked.week(1), "da"),
        long_date(booked.start, "da"),
    ]
    _absent_twice(view, booked, "P00002")
    said = view.attendance_status.value
    assert text("fu_call_made", "da", patient="P00002", n=RULES.missed_in_a_row) in said
    rows = view.tasks.words()
    assert list(rows[text("col_patient_id", "da")]) == ["P00002"]
    assert list(rows[text("fu_col_what", "da")]) == [text("fu_what_call_missed", "da")]
    assert "<NA>" not in view.tasks.value and "O00001" not in view.tasks.value


def test_all_came_and_nobody_came_tick_the_whole_group(data: DataState, booked: Booked) -> None:
    """The two buttons set every person's box at once."""
    view = _view(data, booked, booked.start)
    view.all_absent.click()
    assert not any(b.value for b in view.marks.values())
    view.all_present.click()
    assert all(b.value for b in view.marks.values())


def test_closing_a_call_as_not_reached_says_when_to_call_again(
    data: DataState, booked: Booked
) -> None:
    """The chosen task's card says what, why, how and what to say; saving "not reached"
    takes it off the list and says when the next attempt is."""
    day = booked.week(1) + timedelta(days=1)
    view = _view(data, booked, day)
    _absent_twice(view, booked, "P00001")
    assert view.task.value is not None
    for key in ("fu_col_what", "fu_col_why", "fu_col_channel", "fu_col_script"):
        assert text(key, "da") in view.card.value
    assert view.save_outcome.disabled  # nothing chosen yet
    view.outcome.value = "not_reached"
    assert not view.save_outcome.disabled
    view.save_outcome.click()
    _wait(view)
    again = long_date(day + timedelta(days=RULES.retry_days), "da")
    assert again in view.outcome_status.value
    assert view.tasks.total == 0 and view.task.value is None
    assert text("fu_no_tasks", "da", day=long_date(day, "da")) in view.card.value


def test_the_day_is_typed_day_first_and_a_bad_one_is_named_under_it(
    data: DataState, booked: Booked
) -> None:
    """The day worked on shows day first; a typed day that reads becomes the lists' day,
    one that does not stays as typed with its problem under the field, and the lists
    keep the last good day."""
    start = booked.start
    view = _view(data, booked, start)
    assert view.day.value == shown_date(start, "da")
    later = start + timedelta(days=3)
    view.day.value = f"{later.day}.{later.month}.{later.year}"
    assert view.state.today == later and view.day_error.value == ""
    assert view.day.value == shown_date(later, "da")
    view.day.value = "31.2.2027"
    assert view.state.today == later
    assert "31.2.2027" in view.day_error.value and "role='alert'" in view.day_error.value
    view.day.value = shown_date(start, "da")
    assert view.state.today == start and view.day_error.value == ""


def test_a_refusal_shows_beside_its_button(data: DataState, booked: Booked) -> None:
    """A session date after the day worked on is refused beside the save button, in the
    page's language, as an alert."""
    view = _view(data, booked, booked.start)
    view.date.options = [("x", booked.week(3).isoformat())]
    view.date.value = booked.week(3).isoformat()
    view.save_attendance.click()
    _wait(view)
    said = view.attendance_status.value
    assert "role='alert'" in said
    assert f"{booked.week(3)} er ikke kommet endnu (i dag er {booked.start})" in said


def test_three_unanswered_calls_put_the_case_on_the_meeting_list(
    data: DataState, booked: Booked
) -> None:
    """After the last unanswered call the case is on the meeting's list when the person
    consented to sharing it, and named apart when not; the page to print holds it."""
    day = booked.week(1) + timedelta(days=1)
    view = _view(data, booked, day)
    _absent_twice(view, booked, "P00001")
    with open_store(booked.url) as store:
        give_consent(store, "P00001", "share_municipality", actor=Actor("ab", "staff"))
    for _ in range(RULES.max_calls):
        view.outcome.value = "not_reached"
        view.save_outcome.click()
        _wait(view)
        day += timedelta(days=RULES.retry_days)
        view.day.value = shown_date(day, "da")
        _wait(view)
    assert text("fu_next_escalate", "da", calls=RULES.max_calls) in view.outcome_status.value
    assert list(view.meeting.words()[text("col_patient_id", "da")]) == ["P00001"]
    assert "P00001" in view.print_button.page and view.withheld.value == ""


def test_a_history_is_found_by_pseudonym(data: DataState, booked: Booked) -> None:
    """Typing a pseudonym shows the person's bookings, attendance, tasks and statuses;
    a CPR number is refused beside the field without being repeated."""
    view = _view(data, booked, booked.week(1) + timedelta(days=1))
    _absent_twice(view, booked, "P00003")
    view.patient.value = "P00003"
    _wait(view)
    assert text("fu_history_title", "da", patient="P00003") in view.history_title.value
    assert [t.total for t in view.history] == [1, 2, 4, 1]
    assert set(view.patient.options) == set(PEOPLE)
    view.patient.value = "010190-1234"
    assert "role='alert'" in view.history_status.value
    assert "010190" not in view.history_status.value
    assert view.history_title.value == ""


def test_english_relabels_the_tab_and_keeps_what_was_said(data: DataState, booked: Booked) -> None:
    """Switching to English words every label, table and message again."""
    view = _view(data, booked, booked.week(1) + timedelta(days=1))
    _absent_twice(view, booked, "P00002")
    data.lang = "en"
    assert view.save_attendance.description == text("fu_save_attendance", "en")
    heading = html.escape(text("fu_heading_tasks", "en"))
    assert view.headings["fu_heading_tasks"].value == f"<h3>{heading}</h3>"
    assert text("fu_call_made", "en", patient="P00002", n=2) in view.attendance_status.value
    assert view.tasks.words().columns[0] == text("fu_col_due", "en")
    assert all("came" in box.description for box in view.marks.values())


def test_without_bookings_the_tab_says_where_to_book(data: DataState, db: str) -> None:
    """With nobody booked the attendance section points to the Discharge tab."""
    state = FollowUpState(data, db, today=lambda: date(2027, 3, 1))
    view = FollowUpView(data, state)
    state.wait(30)
    assert text("fu_no_sessions", "da") in view.group_hint.value
    assert view.session.disabled and view.save_attendance.disabled
    assert isinstance(view.people, w.VBox) and view.people.children == ()
