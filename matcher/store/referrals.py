"""Referral statuses: where each referred patient stands, closed-loop, with every change kept.

The way through is ``referred → offered → booked → started → active_3m →
active_6m``; the exits are ``declined``, ``not_now`` (with a date to offer
again, which makes a dated ``re_offer`` task), ``unreachable`` and ``stopped``
(always with a reason). ``TRANSITIONS`` says which change may follow which
status; any other is refused, naming the status it came from and the one asked
for.

A person sets a status with ``set_status``. The store also changes it by
itself where it already knows (``follow_status``, called in the same
transaction as what it follows): a booking makes a patient ``booked``, the
first session attended ``started``, a 3- or 6-month check closed as taking
part ``active_3m``/``active_6m``. Three unanswered calls are not made
``unreachable`` by themselves: they escalate to a person (``task_rules``), who
may record it. Every change is one row of ``status_changes`` (append-only) and
one audit entry, with the pseudonym only; a reason may never hold a CPR number
or a name.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError
from ..words.problems import problem
from .audit import SYSTEM, Actor, check_note, check_pseudonym, record
from .db import Store
from .models import REFERRAL_STATUSES, Referral, StatusChange, Task, utcnow
from .task_rules import RE_OFFER, new_task

__all__ = [
    "EXITS",
    "STATUSES",
    "TRANSITIONS",
    "WAY",
    "Changed",
    "StatusNow",
    "StatusRefused",
    "change_status",
    "current_status",
    "follow_status",
    "set_status",
    "status_history",
    "statuses_now",
]

log = logging.getLogger(__name__)

#: Every status, the way through first, then the exits.
STATUSES: tuple[str, ...] = REFERRAL_STATUSES
#: The way through, in order.
WAY: tuple[str, ...] = STATUSES[:6]
#: Where a referral may leave the way.
EXITS: tuple[str, ...] = STATUSES[6:]

_ALL_EXITS = frozenset(EXITS)
#: The statuses a change may lead to from each status (``None``: no status yet).
TRANSITIONS: Mapping[str | None, frozenset[str]] = {
    None: frozenset({"referred", "offered", "booked", "declined", "not_now", "unreachable"}),
    "referred": frozenset({"offered", "booked"}) | _ALL_EXITS,
    "offered": frozenset({"booked"}) | _ALL_EXITS,
    "booked": frozenset({"started", "offered"}) | _ALL_EXITS,
    "started": frozenset({"active_3m", "not_now", "unreachable", "stopped"}),
    "active_3m": frozenset({"active_6m", "not_now", "unreachable", "stopped"}),
    "active_6m": frozenset({"stopped"}),
    "declined": frozenset({"referred", "offered", "booked", "not_now"}),
    "not_now": frozenset({"referred", "offered", "booked", "started"}) | _ALL_EXITS - {"not_now"},
    "unreachable": frozenset({"referred", "offered", "booked", "started"})
    | _ALL_EXITS - {"unreachable"},
    "stopped": frozenset({"referred", "offered", "booked"}),
}
#: What may make a change: a person, or the store from what it was told.
CAUSES = ("staff", "booking", "attendance", "outcome", "task")


class StatusRefused(InputError):
    """A change of status that ``TRANSITIONS`` does not allow; names both statuses."""

    def __init__(self, patient_id: str, from_status: str | None, to_status: str) -> None:
        self.patient_id, self.from_status, self.to_status = patient_id, from_status, to_status
        allowed = ", ".join(s for s in STATUSES if s in TRANSITIONS[from_status])
        if from_status is None:
            found = problem(
                "--to",
                None,
                None,
                "patient {patient_id} has no status yet and cannot start at {to_status}; "
                "a first status is one of {allowed}",
                patient_id=patient_id,
                to_status=to_status,
                allowed=allowed,
            )
        else:
            found = problem(
                "--to",
                None,
                None,
                "patient {patient_id} cannot go from {from_status} to {to_status}; "
                "from {from_status} the status can go to {allowed}",
                patient_id=patient_id,
                from_status=from_status,
                to_status=to_status,
                allowed=allowed,
            )
        super().__init__([found])


@dataclass(frozen=True)
class StatusNow:
    """A patient's referral as it stands: status, referrer, since when (UTC), the
    date to offer again (``not_now``) and the reason given with the last change."""

    patient_id: str
    status: str
    referrer: str
    since: datetime
    re_offer_date: date | None
    reason: str


@dataclass(frozen=True)
class Changed:
    """A change of status made: from what (``None``: the first), to what, and the
    ``re_offer`` task it made (``not_now``), if any."""

    patient_id: str
    from_status: str | None
    to_status: str
    re_offer_task_id: int | None = None


def _now(row: Referral) -> StatusNow:
    return StatusNow(
        row.patient_id, row.status, row.referrer, row.since, row.re_offer_date, row.reason
    )


def _check_asked(
    to: str, reason: str, re_offer: date | None, today: date
) -> tuple[str, date | None]:
    """The reason, stripped, once ``to`` and its reason and re-offer date fit."""
    if to not in STATUSES:
        raise InputError(
            [
                problem(
                    "--to",
                    None,
                    None,
                    "'{status}' is not a status; use one of {statuses}",
                    status=to,
                    statuses=", ".join(STATUSES),
                )
            ]
        )
    reason = check_note(reason, "--reason")
    problems = []
    if to == "stopped" and not reason:
        problems.append(problem("--reason", None, None, "stopped needs a reason (--reason)"))
    if to == "not_now" and re_offer is None:
        problems.append(
            problem(
                "--re-offer",
                None,
                None,
                "not_now needs the date to offer again (--re-offer YYYY-MM-DD)",
            )
        )
    if to != "not_now" and re_offer is not None:
        problems.append(problem("--re-offer", None, None, "goes with --to not_now only"))
    if to == "not_now" and re_offer is not None and re_offer < today:
        problems.append(
            problem(
                "--re-offer",
                None,
                None,
                "{re_offer} is before today ({today}); give the date to offer again",
                re_offer=re_offer,
                today=today,
            )
        )
    if problems:
        raise InputError(problems)
    return reason, re_offer


def _cancel_re_offers(session: Session, patient_id: str, status: str, actor: Actor) -> None:
    """Cancel the patient's open re-offer tasks: the status is no longer not_now."""
    for task in session.scalars(
        select(Task).where(
            Task.patient_id == patient_id, Task.kind == RE_OFFER, Task.status == "open"
        )
    ):
        task.status, task.done_at = "cancelled", utcnow()
        task.note = f"{task.note}; cancelled: the status is now {status}"
        record(session, actor, "cancel", "task", task.id, patient_id=patient_id, detail=status)


def _apply(
    session: Session,
    row: Referral | None,
    patient_id: str,
    to: str,
    *,
    cause: str,
    actor: Actor,
    reason: str = "",
    re_offer: date | None = None,
    referrer: str | None = None,
) -> Changed:
    """Write one allowed change: the current row, the history row, the audit entry,
    and the re-offer task of ``not_now``."""
    before = row.status if row is not None else None
    moment = utcnow()
    if row is None:
        row = Referral(patient_id=patient_id, referrer=referrer or "", status=to, since=moment)
        session.add(row)
    row.status, row.since, row.re_offer_date, row.reason = to, moment, re_offer, reason
    if referrer is not None:
        row.referrer = referrer
    session.add(
        StatusChange(
            patient_id=patient_id,
            from_status=before,
            to_status=to,
            at=moment,
            actor=actor.pseudonym,
            actor_role=actor.role,
            cause=cause,
            reason=reason,
            re_offer_date=re_offer,
        )
    )
    detail = f"{before or 'none'} -> {to}" + (f" (offer again {re_offer})" if re_offer else "")
    record(session, actor, "status", "referral", patient_id, patient_id=patient_id, detail=detail)
    _cancel_re_offers(session, patient_id, to, actor)
    task_id = None
    if to == "not_now" and re_offer is not None:
        task = new_task(
            session,
            RE_OFFER,
            patient_id,
            re_offer,
            f"not now: offer a next step again from {re_offer}",
            actor=actor,
        )
        task_id = task.id
    log.info("patient %s: status %s -> %s (%s)", patient_id, before, to, cause)
    return Changed(patient_id, before, to, task_id)


def change_status(
    session: Session,
    patient_id: str,
    to: str,
    *,
    actor: Actor = SYSTEM,
    reason: str = "",
    re_offer: date | None = None,
    referrer: str | None = None,
    today: date | None = None,
    cause: str = "staff",
) -> Changed:
    """``set_status`` inside the caller's transaction (``session`` holds the write lock)."""
    check_pseudonym(patient_id, "--patient")
    if referrer is not None:
        referrer = check_pseudonym(referrer.strip(), "--referrer")
    reason, re_offer = _check_asked(to, reason, re_offer, today or date.today())
    row = session.get(Referral, patient_id, with_for_update=True)
    before = row.status if row is not None else None
    if to not in TRANSITIONS[before]:
        raise StatusRefused(patient_id, before, to)
    return _apply(
        session,
        row,
        patient_id,
        to,
        cause=cause,
        actor=actor,
        reason=reason,
        re_offer=re_offer,
        referrer=referrer,
    )


def set_status(
    store: Store,
    patient_id: str,
    to: str,
    *,
    actor: Actor = SYSTEM,
    reason: str = "",
    re_offer: date | None = None,
    referrer: str | None = None,
    today: date | None = None,
) -> Changed:
    """Change the referral status of ``patient_id`` to ``to``, as a person decided.

    Parameters
    ----------
    reason
        Why (required for ``stopped``); a short text, never a name or CPR number.
    re_offer
        For ``not_now`` (and only then): the date to offer a next step again, on
        or after ``today``; a ``re_offer`` task falls due that day.
    referrer
        The code of the unit or practice that referred the patient (kept until
        another is given); the status summary is grouped by it.
    today
        The day of the change (default: today), for checking ``re_offer``.

    Raises
    ------
    StatusRefused
        (an ``InputError``) when the change does not follow from the current
        status; it names both.
    InputError
        For an unknown status, a missing or wrong reason or re-offer date, or a
        patient id or referrer that is not a pseudonym.
    """
    with store.write() as session:
        return change_status(
            session,
            patient_id,
            to,
            actor=actor,
            reason=reason,
            re_offer=re_offer,
            referrer=referrer,
            today=today,
        )


def follow_status(
    session: Session,
    patient_id: str,
    to: str,
    *,
    cause: str,
    actor: Actor = SYSTEM,
    reason: str = "",
) -> Changed | None:
    """Change the status by what the store was just told (``cause``: ``booking``,
    ``attendance``, ``outcome``, ``task``), in the caller's transaction.

    The change is made when ``TRANSITIONS`` allows it, or when it goes further
    along the way (a patient booked before statuses were kept, or whose start
    was never recorded, may be ``active_3m`` at the 3-month check). Otherwise
    nothing changes and ``None`` is returned: what the store was told is not
    refused for it (a second booking of a patient already taking part, say).
    """
    row = session.get(Referral, patient_id, with_for_update=True)
    before = row.status if row is not None else None
    ahead = to in WAY and (before is None or (before in WAY and WAY.index(before) < WAY.index(to)))
    if to not in TRANSITIONS[before] and not ahead:
        log.info("patient %s: status stays %s (%s asked %s)", patient_id, before, cause, to)
        return None
    return _apply(session, row, patient_id, to, cause=cause, actor=actor, reason=reason)


def current_status(store: Store, patient_id: str) -> StatusNow | None:
    """Where the referral of ``patient_id`` stands, or ``None`` (no status yet)."""
    with store.read() as session:
        row = session.get(Referral, patient_id)
        return _now(row) if row is not None else None


#: Columns of ``status_history``, in order.
HISTORY_COLUMNS = (
    "change_id",
    "patient_id",
    "from_status",
    "to_status",
    "at",
    "actor",
    "actor_role",
    "cause",
    "reason",
    "re_offer_date",
)


def status_history(store: Store, patient_id: str | None = None) -> pd.DataFrame:
    """Every change of status, oldest first (optionally of one patient):
    ``HISTORY_COLUMNS``; ``from_status`` is empty for a first status."""
    query = select(StatusChange).order_by(StatusChange.id)
    if patient_id is not None:
        query = query.where(StatusChange.patient_id == patient_id)
    with store.read() as session:
        rows = [
            (
                c.id,
                c.patient_id,
                c.from_status or "",
                c.to_status,
                c.at,
                c.actor,
                c.actor_role,
                c.cause,
                c.reason,
                c.re_offer_date,
            )
            for c in session.scalars(query)
        ]
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


def statuses_now(store: Store) -> pd.DataFrame:
    """Every patient's current status: ``patient_id, status, referrer, since,
    re_offer_date, reason``, by patient."""
    columns = ["patient_id", "status", "referrer", "since", "re_offer_date", "reason"]
    with store.read() as session:
        rows = [
            (r.patient_id, r.status, r.referrer, r.since, r.re_offer_date, r.reason)
            for r in session.scalars(select(Referral).order_by(Referral.patient_id))
        ]
    return pd.DataFrame(rows, columns=columns)
