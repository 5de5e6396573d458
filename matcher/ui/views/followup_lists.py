"""The follow-up tab's tables for a ``PeopleTable``: today's and overdue tasks,
the list for the hospital-municipality meeting (only the cases the person
consented to share with the municipality; the others are named apart), its
page to print, and one person's bookings, attendance, tasks and statuses.
Offers by name, sessions by weekday and time, every code in words, and a
value a row does not have as "–", never as an empty marker of pandas.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from typing import Any

import anywidget
import pandas as pd
from traitlets import Unicode

from ...words.app import code_text, column_text, text
from ...words.formats import long_date
from ..followup import MEETING_KINDS
from .followup_tables import DASH, offer_name, outcome_words, session_when, task_words, when_words
from .table import Column

__all__ = [
    "PrintButton",
    "history_tables",
    "meeting_document",
    "meeting_table",
    "pseudonyms",
    "status_now_words",
    "status_table",
    "tasks_table",
]


_PRINT = """
function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "bb-export bb-print-list";
  const draw = () => {
    button.textContent = model.get("label");
    button.disabled = !model.get("page");
  };
  draw();
  model.on("change:label", draw);
  model.on("change:page", draw);
  button.addEventListener("click", () => {
    const old = document.getElementById(model.get("frame"));
    if (old) { old.remove(); }
    const frame = document.createElement("iframe");
    frame.id = model.get("frame");
    frame.title = model.get("label");
    frame.tabIndex = -1;
    frame.setAttribute("aria-hidden", "true");
    frame.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;border:0;";
    frame.addEventListener("load", () => {
      frame.contentWindow.focus();
      frame.contentWindow.print();
    }, { once: true });
    frame.srcdoc = model.get("page");
    document.body.appendChild(frame);
  });
  el.appendChild(button);
}
export default { render };
"""


class PrintButton(anywidget.AnyWidget):
    """A button that prints ``page`` (a whole HTML document) with the browser's
    own print, from a frame of its own; off while there is nothing to print."""

    _esm = _PRINT
    label = Unicode("").tag(sync=True)
    page = Unicode("").tag(sync=True)
    frame = Unicode("bb-meeting-print").tag(sync=True)


def _col(name: str, header_key: str, lang: str, kind: str = "text", **more: Any) -> Column:
    return Column(name, text(header_key, lang), kind, **more)


def tasks_table(
    tasks: pd.DataFrame, dataset: Any, lang: str, today: date, attendance: pd.DataFrame
) -> tuple[pd.DataFrame, list[Column]]:
    """Today's and overdue tasks for people: when, who, what, why (naming the
    offer), how to make contact and what to say; the long ones wrap, so the
    table fits a small laptop's window."""
    rows = []
    for _, row in tasks.iterrows():
        said = task_words(row, dataset, lang, attendance)
        due = pd.Timestamp(row["due_date"]).date()
        rows.append(
            {
                "due_date": due,
                "when": when_words(due, today, lang),
                "patient_id": row["patient_id"],
                "what": said.what,
                "why": said.why,
                "channel": said.channel,
                "script": said.script,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["due_date", "when", "patient_id", "what", "why", "channel", "script"],
    )
    columns = [
        _col("due_date", "fu_col_due", lang, "date"),
        _col("when", "fu_col_when", lang),
        Column("patient_id", column_text("patient_id", lang)),
        _col("what", "fu_col_what", lang, wide=True),
        _col("why", "fu_col_why", lang, wide=True),
        _col("channel", "fu_col_channel", lang, wide=True),
        _col("script", "fu_col_script", lang, wide=True),
    ]
    return frame, columns


def meeting_table(
    meeting: pd.DataFrame, dataset: Any, lang: str, attendance: pd.DataFrame
) -> tuple[pd.DataFrame, list[Column], list[str]]:
    """The open cases for the hospital-municipality meeting: who, since when,
    why, the offer, and an empty column for the decision (to write on paper);
    only the cases the person consented to share with the municipality (column
    ``shared``), and apart, sorted, the pseudonyms of the others."""
    cases = meeting[meeting["kind"].isin(MEETING_KINDS)]
    shared = cases["shared"].fillna(False).astype(bool) if "shared" in cases else True
    withheld = sorted(set(cases.loc[~shared, "patient_id"])) if "shared" in cases else []
    rows = []
    for _, row in cases[shared].iterrows():
        said = task_words(row, dataset, lang, attendance)
        rows.append(
            {
                "patient_id": row["patient_id"],
                "since": pd.Timestamp(row["due_date"]).date(),
                "what": said.what,
                "why": said.why,
                "offer": offer_name(row["offer_id"], dataset) or None,
                "decision": "",
            }
        )
    frame = pd.DataFrame(
        rows, columns=["patient_id", "since", "what", "why", "offer", "decision"]
    ).sort_values(["since", "patient_id"], kind="stable")
    columns = [
        Column("patient_id", column_text("patient_id", lang)),
        _col("since", "fu_col_since", lang, "date"),
        _col("what", "fu_col_what", lang),
        _col("why", "fu_col_why", lang, wide=True),
        _col("offer", "fu_col_offer", lang, missing=DASH),
        _col("decision", "fu_col_decision", lang, wide=True),
    ]
    return frame.reset_index(drop=True), columns, withheld


def _yes_no(value: Any, lang: str) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return text("fu_yes" if bool(value) else "fu_no", lang)


def history_tables(
    history: Any, dataset: Any, lang: str
) -> list[tuple[str, pd.DataFrame, list[Column]]]:
    """One person's history as three tables (caption, frame, columns): the
    bookings, the attendance, and the tasks and calls with their outcomes."""
    bookings = pd.DataFrame(
        {
            "offer": [offer_name(o, dataset) for o in history.bookings["offer_id"]],
            "session": [session_when(s, dataset, lang) for s in history.bookings["session_id"]],
            "start_date": list(history.bookings["start_date"]),
            "status": [code_text("fu_booking", s, lang) for s in history.bookings["status"]],
            "attended": [
                text("fu_attended", lang, came=int(c), recorded=int(n))
                for c, n in zip(
                    history.bookings.get("sessions_attended", []),
                    history.bookings.get("sessions_recorded", []),
                    strict=True,
                )
            ],
            "still_3m": [_yes_no(v, lang) for v in history.bookings.get("taking_part_3m", [])],
            "still_6m": [_yes_no(v, lang) for v in history.bookings.get("taking_part_6m", [])],
        },
        columns=["offer", "session", "start_date", "status", "attended", "still_3m", "still_6m"],
    )
    booking_columns = [
        _col("offer", "fu_col_offer", lang),
        _col("session", "fu_col_session", lang, missing=DASH),
        Column("start_date", column_text("start_date", lang), "date"),
        _col("status", "fu_col_status", lang),
        _col("attended", "fu_col_attended", lang),
        _col("still_3m", "fu_col_still_3m", lang, missing=DASH),
        _col("still_6m", "fu_col_still_6m", lang, missing=DASH),
    ]
    marks = history.attendance.sort_values("date", ascending=False, kind="stable")
    attendance = pd.DataFrame(
        {
            "date": list(marks["date"]),
            "offer": [offer_name(o, dataset) for o in marks["offer_id"]],
            "came": [
                text("fu_came_word" if p else "fu_absent_word", lang) for p in marks["present"]
            ],
        },
        columns=["date", "offer", "came"],
    )
    attendance_columns = [
        _col("date", "fu_col_date", lang, "date"),
        _col("offer", "fu_col_offer", lang),
        _col("came", "fu_col_came", lang),
    ]
    tasks = history.tasks.sort_values(["due_date", "task_id"], ascending=False, kind="stable")
    said = [task_words(r, dataset, lang, marks) for _, r in tasks.iterrows()]
    task_frame = pd.DataFrame(
        {
            "due_date": [pd.Timestamp(d).date() for d in tasks["due_date"]],
            "what": [s.what for s in said],
            "why": [s.why for s in said],
            "status": [code_text("fu_status", s, lang) for s in tasks["status"]],
            "outcome": [outcome_words(str(o), lang) or None for o in tasks["outcome"]],
        },
        columns=["due_date", "what", "why", "status", "outcome"],
    )
    task_columns = [
        _col("due_date", "fu_col_due", lang, "date"),
        _col("what", "fu_col_what", lang),
        _col("why", "fu_col_why", lang, wide=True),
        _col("status", "fu_col_status", lang),
        _col("outcome", "fu_col_outcome", lang, missing=DASH),
    ]
    return [
        (text("fu_caption_bookings", lang), bookings, booking_columns),
        (text("fu_caption_attendance", lang), attendance, attendance_columns),
        (text("fu_caption_history_tasks", lang), task_frame, task_columns),
        (text("fu_caption_statuses", lang), *status_table(history.statuses, lang)),
    ]


def status_table(changes: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Column]]:
    """The referral's status changes, latest first (``status_history``): when, the
    status, what changed it, the date to offer again, and a reason staff gave (the
    store's own reasons are its English notes, not shown)."""
    if not len(changes) or "to_status" not in changes:
        changes = pd.DataFrame(columns=["at", "to_status", "cause", "re_offer_date", "reason"])
    changes = changes.iloc[::-1]
    frame = pd.DataFrame(
        {
            "at": [pd.Timestamp(a).date() for a in changes["at"]],
            "status": [code_text("fu_referral", s, lang) for s in changes["to_status"]],
            "cause": [code_text("fu_cause", c, lang) for c in changes["cause"]],
            "re_offer": [d if isinstance(d, date) else None for d in changes["re_offer_date"]],
            "reason": [
                str(r) if c == "staff" and r else None
                for r, c in zip(changes["reason"], changes["cause"], strict=True)
            ],
        },
        columns=["at", "status", "cause", "re_offer", "reason"],
    )
    columns = [
        _col("at", "fu_col_date", lang, "date"),
        _col("status", "fu_col_status", lang),
        _col("cause", "fu_col_cause", lang),
        _col("re_offer", "fu_col_re_offer", lang, "date", missing=DASH),
        _col("reason", "fu_col_reason", lang, missing=DASH, wide=True),
    ]
    return frame, columns


def status_now_words(now: Any, lang: str) -> str:
    """Where the referral stands: ``Status: ikke nu (tilbydes igen mandag den ...)``;
    "" without a status."""
    if now is None:
        return ""
    status = code_text("fu_referral", now.status, lang)
    if now.re_offer_date is not None:
        day = long_date(now.re_offer_date, lang)
        return text("fu_status_now_until", lang, status=status, day=day)
    return text("fu_status_now", lang, status=status)


def meeting_document(words: pd.DataFrame, lang: str, today: date) -> str:
    """The meeting's list as a page to print (A4 across): a title, the day it
    was printed, and the table as the person reads it (``PeopleTable.words``)."""
    title = html.escape(text("fu_meeting_title", lang))
    printed = html.escape(text("fu_printed", lang, day=long_date(today, lang)))
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in words.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in words.itertuples(index=False, name=None)
    )
    if not len(words):
        empty = html.escape(text("table_empty", lang))
        body = f"<tr><td colspan='{len(words.columns)}'>{empty}</td></tr>"
    return (
        f"<!doctype html><html lang='{html.escape(lang)}'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>@page {{ size: A4 landscape; margin: 14mm; }} "
        "body { font: 11pt sans-serif; color: #000; } h1 { font-size: 15pt; margin: 0 0 2mm; } "
        "p { margin: 0 0 4mm; } table { border-collapse: collapse; width: 100%; } "
        "th, td { border: 1px solid #555; padding: 2mm; text-align: left; vertical-align: top; } "
        "td:last-child { min-width: 45mm; height: 12mm; }</style></head><body>"
        f"<h1>{title}</h1><p>{printed}</p><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>"
    )


def pseudonyms(*columns: Iterable[Any]) -> list[str]:
    """The pseudonyms in ``columns`` (``patient_id`` columns), sorted, once each."""
    found: set[str] = set()
    for column in columns:
        found.update(str(p) for p in column)
    return sorted(found)
