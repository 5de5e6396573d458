"""The batch plan for the whole waiting list: ``plan(dataset)``.

Steps: build the arrays (``costs.MatchModel``); scan every patient against
every session once, in blocks, and keep every allowed pair with its cost in a
compact store (``Pairs``); give each cohort of team-mates who go on together
its shared session and bonus (``together``); solve exactly with min-cost flow
from the cheapest pairs per patient and prove optimality over *all* allowed
pairs by pricing the store, with the staff-minute solvers only when staff
minutes for home visits are exceeded (``solve``); explain every patient left
without a place; and compare with the manual rule (nearest suitable place, in
order of discharge).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..domain import VULNERABILITY_FLAGS, priority
from ..match.costs import THREADS, MatchModel, allowed_pairs, pair_dates
from ..match.explain import ESCALATED_REASON, reasons_for, taken_reason
from ..match.pairs import Pairs
from ..match.transport import trips
from ..match.weights import Weights
from ..optimize.greedy import greedy
from ..optimize.problem import (
    SolverOptions,
)
from ..words.notes import noted
from . import together
from .result import Baseline, Placements, Plan, plan_rows, plan_status, travel_mode_names
from .solve import solve

__all__ = ["BOOKED_REASON", "Progress", "plan"]

#: The reason PLAN.csv gives for a patient who keeps a place already booked.
BOOKED_REASON = "already booked"

Progress = Callable[[str, float], None]
#: Cells (patients x sessions) per block of the scan: small enough to stay in cache.
_SCAN_CELLS = 1_000_000


def _scan(model: MatchModel, k: int, progress: Progress | None) -> tuple[Pairs, np.ndarray]:
    """Every allowed pair (one pass over patients x sessions, in blocks, on every core),
    and the store positions of the ``k`` cheapest pairs per patient to start the flow from."""
    size = max(1, _SCAN_CELLS // max(1, model.n_sessions, len(model.offer_ids)))
    n = model.n_patients
    parts: list[Pairs] = []
    picked: list[np.ndarray] = []
    total = 0

    def block_pairs(lo: int) -> tuple[np.ndarray, Pairs]:
        block = np.arange(lo, min(lo + size, n))
        return block, allowed_pairs(model, block)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for block, pairs in pool.map(block_pairs, range(0, n, size)):
            parts.append(pairs.shifted(int(block[0])))
            picked.append(total + pairs.cheapest(k))
            total += len(pairs)
            if progress:
                progress("costs", min(1.0, (block[-1] + 1) / n))
    if progress and n == 0:
        progress("costs", 1.0)
    store = Pairs.concat(parts)
    return store, (np.concatenate(picked) if picked else np.zeros(0, np.int64))


def _assignments(
    dataset: Dataset, model: MatchModel, store: Pairs, pair: np.ndarray
) -> pd.DataFrame:
    """PLAN.csv as a frame; ``pair`` is the store position per patient (-1: none)."""
    n = model.n_patients
    placed = pair >= 0
    at = pair[placed]
    session = store.session[at].astype(np.int64)
    offer = model.s_offer[session]
    start_day, wait = pair_dates(model, np.flatnonzero(placed), session)
    options = store.options(n)
    reason = np.full(n, "", dtype=object)
    reason[model.p_escalate] = ESCALATED_REASON
    taken = ~placed & ~model.p_escalate & (options > 0)
    reason[taken] = [taken_reason(int(k)) for k in options[taken]]
    empty = np.flatnonzero(~placed & ~model.p_escalate & (options == 0))
    if len(empty):
        reason[empty] = reasons_for(model, empty)
    where = Placements(
        offer_id=model.offer_ids[offer],
        session_id=model.session_ids[session],
        kind=dataset.offers["kind"].to_numpy()[offer],
        start=start_day.astype("datetime64[D]"),
        wait_days=wait,
        travel_min=store.travel_min[at],
        travel_mode=travel_mode_names(store.mode[at]),
        fee_dkk_month=model.o_fee[offer],
        cost=store.cost[at],
    )
    status = plan_status(placed, model.p_escalate)
    return plan_rows(model.patient_ids, status, reason, placed, where)


def _booked_rows(dataset: Dataset, booked: pd.DataFrame) -> pd.DataFrame:
    """PLAN.csv rows for patients who hold a booking (one each)."""
    patients = dataset.patients.set_index("patient_id")
    offers = dataset.offers.set_index("offer_id")
    discharge = pd.to_datetime(patients.loc[booked["patient_id"], "discharge_date"]).to_numpy()
    start = pd.to_datetime(booked["start_date"]).to_numpy()
    n = len(booked)
    where = Placements(
        offer_id=booked["offer_id"].to_numpy(),
        session_id=booked["session_id"].to_numpy(),
        kind=offers["kind"].reindex(booked["offer_id"]).fillna("").to_numpy(),
        start=start,
        wait_days=((start - discharge) / np.timedelta64(1, "D")).astype("int64"),
        travel_min=np.full(n, np.nan),
        travel_mode=np.full(n, "", dtype=object),
        fee_dkk_month=offers["fee_dkk_month"].reindex(booked["offer_id"]).to_numpy(dtype=float),
        cost=np.full(n, np.nan),
    )
    reason = np.array([f"{BOOKED_REASON} (booking {b})" for b in booked["booking_id"]], object)
    placed = np.ones(n, bool)
    status = plan_status(placed, np.zeros(n, bool))
    return plan_rows(booked["patient_id"].to_numpy(), status, reason, placed, where)


def _without_booked_places(dataset: Dataset, bookings: pd.DataFrame) -> Dataset:
    """``dataset`` with each session's ``capacity`` reduced by its bookings (never below
    0 places)."""
    known = set(dataset.sessions["session_id"])
    counts = {
        str(sid): int(k)
        for sid, k in bookings["session_id"].astype(str).value_counts().items()
        if str(sid) in known
    }
    return dataset.less_capacity(counts)


def _around_bookings(
    dataset: Dataset, bookings: pd.DataFrame, again: Callable[[Dataset], Plan]
) -> Plan:
    """The plan (``again``) of everyone without a booking, with booked places taken off
    capacity and the patients holding one listed as placed in their booked session."""
    ids = dataset.patients["patient_id"]
    booked = bookings[bookings["patient_id"].isin(ids)].drop_duplicates("patient_id")
    reduced = _without_booked_places(dataset, bookings)
    if booked.empty:
        return again(reduced)
    holding = ids.isin(booked["patient_id"]).to_numpy()
    result = again(reduced.replace(patients=reduced.patients[~holding].reset_index(drop=True)))
    rows = _booked_rows(dataset, booked)
    order = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    assignments = pd.concat([result.assignments, rows], ignore_index=True)
    assignments = assignments.iloc[
        np.argsort(order[assignments["patient_id"]].to_numpy(), kind="stable")
    ]
    flags = dataset.patients.loc[holding, list(VULNERABILITY_FLAGS)].to_numpy(dtype=bool)
    held = int(priority(flags).sum())
    return replace(
        result,
        assignments=assignments.reset_index(drop=True),
        priority_placed=result.priority_placed + held,
        priority_total=result.priority_total + held,
        notes=(*result.notes, noted("{n} patients already booked keep their place", n=len(rows))),
    )


def _baseline(model: MatchModel, store: Pairs, reward_points: float) -> Baseline:
    """The manual rule: in order of discharge, the nearest allowed session with room."""
    order = np.lexsort((np.arange(model.n_patients), model.p_discharge))
    chosen = greedy(order, model.s_capacity, store.arcs(np.arange(len(store))), store.travel_min)
    chosen = np.concatenate([chosen, np.full(model.n_patients - len(chosen), -1)])
    placed = chosen >= 0
    at = chosen[placed]
    unplaced = float((model.p_priority[~placed] * reward_points).sum())
    return Baseline(
        placed=int(placed.sum()),
        priority_placed=int(model.p_priority[placed].sum()),
        total_travel_min=float(store.travel_min[at].astype(float).sum()),
        objective=float(store.cost[at].sum()) + unplaced,
    )


def plan(
    dataset: Dataset,
    *,
    time_limit: float = 30.0,
    workers: int = 1,
    weights: Weights | None = None,
    booked: Mapping[str, int] | None = None,
    bookings: pd.DataFrame | None = None,
    solver: str = "auto",
    seed: int = 0,
    baseline: bool = True,
    progress: Progress | None = None,
) -> Plan:
    """Assign every patient on the waiting list to one next step.

    Parameters
    ----------
    time_limit
        Seconds CP-SAT may use when it is needed (staff minutes for home
        visits exceeded, or ``solver="cpsat"``). Min-cost flow is exact and
        fast and always runs to the end.
    workers
        CP-SAT search workers.
    booked
        Places already booked per session id; they reduce capacity.
    bookings
        Active bookings (``booking_id, patient_id, session_id, offer_id,
        start_date``, as ``store.bookings.active_bookings`` gives them): a
        patient who holds one keeps it (placed in the booked session, reason
        "already booked"), every booked place is taken off capacity, and only
        the others are planned.
    solver
        ``"auto"`` (flow, CP-SAT only when side constraints bind), ``"flow"``
        (ignore staff minutes) or ``"cpsat"`` (always CP-SAT, hinted by flow).
    baseline
        Also compute the manual baseline (nearest suitable place in order of
        discharge) for comparison.
    progress
        Called with a stage name and the share done (0 to 1).
    """
    if solver not in ("auto", "flow", "cpsat"):
        raise ValueError(f"unknown solver '{solver}' (auto, flow or cpsat)")
    if bookings is not None:

        def again(data: Dataset) -> Plan:
            return plan(
                data,
                time_limit=time_limit,
                workers=workers,
                weights=weights,
                booked=booked,
                solver=solver,
                seed=seed,
                baseline=baseline,
                progress=progress,
            )

        return _around_bookings(dataset, bookings, again)
    started = time.perf_counter()
    model = MatchModel.from_dataset(dataset, weights, booked=booked)
    store, first = _scan(model, model.weights.candidates_per_patient, progress)
    if len(store) <= model.weights.all_pairs_up_to:
        first = np.arange(len(store))
    options = SolverOptions(time_limit=time_limit, workers=workers, seed=seed)
    groups = together.cohorts(dataset)
    bonus = model.weights.together_bonus
    chosen = together.cohort_sessions(store, groups, bonus, model.s_capacity)
    while True:
        priced = together.with_bonus(store, groups, chosen, bonus)
        solved = solve(dataset, model, priced, first, options, solver=solver, progress=progress)
        session_of = np.full(model.n_patients, -1, np.int64)
        session_of[solved.pair >= 0] = store.session[solved.pair[solved.pair >= 0]]
        fallen = together.apart(groups, chosen, session_of)
        if len(fallen) == 0:
            break
        chosen[fallen] = -1  # the bonus bought no company: plan those cohorts again without
    notes = list(solved.notes)
    count = together.together_count(groups, chosen, session_of)
    if count.sum():
        notes.append(
            noted(
                "{n} team-mates of {cohorts} cohorts placed together in their cohort's session",
                n=int(count.sum()),
                cohorts=int((count > 0).sum()),
            )
        )
    if progress:
        progress("writing", 1.0)
    assignments = _assignments(dataset, model, store, solved.pair)
    base = _baseline(model, store, solved.reward_points) if baseline and model.n_patients else None
    placed = assignments["status"].to_numpy() == "placed"
    at = solved.pair[placed]
    return Plan(
        assignments=assignments,
        status=solved.status,
        objective=solved.objective,
        bound=solved.bound,
        seconds=time.perf_counter() - started,
        solver=solved.solver,
        priority_placed=int(model.p_priority[placed].sum()),
        priority_total=int(model.p_priority.sum()),
        reward_points=solved.reward_points,
        baseline=base,
        notes=tuple(notes),
        rounds=solved.rounds,
        pairs=solved.pairs,
        transport=trips(model, np.flatnonzero(placed), store.session[at], store.mode[at]),
    )
