"""Bookings and follow-up as FHIR R5 resources: ``Appointment`` and ``Task`` in a
``Bundle`` of type ``collection``.

``fhir_bundle(store)`` builds the Bundle (a JSON object) and checks every
resource with ``fhir.resources`` (the ``fhir`` extra); ``write_fhir_bundle``
writes it, whole or not at all. URLs and codes are those of
``matcher.dataset.fhir_profile`` (base ``https://brobygger.dk/fhir``).

One ``Appointment`` per booking (id ``booking-<n>``):

======================  ==========================================================
FHIR                    from the store
======================  ==========================================================
``status``              ``cancelled`` for a cancelled booking; otherwise from its
                        attendance: ``fulfilled`` once the patient came to a session,
                        ``noshow`` when every recorded session was missed,
                        ``pending`` for a later step of a pathway not yet confirmed,
                        else ``booked``
``start``, ``end``      the first meeting (``start_date``) at the session's times in
                        the current catalogue, Copenhagen time (left out when the
                        session is no longer in the catalogue)
``participant``         the patient (identifier of ``sid/pseudonym``, type Patient)
                        and the offer (identifier of ``sid/offer``, type
                        HealthcareService), both ``accepted``
``subject``             the patient, as above
``identifier``          the booking number (``sid/booking``)
``created``             when it was booked; ``cancellationDate`` when cancelled
``extension``           ``session-id`` (``valueString``) and, when the patient has one,
                        the referral's status (``referral-status``, ``valueCoding``)
======================  ==========================================================

One ``Task`` per follow-up task (id ``task-<n>``): ``status`` ``ready`` (open,
first call), ``in-progress`` (open, a later call), ``completed`` (done) or
``cancelled``; ``intent`` ``plan``; ``code`` its kind (``CodeSystem/task-kind``);
``businessStatus`` its outcome (``CodeSystem/task-outcome``: ``reached``,
``no_answer`` ...; ``open`` while open); ``for`` the patient; ``focus`` the
Appointment of its booking; ``requestedPeriod.start`` the day it is due;
``executionPeriod`` from when it was made to when it was closed; ``authoredOn``
and ``lastModified``; ``identifier`` its number (``sid/task``). A task's free-text
note and a booking's contact person are not written (they may name people).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..dataset.export import atomic_path
from ..dataset.fhir_profile import (
    BOOKING_SYSTEM,
    FHIR_BASE,
    OFFER_SYSTEM,
    PSEUDONYM_SYSTEM,
    REFERRAL_STATUS_EXTENSION,
    REFERRAL_STATUS_SYSTEM,
    SESSION_EXTENSION,
    TASK_KIND_SYSTEM,
    TASK_OUTCOME_SYSTEM,
    TASK_SYSTEM,
    fhir_class,
)
from .db import Store
from .importer import current_import
from .models import Attendance, Booking, CatalogueSession, Referral, Task

__all__ = ["Exported", "appointment_status", "fhir_bundle", "task_status", "write_fhir_bundle"]

#: The time zone of every session's clock.
ZONE = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class Exported:
    """What ``write_fhir_bundle`` wrote: the file and how many of each resource."""

    path: Path
    appointments: int
    tasks: int


def appointment_status(booking_status: str, present: Iterable[bool], *, provisional: bool) -> str:
    """An Appointment's status from a booking's status and its attendance."""
    if booking_status == "cancelled":
        return "cancelled"
    seen = list(present)
    if any(seen):
        return "fulfilled"
    if seen:
        return "noshow"
    return "pending" if provisional else "booked"


def task_status(status: str, attempt: int) -> str:
    """A FHIR Task's status from a follow-up task's status and call number."""
    if status == "done":
        return "completed"
    if status == "cancelled":
        return "cancelled"
    return "ready" if attempt <= 1 else "in-progress"


def _patient(patient_id: str) -> dict[str, Any]:
    return {"type": "Patient", "identifier": {"system": PSEUDONYM_SYSTEM, "value": patient_id}}


def _instant(day: date, clock: str) -> str:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), ZONE).isoformat()


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _appointment(
    booking: Booking, present: list[bool], times: tuple[str, str] | None, status: str | None
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": f"booking-{booking.id}",
        "identifier": [{"system": BOOKING_SYSTEM, "value": str(booking.id)}],
        "status": appointment_status(
            booking.status, present, provisional=bool(getattr(booking, "provisional", False))
        ),
        "subject": _patient(booking.patient_id),
        "participant": [
            {"actor": _patient(booking.patient_id), "status": "accepted"},
            {
                "actor": {
                    "type": "HealthcareService",
                    "identifier": {"system": OFFER_SYSTEM, "value": booking.offer_id},
                },
                "status": "accepted",
            },
        ],
        "created": _stamp(booking.booked_at),
        "extension": [{"url": SESSION_EXTENSION, "valueString": booking.session_id}],
    }
    if times is not None:
        resource["start"] = _instant(booking.start_date, times[0])
        resource["end"] = _instant(booking.start_date, times[1])
    if booking.status == "cancelled" and booking.cancelled_at is not None:
        resource["cancellationDate"] = _stamp(booking.cancelled_at)
    if status is not None:
        coding = {"system": REFERRAL_STATUS_SYSTEM, "code": status}
        resource["extension"].append({"url": REFERRAL_STATUS_EXTENSION, "valueCoding": coding})
    return {k: v for k, v in resource.items() if v is not None}


def _task(task: Task) -> dict[str, Any]:
    outcome = task.outcome or "open"
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"task-{task.id}",
        "identifier": [{"system": TASK_SYSTEM, "value": str(task.id)}],
        "status": task_status(task.status, task.attempt),
        "intent": "plan",
        "code": {"coding": [{"system": TASK_KIND_SYSTEM, "code": task.kind}]},
        "businessStatus": {
            "coding": [{"system": TASK_OUTCOME_SYSTEM, "code": outcome}],
            "text": outcome,
        },
        "for": _patient(task.patient_id),
        "requestedPeriod": {"start": task.due_date.isoformat()},
        "executionPeriod": {"start": _stamp(task.created_at)},
        "authoredOn": _stamp(task.created_at),
        "lastModified": _stamp(task.done_at or task.created_at),
    }
    if task.done_at is not None:
        resource["executionPeriod"]["end"] = _stamp(task.done_at)
    if task.booking_id is not None:
        resource["focus"] = {"reference": f"Appointment/booking-{task.booking_id}"}
    return resource


def _session_times(store: Store) -> dict[str, tuple[str, str]]:
    found = current_import(store)
    if found is None:
        return {}
    with store.read() as session:
        rows = session.execute(
            select(CatalogueSession.session_id, CatalogueSession.start, CatalogueSession.end).where(
                CatalogueSession.import_id == found.id
            )
        ).all()
    return {r[0]: (r[1], r[2]) for r in rows}


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    kind = resource["resourceType"]
    fhir_class(kind).model_validate(resource)  # a resource Brobygger builds is valid R5
    return {"fullUrl": f"{FHIR_BASE}/{kind}/{resource['id']}", "resource": resource}


def fhir_bundle(store: Store, *, now: datetime | None = None) -> dict[str, Any]:
    """Every booking as an Appointment and every follow-up task as a Task, in one
    Bundle of type ``collection`` (a JSON object), each resource checked with
    ``fhir.resources``."""
    fhir_class("Bundle")  # InputError naming the extra before any reading
    times = _session_times(store)
    with store.read() as session:
        bookings = list(session.scalars(select(Booking).order_by(Booking.id)))
        attended: dict[int, list[bool]] = {}
        for booking_id, present in session.execute(
            select(Attendance.booking_id, Attendance.present).order_by(Attendance.date)
        ):
            attended.setdefault(booking_id, []).append(bool(present))
        statuses = dict(session.execute(select(Referral.patient_id, Referral.status)).all())
        tasks = list(session.scalars(select(Task).order_by(Task.id)))
    entries = [
        _entry(
            _appointment(
                b, attended.get(b.id, []), times.get(b.session_id), statuses.get(b.patient_id)
            )
        )
        for b in bookings
    ]
    entries += [_entry(_task(t)) for t in tasks]
    stamp = (now or datetime.now(ZONE)).astimezone(ZONE).isoformat(timespec="seconds")
    bundle = {"resourceType": "Bundle", "type": "collection", "timestamp": stamp, "entry": entries}
    fhir_class("Bundle").model_validate(bundle)
    return bundle


def write_fhir_bundle(store: Store, path: str | Path) -> Exported:
    """Write ``fhir_bundle(store)`` as JSON to ``path``, whole or not at all."""
    bundle = fhir_bundle(store)
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    text = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Exported(Path(path), kinds.count("Appointment"), kinds.count("Task"))
