"""Load or refresh the catalogue (offers and sessions) without losing bookings.

An import is one transaction: a new snapshot of ``offers.csv`` and
``sessions.csv`` under a new import id, the place counters updated to the
new capacities, the current-catalogue pointer moved, and an audit entry.
If anything fails part-way (or the process dies), nothing of it is kept:
the previous catalogue stays current and every booking is untouched.

Bookings are never cancelled by an import. A session whose new capacity is
below its active bookings, or that is gone from the new files, is reported
as a ``Conflict``; it takes no new bookings until cancellations make room.
Importing the same catalogue again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..dataset.load import Dataset
from ..words.notes import Note, noted
from .audit import SYSTEM, Actor, record
from .db import Store
from .models import CatalogueImport, CatalogueOffer, CatalogueSession, CatalogueState, Place, utcnow

__all__ = ["Conflict", "ImportReport", "catalogue_rows", "current_import", "import_catalogue"]

log = logging.getLogger(__name__)

_LIST_COLUMNS = ("diagnoses", "languages", "tags")
_OFFER_COLUMNS = (
    "offer_id",
    "name",
    "kind",
    "provider",
    "lat",
    "lon",
    "diagnoses",
    "languages",
    "gender",
    "group_size",
    "intensity",
    "supervised",
    "fee_dkk_month",
    "tags",
    "address",
    "phone",
    "description",
)


@dataclass(frozen=True)
class Conflict:
    """A session with more active bookings than its (new) capacity, in places.
    Its ``note`` says so (in English as ``str``, worded again by ``note_text``)."""

    session_id: str
    capacity: int
    booked: int
    listed: bool

    @property
    def note(self) -> Note:
        """What the import found about this session, as a note of the catalogue."""
        if not self.listed:
            if self.booked == 1:
                template = (
                    "session {session_id} is no longer in sessions.csv but has {booked} active "
                    "booking; contact those patients or cancel their bookings"
                )
            else:
                template = (
                    "session {session_id} is no longer in sessions.csv but has {booked} active "
                    "bookings; contact those patients or cancel their bookings"
                )
            return noted(template, session_id=self.session_id, booked=self.booked)
        return noted(
            "session {session_id} now has {capacity} places but {booked} active bookings "
            "({too_many} too many); no new bookings until some are cancelled",
            session_id=self.session_id,
            capacity=self.capacity,
            booked=self.booked,
            too_many=self.booked - self.capacity,
        )

    def __str__(self) -> str:
        return str(self.note)


@dataclass(frozen=True)
class ImportReport:
    """What an import did. ``changed`` is false when the catalogue was already current."""

    import_id: int
    changed: bool
    offers: int
    sessions: int
    added: int
    removed: int
    resized: int
    conflicts: tuple[Conflict, ...]


def catalogue_rows(dataset: Dataset) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The offers and sessions of ``dataset`` as plain rows for the snapshot
    tables (lists joined with ``;``, dates as ``datetime.date``)."""
    offers = pd.DataFrame(dataset.offers[list(_OFFER_COLUMNS)])
    for column in _LIST_COLUMNS:
        offers[column] = [";".join(v) for v in offers[column]]
    offer_rows = [
        {
            **row,
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "group_size": int(row["group_size"]),
            "supervised": bool(row["supervised"]),
            "fee_dkk_month": float(row["fee_dkk_month"]),
        }
        for row in offers.to_dict("records")
    ]
    ses = dataset.sessions
    session_rows = [
        {
            "session_id": str(sid),
            "offer_id": str(oid),
            "weekday": str(day),
            "start": str(start),
            "end": str(end),
            "capacity": int(capacity),
            "first_date": pd.Timestamp(first).date(),
            "weeks": int(weeks),
        }
        for sid, oid, day, start, end, capacity, first, weeks in zip(
            ses["session_id"],
            ses["offer_id"],
            ses["weekday"],
            ses["start"],
            ses["end"],
            ses["capacity"],
            ses["first_date"],
            ses["weeks"],
            strict=True,
        )
    ]
    return offer_rows, session_rows


def _fingerprint(offers: list[dict[str, Any]], sessions: list[dict[str, Any]]) -> str:
    text = json.dumps([offers, sessions], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_snapshot(
    session: Session, import_id: int, offers: list[dict[str, Any]], sessions: list[dict[str, Any]]
) -> None:
    if offers:
        session.execute(insert(CatalogueOffer), [{**r, "import_id": import_id} for r in offers])
    if sessions:
        session.execute(insert(CatalogueSession), [{**r, "import_id": import_id} for r in sessions])


def _refresh_places(session: Session, sessions: list[dict[str, Any]]) -> tuple[int, int, int]:
    """Set every place counter to the new catalogue; (added, removed, resized)."""
    places = {p.session_id: p for p in session.scalars(select(Place))}
    new_ids = {r["session_id"] for r in sessions}
    added, changes = [], []
    resized = 0
    for row in sessions:
        old = places.get(row["session_id"])
        if old is None:
            added.append(
                {
                    "session_id": row["session_id"],
                    "offer_id": row["offer_id"],
                    "capacity": row["capacity"],
                    "booked": 0,
                    "listed": True,
                }
            )
        elif (old.capacity, old.offer_id, old.listed) != (row["capacity"], row["offer_id"], True):
            resized += old.capacity != row["capacity"]
            changes.append(
                {
                    "session_id": row["session_id"],
                    "offer_id": row["offer_id"],
                    "capacity": row["capacity"],
                    "listed": True,
                }
            )
    gone = [
        {"session_id": sid, "capacity": 0, "listed": False}
        for sid, place in places.items()
        if place.listed and sid not in new_ids
    ]
    if added:
        session.execute(insert(Place), added)
    if changes or gone:
        session.execute(update(Place), changes + gone)
    return len(added), len(gone), resized


def _conflicts(session: Session) -> tuple[Conflict, ...]:
    rows = session.scalars(
        select(Place).where(Place.booked > Place.capacity).order_by(Place.session_id)
    )
    return tuple(Conflict(p.session_id, p.capacity, p.booked, p.listed) for p in rows)


def _unchanged(session: Session, digest: str, offers: int, sessions: int) -> ImportReport | None:
    state = session.get(CatalogueState, 1)
    if state is None or state.import_id is None:
        return None
    current = session.get(CatalogueImport, state.import_id)
    if current is None or current.fingerprint != digest:
        return None
    return ImportReport(current.id, False, offers, sessions, 0, 0, 0, _conflicts(session))


def current_import(store: Store) -> CatalogueImport | None:
    """The import that is the current catalogue (``None``: nothing imported yet)."""
    with store.read() as session:
        state = session.get(CatalogueState, 1)
        if state is None or state.import_id is None:
            return None
        return session.get(CatalogueImport, state.import_id)


def import_catalogue(
    store: Store, dataset: Dataset, *, actor: Actor = SYSTEM, source: str | None = None
) -> ImportReport:
    """Make the offers and sessions of ``dataset`` the current catalogue.

    Parameters
    ----------
    store
        The open database.
    dataset
        A checked dataset (``load_dataset``); only offers and sessions are
        stored, never patients.
    actor
        Who imports, for the audit log.
    source
        Where the files came from (default: the dataset folder).

    Returns
    -------
    ImportReport
        With every session whose capacity is now below its bookings.
    """
    offers, sessions = catalogue_rows(dataset)
    digest = _fingerprint(offers, sessions)
    origin = source or (str(dataset.source) if dataset.source is not None else "")
    # most calls (every booking) find the catalogue current: answer that
    # without taking the write lock
    with store.read() as session:
        unchanged = _unchanged(session, digest, len(offers), len(sessions))
    if unchanged is not None:
        return unchanged
    with store.write() as session:
        # the catalogue pointer row is the lock every import takes first
        state = session.execute(
            select(CatalogueState).where(CatalogueState.id == 1).with_for_update()
        ).scalar_one()
        unchanged = _unchanged(session, digest, len(offers), len(sessions))
        if unchanged is not None:  # another process imported it meanwhile
            return unchanged
        batch = CatalogueImport(
            imported_at=utcnow(),
            source=origin,
            fingerprint=digest,
            offers=len(offers),
            sessions=len(sessions),
            conflicts=0,
        )
        session.add(batch)
        session.flush()
        _write_snapshot(session, batch.id, offers, sessions)
        added, removed, resized = _refresh_places(session, sessions)
        conflicts = _conflicts(session)
        batch.conflicts = len(conflicts)
        state.import_id = batch.id
        record(
            session,
            actor,
            "import",
            "catalogue_import",
            batch.id,
            detail=f"{len(offers)} offers, {len(sessions)} sessions, {len(conflicts)} conflicts",
        )
        report = ImportReport(
            batch.id, True, len(offers), len(sessions), added, removed, resized, conflicts
        )
    log.info(
        "catalogue import %d: %d offers, %d sessions (%d new, %d gone, %d resized), %d conflicts",
        report.import_id,
        report.offers,
        report.sessions,
        added,
        removed,
        resized,
        len(conflicts),
    )
    return report
