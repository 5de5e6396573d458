"""Follow-up tasks: listed, completed with an outcome, and exported as CSV.

Completing a task applies the rules that follow it (a call that reached
nobody is tried again in another part of the day, or escalated; a 3- or
6-month check records the booking's outcome) and changes the referral status
where the outcome says where it stands (``STATUS_OF_OUTCOME``); the rules
themselves, and the tasks they make, are in ``task_rules``. Notes carry rule
text only: never a vulnerability flag, never a name.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError
from ..words.problems import problem
from .audit import SYSTEM, Actor, record
from .db import Store
from .models import Booking, Outcome, Task, utcnow
from .referrals import follow_status
from .steps import settle_step
from .task_rules import (
    CALL_KINDS,
    CALL_TIMES,
    CONFIRM_STEP,
    DEFAULT_RULES,
    ESCALATE,
    OUTCOME_KINDS,
    OUTCOMES,
    RE_OFFER,
    RETRY_OUTCOMES,
    TaskRules,
    add_months,
    cancel_for_booking,
    close_on_booking,
    part_of_day,
    rule_call_after_missed,
    rule_call_again_or_escalate,
    rule_follow_up_after_booking,
    rule_plan_follow_up,
)

# the rules are read from here as well as from ``task_rules``
__all__ = [
    "CALL_KINDS",
    "DEFAULT_RULES",
    "OUTCOME_KINDS",
    "STATUS_OF_OUTCOME",
    "TASK_COLUMNS",
    "Completed",
    "TaskRules",
    "add_months",
    "cancel_for_booking",
    "close_on_booking",
    "complete_task",
    "escalate",
    "export_tasks",
    "list_tasks",
    "rule_call_after_missed",
    "rule_follow_up_after_booking",
    "rule_plan_follow_up",
]

log = logging.getLogger(__name__)

#: Columns of ``list_tasks`` and of the exported CSV, in order.
TASK_COLUMNS: tuple[str, ...] = (
    "task_id",
    "kind",
    "patient_id",
    "booking_id",
    "offer_id",
    "session_id",
    "start_date",
    "due_date",
    "attempt",
    "status",
    "outcome",
    "note",
    "call_time",
)

#: The outcomes of a 3- or 6-month check that say whether the patient holds on.
_HELD = ("taking_part", "stopped")

#: The referral status an outcome tells, for tasks of any kind (``None``) or of one kind.
STATUS_OF_OUTCOME: dict[tuple[str | None, str], str] = {
    (None, "declined"): "declined",
    (None, "stopped"): "stopped",
    ("outcome_3m", "taking_part"): "active_3m",
    ("outcome_6m", "taking_part"): "active_6m",
    (ESCALATE, "not_reached"): "unreachable",
    (RE_OFFER, "reached"): "offered",
}


@dataclass(frozen=True)
class Completed:
    """A completed task and the task the rules made next (if any)."""

    task_id: int
    kind: str
    patient_id: str
    outcome: str
    next_task_id: int | None
    next_kind: str | None
    #: the part of the day the next call is planned for, if any
    next_call_time: str | None = None
    #: the referral status the outcome set, if it changed
    status: str | None = None


def complete_task(
    store: Store,
    task_id: int,
    outcome: str | None = None,
    *,
    actor: Actor = SYSTEM,
    today: date | None = None,
    rules: TaskRules = DEFAULT_RULES,
    called: str | None = None,
) -> Completed:
    """Close an open task with an outcome and apply the rules that follow.

    ``no_answer`` or ``not_reached`` on a call makes the next attempt (or, after
    the last, an escalation), planned for another part of the day than
    ``called``, the part of the day of the call just made (default: the part
    the task was planned for, else the part of the day it is now);
    ``taking_part``/``stopped`` on a 3- or 6-month check records the outcome of
    the booking; ``confirmed``/``dropped`` on a ``confirm_step`` call makes a
    pathway's provisional step firm or lets it go (``steps.settle_step``). An
    outcome in ``STATUS_OF_OUTCOME`` changes the referral status when the change is
    allowed (``referrals.follow_status``).

    Raises
    ------
    InputError
        For an unknown or closed task, an outcome the task cannot have, or a
        ``called`` that is not a part of the day.
    """
    today = today or date.today()
    if called is not None and called not in CALL_TIMES:
        raise InputError(
            [
                problem(
                    "--called",
                    None,
                    None,
                    "'{called}' is not a part of the day; use {parts}",
                    called=called,
                    parts=", ".join(CALL_TIMES),
                )
            ]
        )
    with store.write() as session:
        task = session.execute(
            select(Task).where(Task.id == task_id).with_for_update()
        ).scalar_one_or_none()
        if task is None:
            raise InputError(
                [problem("--done", None, None, "there is no task {task_id}", task_id=task_id)]
            )
        if task.status != "open":
            raise InputError(
                [
                    problem(
                        "--done",
                        None,
                        None,
                        "task {task_id} is {what_status}",
                        task_id=task_id,
                        what_status=task.status,
                    )
                ]
            )
        allowed = OUTCOMES.get(task.kind, ("done",))
        if outcome is None and task.kind in OUTCOME_KINDS:
            raise InputError(
                [
                    problem(
                        "--outcome",
                        None,
                        None,
                        "say {outcomes} for a {kind}",
                        outcomes=", ".join(allowed),
                        kind=task.kind,
                    )
                ]
            )
        chosen = outcome or allowed[0]
        if chosen not in allowed:
            raise InputError(
                [
                    problem(
                        "--outcome",
                        None,
                        None,
                        "'{outcome}' does not close a {kind} task; use {outcomes}",
                        outcome=chosen,
                        kind=task.kind,
                        outcomes=", ".join(allowed),
                    )
                ]
            )
        task.status, task.outcome, task.done_at = "done", chosen, utcnow()
        record(
            session, actor, "complete", "task", task.id, patient_id=task.patient_id, detail=chosen
        )
        follow: Task | None = None
        if chosen in RETRY_OUTCOMES and task.kind in CALL_KINDS:
            when = called or task.call_time or part_of_day(datetime.now())
            follow = rule_call_again_or_escalate(session, task, today, rules, called=when)
        elif task.kind == CONFIRM_STEP:
            settle_step(session, task, chosen, rules, actor)
        elif task.kind in OUTCOME_KINDS and task.booking_id is not None and chosen in _HELD:
            months = OUTCOME_KINDS[task.kind]
            _record_outcome(session, task.booking_id, task.patient_id, months, chosen, actor)
        changed = _follow_outcome(session, task, chosen, actor)
        result = Completed(
            task.id,
            task.kind,
            task.patient_id,
            chosen,
            follow.id if follow else None,
            follow.kind if follow else None,
            follow.call_time if follow else None,
            changed,
        )
    log.info("task %d (%s) done: %s", result.task_id, result.kind, result.outcome)
    return result


def _follow_outcome(session: Session, task: Task, outcome: str, actor: Actor) -> str | None:
    """The referral status the outcome of ``task`` tells, set if allowed; the new status."""
    to = STATUS_OF_OUTCOME.get((task.kind, outcome)) or STATUS_OF_OUTCOME.get((None, outcome))
    if to is None:
        return None
    reason = ""
    if to == "stopped":
        months = OUTCOME_KINDS.get(task.kind)
        reason = (
            f"not taking part {months} months after the start"
            if months
            else f"said so when task {task.id} ({task.kind.replace('_', ' ')}) was done"
        )
    cause = "outcome" if task.kind in OUTCOME_KINDS else "task"
    changed = follow_status(session, task.patient_id, to, cause=cause, actor=actor, reason=reason)
    return changed.to_status if changed is not None else None


def _record_outcome(
    session: Session, booking_id: int, patient_id: str, months: int, outcome: str, actor: Actor
) -> None:
    """The outcome of a 3- or 6-month check on the booking, with its audit record."""
    taking_part = outcome == "taking_part"
    found = session.scalar(
        select(Outcome).where(Outcome.booking_id == booking_id, Outcome.months == months)
    )
    if found is None:
        session.add(
            Outcome(
                booking_id=booking_id,
                patient_id=patient_id,
                months=months,
                taking_part=taking_part,
                recorded_at=utcnow(),
            )
        )
    else:
        found.taking_part, found.recorded_at = taking_part, utcnow()
    record(
        session,
        actor,
        "outcome",
        "booking",
        booking_id,
        patient_id=patient_id,
        detail=f"{months} months: {outcome}",
    )


def escalate(store: Store, patient_id: str, *, today: date | None = None) -> list[int]:
    """A person must act before any match of ``patient_id`` (``escalate`` in the profile,
    e.g. a suicide risk, 000:3015-3030): an ``escalated`` task for the meeting and a task
    to inform the GP, whatever the consents, each unless one is open already (the GP is
    informed once). The ids of the tasks made."""
    from .audit import check_pseudonym

    check_pseudonym(patient_id, "--patient")
    with store.write() as session:
        made = rule_plan_follow_up(
            session, None, [(patient_id, "escalated", "")], today or date.today()
        )
        return [t.id for t in made]


def list_tasks(
    store: Store,
    *,
    due_by: date | None = None,
    statuses: Sequence[str] = ("open",),
    patient_id: str | None = None,
) -> pd.DataFrame:
    """Tasks as a frame with ``TASK_COLUMNS``, by due date.

    Parameters
    ----------
    due_by
        Only tasks due on or before this date (``None``: all).
    statuses
        Which tasks: ``open``, ``done``, ``cancelled``.
    patient_id
        Only this patient's tasks.
    """
    query = (
        select(Task, Booking.offer_id, Booking.session_id, Booking.start_date)
        .outerjoin(Booking, Task.booking_id == Booking.id)
        .where(Task.status.in_(list(statuses)))
        .order_by(Task.due_date, Task.id)
    )
    if due_by is not None:
        query = query.where(Task.due_date <= due_by)
    if patient_id is not None:
        query = query.where(Task.patient_id == patient_id)
    with store.read() as session:
        rows = [
            {
                "task_id": t.id,
                "kind": t.kind,
                "patient_id": t.patient_id,
                "booking_id": t.booking_id,
                "offer_id": offer_id or "",
                "session_id": session_id or "",
                "start_date": start,
                "due_date": t.due_date,
                "attempt": t.attempt,
                "status": t.status,
                "outcome": t.outcome or "",
                "note": t.note,
                "call_time": t.call_time or "",
            }
            for t, offer_id, session_id, start in session.execute(query)
        ]
    frame = pd.DataFrame(rows, columns=list(TASK_COLUMNS))
    frame["booking_id"] = frame["booking_id"].astype("Int64")
    return frame


def export_tasks(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write tasks (``list_tasks``) as UTF-8 CSV for the hospital-municipality
    meeting, atomically; dates as ``YYYY-MM-DD``."""
    from ..dataset.export import write_csv

    out = frame.copy()
    for column in ("start_date", "due_date"):
        out[column] = [d.isoformat() if isinstance(d, date) else "" for d in out[column]]
    write_csv(out, path)
    return Path(path)
