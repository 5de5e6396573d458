"""Booking a whole pathway at once: ``POST /datasets/{name}/pathways/bookings``
(role ``physiotherapist``).

The same public function as ``brobygger book --pathway``
(``store.pathway_bookings.book_pathway``): the ladder that follows the first step
``session_id`` is booked in one transaction, all steps or none, the first step firm
and each later step ``provisional`` (it holds its place until its confirming call,
a ``confirm_step`` task). ``expected``, when given, is the list of session ids the
person was shown; a ladder that is not that any more is refused (422) and nothing is
booked. A step whose places went to others is 409, as a full session is for a single
booking; a step that breaks a rule, or no later step fitting, is 422. Each booking
and the pathway as a whole are in the audit log as ``book_pathway`` writes them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from ..store import BookingInfo, SessionFull
from ..store.pathway_bookings import book_pathway
from ..words.problems import problem
from .access import allowed, service
from .auth import Principal
from .people import booking_body
from .problems import PROBLEM_RESPONSES, Refused
from .state import ServiceState

__all__ = ["PathwayBookRequest", "router"]

router = APIRouter(responses=PROBLEM_RESPONSES)
Physio = Annotated[Principal, Depends(allowed("physiotherapist"))]
State = Annotated[ServiceState, Depends(service)]
Body = dict[str, Any]
SessionId = Annotated[str, Field(min_length=1, max_length=64)]


class PathwayBookRequest(BaseModel):
    """The pathway of ``patient_id`` from its first step ``session_id``."""

    model_config = ConfigDict(extra="forbid")
    patient_id: str = Field(min_length=1, max_length=64)
    session_id: SessionId
    #: the session ids of the steps the person was shown, first step first
    expected: list[SessionId] | None = Field(None, min_length=1, max_length=20)
    contact_name: str | None = Field(None, max_length=200)
    contact_phone: str | None = Field(None, max_length=40)


def _step(info: BookingInfo) -> Body:
    """A booking as ``POST /bookings`` answers it, with its place in the pathway."""
    end = None if info.end_date is None else info.end_date.isoformat()
    return {
        **booking_body(info),
        "provisional": info.provisional,
        "follows": info.follows,
        "end_date": end,
    }


@router.post("/datasets/{name}/pathways/bookings", status_code=201, tags=["bookings"])
def book_whole_pathway(name: str, ask: PathwayBookRequest, who: Physio, state: State) -> Body:
    """Book every step of the pathway from ``session_id`` at once (201): the first step
    firm, the later ones held until their confirming call; 409 when a step's places
    went meanwhile, 422 for a broken rule or a ladder not the one ``expected``."""
    loaded = state.dataset(name, who)
    state.own_store(who)
    try:
        booked = book_pathway(
            state.store,
            loaded.dataset,
            ask.patient_id,
            ask.session_id,
            expected=ask.expected,
            actor=who.audit_actor(),
            contact_name=ask.contact_name,
            contact_phone=ask.contact_phone,
        )
    except SessionFull as full:
        template = "session '{session_id}' has no free place"
        where = [problem("session_id", None, None, template, session_id=full.session_id)]
        raise Refused(409, "full", where) from None
    return {"bookings": [_step(b) for b in booked]}
