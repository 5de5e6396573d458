"""The follow-up tab's words: tasks as what to do, why, contact and what to say, the
outcomes a task can be closed with, and what an action did."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from followup_support import TASK_DAY as DAY
from followup_support import task_row

from matcher import Dataset
from matcher.store import OUTCOMES, Completed
from matcher.ui.followup import NOT_NOW, RE_OFFER_WEEKS
from matcher.ui.followup_records import Closed, GroupSaved
from matcher.ui.views.followup_tables import (
    RULES,
    and_list,
    contact_words,
    done_words,
    offer_name,
    outcome_choices,
    session_label,
    task_words,
    when_words,
)
from matcher.words.app import has_text, text


def _task(kind: str, **values: object) -> pd.Series:
    return pd.Series(task_row(task_id=7, kind=kind, **values))


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("kind", sorted(OUTCOMES))
def test_every_kind_of_task_reads_in_words_without_ids(demo: Dataset, kind: str, lang: str) -> None:
    """Every kind of task the store makes has what, why, contact and script in words,
    the offer by its name and never its id."""
    said = task_words(_task(kind), demo, lang)
    assert has_text(f"fu_what_{'outcome' if kind.startswith('outcome') else kind}")
    for words in (said.what, said.why, said.channel, said.script):
        assert words and "O00001" not in words and "{" not in words and "_" not in words


def test_a_call_after_absences_names_the_missed_dates(demo: Dataset) -> None:
    """The call's reason names the run of missed sessions before it fell due."""
    attendance = pd.DataFrame(
        {
            "booking_id": [1, 1, 1, 1],
            "date": [date(2027, 2, 10), date(2027, 2, 17), date(2027, 2, 24), DAY],
            "present": [True, False, False, False],
        }
    )
    why = task_words(_task("call_missed"), demo, "da", attendance).why
    name = offer_name("O00001", demo)
    assert why == text("fu_why_missed_on", "da", offer=name, n=2, days="17. feb. og 24. feb.")


def test_a_later_attempt_says_which_it_is(demo: Dataset) -> None:
    """Attempt 2 of a call says so, with the number of calls before an escalation."""
    why = task_words(_task("follow_up_call", attempt=2), demo, "en").why
    assert why.endswith(text("fu_why_again", "en", attempt=2, calls=RULES.max_calls))


def test_the_contact_follows_the_persons_channel_and_time(demo: Dataset) -> None:
    """The channel and part of the day come from patients.csv; the task's own part of
    the day comes first; without a channel it is the phone."""
    patients = demo.patients.copy()
    patients.loc[patients["patient_id"] == "P00001", ["contact_channel", "call_time"]] = [
        "sms",
        "evening",
    ]
    data = demo.replace(patients=patients)
    assert contact_words("P00001", data, "da") == "SMS, bedst om aftenen"
    assert contact_words("P00001", data, "da", "morning") == "SMS, bedst om formiddagen"
    assert contact_words("P00002", data, "en") == "Phone"


def test_not_reached_is_offered_once_and_not_now_after_declined() -> None:
    """A call offers one "not reached" (the store's two words for it mean the same)
    and, after "declines", "declines for now" with the weeks; every choice has words."""
    choices = outcome_choices("call_missed", "da")
    codes = [c for _, c in choices]
    assert "not_reached" in codes and "no_answer" not in codes
    assert codes[codes.index("declined") + 1] == NOT_NOW
    labels = dict((c, w) for w, c in choices)
    assert labels[NOT_NOW] == text("fu_outcome_not_now", "da", weeks=RE_OFFER_WEEKS)
    for kind in OUTCOMES:
        for words, code in outcome_choices(kind, "en"):
            assert code == NOT_NOW or has_text(f"fu_outcome_{code}"), (kind, code)
            assert "_" not in words


def test_due_dates_read_as_today_or_days_late() -> None:
    """A due date is today, or so many days late (or ahead), in the plural it needs."""
    assert when_words(DAY, DAY, "da") == "i dag"
    assert when_words(DAY - timedelta(days=1), DAY, "da") == "1 dag over tid"
    assert when_words(DAY - timedelta(days=3), DAY, "en") == "3 days overdue"
    assert when_words(DAY + timedelta(days=2), DAY, "da") == "om 2 dage"


def test_a_list_of_words_ends_with_and() -> None:
    """Three dates read "a, b og c"."""
    assert and_list(["a", "b", "c"], "da") == "a, b og c"
    assert and_list(["a"], "en") == "a"


def test_a_session_reads_as_its_offer_day_and_time(demo: Dataset) -> None:
    """A session is its offer's name, weekday and time; an unknown one keeps its id."""
    label = session_label("S00002", demo, "da")
    assert label.startswith(offer_name("O00001", demo)) and "onsdag 10.00-11.30" in label
    assert session_label("S99999", demo, "da") == "S99999"


def test_a_closed_call_says_when_to_call_again() -> None:
    """Closing a call that reached nobody says the day and part of the day to call again."""
    closed = Completed(7, "call_missed", "P00001", "not_reached", 8, "call_missed", "afternoon")
    said = done_words("complete", Closed(closed), DAY, "da")
    assert "P00001" in said and "Ikke truffet" in said
    assert "fredag den 5. marts 2027, om eftermiddagen" in said
    escalated = Completed(7, "call_missed", "P00001", "not_reached", 9, "escalate")
    assert text("fu_next_escalate", "da", calls=RULES.max_calls) in done_words(
        "complete", Closed(escalated), DAY, "da"
    )


def test_not_now_says_when_the_offer_comes_again() -> None:
    """ "Declines for now" says the day a next step is offered again."""
    closed = Completed(7, "call_missed", "P00001", "declined", None, None)
    again = DAY + timedelta(weeks=RE_OFFER_WEEKS)
    said = done_words("complete", Closed(closed, again), DAY, "en")
    assert "Wednesday 31 March 2027" in said and "Declines" in said


def test_a_saved_group_names_the_calls_it_made() -> None:
    """Saving a group says how many came and names each call the absences made."""
    saved = GroupSaved("S00002", DAY, 2, 1, 0, ((5, "P00003"),), ())
    said = done_words("attendance", saved, DAY, "da")
    assert "2 mødte, 1 udeblev" in said and "ring til P00003" in said
    assert done_words("refresh", None, DAY, "da") == ""
