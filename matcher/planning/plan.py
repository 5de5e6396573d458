"""The batch plan for the whole waiting list: ``plan(dataset)``.

Steps: build the arrays (``costs.MatchModel``); scan every patient against
every session once, in blocks, and keep every allowed pair with its cost in a
compact store (``Pairs``); solve exactly with min-cost flow from the
cheapest pairs per patient and prove optimality over *all* allowed pairs by
pricing the store; switch to CP-SAT only when staff minutes for home visits
are exceeded; explain every patient left without a place; and compare with
the manual rule (nearest suitable place, in order of discharge).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..domain import VULNERABILITY_FLAGS, WEEKDAYS, priority
from ..errors import InputError
from ..match.costs import HOME_VISIT, THREADS, MatchModel, allowed_pairs, pair_dates
from ..match.explain import ESCALATED_REASON, reasons_for, taken_reason
from ..match.model import staff_minutes
from ..match.pairs import Pairs
from ..match.weights import Weights
from ..optimize.cpsat import solve_cpsat
from ..optimize.exact import search
from ..optimize.flow import solve_flow
from ..optimize.greedy import greedy
from ..optimize.problem import (
    Arcs,
    AssignmentProblem,
    Scaling,
    SideConstraint,
    Solution,
    SolverOptions,
    arc_mask,
)
from ..optimize.side import solve_side
from ..words import problems as worded
from ..words.notes import noted
from .result import Baseline, Placements, Plan, plan_rows, plan_status, travel_mode_names

__all__ = ["BOOKED_REASON", "Progress", "plan"]

#: The reason PLAN.csv gives for a patient who keeps a place already booked.
BOOKED_REASON = "already booked"

Progress = Callable[[str, float], None]
#: Most left-out pairs a pricing round adds per patient (the most negative first).
_ADD_PER_PATIENT = 32
_PRICE_MARGIN = 0.0
#: Pairs per chunk when pricing (bounds the temporary memory, about 40 bytes a pair).
_PRICE_CHUNK = 2_000_000
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


def _pricer(store: Pairs, chosen: list[np.ndarray]) -> Callable[..., Arcs]:
    """A ``price`` function for ``solve_flow`` over every allowed pair in ``store``.

    ``chosen`` holds the store positions of the arcs given to the flow so far,
    in arc order; each round appends the positions it adds.
    """
    in_arcs = np.zeros(len(store), bool)
    in_arcs[chosen[0]] = True

    def price(pot_p: np.ndarray, pot_s: np.ndarray, scaling: Scaling) -> Arcs:
        found: list[np.ndarray] = []
        margin = int(_PRICE_MARGIN * scaling.scale)
        improving = False
        for a in range(0, len(store), _PRICE_CHUNK):
            b = min(a + _PRICE_CHUNK, len(store))
            patient = store.row[a:b]
            reduced = scaling.cost(store.cost[a:b]) + pot_p[patient] - pot_s[store.session[a:b]]
            outside = ~in_arcs[a:b]
            improving = improving or bool((outside & (reduced < 0)).any())
            negative = np.flatnonzero((reduced < margin) & outside)
            if len(negative) == 0:
                continue
            row = patient[negative]
            order = np.lexsort((reduced[negative], row))
            negative, row = negative[order], row[order]
            first = np.searchsorted(row, row)
            keep = (np.arange(len(row)) - first) < _ADD_PER_PATIENT
            found.append(a + negative[keep])
        if not found or not improving:
            return Arcs.empty()
        new = np.sort(np.concatenate(found))
        in_arcs[new] = True
        chosen.append(new)
        return store.arcs(new)

    return price


def _staff_limits(
    dataset: Dataset, model: MatchModel, sessions: np.ndarray, travel: np.ndarray
) -> list[SideConstraint]:
    """Staff minutes per home-visit service and weekday, from staff.csv, over the
    pairs whose sessions are ``sessions``.

    A visit uses ``home_visit_min`` at the home plus the drive there and back
    (``travel``: one-way minutes per pair). A weekday without a shift has zero
    minutes; its sessions are never allowed (``MatchModel.s_staffed``), so no
    pair needs a constraint there.
    """
    minutes = staff_minutes(dataset)
    if minutes is None or len(sessions) == 0:
        return []
    home = np.flatnonzero(model.o_kind[model.s_offer[sessions]] == HOME_VISIT)
    session = sessions[home]
    # one key per (offer, weekday), and the home-visit arcs grouped by it
    key = model.s_offer[session] * len(WEEKDAYS) + model.s_day[session]
    order = np.argsort(key, kind="stable")
    home, key = home[order], key[order]
    use = model.weights.home_visit_min + 2 * np.ceil(travel[home]).astype(np.int64)
    position = {offer_id: i for i, offer_id in enumerate(model.offer_ids)}
    constraints = []
    for (offer_id, weekday), limit in minutes.items():
        o = position.get(offer_id)
        if o is None:
            continue
        k = o * len(WEEKDAYS) + WEEKDAYS.index(weekday)
        a, b = np.searchsorted(key, [k, k + 1])
        if b > a:
            constraints.append(
                SideConstraint(f"{offer_id} {weekday}", home[a:b], use[a:b], int(limit))
            )
    return constraints


def _store_pairs(position: np.ndarray, arc_of: np.ndarray) -> np.ndarray:
    """The store position of each patient's pair (-1: unplaced); ``arc_of`` indexes the
    flow's arcs, whose store positions are ``position``."""
    pair = np.full(len(arc_of), -1, np.int64)
    pair[arc_of >= 0] = position[arc_of[arc_of >= 0]]
    return pair


def _broken(constraints: list[SideConstraint], arc_of: np.ndarray, n_arcs: int) -> list[str]:
    chosen = arc_mask(arc_of, n_arcs)
    return [c.name for c in constraints if c.used(chosen) > c.limit]


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
    max_priority = int(model.p_priority.max()) if model.n_patients else 1
    try:
        scaling = Scaling.choose(store.max_cost, model.n_patients, model.n_sessions, max_priority)
    except ValueError as exc:
        raise InputError(
            [
                worded.problem(
                    "weights",
                    None,
                    None,
                    "a pair costs up to {cost:.3g} points: {reason}; use smaller weights",
                    cost=store.max_cost,
                    reason=exc,
                )
            ]
        ) from None
    reward_points = scaling.reward / scaling.scale
    chosen = [first]
    if progress:
        progress("solving", 0.0)
    options = SolverOptions(time_limit=time_limit, workers=workers, seed=seed)
    problem = AssignmentProblem(
        model.n_patients, model.s_capacity, model.p_priority, store.arcs(first), scaling
    )
    solution: Solution
    solution, arcs = solve_flow(problem, options, price=_pricer(store, chosen))
    problem = replace(problem, arcs=arcs, complete=len(arcs) == len(store))
    position = np.concatenate(chosen)  # store position of every arc
    flow = solution
    notes = list(solution.notes)
    side_started = time.perf_counter()
    if solver != "flow":
        side = _staff_limits(dataset, model, arcs.session, store.travel_min[position])
        problem = replace(problem, side=tuple(side))
        broken = _broken(side, solution.arc, len(arcs))
        if broken:
            names = ", ".join(broken[:5])
            notes.append(noted("staff minutes exceeded in the flow plan for: {names}", names=names))
        if progress and (broken or solver == "cpsat"):
            progress("CP-SAT", 0.0)
        if solver == "cpsat":
            solution = solve_cpsat(problem, options, hint=solution.arc)
            solution = replace(solution, bound=max(solution.bound, flow.objective))
        elif broken:
            solution = solve_side(
                problem,
                # without labels no exact search follows, so CP-SAT finishes the plan
                replace(options, time_limit=time_limit / 2, open_cpsat=flow.labels is None),
                start=solution,
            )
    pair = _store_pairs(position, solution.arc)
    status, objective, bound = solution.status, solution.objective, solution.bound
    solver_name = solution.solver
    if solver == "auto" and status != "OPTIMAL" and flow.labels is not None:
        every = AssignmentProblem(
            model.n_patients,
            model.s_capacity,
            model.p_priority,
            store.arcs(),
            scaling,
            tuple(_staff_limits(dataset, model, store.session, store.travel_min)),
        )
        left = max(0.0, time_limit - (time.perf_counter() - side_started))
        found = search(
            every,
            replace(options, time_limit=left),
            flow=_store_pairs(position, flow.arc),
            labels=flow.labels,
            incumbent=pair,
        )
        notes += found.notes
        pair, status = found.pair, found.status
        objective, bound = found.objective / scaling.scale, found.bound / scaling.scale
        solver_name = "min-cost flow + exact search over staff minutes"
    elif solution is not flow:
        notes += solution.notes
    if progress:
        progress("writing", 1.0)
    assignments = _assignments(dataset, model, store, pair)
    base = _baseline(model, store, reward_points) if baseline and model.n_patients else None
    placed = assignments["status"].to_numpy() == "placed"
    return Plan(
        assignments=assignments,
        status=status,
        objective=objective,
        bound=bound,
        seconds=time.perf_counter() - started,
        solver=solver_name,
        priority_placed=int(model.p_priority[placed].sum()),
        priority_total=int(model.p_priority.sum()),
        reward_points=reward_points,
        baseline=base,
        notes=tuple(notes),
        rounds=flow.rounds,
        pairs=len(arcs),
    )
