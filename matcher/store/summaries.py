"""Lists to send on: the status summary back to each referrer, and the fortnightly
hospital-municipality meeting list of patients in transition.

Both name patients by their pseudonym only. What is shared with the
municipality holds only the patients who have given the ``share_municipality``
consent; the others are left out and named to the person making the list
(``Shared.left_out``), never silently dropped. The meeting list is always
for the municipality; the status summary is when ``for_municipality``.

The meeting list (001: hospital and municipality meet every 14 days) holds
the patients in transition: open cases (``referred``, ``offered``, ``booked``
or ``unreachable``), patients with an open ``unplaced``, ``escalated`` or
``escalate`` task, and those ``not_now`` whose date to offer again falls
before the next meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from ..words.app import code_text, text
from ..words.formats import long_date
from .consent import consented
from .db import Store
from .models import Referral, Task
from .referrals import STATUSES
from .sheets import for_people, page_html, write_html, write_table

__all__ = [
    "MEETING_COLUMNS",
    "MEETING_DAYS",
    "SUMMARY_COLUMNS",
    "Shared",
    "meeting_list",
    "status_counts",
    "status_summary",
    "write_meeting",
    "write_status_summary",
]

#: Days between two hospital-municipality meetings (001: every 14 days).
MEETING_DAYS = 14
#: Columns of ``status_summary``'s rows.
SUMMARY_COLUMNS = ("referrer", "patient_id", "status", "since", "re_offer_date", "reason")
#: Columns of ``meeting_list``'s rows.
MEETING_COLUMNS = (
    "patient_id",
    "why",
    "status",
    "since",
    "referrer",
    "re_offer_date",
    "open_tasks",
    "next_due",
)
#: Statuses of a case still open at the meeting.
OPEN_STATUSES = ("referred", "offered", "booked", "unreachable")
#: Open tasks that bring a patient to the meeting.
MEETING_TASKS = ("unplaced", "escalated", "escalate")
#: The coded columns of the lists and the families of their words.
CODES = {"status": "referral", "why": "why"}


@dataclass(frozen=True)
class Shared:
    """A list that may be sent on: its rows, and the pseudonyms left out of it for want
    of ``purpose`` consent (empty when no consent was needed)."""

    rows: pd.DataFrame
    left_out: tuple[str, ...] = ()
    purpose: str | None = None


def _only_consented(store: Store, frame: pd.DataFrame) -> Shared:
    """``frame`` without the patients who have not given ``share_municipality``."""
    ids = frame["patient_id"].tolist()
    with store.read() as session:
        allowed = consented(session, "share_municipality", ids)
    keep = frame["patient_id"].isin(allowed)
    left = tuple(dict.fromkeys(frame.loc[~keep, "patient_id"]))
    return Shared(frame[keep].reset_index(drop=True), left, "share_municipality")


def status_summary(
    store: Store, *, referrer: str | None = None, for_municipality: bool = False
) -> Shared:
    """Every referred patient's status, by referrer and pseudonym (``SUMMARY_COLUMNS``),
    to send back to whoever referred them: ``since`` is the date of the last change.

    ``referrer`` keeps one referrer's patients; ``for_municipality`` keeps only
    those who consented to ``share_municipality`` (``Shared.left_out``: the others).
    """
    query = select(Referral).order_by(Referral.referrer, Referral.patient_id)
    if referrer is not None:
        query = query.where(Referral.referrer == referrer)
    with store.read() as session:
        rows = [
            (r.referrer, r.patient_id, r.status, r.since.date(), r.re_offer_date, r.reason)
            for r in session.scalars(query)
        ]
    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    return _only_consented(store, frame) if for_municipality else Shared(frame)


def status_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per referrer, the number of patients in each status and in all (``status_summary``'s
    rows): one row per referrer, one column per status, then ``total``."""
    counts = pd.crosstab(rows["referrer"], rows["status"]) if len(rows) else pd.DataFrame()
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.rename_axis(None, axis=1).reset_index(names="referrer")


def meeting_list(store: Store, *, today: date) -> Shared:
    """The patients in transition for the meeting on ``today`` (``MEETING_COLUMNS``), for
    the municipality: only those with the ``share_municipality`` consent.

    ``why`` is ``open`` (a case not yet started, or unreachable), ``unplaced`` or
    ``escalated`` (an open task of a plan or of unanswered calls), or
    ``re_offer`` (not now, to be offered again by the next meeting).
    """
    next_meeting = today + timedelta(days=MEETING_DAYS)
    with store.read() as session:
        referrals = {r.patient_id: r for r in session.scalars(select(Referral))}
        tasks = session.execute(
            select(Task.patient_id, Task.kind, Task.due_date)
            .where(Task.status == "open")
            .order_by(Task.due_date, Task.id)
        ).all()
    open_tasks: dict[str, list[tuple[str, date]]] = {}
    for patient_id, kind, due in tasks:
        open_tasks.setdefault(patient_id, []).append((kind, due))
    rows = []
    for patient_id in sorted(set(referrals) | set(open_tasks)):
        ref = referrals.get(patient_id)
        kinds = [k for k, _ in open_tasks.get(patient_id, [])]
        status = ref.status if ref is not None else ""
        why = None
        if "escalated" in kinds or "escalate" in kinds:
            why = "escalated"
        elif "unplaced" in kinds:
            why = "unplaced"
        elif status == "not_now" and ref is not None and ref.re_offer_date is not None:
            why = "re_offer" if ref.re_offer_date <= next_meeting else None
        elif status in OPEN_STATUSES:
            why = "open"
        if why is None:
            continue
        dues = [d for _, d in open_tasks.get(patient_id, [])]
        rows.append(
            (
                patient_id,
                why,
                status,
                ref.since.date() if ref is not None else None,
                ref.referrer if ref is not None else "",
                ref.re_offer_date if ref is not None else None,
                "; ".join(dict.fromkeys(kinds)),
                min(dues) if dues else None,
            )
        )
    return _only_consented(store, pd.DataFrame(rows, columns=list(MEETING_COLUMNS)))


def write_status_summary(
    shared: Shared, path: str | Path, *, lang: str = "da", today: date | None = None
) -> Path:
    """The status summary as CSV (``.csv``: the rows in the store's words) or as an Excel
    workbook in ``lang``: the patients, then a sheet of the counts per referrer."""
    day = today or date.today()
    counts = status_counts(shared.rows)
    counts = counts.rename(columns={s: code_text("referral", s, lang) for s in STATUSES})
    return write_table(
        path,
        shared.rows,
        lang=lang,
        codes=CODES,
        caption=text("summary_title", lang, day=long_date(day, lang)),
        more=[(text("summary_counts", lang), counts)],
    )


def write_meeting(
    shared: Shared, folder: str | Path, *, today: date, lang: str = "da"
) -> list[Path]:
    """The meeting list in ``folder``: ``meeting.xlsx`` and a printable ``meeting.html``
    (A4 landscape), in ``lang``; the paths written."""
    target = Path(folder)
    title = text("meeting_title", lang, day=long_date(today, lang))
    rows = _worded_tasks(shared.rows, lang)
    excel = write_table(target / "meeting.xlsx", rows, lang=lang, codes=CODES, caption=title)
    lines = [text("meeting_intro", lang, days=MEETING_DAYS)]
    shown = for_people(rows, lang, CODES)
    html = write_html(target / "meeting.html", page_html(title, lines, shown, lang=lang))
    return [excel, html]


def _worded_tasks(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The meeting rows with each open task's kind in words (``task_<kind>``)."""
    out = rows.copy()
    out["open_tasks"] = [
        ", ".join(code_text("task", k, lang) for k in str(v).split("; ") if k)
        for v in out["open_tasks"]
    ]
    return out
