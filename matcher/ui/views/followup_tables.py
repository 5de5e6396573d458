"""The follow-up tab's words: each task as what to do, why, how to make
contact and what to say, in the page's language, with offers by name and
sessions by weekday and time (never their ids) and dates in words; the
outcomes a task can be closed with, and what an action did.

The store writes its notes in English for the command line; nothing here
shows them: every sentence is built from the task's kind, attempt, booking
and attendance, in the catalogue's words (``fu_`` keys of the staff context).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from ...match.explain import reason_in
from ...store import OUTCOMES, TaskRules
from ...store.task_rules import CALL_KINDS, RETRY_OUTCOMES
from ...words.app import code_text, has_text, plural_text, text
from ...words.formats import clock, day_month, long_date
from ..followup import NOT_NOW, RE_OFFER_WEEKS
from ..followup_records import Closed, GroupSaved, unplaced_reason

__all__ = [
    "DASH",
    "TaskWords",
    "and_list",
    "contact_words",
    "done_words",
    "offer_name",
    "outcome_choices",
    "outcome_words",
    "session_label",
    "session_when",
    "task_words",
    "when_words",
]

#: What a cell reads when the row has no such value.
DASH = "–"
#: The rules' numbers (calls before an escalation, absences in a row).
RULES = TaskRules()
_CALLS = set(CALL_KINDS)
#: Tasks that are letters to the GP, not calls to the person.
_GP = {"inform_gp", "gp_letter"}
_WHAT = {"outcome_3m": "outcome", "outcome_6m": "outcome"}
_MONTHS = {"outcome_3m": 3, "outcome_6m": 6}


def and_list(items: Sequence[str], lang: str) -> str:
    """``a, b og c`` / ``a, b and c``."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('fu_and', lang)} {items[-1]}"


def offer_name(offer_id: Any, dataset: Any) -> str:
    """The offer's name in the data ("" without an offer; its id when the data
    loaded now does not have it)."""
    if not isinstance(offer_id, str) or not offer_id:
        return ""
    if dataset is not None:
        names = dataset.offers.loc[dataset.offers["offer_id"] == offer_id, "name"]
        if len(names):
            return str(names.iloc[0])
    return offer_id


def session_label(session_id: str, dataset: Any, lang: str) -> str:
    """A session by its offer, weekday and time: ``Udslusningshold Næsby, onsdag
    10.00-11.30`` (its id when the data does not have it)."""
    when = session_when(session_id, dataset, lang)
    if when is None:
        return session_id
    rows = dataset.sessions[dataset.sessions["session_id"] == session_id]
    offer = offer_name(rows["offer_id"].iloc[0], dataset)
    return text("fu_session_option", lang, offer=offer, when=when)


def session_when(session_id: Any, dataset: Any, lang: str) -> str | None:
    """A session's weekday and time (``onsdag 10.00-11.30``), None when unknown."""
    if dataset is None or not isinstance(session_id, str):
        return None
    rows = dataset.sessions[dataset.sessions["session_id"] == session_id]
    if not len(rows):
        return None
    row = rows.iloc[0]
    return text(
        "session_when",
        lang,
        day=code_text("day", row["weekday"], lang),
        start=clock(int(row["start_min"]), lang),
        end=clock(int(row["end_min"]), lang),
    )


def outcome_words(outcome: str, lang: str) -> str:
    """An outcome in plain words (``Ikke truffet``); the code when it has none."""
    return code_text("fu_outcome", outcome, lang) if outcome else ""


def outcome_choices(kind: str, lang: str) -> list[tuple[str, str]]:
    """The outcomes a task of ``kind`` can be closed with, in words, as the store
    allows them: a call that reached nobody once (``not_reached``; ``no_answer``
    means the same to the store), and after "declined" the choice "declines for
    now, offer again in four weeks" (``NOT_NOW``)."""
    allowed = list(OUTCOMES.get(kind, ("done",)))
    retries = [o for o in allowed if o in RETRY_OUTCOMES]
    for twin in retries[:-1]:
        allowed.remove(twin)
    if "declined" in allowed:
        allowed.insert(allowed.index("declined") + 1, NOT_NOW)
    return [
        (text("fu_outcome_not_now", lang, weeks=RE_OFFER_WEEKS), o)
        if o == NOT_NOW
        else (outcome_words(o, lang), o)
        for o in allowed
    ]


def when_words(due: date, today: date, lang: str) -> str:
    """``i dag``, ``1 dag over tid``, ``3 dage over tid`` (or ``om 2 dage``)."""
    late = (today - due).days
    if late == 0:
        return text("fu_due_today", lang)
    if late > 0:
        return plural_text("fu_days_late", late, lang, days=late)
    return plural_text("fu_days_ahead", -late, lang, days=-late)


@dataclass(frozen=True)
class TaskWords:
    """A task as the contact person reads it."""

    what: str
    why: str
    channel: str
    script: str


def _missed_days(attendance: pd.DataFrame, booking_id: Any, due: date) -> list[date]:
    """The dates of the last run of missed sessions in a row before ``due``."""
    if attendance is None or pd.isna(booking_id) or not len(attendance):
        return []
    rows = attendance[attendance["booking_id"] == int(booking_id)].sort_values("date")
    runs: list[list[date]] = []
    current: list[date] = []
    for day, present in zip(rows["date"], rows["present"], strict=True):
        if present or day >= due:
            if len(current) >= RULES.missed_in_a_row:
                runs.append(current)
            current = []
            if day >= due:
                break
            continue
        current.append(day)
    if len(current) >= RULES.missed_in_a_row:
        runs.append(current)
    return runs[-1] if runs else []


def task_words(
    row: Any, dataset: Any, lang: str, attendance: pd.DataFrame | None = None
) -> TaskWords:
    """What to do, why, how to make contact and a short script for one task (a
    row of ``list_tasks``); ``attendance`` (booking_id, date, present) names the
    missed sessions behind a call."""
    kind = str(row["kind"])
    offer = offer_name(row["offer_id"], dataset) or text("fu_the_offer", lang)
    due = pd.Timestamp(row["due_date"]).date()
    what_key = f"fu_what_{_WHAT.get(kind, kind)}"
    what = text(what_key, lang) if has_text(what_key) else kind
    start = row["start_date"]
    started = long_date(pd.Timestamp(start).date(), lang) if pd.notna(start) and start else ""
    if kind == "call_missed":
        days = _missed_days(attendance, row["booking_id"], due) if attendance is not None else []
        n = max(len(days), RULES.missed_in_a_row)
        why = (
            text("fu_why_missed", lang, offer=offer, n=n)
            if not days
            else text(
                "fu_why_missed_on",
                lang,
                offer=offer,
                n=n,
                days=and_list([day_month(d, lang) for d in days], lang),
            )
        )
    elif kind == "follow_up_call":
        why = text("fu_why_follow_up", lang, months=RULES.follow_up_months, offer=offer)
        why += " " + text("fu_started", lang, day=started) if started else ""
    elif kind in _MONTHS:
        why = text("fu_why_outcome", lang, months=_MONTHS[kind], offer=offer)
    elif kind == "escalate":
        why = text("fu_why_escalate", lang, calls=RULES.max_calls)
    elif kind == "unplaced":
        given = unplaced_reason(str(row.get("note", "")))
        reason = reason_in(given, lang) if given else ""
        why = (
            text("fu_why_unplaced_because", lang, reason=reason)
            if reason
            else text("fu_why_unplaced", lang)
        )
    elif kind == "escalated":
        why = text("fu_why_escalated", lang)
    elif kind == "confirm_step":
        why = text("fu_why_confirm_step", lang, offer=offer, day=started)
    elif kind in ("re_offer", "inform_gp", "gp_letter"):
        why = text(f"fu_why_{kind}", lang)
    else:
        why = ""
    attempt = int(row["attempt"] or 1)
    if kind in _CALLS and attempt > 1:
        why += " " + text("fu_why_again", lang, attempt=attempt, calls=RULES.max_calls)
    if kind in _CALLS:
        channel = contact_words(row["patient_id"], dataset, lang, row.get("call_time", ""))
        script = text(f"fu_script_{_WHAT.get(kind, kind)}", lang, offer=offer)
    elif kind in _GP:
        channel = text("fu_channel_gp", lang)
        script = text("fu_script_gp", lang)
    else:
        channel = text("fu_channel_meeting", lang)
        script = text("fu_script_meeting", lang)
    return TaskWords(what, why, channel, script)


def contact_words(patient_id: Any, dataset: Any, lang: str, call_time: Any = "") -> str:
    """How to reach the person, from ``patients.csv``'s ``contact_channel`` and
    the part of the day to call in: ``call_time`` (the task's, planned by the
    store) or else the person's (``SMS, bedst om eftermiddagen``); by phone when
    no channel is given."""
    channel, when = "phone", str(call_time or "")
    patients = dataset.patients if dataset is not None else None
    if patients is not None and "contact_channel" in patients.columns:
        rows = patients[patients["patient_id"] == patient_id]
        if len(rows):
            channel = str(rows["contact_channel"].iloc[0] or "") or "phone"
            if not when and "call_time" in rows:
                when = str(rows["call_time"].iloc[0] or "")
    said = code_text("fu_channel", channel, lang)
    if when:
        said = text("fu_channel_when", lang, channel=said, when=code_text("fu_call", when, lang))
    return said


def _said(lines: list[str]) -> str:
    return f"<div class='bb-msg bb-info' role='status'>{html.escape(' '.join(lines))}</div>"


def done_words(action: str, done: Any, today: date, lang: str) -> str:
    """What the last action did, as a message for beside its button: a task
    closed (and the next attempt, or the escalation to the meeting), or a
    group's attendance saved (and the calls it made or cancelled)."""
    if action == "complete" and isinstance(done, Closed):
        closed = done.completed
        outcome = outcome_words(closed.outcome, lang)
        lines = [text("fu_completed", lang, patient=closed.patient_id, outcome=outcome)]
        if closed.next_kind == "escalate":
            lines.append(text("fu_next_escalate", lang, calls=RULES.max_calls))
        elif closed.next_task_id is not None:
            again = long_date(today + timedelta(days=RULES.retry_days), lang)
            part = getattr(closed, "next_call_time", None)
            lines.append(
                text("fu_next_attempt_when", lang, day=again, when=code_text("fu_call", part, lang))
                if part
                else text("fu_next_attempt", lang, day=again)
            )
        if done.re_offer is not None:
            lines.append(text("fu_re_offer_on", lang, day=long_date(done.re_offer, lang)))
        return _said(lines)
    if action == "attendance" and isinstance(done, GroupSaved):
        lines = [
            text(
                "fu_attendance_saved",
                lang,
                day=long_date(done.day, lang),
                present=done.present,
                absent=done.absent,
                unchanged=done.unchanged,
            )
        ]
        lines += [
            text("fu_call_made", lang, patient=p, n=RULES.missed_in_a_row) for _, p in done.calls
        ]
        if done.cancelled:
            lines.append(text("fu_call_cancelled", lang))
        return _said(lines)
    return ""
