"""Plans, schedules, aggregates and the catalogue.

``planner``: start a plan (``plan_around_bookings``) or a schedule
(``planning.schedule.schedule``) as a background job, follow its progress,
fetch its result. ``analyst`` (and ``planner``): the gap analysis per district
(``municipality.gaps.gap_analysis``, counts below 5 hidden by
``municipality.suppression``) and who still takes part per kind
(``store.holding_by_kind``): aggregates only, never a pseudonym. ``admin``:
load a dataset folder, import its catalogue into the store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from ..domain import KINDS
from ..store import holding_by_kind, import_catalogue
from ..words.problems import problem
from .access import Caller, allowed, service
from .auth import Principal
from .models import DatasetRequest, PlanRequest, ScheduleRequest
from .people import plain
from .problems import PROBLEM_RESPONSES, Refused
from .state import Loaded, ServiceState

__all__ = ["router"]

router = APIRouter(responses=PROBLEM_RESPONSES)
Planner = Annotated[Principal, Depends(allowed("planner"))]
Aggregates = Annotated[Principal, Depends(allowed("analyst", "planner"))]
Admin = Annotated[Principal, Depends(allowed("admin"))]
State = Annotated[ServiceState, Depends(service)]
Body = dict[str, Any]
Progress = Callable[[str, float], None]


def _limited(seconds: float, state: ServiceState) -> float:
    """A solver's time limit within the job's own."""
    return min(seconds, state.config.limits.job_seconds)


def _plan_work(loaded: Loaded, ask: PlanRequest, state: ServiceState) -> Any:
    from ..store.replan import plan_around_bookings

    def work(progress: Progress) -> Body:
        result = plan_around_bookings(
            loaded.dataset,
            state.store.url,
            time_limit=_limited(ask.time_limit, state),
            workers=ask.workers,
            solver=ask.solver,
            seed=ask.seed,
            progress=progress,
        )
        return {"summary": plain(result.summary()), "rows": plain(result.table())}

    return work


def _schedule_work(loaded: Loaded, ask: ScheduleRequest, state: ServiceState) -> Any:
    from ..planning.schedule import schedule

    def work(progress: Progress) -> Body:
        result = schedule(
            loaded.dataset,
            weeks=ask.weeks,
            start=None if ask.start is None else ask.start.isoformat(),
            guarantee_days=ask.guarantee_days,
            cohort_join_weeks=ask.join_weeks,
            budgets=ask.budgets,
            time_limit=_limited(ask.time_limit, state),
            workers=ask.workers,
            seed=ask.seed,
            progress=progress,
        )
        return {"summary": plain(result.summary()), "rows": plain(result.table())}

    return work


@router.post("/datasets/{name}/plans", status_code=202, tags=["planning"])
def start_plan(name: str, ask: PlanRequest, who: Planner, state: State) -> Body:
    """Start a batch plan around the store's bookings as a background job (202)."""
    loaded = state.dataset(name, who)
    job = state.jobs.submit(
        "plan", _plan_work(loaded, ask, state), owner=who.key, municipality=loaded.municipality
    )
    return job.view()


@router.post("/datasets/{name}/schedules", status_code=202, tags=["planning"])
def start_schedule(name: str, ask: ScheduleRequest, who: Planner, state: State) -> Body:
    """Start a schedule over the coming weeks as a background job (202)."""
    loaded = state.dataset(name, who)
    work = _schedule_work(loaded, ask, state)
    job = state.jobs.submit("schedule", work, owner=who.key, municipality=loaded.municipality)
    return job.view()


def _job(job_id: str, who: Principal, state: ServiceState) -> Any:
    job = state.jobs.get(job_id)
    if job is None or not who.covers(job.municipality):
        template = "there is no job '{job_id}'"
        raise Refused(404, "job", [problem("job_id", None, None, template, job_id=job_id)])
    return job


@router.get("/jobs/{job_id}", tags=["planning"])
def job_state(job_id: str, who: Planner, state: State) -> Body:
    """Where a job stands: ``queued``, ``running`` (stage and progress share),
    ``done``, ``failed`` (its problems) or ``timed_out``."""
    return _job(job_id, who, state).view()


@router.get("/jobs/{job_id}/result", tags=["planning"])
def job_result(job_id: str, who: Planner, state: State) -> Body:
    """A finished job's result: its summary and rows (PLAN.csv or schedule.csv)."""
    job = _job(job_id, who, state)
    if job.state != "done" or job.result is None:
        template = "the job is {state}; it has no result"
        raise Refused(409, "job", [problem("job_id", None, None, template, state=job.state)])
    rows = job.result.get("rows", [])
    state.audit_reads(who, job.kind, job.job_id, [str(r.get("patient_id")) for r in rows])
    return {**job.view(), **job.result}


@router.get("/datasets/{name}/gaps", tags=["aggregates"])
def gaps(
    name: str,
    who: Aggregates,
    state: State,
    band: Literal["any", "day", "evening"] = "any",
    kind: Annotated[str | None, Query(max_length=40)] = None,
) -> Body:
    """Coverage and E2SFCA per district and kind; counts below 5, and what would
    give one back by subtraction, are left empty."""
    from ..municipality.gaps import gap_analysis

    loaded = state.dataset(name, who)
    if kind is not None and kind not in KINDS:
        template = "'{value}' is not one of {options}"
        raise Refused(
            422,
            "input",
            [problem("kind", None, None, template, value=kind, options=", ".join(KINDS))],
        )
    kinds = (kind,) if kind else KINDS
    analysis = gap_analysis(loaded.dataset, band=band, kinds=kinds)
    return {"summary": plain(analysis.summary()), "districts": plain(analysis.table())}


@router.get("/holding", tags=["aggregates"])
def holding(who: Aggregates, state: State) -> Body:
    """Who still takes part 3 and 6 months on, per kind; counts below 5 hidden."""
    state.own_store(who)
    return {"kinds": plain(holding_by_kind(state.store))}


@router.get("/datasets", tags=["datasets"])
def datasets(who: Caller, state: State) -> Body:
    """The datasets loaded that the caller may use: names and counts."""
    return {"datasets": [d.view() for d in state.datasets(who)]}


@router.post("/datasets", status_code=201, tags=["datasets"])
def load(ask: DatasetRequest, who: Admin, state: State) -> Body:
    """Load a dataset folder under the service's data folder as ``name``."""
    if not who.covers(ask.municipality):
        template = "belongs to another municipality than the caller's"
        raise Refused(403, "role", [problem("municipality", None, None, template)])
    return state.load(ask.name, Path(ask.folder), ask.municipality).view()


@router.post("/datasets/{name}/catalogue", tags=["datasets"])
def catalogue(name: str, who: Admin, state: State) -> Body:
    """Import a dataset's catalogue (offers, sessions) into the store, keeping bookings."""
    loaded = state.dataset(name, who)
    state.own_store(who)
    report = import_catalogue(state.store, loaded.dataset, actor=who.audit_actor())
    return {
        "import_id": report.import_id,
        "changed": report.changed,
        "offers": report.offers,
        "sessions": report.sessions,
        "added": report.added,
        "removed": report.removed,
        "resized": report.resized,
        "conflicts": len(report.conflicts),
    }
