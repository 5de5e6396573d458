"""Attendance per booking, and outcomes: which next steps hold.

``record_attendance`` stores whether the patient came on a date (a second
record for the same date corrects the first) and applies the rule "call
after two missed sessions in a row" to the attendance as it then stands: a
correction that undoes a run of absences cancels the open call about it. The
first session attended makes a booked patient's referral status ``started``.
``outcomes`` gives one row per booking with its attendance and "still taking
part" at 3 and 6 months;
``holding_by_kind`` aggregates it per kind of next step with every count
below 5 suppressed, so it can be shown to a municipality.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..domain import WEEKDAYS
from ..errors import InputError, Problem
from ..words.problems import problem
from .audit import SYSTEM, Actor, record
from .db import Store
from .models import (
    Attendance,
    Booking,
    CatalogueOffer,
    CatalogueSession,
    CatalogueState,
    Outcome,
    utcnow,
)
from .referrals import follow_status
from .task_rules import DEFAULT_RULES, TaskRules, rule_call_after_missed

__all__ = ["MIN_COUNT", "Recorded", "holding_by_kind", "outcomes", "record_attendance"]

log = logging.getLogger(__name__)

#: Smallest count shown in an aggregate for a municipality (smaller: suppressed).
MIN_COUNT = 5


@dataclass(frozen=True)
class Recorded:
    """An attendance record, the call task it triggered (if any) and the open
    calls it cancelled (a correction that undid their missed sessions)."""

    booking_id: int
    patient_id: str
    day: date
    present: bool
    corrected: bool
    call_task_id: int | None
    cancelled_task_ids: tuple[int, ...] = ()


def _booking_for_update(session: Session, booking_id: int) -> Booking:
    booking = session.execute(
        select(Booking).where(Booking.id == booking_id).with_for_update()
    ).scalar_one_or_none()
    if booking is None:
        raise InputError(
            [
                problem(
                    "--booking",
                    None,
                    None,
                    "there is no booking {booking_id}",
                    booking_id=booking_id,
                )
            ]
        )
    return booking


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: The weekdays in the plural, message ids of the catalogue ("meets on Mondays").
_DAYS_NAMES = tuple(f"{d}s" for d in _DAY_NAMES)


def _meeting_days(session: Session, booking: Booking) -> tuple[set[int], int]:
    """The weekdays (0 = Monday) the booked session meets on: its weekday in
    the catalogue it was booked from and in the current one (a session may
    have moved since), else the weekday of the booking's start date; and the
    length of its course in weeks (0: open-ended, also when unknown)."""
    imports = {booking.import_id}
    state = session.get(CatalogueState, 1)
    if state is not None:
        imports.add(state.import_id)
    imports.discard(None)
    rows = session.execute(
        select(CatalogueSession.weekday, CatalogueSession.weeks).where(
            CatalogueSession.session_id == booking.session_id,
            CatalogueSession.import_id.in_(imports),
        )
    ).all()
    found = {WEEKDAYS.index(d) for d, _weeks in rows if d in WEEKDAYS}
    lengths = [int(w or 0) for _d, w in rows]
    weeks = 0 if not lengths or 0 in lengths else max(lengths)
    return found or {booking.start_date.weekday()}, weeks


def _date_problems(session: Session, booking: Booking, day: date) -> list[Problem]:
    """Why ``day`` cannot be a session date of ``booking`` (empty: it can)."""
    problems = []
    if day < booking.start_date:
        problems.append(
            problem(
                "--date",
                None,
                "start_date",
                "{day} is before booking {booking_id} starts ({start_date})",
                day=day,
                booking_id=booking.id,
                start_date=booking.start_date,
            )
        )
    meets, weeks = _meeting_days(session, booking)
    if day.weekday() not in meets:
        problems.append(_weekday_problem(day, booking, sorted(meets)))
    # the course runs ``weeks`` weeks from the participant's start at the latest
    last = booking.start_date + timedelta(weeks=weeks, days=-1)
    if weeks and day > last:
        problems.append(
            problem(
                "--date",
                None,
                "weeks",
                "{day} is after the {weeks}-week course of session {session_id} for booking "
                "{booking_id} (from {start_date} to {last} at the latest)",
                day=day,
                weeks=weeks,
                session_id=booking.session_id,
                booking_id=booking.id,
                start_date=booking.start_date,
                last=last,
            )
        )
    return problems


def _weekday_problem(day: date, booking: Booking, meets: list[int]) -> Problem:
    """``day`` is not a weekday the session of ``booking`` meets on (one or two
    weekdays: the catalogue's when it was booked and now)."""
    values: dict[str, object] = {
        "day": day,
        "what_day": _DAY_NAMES[day.weekday()],
        "session_id": booking.session_id,
        "booking_id": booking.id,
        "what_days": _DAYS_NAMES[meets[0]],
    }
    if len(meets) == 1:
        return problem(
            "--date",
            None,
            "weekday",
            "{day} is a {what_day}, but session {session_id} of booking {booking_id} "
            "meets on {what_days}",
            **values,
        )
    values["what_other_days"] = " or ".join(_DAYS_NAMES[d] for d in meets[1:])
    return problem(
        "--date",
        None,
        "weekday",
        "{day} is a {what_day}, but session {session_id} of booking {booking_id} "
        "meets on {what_days} or {what_other_days}",
        **values,
    )


def record_attendance(
    store: Store,
    booking_id: int,
    day: date,
    present: bool,
    *,
    actor: Actor = SYSTEM,
    rules: TaskRules = DEFAULT_RULES,
    today: date | None = None,
) -> Recorded:
    """Record whether the patient of ``booking_id`` came on ``day``.

    ``today``, when given, is the date the record is made: nobody can know
    yet whether the patient comes to a later session, so a later ``day`` is
    refused (``None``: not checked).

    Raises
    ------
    InputError
        For an unknown or cancelled booking, a pathway's step not confirmed yet
        (``steps``), or a date that is before its
        start, not on the weekday of its session, after a course of ``weeks``
        weeks from its start is over, or after ``today`` (naming
        ``start_date``, ``weekday``, ``weeks`` or ``today``).
    """
    with store.write() as session:
        booking = _booking_for_update(session, booking_id)
        if booking.status != "active":
            raise InputError(
                [
                    problem(
                        "--booking",
                        None,
                        None,
                        "booking {booking_id} is {what_status}",
                        booking_id=booking_id,
                        what_status=booking.status,
                    )
                ]
            )
        if booking.provisional:
            raise InputError(
                [
                    problem(
                        "--booking",
                        None,
                        None,
                        "booking {booking_id} is a later step not confirmed yet: "
                        "close its confirm call first",
                        booking_id=booking_id,
                    )
                ]
            )
        problems = _date_problems(session, booking, day)
        if today is not None and day > today:
            problems.append(
                problem(
                    "--date",
                    None,
                    "today",
                    "{day} has not come yet (today is {today}): record a session once it is over",
                    day=day,
                    today=today,
                )
            )
        if problems:
            raise InputError(problems)
        found = session.scalar(
            select(Attendance).where(Attendance.booking_id == booking_id, Attendance.date == day)
        )
        if found is None:
            session.add(
                Attendance(booking_id=booking_id, date=day, present=present, recorded_at=utcnow())
            )
        else:
            found.present, found.recorded_at = present, utcnow()
        session.flush()
        record(
            session,
            actor,
            "correct_attendance" if found is not None else "attendance",
            "booking",
            booking_id,
            patient_id=booking.patient_id,
            detail=f"{day}: {'present' if present else 'absent'}",
        )
        made, cancelled = rule_call_after_missed(session, booking, rules, actor=actor)
        if present:  # the first session attended: the patient has started
            follow_status(session, booking.patient_id, "started", cause="attendance", actor=actor)
        result = Recorded(
            booking_id,
            booking.patient_id,
            day,
            present,
            found is not None,
            made[-1].id if made else None,
            tuple(t.id for t in cancelled),
        )
    log.info("attendance booking %d on %s: %s", booking_id, day, "present" if present else "absent")
    return result


_OUTCOME_COLUMNS = (
    "booking_id",
    "patient_id",
    "offer_id",
    "session_id",
    "kind",
    "start_date",
    "status",
    "sessions_recorded",
    "sessions_attended",
    "taking_part_3m",
    "taking_part_6m",
)


def outcomes(store: Store) -> pd.DataFrame:
    """One row per booking: attendance and "still taking part" (True, False,
    or missing when not yet known) at 3 and 6 months."""
    recorded = (
        select(
            Attendance.booking_id,
            func.count().label("n"),
            func.sum(case((Attendance.present, 1), else_=0)).label("came"),
        )
        .group_by(Attendance.booking_id)
        .subquery()
    )
    query = (
        select(Booking, CatalogueOffer.kind, recorded.c.n, recorded.c.came)
        .outerjoin(
            CatalogueOffer,
            and_(
                CatalogueOffer.import_id == Booking.import_id,
                CatalogueOffer.offer_id == Booking.offer_id,
            ),
        )
        .outerjoin(recorded, recorded.c.booking_id == Booking.id)
        .order_by(Booking.id)
    )
    with store.read() as session:
        held = {(o.booking_id, o.months): o.taking_part for o in session.scalars(select(Outcome))}
        rows = [
            {
                "booking_id": b.id,
                "patient_id": b.patient_id,
                "offer_id": b.offer_id,
                "session_id": b.session_id,
                "kind": kind or "",
                "start_date": b.start_date,
                "status": b.status,
                "sessions_recorded": int(n or 0),
                "sessions_attended": int(came or 0),
                "taking_part_3m": held.get((b.id, 3)),
                "taking_part_6m": held.get((b.id, 6)),
            }
            for b, kind, n, came in session.execute(query)
        ]
    frame = pd.DataFrame(rows, columns=list(_OUTCOME_COLUMNS))
    for column in ("taking_part_3m", "taking_part_6m"):
        frame[column] = frame[column].astype("boolean")
    return frame


def holding_by_kind(store: Store, *, min_count: int = MIN_COUNT) -> pd.DataFrame:
    """Per kind of next step: bookings, outcomes known and the share still
    taking part at 3 and 6 months. Counts below ``min_count`` are suppressed
    (missing), and so is every share computed from one, and every count from
    which a suppressed one could be worked out."""
    frame = outcomes(store)
    rows = []
    for kind, part in frame.groupby("kind", sort=True):
        row: dict[str, object] = {"kind": kind, "bookings": len(part)}
        for months in (3, 6):
            known = part[f"taking_part_{months}m"].dropna()
            held = int(known.sum())
            row[f"known_{months}m"] = len(known)
            row[f"taking_part_{months}m"] = held
            row[f"share_{months}m"] = held / len(known) if len(known) else np.nan
            # the number who stopped (known - held) must not be derivable either
            if min(len(known), held, len(known) - held) < min_count:
                row[f"taking_part_{months}m"] = np.nan
                row[f"share_{months}m"] = np.nan
            if len(known) < min_count:
                row[f"known_{months}m"] = np.nan
        if len(part) < min_count:
            row = {k: (v if k == "kind" else np.nan) for k, v in row.items()}
        rows.append(row)
    columns = ["kind", "bookings"] + [
        f"{name}_{m}m" for m in (3, 6) for name in ("known", "taking_part", "share")
    ]
    return pd.DataFrame(rows, columns=columns)
