"""Booking a whole pathway at the closing conversation: every step at once.

The discharge card shows the ladder that could follow a first step
(``planning.pathway_one.ladder_from``: home visits, then an exit team, then a
club, each within its rung's gap after the step before and each obeying every
rule of a match for the person). ``book_pathway`` books that ladder in one
transaction, all steps or none: the first step firm, as ``bookings.book`` books
it; each later step a provisional booking that holds its place and gets a call to
confirm it when the step before ends (``steps``). The places of the later steps
are counted against the places other people already hold in the store, so a
ladder never leans on a full session.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pandas as pd

from ..dataset.load import Dataset
from ..errors import InputError
from ..words.problems import problem
from .audit import SYSTEM, Actor, record
from .booked import held_places
from .bookings import BookingInfo, SessionFull, book, check_booking, check_contact
from .db import Store
from .importer import import_catalogue
from .task_rules import DEFAULT_RULES, TaskRules

__all__ = ["book_pathway", "pathway_steps"]

log = logging.getLogger(__name__)


def pathway_steps(
    store: Store,
    dataset: Dataset,
    patient_id: str,
    session_id: str,
    *,
    lang: str = "en",
    weeks: int = 26,
) -> list[tuple[str, str, pd.Timestamp, pd.Timestamp | None]]:
    """The steps ``book_pathway`` would book for ``patient_id`` from ``session_id``, as
    ``(kind, session_id, first meeting, last meeting or None)``; the first step's
    meeting is the one ``check_booking`` gives. Places held in ``store`` are counted.

    Raises
    ------
    InputError
        As ``check_booking`` for the first step, or when no later step fits after it.
    SessionFull
        When the first step's session has no free place.
    """
    from ..planning.pathway_one import ladder_from

    start = check_booking(dataset, patient_id, session_id, lang=lang)
    held = held_places(store)
    free = dataset.less_capacity(held)
    left = free.sessions.loc[free.sessions["session_id"] == session_id, "capacity"]
    if len(left) and int(left.iloc[0]) <= 0:
        capacity = dataset.sessions.loc[dataset.sessions["session_id"] == session_id, "capacity"]
        raise SessionFull(session_id, int(capacity.iloc[0]), held.get(session_id, 0))
    person = dataset.patients[dataset.patients["patient_id"] == patient_id]
    ladder = ladder_from(free, person.drop(columns="geometry", errors="ignore"), session_id)
    if len(ladder) < 2:
        raise InputError(
            [
                problem(
                    "--pathway",
                    None,
                    None,
                    "no later step fits after session '{session_id}' for {patient_id}: "
                    "book the first step alone",
                    session_id=session_id,
                    patient_id=patient_id,
                )
            ]
        )
    steps = [
        (
            s.kind,
            s.session_id,
            pd.Timestamp(s.start),
            None if s.last is None else pd.Timestamp(s.last),
        )
        for s in ladder
    ]
    steps[0] = (steps[0][0], steps[0][1], pd.Timestamp(start), steps[0][3])
    return steps


def book_pathway(
    store: Store,
    dataset: Dataset,
    patient_id: str,
    session_id: str,
    *,
    expected: Sequence[str] | None = None,
    actor: Actor = SYSTEM,
    rules: TaskRules = DEFAULT_RULES,
    lang: str = "en",
    contact_name: str | None = None,
    contact_phone: str | None = None,
) -> list[BookingInfo]:
    """Book ``patient_id`` of ``dataset`` into the ladder from ``session_id``: the
    first step firm, every later step provisional with its confirming call, in one
    transaction (all or none). ``expected``: the session ids of the steps the person
    was shown; when the ladder is not that any more (places went to others), nothing
    is booked and the caller is asked to look again.

    Raises
    ------
    InputError
        As ``pathway_steps``, for a ladder that is not the one ``expected``, or for
        anything ``bookings.book`` refuses at a step (nothing is written).
    SessionFull
        When a step's places went to others while the pathway was being booked.
    """
    contact_name, contact_phone = check_contact(contact_name, contact_phone)
    steps = pathway_steps(store, dataset, patient_id, session_id, lang=lang)
    if expected is not None and [s[1] for s in steps] != [str(e) for e in expected]:
        raise InputError(
            [
                problem(
                    "--pathway",
                    None,
                    None,
                    "the pathway from session '{session_id}' is not the one shown any more: "
                    "find the next steps again",
                    session_id=session_id,
                )
            ]
        )
    import_catalogue(store, dataset, actor=actor)
    patients = dataset.patients
    times = patients.loc[patients["patient_id"] == patient_id].get("call_time")
    call_time = str(times.iloc[0]) if times is not None and len(times) else None
    booked: list[BookingInfo] = []
    with store.write() as session:
        for kind, sid, start, last in steps:
            booked.append(
                book(
                    store,
                    patient_id,
                    sid,
                    start.date(),
                    actor=actor,
                    rules=rules,
                    contact_name=contact_name,
                    contact_phone=contact_phone,
                    call_time=call_time,
                    within=session,
                    follows=booked[-1] if booked else None,
                    end_date=None if last is None else last.date(),
                )
            )
            log.info("pathway of %s: %s step in session %s", patient_id, kind, sid)
        record(
            session,
            actor,
            "book_pathway",
            "booking",
            booked[0].booking_id,
            patient_id=patient_id,
            detail=f"{len(booked)} steps: {', '.join(b.session_id for b in booked)}",
        )
    return booked
