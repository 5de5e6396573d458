"""Booking a small group into one session at once: all of them or none.

Team-mates who go on together are booked together. ``book_group`` books every
member with the store's own ``bookings.book``, all inside one write
transaction: the session's place counter is read under a row lock first, and a
group larger than the free places is refused whole (``GroupTooLarge``, naming
the session and its free places) before anything is written. Any member that
``book`` refuses (already booked for the offer, a start date the session does
not meet on) rolls the whole group back, so the group is either booked or not
at all. Each booking writes its own audit entry, and one more entry records the
group, with pseudonyms only.

``book_group_from_dataset`` checks every member against the rules of a match
first (``bookings.check_booking``), as ``brobygger book`` does for one person.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select

from ..dataset.load import Dataset
from ..errors import InputError, Problem
from ..words.problems import problem
from .audit import SYSTEM, Actor, check_pseudonym, record
from .bookings import BookingInfo, book, check_booking, check_contact
from .db import Store
from .importer import import_catalogue
from .models import Place
from .tasks import DEFAULT_RULES, TaskRules

__all__ = ["MAX_GROUP", "GroupTooLarge", "book_group", "book_group_from_dataset"]

log = logging.getLogger(__name__)

#: The most people booked as one group (a team of team-mates, not a waiting list).
MAX_GROUP = 30


class GroupTooLarge(InputError):
    """More people than the session has free places: nobody is booked."""

    def __init__(self, session_id: str, free: int, size: int) -> None:
        self.session_id, self.free, self.size = session_id, free, size
        super().__init__(
            [
                problem(
                    "--session",
                    None,
                    None,
                    "session {session_id} has {free} free places, too few for a group of "
                    "{size}; nobody was booked",
                    session_id=session_id,
                    free=free,
                    size=size,
                )
            ]
        )


def _check_members(patient_ids: Sequence[str]) -> list[str]:
    """The members' pseudonyms, each once; at least one and at most ``MAX_GROUP``."""
    ids = [check_pseudonym(str(p), "--patient") for p in patient_ids]
    problems: list[Problem] = []
    if not ids:
        problems.append(problem("--patient", None, None, "a group needs at least one person"))
    if len(ids) > MAX_GROUP:
        problems.append(
            problem(
                "--patient",
                None,
                None,
                "a group of {size} is more than {limit} people; book them in smaller groups",
                size=len(ids),
                limit=MAX_GROUP,
            )
        )
    for patient_id in sorted({p for p in ids if ids.count(p) > 1}):
        problems.append(
            problem(
                "--patient",
                None,
                None,
                "patient {patient_id} is named twice in the group",
                patient_id=patient_id,
            )
        )
    if problems:
        raise InputError(problems)
    return ids


def book_group(
    store: Store,
    session_id: str,
    members: Sequence[tuple[str, date]],
    *,
    actor: Actor = SYSTEM,
    rules: TaskRules = DEFAULT_RULES,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    call_times: Mapping[str, str] | None = None,
) -> list[BookingInfo]:
    """Book every ``(patient_id, start_date)`` of ``members`` into ``session_id`` in one
    transaction: all of them, or (on any refusal) none.

    ``contact_name``/``contact_phone`` are the staff contact person of every booking;
    ``call_times`` the members' best parts of the day to call, by pseudonym.

    Raises
    ------
    GroupTooLarge
        When the group has more people than the session has free places.
    InputError
        For a member named twice, a session not in the imported catalogue, or
        anything ``bookings.book`` refuses for one member (nothing is written).
    SessionFull
        When the places went to others while the group was being booked.
    """
    ids = _check_members([m[0] for m in members])
    contact_name, contact_phone = check_contact(contact_name, contact_phone)
    times = dict(call_times or {})
    with store.write() as session:
        place = session.execute(
            select(Place).where(Place.session_id == session_id).with_for_update()
        ).scalar_one_or_none()
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
        free = max(0, place.capacity - place.booked)
        if len(ids) > free:
            raise GroupTooLarge(session_id, free, len(ids))
        booked = [
            book(
                store,
                patient_id,
                session_id,
                start,
                actor=actor,
                rules=rules,
                contact_name=contact_name,
                contact_phone=contact_phone,
                call_time=times.get(patient_id),
                within=session,
            )
            for patient_id, (_, start) in zip(ids, members, strict=True)
        ]
        record(
            session,
            actor,
            "book_group",
            "session",
            session_id,
            detail=f"{len(ids)} booked together: {', '.join(ids)}",
        )
    log.info("group of %d booked in session %s", len(ids), session_id)
    return booked


def book_group_from_dataset(
    store: Store,
    dataset: Dataset,
    patient_ids: Sequence[str],
    session_id: str,
    *,
    actor: Actor = SYSTEM,
    rules: TaskRules = DEFAULT_RULES,
    lang: str = "en",
    contact_name: str | None = None,
    contact_phone: str | None = None,
) -> list[BookingInfo]:
    """Book the patients ``patient_ids`` of ``dataset`` into ``session_id`` together,
    after checking each against every rule of a match (``check_booking``; every
    member's problems are listed), importing the dataset's catalogue first when it
    differs from the stored one. Then as ``book_group``."""
    ids = _check_members(patient_ids)
    problems: list[Problem] = []
    members: list[tuple[str, date]] = []
    for patient_id in ids:
        try:
            members.append((patient_id, check_booking(dataset, patient_id, session_id, lang=lang)))
        except InputError as refused:
            problems += refused.problems
    if problems:
        raise InputError(problems)
    check_contact(contact_name, contact_phone)
    import_catalogue(store, dataset, actor=actor)
    patients = dataset.patients.set_index("patient_id")
    times = {}
    if "call_time" in patients.columns:
        times = {p: str(patients.at[p, "call_time"]) for p in ids}
    return book_group(
        store,
        session_id,
        members,
        actor=actor,
        rules=rules,
        contact_name=contact_name,
        contact_phone=contact_phone,
        call_times=times,
    )
