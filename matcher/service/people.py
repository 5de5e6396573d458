"""Operations on one patient's data: recommend, book, cancel, move, attendance,
follow-up tasks and referral statuses (role ``physiotherapist``).

Each calls the public function the command line and the app call
(``Recommender``, ``book_from_dataset``, ``cancel``, ``record_attendance``,
``list_tasks``/``complete_task``, ``current_status``/``set_status``); every
patient-level answer is written to the audit log as a read.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query

from ..discharge.options import kept_recommender
from ..errors import InputError
from ..store import (
    SessionFull,
    book_from_dataset,
    booked_counts,
    cancel,
    check_booking,
    complete_task,
    current_status,
    list_tasks,
    record_attendance,
    set_status,
    status_history,
)
from ..store.audit import check_pseudonym
from ..words.problems import problem
from .access import allowed, service
from .auth import Principal
from .models import (
    AttendanceRequest,
    BookRequest,
    MoveRequest,
    RecommendRequest,
    StatusRequest,
    TaskDoneRequest,
)
from .problems import PROBLEM_RESPONSES, Refused
from .state import ServiceState

__all__ = ["plain", "router"]

router = APIRouter(responses=PROBLEM_RESPONSES)
Physio = Annotated[Principal, Depends(allowed("physiotherapist"))]
State = Annotated[ServiceState, Depends(service)]
Body = dict[str, Any]
#: A booking or task number, as the database stores them.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def plain(value: Any) -> Any:
    """``value`` (a summary, a frame's rows) as plain JSON data."""
    if isinstance(value, pd.DataFrame):
        frame = value.copy()
        for column in frame.columns:  # a day as YYYY-MM-DD, a moment with its time
            stamps = frame[column]
            if pd.api.types.is_datetime64_any_dtype(stamps):
                days = stamps.dropna()
                if (days == days.dt.normalize()).all():
                    frame[column] = [None if pd.isna(t) else f"{t:%Y-%m-%d}" for t in stamps]
            elif stamps.dtype == object and stamps.map(_is_day).any():
                frame[column] = [v.isoformat() if _is_day(v) else v for v in stamps]
        return json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))
    return json.loads(json.dumps(value, default=str))


def booking_body(info: Any) -> Body:
    """A booking as the service answers it."""
    return {
        "booking_id": info.booking_id,
        "patient_id": info.patient_id,
        "session_id": info.session_id,
        "offer_id": info.offer_id,
        "start_date": info.start_date.isoformat(),
        "status": info.status,
    }


def _full(exc: SessionFull, session_id: str) -> Refused:
    template = "session '{session_id}' has no free place"
    return Refused(
        409, "full", [problem("session_id", None, None, template, session_id=session_id)]
    )


@router.post("/datasets/{name}/recommendations", tags=["patients"])
def recommend(name: str, ask: RecommendRequest, who: Physio, state: State) -> Body:
    """The few next steps that fit one patient (by id, or a typed profile),
    ranked as the batch plan would, with reasons."""
    if (ask.patient_id is None) == (ask.profile is None):
        template = "give either patient_id or profile"
        raise InputError([problem("body", None, "patient_id", template)])
    loaded = state.dataset(name, who)
    booked = booked_counts(state.store.url, loaded.dataset)
    recommender = kept_recommender(loaded.dataset, booked=booked, today=ask.today)
    if ask.profile is not None:
        cells = {k: v for k, v in ask.profile.model_dump().items() if v is not None}
        found = recommender.recommend(cells, ask.top, lang=ask.lang)
    else:
        assert ask.patient_id is not None
        found = recommender.recommend(ask.patient_id, ask.top, lang=ask.lang)
    state.audit_reads(who, "recommendation", name, [found.patient_id])
    return {"lang": ask.lang, "top": ask.top, **plain(found.summary())}


@router.post("/bookings", status_code=201, tags=["bookings"])
def book(ask: BookRequest, who: Physio, state: State) -> Body:
    """Book a place (201), or 409 when the session is full; a pair that breaks a
    rule is refused with the rule named (422) and writes nothing."""
    loaded = state.dataset(ask.dataset, who)
    state.own_store(who)
    try:
        info, _ = book_from_dataset(
            state.store,
            loaded.dataset,
            ask.patient_id,
            ask.session_id,
            actor=who.audit_actor(),
            contact_name=ask.contact_name,
            contact_phone=ask.contact_phone,
        )
    except SessionFull as full:
        raise _full(full, ask.session_id) from None
    return booking_body(info)


@router.delete("/bookings/{booking_id}", tags=["bookings"])
def cancel_booking(booking_id: RowId, who: Physio, state: State) -> Body:
    """Cancel a booking; its place is free again."""
    state.own_store(who)
    return booking_body(cancel(state.store, booking_id, actor=who.audit_actor()))


@router.post("/bookings/{booking_id}/move", tags=["bookings"])
def move(booking_id: RowId, ask: MoveRequest, who: Physio, state: State) -> Body:
    """Move a booking to another session: the new pair is checked first, then
    the booking is cancelled and the new one made (as in the app: cancel, book).
    When the new session has filled meanwhile (409), the old place is booked
    again (as a new booking), if it is still free."""
    loaded = state.dataset(ask.dataset, who)
    state.own_store(who)
    actor = who.audit_actor()
    old = _active(state, booking_id)
    check_booking(loaded.dataset, old["patient_id"], ask.session_id)
    cancel(state.store, booking_id, actor=actor)
    try:
        info, _ = book_from_dataset(
            state.store, loaded.dataset, old["patient_id"], ask.session_id, actor=actor
        )
    except (SessionFull, InputError) as exc:
        # the old place again; when it has been taken meanwhile, the patient has none
        with contextlib.suppress(SessionFull, InputError):
            book_from_dataset(
                state.store, loaded.dataset, old["patient_id"], old["session_id"], actor=actor
            )
        if isinstance(exc, SessionFull):
            raise _full(exc, ask.session_id) from None
        raise
    return {"cancelled": booking_id, "booking": booking_body(info)}


def _active(state: ServiceState, booking_id: int) -> dict[str, str]:
    from ..store import active_bookings

    frame = active_bookings(state.store)
    rows = frame[frame["booking_id"] == booking_id]
    if not len(rows):
        template = "there is no active booking {booking_id}"
        raise InputError([problem("booking_id", None, None, template, booking_id=booking_id)])
    row = rows.iloc[0]
    return {"patient_id": str(row["patient_id"]), "session_id": str(row["session_id"])}


@router.post("/bookings/{booking_id}/attendance", tags=["follow-up"])
def attendance(booking_id: RowId, ask: AttendanceRequest, who: Physio, state: State) -> Body:
    """Record whether the patient came; two missed sessions in a row make a call task."""
    state.own_store(who)
    done = record_attendance(
        state.store, booking_id, ask.date, ask.present, actor=who.audit_actor()
    )
    return {
        "booking_id": done.booking_id,
        "date": done.day.isoformat(),
        "present": ask.present,
        "corrected": done.corrected,
        "call_task_id": done.call_task_id,
        "cancelled_task_ids": list(done.cancelled_task_ids),
    }


@router.get("/tasks", tags=["follow-up"])
def tasks(
    who: Physio,
    state: State,
    due: bool = False,
    as_of: date | None = None,
    everything: Annotated[bool, Query(alias="all")] = False,
) -> Body:
    """Follow-up tasks (open ones; with ``all`` also done and cancelled ones);
    with ``due``, only those due by ``as_of`` (today)."""
    state.own_store(who)
    statuses = ("open", "done", "cancelled") if everything else ("open",)
    frame = list_tasks(
        state.store, due_by=(as_of or date.today()) if due else None, statuses=statuses
    )
    rows = plain(frame)
    state.audit_reads(who, "tasks", "list", [str(r["patient_id"]) for r in rows])
    return {"tasks": rows}


@router.post("/tasks/{task_id}/done", tags=["follow-up"])
def task_done(task_id: RowId, ask: TaskDoneRequest, who: Physio, state: State) -> Body:
    """Complete a task with its outcome; says the next task and the status it set."""
    state.own_store(who)
    today = ask.as_of or date.today()
    result = complete_task(
        state.store, task_id, ask.outcome, actor=who.audit_actor(), today=today, called=ask.called
    )
    return plain(
        {
            "task_id": result.task_id,
            "kind": result.kind,
            "outcome": result.outcome,
            "next_task_id": result.next_task_id,
            "next_kind": result.next_kind,
            "next_call_time": result.next_call_time,
            "patient_id": result.patient_id,
            "status": result.status,
        }
    )


@router.get("/patients/{patient_id}/status", tags=["follow-up"])
def status(patient_id: str, who: Physio, state: State) -> Body:
    """A patient's referral status and every change of it."""
    state.own_store(who)
    check_pseudonym(patient_id, "patient_id")
    now = current_status(state.store, patient_id)
    history = status_history(state.store, patient_id)
    state.audit_reads(who, "status", patient_id, [patient_id])
    return {
        "patient_id": patient_id,
        "status": None if now is None else now.status,
        "since": None if now is None else now.since.isoformat(),
        "history": plain(history),
    }


@router.post("/patients/{patient_id}/status", tags=["follow-up"])
def change_status(patient_id: str, ask: StatusRequest, who: Physio, state: State) -> Body:
    """Set a patient's referral status; a change the status does not allow is refused."""
    state.own_store(who)
    changed = set_status(
        state.store,
        patient_id,
        ask.to,
        actor=who.audit_actor(),
        reason=ask.reason,
        re_offer=ask.re_offer,
        referrer=ask.referrer,
        today=ask.as_of or date.today(),
    )
    return {
        "patient_id": changed.patient_id,
        "from_status": changed.from_status,
        "to_status": changed.to_status,
        "re_offer_task_id": changed.re_offer_task_id,
    }
