"""The follow-up tab's tables: tasks, the meeting's list (only the cases shared with
consent), its page to print, and a person's history, all in words."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
from followup_support import TASK_DAY as DAY
from followup_support import task_frame

from matcher import Dataset
from matcher.store import StatusNow
from matcher.ui.followup_records import History, empty_frame
from matcher.ui.views.followup_lists import (
    history_tables,
    meeting_document,
    meeting_table,
    pseudonyms,
    status_now_words,
    status_table,
    tasks_table,
)
from matcher.ui.views.followup_tables import offer_name
from matcher.ui.views.table import cell_words
from matcher.words.app import text

NOTHING = empty_frame(("booking_id", "date", "present"))


def _read(frame: pd.DataFrame, columns: list) -> list[list[str]]:
    return [
        [cell_words(v, c, "da") for v, c in zip(row, columns, strict=True)]
        for row in frame[[c.name for c in columns]].itertuples(index=False)
    ]


def test_the_task_list_reads_in_words(demo: Dataset) -> None:
    """Each task shows when, who, what, why (naming the offer), how and what to say;
    never <NA>, nan or an id, also for a task without a booking."""
    tasks = task_frame({}, {"task_id": 2, "kind": "unplaced", "booking_id": None, "offer_id": ""})
    frame, columns = tasks_table(tasks, demo, "da", DAY, NOTHING)
    cells = _read(frame, columns)
    assert cells[0][:3] == ["2027-03-03", "i dag", "P00001"]
    assert offer_name("O00001", demo) in cells[0][4]
    assert cells[1][4] == text("fu_why_unplaced", "da")
    shown = " ".join(" ".join(r) for r in cells)
    assert "<NA>" not in shown and "O00001" not in shown and "nan" not in shown


def test_the_meeting_list_holds_only_cases_shared_with_consent(demo: Dataset) -> None:
    """Cases without consent to share are left off the list and named apart; calls
    that are not meeting cases are not on it."""
    meeting = task_frame(
        {"task_id": 1, "kind": "escalate", "patient_id": "P00002"},
        {"task_id": 2, "kind": "escalate", "patient_id": "P00001"},
        {"task_id": 3, "kind": "unplaced", "patient_id": "P00003", "offer_id": ""},
        {"task_id": 4, "kind": "call_missed", "patient_id": "P00004"},
    )
    meeting["shared"] = [True, False, True, True]
    frame, columns, withheld = meeting_table(meeting, demo, "da", NOTHING)
    assert list(frame["patient_id"]) == ["P00002", "P00003"]
    assert withheld == ["P00001"]
    assert [c.header for c in columns][-1] == text("fu_col_decision", "da")
    assert set(frame["decision"]) == {""}


def test_the_printed_list_is_a_whole_page_with_the_rows_escaped() -> None:
    """The page to print has the title, the day and each row, every text escaped."""
    words = pd.DataFrame({"Borger": ["P00001", "<b>x</b>"], "Beslutning": ["", ""]})
    page = meeting_document(words, "da", DAY)
    assert page.startswith("<!doctype html>") and "lang='da'" in page
    assert text("fu_meeting_title", "da") in page and "onsdag den 3. marts 2027" in page
    assert "<td>P00001</td>" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>x" not in page
    empty = meeting_document(words.iloc[0:0], "da", DAY)
    assert text("table_empty", "da") in empty


def test_a_history_reads_as_four_tables_in_words(demo: Dataset) -> None:
    """Bookings, attendance, tasks and statuses in words: names, yes/no, dashes."""
    bookings = pd.DataFrame(
        {
            "booking_id": [1],
            "offer_id": ["O00001"],
            "session_id": ["S00002"],
            "start_date": [date(2027, 2, 10)],
            "status": ["active"],
            "sessions_recorded": [2],
            "sessions_attended": [1],
            "taking_part_3m": pd.array([True], dtype="boolean"),
            "taking_part_6m": pd.array([pd.NA], dtype="boolean"),
        }
    )
    attendance = pd.DataFrame(
        {
            "booking_id": [1, 1],
            "date": [date(2027, 2, 10), date(2027, 2, 17)],
            "present": [True, False],
            "offer_id": ["O00001"] * 2,
            "session_id": ["S00002"] * 2,
        }
    )
    tasks = task_frame({"status": "done", "outcome": "not_reached"}, {"task_id": 2, "attempt": 2})
    statuses = pd.DataFrame(
        {
            "at": [datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 2, 20, tzinfo=UTC)],
            "to_status": ["booked", "not_now"],
            "cause": ["booking", "staff"],
            "re_offer_date": [None, date(2027, 3, 20)],
            "reason": ["", "travels for a month"],
        }
    )
    history = History("P00001", bookings, attendance, tasks, statuses)
    tables = history_tables(history, demo, "da")
    assert [caption for caption, _, _ in tables] == [
        text(k, "da")
        for k in (
            "fu_caption_bookings",
            "fu_caption_attendance",
            "fu_caption_history_tasks",
            "fu_caption_statuses",
        )
    ]
    cells = [_read(frame, columns) for _, frame, columns in tables]
    assert cells[0][0][3:] == ["aktiv", "1 af 2 gange", "ja", "–"]
    assert [r[2] for r in cells[1]] == ["udeblev", "mødte"]
    assert [r[4] for r in cells[2]] == ["–", "Ikke truffet"]
    assert cells[3][0][1:] == ["ikke nu", "en medarbejder", "2027-03-20", "travels for a month"]
    assert cells[3][1][1:] == ["booket", "en booking", "–", "–"]


def test_a_status_without_changes_is_an_empty_table() -> None:
    """No status changes give the table's columns and no rows."""
    frame, columns = status_table(pd.DataFrame(), "en")
    assert len(frame) == 0 and [c.name for c in columns] == list(frame.columns)


def test_the_status_now_says_when_it_is_offered_again() -> None:
    """Where the referral stands, with the day of the next offer for "not now"."""
    now = StatusNow("P1", "not_now", "", datetime(2027, 2, 1, tzinfo=UTC), date(2027, 3, 1), "")
    assert (
        status_now_words(now, "da")
        == "Status nu: ikke nu (tilbydes igen mandag den 1. marts 2027)."
    )
    assert status_now_words(None, "da") == ""


def test_pseudonyms_are_sorted_once_each() -> None:
    """The pseudonyms of several columns, once each, sorted."""
    assert pseudonyms(["P2", "P1"], ["P1", "P3"]) == ["P1", "P2", "P3"]
