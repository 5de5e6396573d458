"""Stored batch plans: the PLAN.json summary and the PLAN.csv rows.

Storing a plan creates a follow-up task for every patient it left
``unplaced`` or ``escalated`` (``task_rules.rule_plan_follow_up``), for the
fortnightly hospital-municipality meeting.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert

from ..dataset.files import read_bytes
from ..errors import InputError, Problem
from ..words.problems import problem
from .audit import SYSTEM, Actor, pseudonym_problem, record
from .db import Store
from .models import PlanRow, StoredPlan, utcnow
from .task_rules import rule_plan_follow_up

__all__ = ["RecordedPlan", "read_plan", "record_plan"]

log = logging.getLogger(__name__)

_TEXT = ("offer_id", "session_id", "kind", "travel_mode", "reason")
_NUMBERS = ("wait_days", "travel_min", "fee_dkk_month", "cost")


@dataclass(frozen=True)
class RecordedPlan:
    """A stored plan and the follow-up tasks it created."""

    plan_id: int
    rows: int
    tasks_created: int


def read_plan(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """PLAN.csv at ``path`` and the summary in PLAN.json beside it (``{}`` if absent).

    PLAN.csv is read by the dataset loader's own reader (``matcher.dataset.schema.PLAN``):
    every cell within its type and range, pseudonyms only, no formula, no
    duplicate patient, a placed row with its session.

    Raises
    ------
    InputError
        For a missing or unreadable file, missing columns, or any cell outside
        the contract, each naming its row and column.
    """
    from ..dataset.schema import PLAN
    from ..dataset.tables import read_table

    csv_path = Path(path)
    name = csv_path.name
    if not csv_path.exists():
        raise InputError([problem(str(csv_path), None, None, "plan file not found")])
    spec = dataclasses.replace(PLAN, name=name)
    read = read_table(csv_path, spec)
    problems = list(read.problems)
    frame = read.frame
    if frame is not None and not problems:
        unplaced = (frame["status"] == "placed") & (frame["session_id"] == "")
        problems += [
            problem(name, int(r), "session_id", "a placed patient needs the session placed in")
            for r in read.rows[unplaced.to_numpy()]
        ]
    if problems or frame is None:
        if any(p.row == 1 and p.message == "required column is missing" for p in problems):
            problems.append(problem(name, None, None, "is this a PLAN.csv written by plan?"))
        raise InputError(problems)
    summary_path = csv_path.with_suffix(".json")
    summary: dict[str, Any] = {}
    if summary_path.is_file():
        try:
            summary = json.loads(read_bytes(summary_path).decode("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            raise InputError(
                [problem(summary_path.name, line, None, "not valid JSON ({reason})", reason=exc)]
            ) from None
        if not isinstance(summary, dict):
            raise InputError(
                [problem(summary_path.name, None, None, "holds no plan summary (a JSON object)")]
            )
    return frame, summary


def _pseudonym_problems(frame: pd.DataFrame, name: str) -> list[Problem]:
    """``name:ROW:patient_id:`` for every patient_id that is not a pseudonym."""
    found = (
        pseudonym_problem(str(patient_id), name, row, "patient_id")
        for row, patient_id in enumerate(frame["patient_id"], start=2)
    )
    return [p for p in found if p is not None]


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _day(value: Any) -> date | None:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    stamp = pd.Timestamp(value)
    return None if pd.isna(stamp) else stamp.date()


def record_plan(
    store: Store,
    assignments: pd.DataFrame,
    summary: Mapping[str, Any] | None = None,
    *,
    source: str = "",
    actor: Actor = SYSTEM,
    today: date | None = None,
) -> RecordedPlan:
    """Store a plan (``Plan.assignments`` or a read PLAN.csv, and its summary)
    and create a task for every unplaced or escalated patient.

    Only PLAN.csv columns are stored: pseudonym, status, offer, session,
    kind, start date, wait (days), travel (minutes), mode, fee (DKK per
    month), cost and reason.

    Raises
    ------
    InputError
        For a ``patient_id`` that is not a pseudonym (a CPR number, free
        text), as ``PLAN.csv:ROW:patient_id:`` (the file named by ``source``).
    """
    today = today or date.today()
    problems = _pseudonym_problems(assignments, Path(source).name if source else "PLAN.csv")
    if problems:
        raise InputError(problems)
    counts = assignments["status"].value_counts()
    info = dict(summary or {})
    rows = []
    for row in assignments.to_dict("records"):
        stored: dict[str, Any] = {
            "patient_id": str(row["patient_id"]),
            "status": str(row["status"]),
            "start_date": _day(row.get("start_date")),
        }
        for column in _TEXT:
            value = row.get(column)
            stored[column] = "" if value is None or pd.isna(value) else str(value)
        for column in _NUMBERS:
            stored[column] = _number(row.get(column))
        rows.append(stored)
    with store.write() as session:
        plan = StoredPlan(
            created_at=utcnow(),
            source=source,
            status=str(info.get("status", "")),
            patients=len(assignments),
            placed=int(counts.get("placed", 0)),
            unplaced=int(counts.get("unplaced", 0)),
            escalated=int(counts.get("escalated", 0)),
            summary_json=json.dumps(info, ensure_ascii=False, default=str),
        )
        session.add(plan)
        session.flush()
        if rows:
            session.execute(insert(PlanRow), [{**r, "plan_id": plan.id} for r in rows])
        record(
            session,
            actor,
            "store_plan",
            "plan",
            plan.id,
            detail=f"{plan.patients} patients, {plan.placed} placed",
        )
        made = rule_plan_follow_up(
            session, plan.id, ((r["patient_id"], r["status"], r["reason"]) for r in rows), today
        )
        result = RecordedPlan(plan.id, len(rows), len(made))
    log.info("plan %d stored: %d rows, %d tasks", result.plan_id, result.rows, result.tasks_created)
    return result
