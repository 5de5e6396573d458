"""The service's request bodies, as the OpenAPI document shows them.

A typed ``Profile`` carries the columns of ``patients.csv`` (as the app's
form does), each checked as the loader checks the file: a value that does not
fit its column is a problem naming ``patient:-:column``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..dataset.schema import PATIENTS
from ..store import STATUSES

__all__ = [
    "AttendanceRequest",
    "BookRequest",
    "DatasetRequest",
    "MoveRequest",
    "PlanRequest",
    "Profile",
    "RecommendRequest",
    "ScheduleRequest",
    "StatusRequest",
    "TaskDoneRequest",
]

#: What one cell of a typed profile may be: text, a number, yes/no, or a list.
Cell = str | int | float | bool | list[str] | None
#: A pseudonym's shape (``matcher.privacy.PSEUDONYM``); the store checks the rest.
Pseudonym = Field(min_length=1, max_length=64)
_STRICT = ConfigDict(extra="forbid")


def _profile_model() -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for column in PATIENTS.columns:
        if column.required:
            fields[column.name] = (Cell, Field(description=f"patients.csv: {column.type}"))
        else:
            fields[column.name] = (Cell, Field(None, description=f"patients.csv: {column.type}"))
    return create_model("Profile", __config__=_STRICT, **fields)


#: A patient typed in: the columns of ``patients.csv``.
Profile = _profile_model()


class RecommendRequest(BaseModel):
    """Who to recommend for: a ``patient_id`` of the dataset, or a typed ``profile``."""

    model_config = _STRICT
    patient_id: str | None = Field(None, min_length=1, max_length=64)
    profile: Profile | None = None  # type: ignore[valid-type]
    top: int = Field(5, ge=1, le=100)
    lang: Literal["da", "en"] = "da"
    today: date | None = None


class BookRequest(BaseModel):
    """A place for ``patient_id`` of ``dataset`` in ``session_id``."""

    model_config = _STRICT
    dataset: str = Field(min_length=1, max_length=200)
    patient_id: str = Pseudonym
    session_id: str = Field(min_length=1, max_length=64)
    contact_name: str | None = Field(None, max_length=200)
    contact_phone: str | None = Field(None, max_length=40)


class MoveRequest(BaseModel):
    """Move a booking to ``session_id`` (of ``dataset``)."""

    model_config = _STRICT
    dataset: str = Field(min_length=1, max_length=200)
    session_id: str = Field(min_length=1, max_length=64)


class AttendanceRequest(BaseModel):
    """Whether the patient of a booking came on ``date``."""

    model_config = _STRICT
    date: date
    present: bool


class TaskDoneRequest(BaseModel):
    """A follow-up task's outcome (one of ``matcher.store.OUTCOMES`` of its kind)."""

    model_config = _STRICT
    outcome: str | None = Field(None, min_length=1, max_length=40)
    called: str | None = Field(None, max_length=20)
    as_of: date | None = None


class StatusRequest(BaseModel):
    """A referral status a person decided on (``matcher.store.STATUSES``)."""

    model_config = _STRICT
    to: Literal[STATUSES]  # type: ignore[valid-type]
    reason: str = Field("", max_length=200)
    re_offer: date | None = None
    referrer: str | None = Field(None, max_length=64)
    as_of: date | None = None


class PlanRequest(BaseModel):
    """A batch plan of a dataset around the store's bookings."""

    model_config = _STRICT
    time_limit: float = Field(30.0, ge=0, le=3600)
    workers: int = Field(1, ge=1, le=64)
    solver: Literal["auto", "flow", "cpsat"] = "auto"
    seed: int = Field(0, ge=0, le=2**31 - 1)


class ScheduleRequest(BaseModel):
    """A schedule over the coming weeks."""

    model_config = _STRICT
    weeks: int = Field(ge=1, le=104)
    start: date | None = None
    guarantee_days: int = Field(28, ge=1, le=3660)
    join_weeks: int = Field(2, ge=1, le=520)
    budgets: list[float] | None = Field(None, max_length=50)
    time_limit: float = Field(30.0, ge=0, le=3600)
    workers: int = Field(1, ge=1, le=64)
    seed: int = Field(0, ge=0, le=2**31 - 1)


class DatasetRequest(BaseModel):
    """A dataset folder under the service's data folder, to load as ``name``."""

    model_config = _STRICT
    name: str = Field(min_length=1, max_length=64, pattern=r"^[\w.\-]+$")
    folder: str = Field(min_length=1, max_length=1000)
    municipality: str | None = Field(None, min_length=1, max_length=64)
