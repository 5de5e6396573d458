"""Booking and cancelling places, atomically.

A booking takes a place with one conditional statement on the session's
place counter::

    UPDATE places SET booked = booked + 1
    WHERE session_id = :sid AND listed AND booked < capacity

which only one transaction at a time can apply to a row (SQLite: the whole
database is locked by ``BEGIN IMMEDIATE``; PostgreSQL: the row lock makes a
waiting UPDATE re-check ``booked < capacity`` after the other commits). If no
row changed, the session is full. So however many processes book the last
places at once, no session gets more bookings than places. A unique index
on active (patient, offer) pairs refuses a second booking of the same
patient for the same offer, also between processes. Cancelling frees the
place in the same transaction.

A booking may name its staff contact person (``contact_name``,
``contact_phone``: whom the patient calls; the hand-out and the reminders say
so), and makes the patient's referral status ``booked``
(``referrals.follow_status``). ``booked_counts`` and ``apply_bookings``
(module ``booked``) let ``plan`` and ``recommend`` count existing bookings
against capacity.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..dataset.load import Dataset
from ..dates import next_meeting_date
from ..domain import CALL_TIMES, WEEKDAYS
from ..errors import InputError
from ..words.problems import problem
from .audit import SYSTEM, Actor, check_note, check_pseudonym, record
from .booked import active_bookings, apply_bookings, booked_counts, holds_booking
from .db import Store
from .importer import ImportReport, import_catalogue
from .models import Booking, CatalogueSession, CatalogueState, Place, utcnow
from .referrals import follow_status
from .steps import release, release_following, rule_confirm_step
from .tasks import (
    DEFAULT_RULES,
    TaskRules,
    close_on_booking,
    rule_follow_up_after_booking,
)

__all__ = [
    "BookingInfo",
    "SessionFull",
    "active_bookings",
    "apply_bookings",
    "book",
    "book_from_dataset",
    "booked_counts",
    "cancel",
    "check_booking",
    "first_start",
    "holds_booking",
]

log = logging.getLogger(__name__)


class SessionFull(Exception):
    """Every place of the session is booked (the CLI exits with status 3)."""

    def __init__(self, session_id: str, capacity: int, booked: int) -> None:
        self.session_id, self.capacity, self.booked = session_id, capacity, booked
        super().__init__(f"session {session_id} is full: {booked} of {capacity} places are booked")


@dataclass(frozen=True)
class BookingInfo:
    """A booking as the caller sees it."""

    booking_id: int
    patient_id: str
    session_id: str
    offer_id: str
    start_date: date
    status: str
    #: a later step of a pathway, held until its confirming call (``steps``)
    provisional: bool = False
    #: the booking of the step before, for a step of a pathway
    follows: int | None = None
    #: the step's last meeting, when it ends
    end_date: date | None = None


def _info(booking: Booking) -> BookingInfo:
    return BookingInfo(
        booking.id,
        booking.patient_id,
        booking.session_id,
        booking.offer_id,
        booking.start_date,
        booking.status,
        bool(booking.provisional),
        booking.follows_booking_id,
        booking.end_date,
    )


def first_start(
    first_date: date, discharge_date: date, weekday: int, *, skip_holidays: bool = False
) -> date:
    """The first day with ``weekday`` (0 = Monday) on or after both dates; with
    ``skip_holidays``, the first such day that is no Danish public holiday."""
    earliest = max(first_date, discharge_date)
    return next_meeting_date(earliest, weekday, skip_holidays=skip_holidays)


def check_contact(name: str | None, phone: str | None) -> tuple[str | None, str | None]:
    """The staff contact person of a booking, checked as the hand-out's contact is
    (``discharge.contact.checked_contact``: both or neither, a name of at most 100
    characters, a phone number of 3 to 15 digits), and with no CPR number in the
    name; ``(None, None)`` when neither is given.

    Raises
    ------
    InputError
        Naming ``--contact-name`` or ``--contact-phone``.
    """
    from ..discharge.contact import checked_contact

    contact = checked_contact(name, phone)
    if contact is None:
        return None, None
    check_note(contact.name, "--contact-name", limit=len(contact.name), names=True)
    return contact.name, contact.phone


def book(
    store: Store,
    patient_id: str,
    session_id: str,
    start_date: date,
    *,
    actor: Actor = SYSTEM,
    rules: TaskRules = DEFAULT_RULES,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    call_time: str | None = None,
    within: Session | None = None,
    follows: BookingInfo | None = None,
    end_date: date | None = None,
) -> BookingInfo:
    """Book a place in ``session_id`` for ``patient_id`` from ``start_date``,
    with the follow-up call and outcome checks as tasks; ``within`` an open write
    transaction to book in (``groups.book_group``), else its own.

    ``contact_name`` and ``contact_phone`` are the staff contact person for the
    booking (both or neither); ``call_time`` the patient's best part of the day to call
    (``patients.csv``), which the follow-up calls are planned for. ``follows``: the
    booking of the step before, in the same transaction, when this is a provisional
    later step of a pathway (``steps``): it holds the place, and a call to confirm it
    is planned instead of the follow-up calls. ``end_date``: the step's last meeting.

    Raises
    ------
    SessionFull
        When every place is taken (nothing is written).
    InputError
        For a session not in the current catalogue, a start date the session
        does not meet on (another weekday, or before its ``first_date``), a
        patient who already has an active booking for the same offer, or a
        contact that ``check_contact`` refuses.
    """
    check_pseudonym(patient_id, "--patient")
    contact_name, contact_phone = check_contact(contact_name, contact_phone)
    call_time = call_time if call_time in CALL_TIMES else None
    with store.write() if within is None else contextlib.nullcontext(within) as session:
        place = session.get(Place, session_id)
        if place is None or not place.listed:
            raise InputError(
                [
                    problem(
                        "--session",
                        None,
                        None,
                        "session '{session_id}' is not in the imported catalogue",
                        session_id=session_id,
                    )
                ]
            )
        state = session.get(CatalogueState, 1)
        listed = None
        if state is not None and state.import_id is not None:
            listed = session.get(CatalogueSession, (state.import_id, session_id))
        if listed is not None:
            _check_start(listed, start_date)
        twice = session.scalar(
            select(Booking.id).where(
                Booking.patient_id == patient_id,
                Booking.offer_id == place.offer_id,
                Booking.status == "active",
            )
        )
        if twice is not None:
            raise _duplicate(patient_id, place.offer_id, twice)
        taken = session.execute(
            update(Place)
            .where(
                Place.session_id == session_id,
                Place.listed.is_(True),
                Place.booked < Place.capacity,
            )
            .values(booked=Place.booked + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            session.refresh(place)
            raise SessionFull(session_id, place.capacity, place.booked)
        offer_id = place.offer_id  # read now: a failed flush expires loaded rows
        booking = Booking(
            patient_id=patient_id,
            session_id=session_id,
            offer_id=offer_id,
            start_date=start_date,
            status="active",
            booked_at=utcnow(),
            import_id=state.import_id if state is not None else None,
            contact_name=contact_name,
            contact_phone=contact_phone,
            provisional=follows is not None,
            follows_booking_id=follows.booking_id if follows is not None else None,
            end_date=end_date,
        )
        session.add(booking)
        try:
            session.flush()
        except IntegrityError:
            # another process booked the same patient for this offer just now
            raise _duplicate(patient_id, offer_id, None) from None
        record(
            session,
            actor,
            "book",
            "booking",
            booking.id,
            patient_id=patient_id,
            detail=f"session {session_id} from {start_date}",
        )
        if follows is not None:
            before = (follows.start_date, follows.end_date)
            rule_confirm_step(session, booking, before, rules, call_time=call_time, actor=actor)
        else:
            close_on_booking(session, patient_id)
            rule_follow_up_after_booking(session, booking, rules, call_time=call_time)
            follow_status(session, patient_id, "booked", cause="booking", actor=actor)
        info = _info(booking)
    log.info("booking %d: patient %s in session %s", info.booking_id, patient_id, session_id)
    return info


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: The weekdays in the plural, message ids of the catalogue ("meets on Mondays").
_DAYS_NAMES = tuple(f"{d}s" for d in _DAY_NAMES)


def _check_start(listed: CatalogueSession, start_date: date) -> None:
    """Refuse a start date on which the catalogue's session does not meet."""
    problems = []
    if listed.weekday in WEEKDAYS and start_date.weekday() != WEEKDAYS.index(listed.weekday):
        problems.append(
            problem(
                "--session",
                None,
                "start_date",
                "{start_date} is a {what_day}, but session {session_id} meets on {what_days}",
                start_date=start_date,
                what_day=_DAY_NAMES[start_date.weekday()],
                session_id=listed.session_id,
                what_days=_DAYS_NAMES[WEEKDAYS.index(listed.weekday)],
            )
        )
    if start_date < listed.first_date:
        problems.append(
            problem(
                "--session",
                None,
                "start_date",
                "{start_date} is before session {session_id} takes new participants "
                "(first_date {first_date})",
                start_date=start_date,
                session_id=listed.session_id,
                first_date=listed.first_date,
            )
        )
    if problems:
        raise InputError(problems)


def _duplicate(patient_id: str, offer_id: str, booking_id: int | None) -> InputError:
    if booking_id is None:
        return InputError(
            [
                problem(
                    "--patient",
                    None,
                    None,
                    "patient {patient_id} is already booked for offer {offer_id}; "
                    "cancel that booking first to move them",
                    patient_id=patient_id,
                    offer_id=offer_id,
                )
            ]
        )
    return InputError(
        [
            problem(
                "--patient",
                None,
                None,
                "patient {patient_id} is already booked for offer {offer_id} "
                "(booking {booking_id}); cancel that booking first to move them",
                patient_id=patient_id,
                offer_id=offer_id,
                booking_id=booking_id,
            )
        ]
    )


def cancel(store: Store, booking_id: int, *, actor: Actor = SYSTEM) -> BookingInfo:
    """Cancel an active booking: the place is free again, its open tasks cancelled, and
    the provisional later steps of a pathway that follow it cancelled with it.

    Raises
    ------
    InputError
        For an unknown or already cancelled booking.
    """
    with store.write() as session:
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
        if booking.status != "active":
            raise InputError(
                [
                    problem(
                        "--booking",
                        None,
                        None,
                        "booking {booking_id} is already cancelled",
                        booking_id=booking_id,
                    )
                ]
            )
        release_following(session, booking_id, actor)
        release(session, booking, actor)
        info = _info(booking)
    log.info("booking %d cancelled", booking_id)
    return info


def book_from_dataset(
    store: Store,
    dataset: Dataset,
    patient_id: str,
    session_id: str,
    *,
    actor: Actor = SYSTEM,
    rules: TaskRules = DEFAULT_RULES,
    lang: str = "en",
    contact_name: str | None = None,
    contact_phone: str | None = None,
) -> tuple[BookingInfo, ImportReport]:
    """Book ``patient_id`` of ``dataset`` into ``session_id``, importing the
    dataset's catalogue first when it differs from the stored one.

    The pair is checked by ``check_booking`` first (every rule of a match but
    free places, which the store counts atomically when it books). The
    follow-up calls are planned for the patient's ``call_time`` of the dataset;
    ``contact_name``/``contact_phone`` are the staff contact person (``book``).

    Raises
    ------
    InputError
        As ``check_booking``: nothing is written.
    SessionFull
        When every place is taken.
    """
    start = check_booking(dataset, patient_id, session_id, lang=lang)
    check_contact(contact_name, contact_phone)  # refused before the catalogue is imported
    report = import_catalogue(store, dataset, actor=actor)
    patients = dataset.patients
    times = patients.loc[patients["patient_id"] == patient_id].get("call_time")
    call_time = str(times.iloc[0]) if times is not None and len(times) else None
    booking = book(
        store,
        patient_id,
        session_id,
        start,
        actor=actor,
        rules=rules,
        contact_name=contact_name,
        contact_phone=contact_phone,
        call_time=call_time,
    )
    return booking, report


def check_booking(dataset: Dataset, patient_id: str, session_id: str, *, lang: str = "en") -> date:
    """The start date of booking ``patient_id`` of ``dataset`` into
    ``session_id``, once the pair is known to obey every rule of a match
    except free places (``matcher.discharge.options.Recommender.option``).

    The start date is the first occurrence of the session's weekday on or
    after both its ``first_date`` and the patient's ``discharge_date``, past
    Danish public holidays for the kinds of offer ``[holidays]`` of the
    weights names (exit teams and home visits by default).
    ``lang`` (``en`` or ``da``) is the language of the broken rules' words.

    Raises
    ------
    InputError
        For a patient id that is not a pseudonym, a patient or session not in
        the dataset, a patient marked ``escalate`` (a person must act first),
        or a session that breaks a rule of a match for the patient (each
        broken rule named, e.g. ``intensity``).
    """
    from ..discharge.options import Recommender

    check_pseudonym(patient_id, "--patient")
    patients = dataset.patients
    at = patients.index[patients["patient_id"] == patient_id]
    problems = []
    if len(at) == 0:
        problems.append(
            problem(
                "patients.csv",
                None,
                "patient_id",
                "'{patient_id}' is not in patients.csv",
                patient_id=patient_id,
            )
        )
    sessions = dataset.sessions
    where = sessions.index[sessions["session_id"] == session_id]
    if len(where) == 0:
        problems.append(
            problem(
                "sessions.csv",
                None,
                "session_id",
                "'{session_id}' is not in sessions.csv",
                session_id=session_id,
            )
        )
    if problems:
        raise InputError(problems)
    row = patients.index.get_loc(at[0])
    patient = patients.iloc[row]
    if bool(patient["escalate"]):
        raise InputError(
            [
                problem(
                    "patients.csv",
                    int(row) + 2,
                    "escalate",
                    "marked escalate: a person must act before any booking",
                )
            ]
        )
    # only this patient: whether a pair fits never depends on the other patients
    alone = dataset.replace(patients=patients.iloc[[row]])
    # the option's first date: the match's own, holidays skipped as the weights say
    option = Recommender(alone).option(patient_id, session_id, lang=lang)
    return pd.Timestamp(option.table()["first_date"].iloc[0]).date()
