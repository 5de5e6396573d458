"""Where a new activity would help most: ``/datasets/{name}/sites`` (``analyst``,
``planner``).

The same public function as ``brobygger sites``
(``municipality.siting.best_sites``): a new activity of a kind, on a weekday at a
time, for a group size and fee, and the best ``k`` sites for it (venues and
district centres) that together serve the most patients without a suitable
option now, the activity given as query parameters (a list as the parameter
repeated: ``languages=da&languages=en``). The answer is ``SiteChoice.summary()``:
aggregates only, never a pseudonym; a count below 5, or one that would let a
count below 5 be worked out from the others, is ``null``. A wrong description is
a 422 problem naming the field.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from ..domain import INTENSITIES, KINDS, OFFER_GENDERS, WEEKDAYS
from ..errors import InputError, Problem
from .access import allowed, service
from .auth import Principal
from .people import plain
from .problems import PROBLEM_RESPONSES
from .state import ServiceState

__all__ = ["SitesRequest", "router"]

router = APIRouter(responses=PROBLEM_RESPONSES)
Aggregates = Annotated[Principal, Depends(allowed("analyst", "planner"))]
State = Annotated[ServiceState, Depends(service)]
Body = dict[str, Any]
#: The fields of ``SitesRequest`` that the command line's options name otherwise.
_FIELDS = {"--fee": "fee_dkk_month"}
Code = Annotated[str, Field(min_length=1, max_length=20)]


class SitesRequest(BaseModel):
    """A new activity with one weekly session (the options of ``brobygger sites``),
    how many sites to choose (``k``) and whom to serve: patients with no option of
    its kind now (``among=kind``) or with no option at all (``any``)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal[KINDS]  # type: ignore[valid-type]
    weekday: Literal[WEEKDAYS]  # type: ignore[valid-type]
    start: str = Field(min_length=1, max_length=8, description="HH:MM")
    end: str = Field(min_length=1, max_length=8, description="HH:MM, after start")
    group_size: int = Field(ge=1, le=200)
    fee_dkk_month: float = Field(0.0, ge=0, le=100_000, allow_inf_nan=False)
    capacity: int | None = Field(None, ge=1, le=10_000)
    k: int = Field(3, ge=1, le=100)
    intensity: Literal[INTENSITIES] = "low"  # type: ignore[valid-type]
    supervised: bool = True
    languages: list[Code] = Field(["da"], min_length=1, max_length=20)
    diagnoses: list[Code] = Field(["all"], min_length=1, max_length=20)
    gender: Literal[OFFER_GENDERS] = "any"  # type: ignore[valid-type]
    among: Literal["kind", "any"] = "kind"
    time_limit: float = Field(10.0, ge=0, le=3600, allow_inf_nan=False)
    seed: int = Field(0, ge=0, le=2**31 - 1)


def _named(found: Problem) -> Problem:
    """A problem of the activity's description as the request names it: the query and
    the field, not the command line's option."""
    field = _FIELDS.get(found.file, found.file.removeprefix("--").replace("-", "_"))
    return dataclasses.replace(found, file="query", column=field)


@router.get("/datasets/{name}/sites", tags=["aggregates"])
def sites(name: str, who: Aggregates, state: State, ask: Annotated[SitesRequest, Query()]) -> Body:
    """The best ``k`` sites for a new activity; counts below 5, and what would give one
    back by subtraction, are null."""
    from ..municipality.siting import NewActivity, best_sites

    loaded = state.dataset(name, who)
    activity = NewActivity(
        kind=ask.kind,
        weekday=ask.weekday,
        start=ask.start,
        end=ask.end,
        group_size=ask.group_size,
        fee_dkk_month=ask.fee_dkk_month,
        diagnoses=tuple(ask.diagnoses),
        languages=tuple(ask.languages),
        gender=ask.gender,
        intensity=ask.intensity,
        supervised=ask.supervised,
        capacity=ask.capacity,
    )
    try:
        choice = best_sites(
            loaded.dataset,
            activity,
            ask.k,
            among=ask.among,
            time_limit=min(ask.time_limit, state.config.limits.job_seconds),
            seed=ask.seed,
        )
    except InputError as exc:
        raise InputError([_named(p) for p in exc.problems]) from None
    return {"dataset": name, **plain(choice.summary())}
