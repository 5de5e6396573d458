"""Consent per purpose: given or withdrawn, on a date, recorded by a member of staff.

A patient consents, or not, to each purpose on its own (``PURPOSES``):

- ``share_municipality``: their status and case may be shared with the
  municipality (the status summary and the meeting list sent to it);
- ``gp_on_absence``: the GP may be contacted when they stay away (a letter to
  the GP on absence; 000:3003-3013: the consent is asked for at the first
  conversation);
- ``sms``: reminders may be sent to them by SMS.

Each record is kept (``consents`` is append-only); the latest one of a patient
and purpose is what holds now. Who recorded it is a staff pseudonym or
initials code, never a name, and never the command line's default actor.
An action that needs a consent is refused without it (``ConsentMissing``,
naming the consent). Informing the GP of an escalated patient (a suicide
risk, 000:3015-3030) is a duty and needs no consent: the plan's follow-up
makes that task whatever the consents say (``task_rules.rule_plan_follow_up``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import InputError
from ..words.problems import problem
from .audit import SYSTEM, Actor, check_pseudonym, record
from .db import Store
from .models import CONSENT_PURPOSES, Booking, Consent, utcnow
from .task_rules import GP_LETTER, new_task

__all__ = [
    "ACTIONS",
    "PURPOSES",
    "ConsentMissing",
    "ConsentNow",
    "consent_history",
    "consented",
    "consents",
    "give_consent",
    "has_consent",
    "record_consent",
    "request_gp_letter",
    "require_consent",
    "withdraw_consent",
]

log = logging.getLogger(__name__)

#: The purposes a patient may consent to.
PURPOSES: tuple[str, ...] = CONSENT_PURPOSES
#: What needs each consent, as the refusal names it (message ids of the catalogue).
ACTIONS: dict[str, str] = {
    "share_municipality": "sharing their status with the municipality",
    "gp_on_absence": "a letter to the GP on absence",
    "sms": "an SMS reminder",
}
#: Actors that cannot record a consent: a person must.
_NOBODY = ("cli", SYSTEM.pseudonym)


@dataclass(frozen=True)
class ConsentNow:
    """A consent as it holds: given or withdrawn, on which date, recorded by whom."""

    patient_id: str
    purpose: str
    given: bool
    on: date
    recorded_by: str


class ConsentMissing(InputError):
    """An action needs a consent the patient has not given (or has withdrawn)."""

    def __init__(self, patient_id: str, purpose: str, now: ConsentNow | None) -> None:
        self.patient_id, self.purpose = patient_id, purpose
        values = {"patient_id": patient_id, "purpose": purpose, "what_action": ACTIONS[purpose]}
        if now is None:
            found = problem(
                "consent",
                None,
                purpose,
                "patient {patient_id} has not given the {purpose} consent, which "
                "{what_action} needs",
                **values,
            )
        else:
            found = problem(
                "consent",
                None,
                purpose,
                "patient {patient_id} withdrew the {purpose} consent on {on}, which "
                "{what_action} needs",
                on=now.on,
                **values,
            )
        super().__init__([found])


def _check_purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise InputError(
            [
                problem(
                    "--purpose",
                    None,
                    None,
                    "'{purpose}' is not a purpose of consent; use one of {purposes}",
                    purpose=purpose,
                    purposes=", ".join(PURPOSES),
                )
            ]
        )
    return purpose


def record_consent(
    store: Store,
    patient_id: str,
    purpose: str,
    given: bool,
    *,
    on: date | None = None,
    actor: Actor,
    today: date | None = None,
) -> ConsentNow:
    """Record that ``patient_id`` gave (``given``) or withdrew consent to ``purpose``
    on ``on`` (default: ``today``, itself by default the current date).

    Raises
    ------
    InputError
        For an unknown purpose, a date after ``today``, a patient id that is not
        a pseudonym, or an actor that is nobody in particular (the command
        line's default ``cli`` or Brobygger itself): a person records consent.
    """
    check_pseudonym(patient_id, "--patient")
    _check_purpose(purpose)
    today = today or date.today()
    day = on or today
    problems = []
    if actor.pseudonym in _NOBODY:
        problems.append(
            problem(
                "--actor",
                None,
                None,
                "say who records the consent: your staff initials or user id "
                "(--actor or BROBYGGER_ACTOR)",
            )
        )
    if day > today:
        problems.append(
            problem(
                "--date",
                None,
                None,
                "{day} has not come yet (today is {today}): record a consent once it is given "
                "or withdrawn",
                day=day,
                today=today,
            )
        )
    if problems:
        raise InputError(problems)
    with store.write() as session:
        session.add(
            Consent(
                patient_id=patient_id,
                purpose=purpose,
                given=given,
                on_date=day,
                recorded_by=actor.pseudonym,
                recorded_role=actor.role,
                recorded_at=utcnow(),
            )
        )
        what = "given" if given else "withdrawn"
        record(
            session,
            actor,
            "consent",
            "consent",
            purpose,
            patient_id=patient_id,
            detail=f"{purpose} {what} on {day}",
        )
    log.info("patient %s: consent %s %s on %s", patient_id, purpose, what, day)
    return ConsentNow(patient_id, purpose, given, day, actor.pseudonym)


def give_consent(
    store: Store,
    patient_id: str,
    purpose: str,
    *,
    actor: Actor,
    on: date | None = None,
    today: date | None = None,
) -> ConsentNow:
    """``record_consent`` of a consent given."""
    return record_consent(store, patient_id, purpose, True, on=on, actor=actor, today=today)


def withdraw_consent(
    store: Store,
    patient_id: str,
    purpose: str,
    *,
    actor: Actor,
    on: date | None = None,
    today: date | None = None,
) -> ConsentNow:
    """``record_consent`` of a consent withdrawn."""
    return record_consent(store, patient_id, purpose, False, on=on, actor=actor, today=today)


def _latest(session: Session, patient_ids: Iterable[str] | None = None) -> list[Consent]:
    """The latest record of each patient and purpose (of ``patient_ids``, or all)."""
    newest = select(func.max(Consent.id)).group_by(Consent.patient_id, Consent.purpose)
    if patient_ids is not None:
        newest = newest.where(Consent.patient_id.in_(list(patient_ids)))
    return list(session.scalars(select(Consent).where(Consent.id.in_(newest))))


def _now(row: Consent) -> ConsentNow:
    return ConsentNow(row.patient_id, row.purpose, row.given, row.on_date, row.recorded_by)


def consents(store: Store, patient_id: str) -> dict[str, ConsentNow | None]:
    """Each purpose's consent as it holds for ``patient_id`` (``None``: never recorded)."""
    with store.read() as session:
        found = {r.purpose: _now(r) for r in _latest(session, [patient_id])}
    return {purpose: found.get(purpose) for purpose in PURPOSES}


def consent_now(session: Session, patient_id: str, purpose: str) -> ConsentNow | None:
    """The consent of ``patient_id`` to ``purpose`` as it holds, in ``session``."""
    row = session.scalar(
        select(Consent)
        .where(Consent.patient_id == patient_id, Consent.purpose == purpose)
        .order_by(Consent.id.desc())
        .limit(1)
    )
    return _now(row) if row is not None else None


def has_consent(store: Store, patient_id: str, purpose: str) -> bool:
    """Whether ``patient_id`` has given consent to ``purpose`` (and not withdrawn it)."""
    _check_purpose(purpose)
    with store.read() as session:
        now = consent_now(session, patient_id, purpose)
    return now is not None and now.given


def require_consent(session: Session, patient_id: str, purpose: str) -> ConsentNow:
    """The consent given by ``patient_id`` to ``purpose``; ``ConsentMissing`` without it."""
    now = consent_now(session, patient_id, _check_purpose(purpose))
    if now is None or not now.given:
        raise ConsentMissing(patient_id, purpose, now)
    return now


def consented(session: Session, purpose: str, patient_ids: Iterable[str]) -> set[str]:
    """Those of ``patient_ids`` whose consent to ``purpose`` is given now."""
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return set()
    return {r.patient_id for r in _latest(session, ids) if r.purpose == purpose and r.given}


#: Columns of ``consent_history``, in order.
HISTORY_COLUMNS = (
    "consent_id",
    "patient_id",
    "purpose",
    "given",
    "on_date",
    "recorded_by",
    "recorded_role",
    "recorded_at",
)


def consent_history(store: Store, patient_id: str | None = None) -> pd.DataFrame:
    """Every consent recorded, oldest first (optionally of one patient)."""
    query = select(Consent).order_by(Consent.id)
    if patient_id is not None:
        query = query.where(Consent.patient_id == patient_id)
    with store.read() as session:
        rows = [
            (
                c.id,
                c.patient_id,
                c.purpose,
                c.given,
                c.on_date,
                c.recorded_by,
                c.recorded_role,
                c.recorded_at,
            )
            for c in session.scalars(query)
        ]
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


def request_gp_letter(
    store: Store,
    patient_id: str,
    *,
    actor: Actor = SYSTEM,
    booking_id: int | None = None,
    today: date | None = None,
) -> int:
    """A task, due ``today``, to write to the GP of ``patient_id`` about their
    absences; the id of the task.

    Raises
    ------
    ConsentMissing
        Without the patient's ``gp_on_absence`` consent (nothing is written).
    InputError
        For a booking that is not the patient's.
    """
    check_pseudonym(patient_id, "--patient")
    today = today or date.today()
    with store.write() as session:
        if booking_id is not None:
            owner = session.scalar(select(Booking.patient_id).where(Booking.id == booking_id))
            if owner != patient_id:
                raise InputError(
                    [
                        problem(
                            "--booking",
                            None,
                            None,
                            "booking {booking_id} is not a booking of patient {patient_id}",
                            booking_id=booking_id,
                            patient_id=patient_id,
                        )
                    ]
                )
        given = require_consent(session, patient_id, "gp_on_absence")
        task = new_task(
            session,
            GP_LETTER,
            patient_id,
            today,
            f"write to the GP about the absences (consent gp_on_absence given on {given.on})",
            booking_id=booking_id,
            actor=actor,
        )
        return task.id
