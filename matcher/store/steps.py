"""The later steps of a pathway booked at once: held, confirmed, or let go.

A pathway booked at the closing conversation (``pathway_bookings.book_pathway``) is
one booking per step. The first is firm; each later step is ``provisional``: it
holds its place (the place counter counts it, so nobody else gets it) but has no
reminders, no follow-up calls and no attendance yet. A ``confirm_step`` call is
due when the step before ends, and at the latest ``confirm_days_before`` days
before the step starts (``TaskRules``). Its outcome settles the step:

- ``confirmed``: the booking becomes firm, with the follow-up calls and checks of
  any booking (``rule_follow_up_after_booking``);
- ``dropped``: the person does not go on; the place is free again, and so are
  the places of the provisional steps after it;
- ``no_answer`` / ``not_reached``: the call is tried again, as every call is, and
  after the last attempt a person is asked to act; the place stays held meanwhile.

Cancelling any step cancels the provisional steps that follow it
(``release_following``): a later step never outlives the step it follows.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import InputError
from ..words.problems import problem
from .audit import SYSTEM, Actor, record
from .models import Booking, Place, Task, utcnow
from .task_rules import (
    CONFIRM_STEP,
    DEFAULT_RULES,
    TaskRules,
    cancel_for_booking,
    new_task,
    rule_follow_up_after_booking,
)

__all__ = ["confirm_due", "release", "release_following", "rule_confirm_step", "settle_step"]

log = logging.getLogger(__name__)


def confirm_due(
    before_start: date, before_end: date | None, start: date, rules: TaskRules = DEFAULT_RULES
) -> date:
    """The day the call confirming a step starting on ``start`` is due: when the step
    before ends (``before_end``; its start when it has no end), and at the latest
    ``confirm_days_before`` days before ``start``, but never before the step before
    has begun."""
    ends = before_end if before_end is not None else before_start
    latest = start - timedelta(days=rules.confirm_days_before)
    return max(before_start, min(ends, latest))


def rule_confirm_step(
    session: Session,
    booking: Booking,
    before: tuple[date, date | None],
    rules: TaskRules = DEFAULT_RULES,
    *,
    call_time: str | None = None,
    actor: Actor = SYSTEM,
) -> Task:
    """The call that confirms the provisional ``booking``; ``before``: the first and
    last meeting of the step before it (the last None when it has no end)."""
    due = confirm_due(before[0], before[1], booking.start_date, rules)
    return new_task(
        session,
        CONFIRM_STEP,
        booking.patient_id,
        due,
        f"confirm the next step from {booking.start_date} when the step before ends",
        booking_id=booking.id,
        call_time=call_time,
        actor=actor,
    )


def release(session: Session, booking: Booking, actor: Actor, *, detail: str = "") -> None:
    """Cancel the active ``booking`` in ``session``: its place is free again and its
    open tasks cancelled, with the audit record."""
    booking.status, booking.cancelled_at = "cancelled", utcnow()
    session.execute(
        update(Place)
        .where(Place.session_id == booking.session_id)
        .values(booked=Place.booked - 1)
        .execution_options(synchronize_session=False)
    )
    cancel_for_booking(session, booking.id)
    record(
        session,
        actor,
        "cancel",
        "booking",
        booking.id,
        patient_id=booking.patient_id,
        detail=detail or f"session {booking.session_id}",
    )


def release_following(session: Session, booking_id: int, actor: Actor = SYSTEM) -> list[int]:
    """Cancel every active provisional step that follows booking ``booking_id``, and the
    ones that follow those; the ids of the bookings cancelled, in pathway order."""
    released: list[int] = []
    after = [booking_id]
    while after:
        following = session.scalars(
            select(Booking).where(
                Booking.follows_booking_id.in_(after),
                Booking.provisional.is_(True),
                Booking.status == "active",
            )
        ).all()
        for booking in following:
            release(session, booking, actor, detail=f"a later step of booking {booking_id}")
        after = [b.id for b in following]
        released += after
    if released:
        log.info("booking %d: %d later steps let go", booking_id, len(released))
    return released


def settle_step(
    session: Session, task: Task, outcome: str, rules: TaskRules, actor: Actor
) -> list[Task]:
    """Apply the ``outcome`` of a ``confirm_step`` ``task``: ``confirmed`` makes its
    booking firm with the follow-up tasks of a booking (returned), ``dropped`` lets it
    and the provisional steps after it go. Other outcomes leave the booking held."""
    booking = session.get(Booking, task.booking_id) if task.booking_id is not None else None
    if booking is None or booking.status != "active" or not booking.provisional:
        return []
    if outcome == "confirmed":
        before = session.get(Booking, booking.follows_booking_id or -1)
        if before is not None and before.status == "active" and before.provisional:
            # a firm step after a held one would outlive it when that one is dropped
            raise InputError(
                [
                    problem(
                        "--outcome",
                        None,
                        None,
                        "booking {booking_id} follows booking {before_id}, which is not "
                        "confirmed yet: confirm that step first",
                        booking_id=booking.id,
                        before_id=before.id,
                    )
                ]
            )
        booking.provisional = False
        record(
            session,
            actor,
            "confirm",
            "booking",
            booking.id,
            patient_id=booking.patient_id,
            detail=f"step from {booking.start_date} confirmed",
        )
        return rule_follow_up_after_booking(session, booking, rules, call_time=task.call_time)
    if outcome == "dropped":
        release_following(session, booking.id, actor)
        release(session, booking, actor, detail="the person does not go on to this step")
    return []
