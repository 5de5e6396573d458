"""The planner's tables for people: the waiting list, the plan, the breaches of
the guarantee and the trade-off per budget, each as a frame and its ``Column``s
for a ``PeopleTable``.

Offers are shown by name and sessions by their weekday and time (never their
ids), codes and reasons in the page's language, the solver's verdict as
"bedste plan fundet", "beholdt", ... with a legend line saying what it means,
and a value a row does not have (an unplaced person's offer, no earliest
start) as "–", never as an empty marker of pandas or ``-1``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from babel import Locale

from ...match.explain import reason_in
from ...words.app import code_text, column_text, text
from ...words.formats import clock
from .table import Column

__all__ = [
    "DASH",
    "VERDICTS",
    "breaches_table",
    "plan_table",
    "tradeoff_table",
    "waiting_table",
]

#: The solver's statuses, in the order their legend lines are given.
VERDICTS = ("OPTIMAL", "LOCAL", "FEASIBLE", "KEPT")
#: What a cell reads when the row has no such value.
DASH = "–"


def _coded(values: Iterable[Any], family: str, lang: str) -> list[Any]:
    """Codes (or tuples of codes) in words; missing values stay missing."""
    out: list[Any] = []
    for v in values:
        if isinstance(v, tuple | list):
            out.append(", ".join(code_text(family, c, lang) for c in v))
        elif v is None or (isinstance(v, float) and v != v) or v is pd.NA or v == "":
            out.append(None)
        else:
            out.append(code_text(family, v, lang))
    return out


def _language_names(codes: Iterable[Any], lang: str) -> list[str]:
    names = Locale.parse(lang).languages
    return [", ".join(str(names.get(c, c)) for c in v) for v in codes]


def _offer_names(offer_ids: pd.Series, offers: pd.DataFrame) -> list[Any]:
    names = offers.set_index("offer_id")["name"]
    return [names.get(o) if isinstance(o, str) and o else None for o in offer_ids]


def _session_words(session_ids: pd.Series, sessions: pd.DataFrame, lang: str) -> list[Any]:
    """Each session as its weekday and time: ``tirsdag 10.00-11.30``."""
    found = sessions.set_index("session_id")
    words: list[Any] = []
    for sid in session_ids:
        if not isinstance(sid, str) or sid not in found.index:
            words.append(None)
            continue
        row = found.loc[sid]
        words.append(
            text(
                "session_when",
                lang,
                day=code_text("day", row["weekday"], lang),
                start=clock(int(row["start_min"]), lang),
                end=clock(int(row["end_min"]), lang),
            )
        )
    return words


def _reasons(values: pd.Series, lang: str) -> list[Any]:
    return [reason_in(r, lang) if isinstance(r, str) and r else None for r in values]


def _col(
    name: str,
    lang: str,
    kind: str = "text",
    *,
    missing: str = "",
    digits: int = 0,
    wide: bool = False,
    below: bool = False,
) -> Column:
    return Column(name, column_text(name, lang), kind, digits, missing, wide, below)


def plan_table(plan: pd.DataFrame, dataset: Any, lang: str) -> tuple[pd.DataFrame, list[Column]]:
    """The plan for people: offer names, sessions as day and time, words for codes."""
    frame = pd.DataFrame(
        {
            "patient_id": plan["patient_id"].to_numpy(),
            "status": _coded(plan["status"], "status", lang),
            "offer_name": _offer_names(plan["offer_id"], dataset.offers),
            "session_when": _session_words(plan["session_id"], dataset.sessions, lang),
            "kind": _coded(plan["kind"], "kind", lang),
            "start_date": plan["start_date"].to_numpy(),
            "wait_days": plan["wait_days"].to_numpy(),
            "travel_min": plan["travel_min"].to_numpy(),
            "travel_mode": _coded(plan["travel_mode"], "mode", lang),
            "fee_dkk_month": plan["fee_dkk_month"].to_numpy(),
            "reason": _reasons(plan["reason"], lang),
        }
    )
    columns = [
        _col("patient_id", lang),
        _col("status", lang),
        _col("offer_name", lang, missing=DASH),
        Column("session_when", text("col_session_when", lang), missing=DASH),
        _col("kind", lang, missing=DASH),
        _col("start_date", lang, "date", missing=DASH),
        _col("wait_days", lang, "count", missing=DASH),
        _col("travel_min", lang, "number", missing=DASH),
        _col("travel_mode", lang, missing=DASH),
        _col("fee_dkk_month", lang, "number", missing=DASH),
        _col("reason", lang, below=True),
    ]
    return frame, columns


def breaches_table(
    breaches: pd.DataFrame, dataset: Any, lang: str
) -> tuple[pd.DataFrame, list[Column]]:
    """Every breach of the guarantee for people (no earliest wait reads "–", not -1)."""
    earliest = pd.to_numeric(breaches["earliest_wait"], errors="coerce")
    frame = pd.DataFrame(
        {
            "patient_id": breaches["patient_id"].to_numpy(),
            "discharge_date": pd.to_datetime(breaches["discharge_date"], errors="coerce"),
            "status": _coded(breaches["status"], "status", lang),
            "wait_days": pd.to_numeric(breaches["wait_days"], errors="coerce"),
            "earliest_wait": earliest.where(earliest >= 0),
            "offer_name": _offer_names(breaches["offer_id"], dataset.offers),
            "start_date": pd.to_datetime(breaches["start_date"], errors="coerce"),
            "reason": _reasons(breaches["reason"], lang),
        }
    )
    columns = [
        _col("patient_id", lang),
        _col("discharge_date", lang, "date"),
        _col("status", lang),
        _col("wait_days", lang, "count", missing=DASH),
        _col("earliest_wait", lang, "count", missing=DASH),
        _col("offer_name", lang, missing=DASH),
        _col("start_date", lang, "date", missing=DASH),
        _col("reason", lang, below=True),
    ]
    return frame, columns


def tradeoff_table(
    tradeoff: pd.DataFrame, dataset: Any, lang: str
) -> tuple[pd.DataFrame, list[Column], list[str]]:
    """The trade-off per budget for people: opened teams by name, the verdict in
    words, and the legend lines that say what each verdict shown means."""
    names = (
        {}
        if dataset.candidates is None
        else dict(zip(dataset.candidates["candidate_id"], dataset.candidates["name"], strict=True))
    )
    opened = [
        ", ".join(names.get(c, c) for c in str(ids).split(";") if c)
        if isinstance(ids, str)
        else None
        for ids in tradeoff["opened_ids"]
    ]
    frame = tradeoff.drop(columns=["status_note", "seconds", "opened_ids"], errors="ignore")
    frame = frame.assign(opened_ids=opened, status=_coded(tradeoff["status"], "verdict", lang))
    counts = ("opened", "placed", "priority_placed", "breaches", "late", "unplaced", "in_time")
    columns = [
        _col("budget", lang, "number"),
        _col("status", lang),
        _col("staff_hours", lang, "number"),
    ]
    columns += [_col(c, lang, "count") for c in counts if c in frame.columns]
    columns += [
        _col("mean_wait", lang, "number", digits=1),
        _col("p90_wait", lang, "number", digits=1),
        _col("mean_travel", lang, "number", digits=1),
        _col("opened_ids", lang, missing=DASH, wide=True),
    ]
    columns = [c for c in columns if c.name in frame.columns]
    seen = set(tradeoff["status"])
    legend = [text(f"verdict_note_{v.lower()}", lang) for v in VERDICTS if v in seen]
    return frame, columns, [*legend, text("legend_tradeoff", lang)]


def waiting_table(patients: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Column]]:
    """The waiting list for people: diagnoses, modes, group and languages in words."""
    frame = pd.DataFrame(
        {
            "patient_id": patients["patient_id"].to_numpy(),
            "discharge_date": patients["discharge_date"].to_numpy(),
            "diagnoses": _coded(patients["diagnoses"], "diag", lang),
            "modes": _coded(patients["modes"], "mode", lang),
            "max_travel_min": patients["max_travel_min"].to_numpy(),
            "group_tolerance": _coded(patients["group_tolerance"], "tol", lang),
            "languages": _language_names(patients["languages"], lang),
        }
    )
    columns = [
        _col("patient_id", lang),
        _col("discharge_date", lang, "date"),
        _col("diagnoses", lang),
        _col("modes", lang),
        _col("max_travel_min", lang, "count"),
        _col("group_tolerance", lang),
        _col("languages", lang),
    ]
    return frame, columns
