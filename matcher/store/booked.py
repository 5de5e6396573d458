"""What is booked: the active bookings, the count per session, and a dataset whose
capacities leave room for them, for ``plan`` and ``recommend``; and the staff
contact person of a booking, for the hand-out and the reminders.

``booked_counts``, ``holds_booking`` and ``apply_bookings`` take a database URL
and never create a database that is not there yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import func, select

from ..dataset.load import Dataset
from .db import Store, database_exists, open_store, resolve_db_url
from .models import Booking

if TYPE_CHECKING:
    from ..discharge.contact import Contact

__all__ = [
    "active_bookings",
    "apply_bookings",
    "booked_counts",
    "booking_contact",
    "holds_booking",
]


def booking_contact(store: Store, patient_id: str, session_id: str) -> Contact | None:
    """The staff contact person of the patient's active booking of ``session_id``
    (``book --contact-name --contact-phone``), or ``None`` when there is no such
    booking or it names no contact. The ``Contact`` is the hand-out's
    (``matcher.discharge.handout.Contact``), to give to the hand-out, the
    invitation and the reminders."""
    from ..discharge.contact import Contact

    with store.read() as session:
        found = session.execute(
            select(Booking.contact_name, Booking.contact_phone)
            .where(
                Booking.patient_id == patient_id,
                Booking.session_id == session_id,
                Booking.status == "active",
            )
            .order_by(Booking.id.desc())
            .limit(1)
        ).first()
    if found is None or not (found[0] or found[1]):
        return None
    return Contact(found[0] or "", found[1] or "")


def active_bookings(store: Store) -> pd.DataFrame:
    """Active bookings: ``booking_id, patient_id, session_id, offer_id, start_date``."""
    columns = ["booking_id", "patient_id", "session_id", "offer_id", "start_date"]
    with store.read() as session:
        rows = session.execute(
            select(
                Booking.id,
                Booking.patient_id,
                Booking.session_id,
                Booking.offer_id,
                Booking.start_date,
            )
            .where(Booking.status == "active")
            .order_by(Booking.id)
        ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def held_places(store: Store) -> dict[str, int]:
    """Active bookings per session id in ``store``: firm ones and a pathway's held
    later steps, which keep their places too."""
    with store.read() as session:
        rows = session.execute(
            select(Booking.session_id, func.count())
            .where(Booking.status == "active")
            .group_by(Booking.session_id)
        ).all()
    return {str(sid): int(n) for sid, n in rows}


def booked_counts(url: str | None = None, dataset: Dataset | None = None) -> dict[str, int]:
    """Active bookings per session id in the database at ``url``.

    Parameters
    ----------
    url
        ``--db`` value or URL; ``None`` resolves ``$BROBYGGER_DB`` or the
        default file (see ``resolve_db_url``). A database file that does not
        exist yet has no bookings (and is not created).
    dataset
        When given, only sessions of this dataset are counted.
    """
    resolved = resolve_db_url(url)
    if not database_exists(resolved):
        return {}
    with open_store(resolved) as store:
        counts = held_places(store)
    if dataset is not None:
        known = set(dataset.sessions["session_id"])
        counts = {sid: n for sid, n in counts.items() if sid in known}
    return counts


def holds_booking(url: str | None, patient_id: str, session_id: str) -> bool:
    """True when ``patient_id`` holds an active booking for ``session_id`` in
    the database at ``url`` (resolved as in ``booked_counts``; a database file
    that does not exist yet holds none and is not created)."""
    resolved = resolve_db_url(url)
    if not database_exists(resolved):
        return False
    with open_store(resolved) as store, store.read() as session:
        found = session.scalar(
            select(Booking.id)
            .where(
                Booking.patient_id == patient_id,
                Booking.session_id == session_id,
                Booking.status == "active",
            )
            .limit(1)
        )
    return found is not None


def apply_bookings(dataset: Dataset, url: str | None = None) -> Dataset:
    """``dataset`` with each session's ``capacity`` reduced by its active
    bookings in the database at ``url`` (never below 0 places)."""
    return dataset.less_capacity(booked_counts(url, dataset))
