"""The batch plan for the whole waiting list: ``plan(dataset)``.

Steps: build the arrays (``costs.MatchModel``), scan every patient against
every session in blocks and keep the cheapest allowed pairs per patient
(plus the nearest, for the manual baseline), solve exactly with min-cost flow
and prove optimality over all allowed pairs by pricing, switch to CP-SAT only
when staff minutes for home visits are exceeded, and explain every patient
left without a place.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .costs import MatchModel, block_size, evaluate
from .domain import KINDS, MODES
from .explain import ESCALATED_REASON, reasons_for, taken_reason
from .io import Dataset
from .optimize import Arcs, Scaling, SideConstraint, Solution, greedy, solve_cpsat, solve_flow
from .result import PLAN_COLUMNS, Baseline, Plan
from .weights import Weights

__all__ = ["Progress", "plan"]

Progress = Callable[[str, float], None]
_ADD_PER_PATIENT = 16


@dataclass
class _Details:
    """Per-pair details carried beside ``Arcs`` (same order)."""

    travel: np.ndarray
    mode: np.ndarray
    start_day: np.ndarray
    wait: np.ndarray

    def concat(self, other: _Details) -> _Details:
        return _Details(
            *(np.concatenate([a, b]) for a, b in zip(self.parts(), other.parts(), strict=True))
        )

    def parts(self) -> tuple[np.ndarray, ...]:
        return (self.travel, self.mode, self.start_day, self.wait)


@dataclass
class _Scan:
    arcs: Arcs
    details: _Details
    near: Arcs  # nearest allowed pairs, for the baseline
    near_travel: np.ndarray
    options: np.ndarray  # allowed sessions per patient
    max_cost: float


def _pick(matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the (up to) ``k`` smallest finite entries per row."""
    if matrix.shape[1] > k:
        cols = np.argpartition(matrix, k - 1, axis=1)[:, :k]
    else:
        cols = np.broadcast_to(np.arange(matrix.shape[1]), matrix.shape)
    rows = np.broadcast_to(np.arange(matrix.shape[0])[:, None], cols.shape)
    keep = np.isfinite(matrix[rows, cols])
    return rows[keep], cols[keep]


def _blocks(model: MatchModel) -> list[np.ndarray]:
    size = block_size(model)
    return [np.arange(i, min(i + size, model.n_patients)) for i in range(0, model.n_patients, size)]


def _scan(model: MatchModel, k: int, progress: Progress | None) -> _Scan:
    parts: list[tuple[np.ndarray, ...]] = []
    near_parts: list[tuple[np.ndarray, ...]] = []
    options = np.zeros(model.n_patients, np.int64)
    max_cost = 0.0
    blocks = _blocks(model)
    for number, block in enumerate(blocks):
        ev = evaluate(model, block)
        options[block] = ev.feasible.sum(axis=1)
        if ev.feasible.any():
            max_cost = max(max_cost, float(ev.cost[ev.feasible].max()))
        r, c = _pick(ev.cost, k)
        parts.append(
            (
                block[r],
                c,
                ev.cost[r, c],
                ev.travel_min[r, c],
                ev.mode[r, c],
                ev.start_day[r, c],
                ev.wait_days[r, c],
            )
        )
        near = np.where(ev.feasible, ev.travel_min, np.inf)
        r, c = _pick(near, k)
        near_parts.append((block[r], c, ev.cost[r, c], near[r, c]))
        if progress:
            progress("costs", (number + 1) / len(blocks))

    def cat(items: list[tuple[np.ndarray, ...]], i: int, dtype: type) -> np.ndarray:
        return np.concatenate([x[i] for x in items]).astype(dtype) if items else np.zeros(0, dtype)

    return _Scan(
        arcs=Arcs(cat(parts, 0, np.int64), cat(parts, 1, np.int64), cat(parts, 2, np.float64)),
        details=_Details(
            cat(parts, 3, np.float32),
            cat(parts, 4, np.int8),
            cat(parts, 5, np.int64),
            cat(parts, 6, np.int64),
        ),
        near=Arcs(
            cat(near_parts, 0, np.int64),
            cat(near_parts, 1, np.int64),
            cat(near_parts, 2, np.float64),
        ),
        near_travel=cat(near_parts, 3, np.float64),
        options=options,
        max_cost=max_cost,
    )


def _pricer(
    model: MatchModel, known: list[np.ndarray], extra_details: list[_Details]
) -> Callable[..., Arcs]:
    """A ``price`` function for ``solve_flow`` over all allowed pairs."""
    n_s = model.n_sessions

    def price(pot_p: np.ndarray, pot_s: np.ndarray, scaling: Scaling) -> Arcs:
        keys = np.sort(known[0])
        found: list[tuple[np.ndarray, ...]] = []
        for block in _blocks(model):
            ev = evaluate(model, block)
            cost = np.where(ev.feasible, ev.cost, 0.0)
            reduced = scaling.cost(cost) + pot_p[block, None] - pot_s[None, :]
            reduced = np.where(ev.feasible, reduced, 0)
            r, c = np.nonzero(reduced < 0)
            if len(r) == 0:
                continue
            key = block[r] * n_s + c
            new = ~np.isin(key, keys, assume_unique=False)
            r, c = r[new], c[new]
            order = np.lexsort((reduced[r, c], r))
            r, c = r[order], c[order]
            rank = np.arange(len(r)) - np.searchsorted(r, r)
            keep = rank < _ADD_PER_PATIENT
            r, c = r[keep], c[keep]
            found.append(
                (
                    block[r],
                    c,
                    ev.cost[r, c],
                    ev.travel_min[r, c],
                    ev.mode[r, c],
                    ev.start_day[r, c],
                    ev.wait_days[r, c],
                )
            )
        if not found:
            return Arcs.empty()
        cols = [np.concatenate([f[i] for f in found]) for i in range(7)]
        known[0] = np.concatenate([known[0], cols[0] * n_s + cols[1]])
        extra_details.append(
            _Details(cols[3].astype(np.float32), cols[4].astype(np.int8), cols[5], cols[6])
        )
        return Arcs(cols[0].astype(np.int64), cols[1].astype(np.int64), cols[2].astype(np.float64))

    return price


def _staff_limits(
    dataset: Dataset, model: MatchModel, arcs: Arcs, details: _Details
) -> list[SideConstraint]:
    """Staff minutes per home-visit service and weekday, from staff.csv."""
    staff = dataset.staff
    if staff is None or len(staff) == 0 or len(arcs) == 0:
        return []
    minutes = (
        (staff["shift_end_min"] - staff["shift_start_min"])
        .groupby([staff["offer_id"], staff["weekday"]])
        .sum()
    )
    home_visit = KINDS.index("home_visit")
    offer = model.s_offer[arcs.session]
    is_home = model.o_kind[offer] == home_visit
    constraints = []
    use = model.weights.home_visit_min + 2 * np.ceil(details.travel).astype(np.int64)
    for (offer_id, weekday), limit in minutes.items():
        o = int(np.flatnonzero(model.offer_ids == offer_id)[0])
        day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(weekday)
        mine = np.flatnonzero(is_home & (offer == o) & (model.s_day[arcs.session] == day))
        if len(mine):
            constraints.append(SideConstraint(f"{offer_id} {weekday}", mine, use[mine], int(limit)))
    return constraints


def _broken(constraints: list[SideConstraint], arc_of: np.ndarray) -> list[str]:
    chosen = arc_of[arc_of >= 0]
    return [c.name for c in constraints if int(c.use[np.isin(c.arcs, chosen)].sum()) > c.limit]


def _assignments(
    dataset: Dataset,
    model: MatchModel,
    solution_arc: np.ndarray,
    arcs: Arcs,
    details: _Details,
    options: np.ndarray,
) -> pd.DataFrame:
    n = model.n_patients
    placed = solution_arc >= 0
    a = solution_arc[placed]
    session = np.full(n, -1, np.int64)
    session[placed] = arcs.session[a]
    offer = np.where(placed, model.s_offer[np.maximum(session, 0)], -1)
    offers = dataset.offers
    mode_names = np.array([*MODES, "staff", ""], dtype=object)

    def fill(values: np.ndarray, empty: Any, dtype: Any = object) -> np.ndarray:
        out = np.full(n, empty, dtype=dtype)
        out[placed] = values
        return out

    status = np.where(placed, "placed", np.where(model.p_escalate, "escalated", "unplaced"))
    reason = np.full(n, "", dtype=object)
    reason[model.p_escalate] = ESCALATED_REASON
    taken = ~placed & ~model.p_escalate & (options > 0)
    reason[taken] = [taken_reason(int(k)) for k in options[taken]]
    empty = np.flatnonzero(~placed & ~model.p_escalate & (options == 0))
    if len(empty):
        reason[empty] = reasons_for(model, empty)
    mode_index = details.mode[a].astype(np.int64)
    frame = pd.DataFrame(
        {
            "patient_id": model.patient_ids,
            "status": status,
            "offer_id": fill(model.offer_ids[offer[placed]], ""),
            "session_id": fill(model.session_ids[session[placed]], ""),
            "kind": fill(offers["kind"].to_numpy()[offer[placed]], ""),
            "start_date": fill(
                details.start_day[a].astype("datetime64[D]").astype("datetime64[ns]"),
                np.datetime64("NaT"),
                "datetime64[ns]",
            ),
            "wait_days": pd.array(fill(details.wait[a], None), dtype="Int64"),
            "travel_min": fill(np.round(details.travel[a].astype(float), 1), np.nan, float),
            "travel_mode": fill(mode_names[np.where(mode_index == -1, len(MODES), mode_index)], ""),
            "fee_dkk_month": fill(model.o_fee[offer[placed]], np.nan, float),
            "cost": fill(np.round(arcs.cost[a], 2), np.nan, float),
            "reason": reason,
        }
    )
    return frame[list(PLAN_COLUMNS)]


def _baseline(model: MatchModel, scan: _Scan, scaling_reward_points: float) -> Baseline:
    order = np.lexsort((np.arange(model.n_patients), model.p_discharge))
    extra: dict[int, tuple[float, float]] = {}

    def fallback(p: int, remaining: np.ndarray) -> int:
        ev = evaluate(model, np.array([p]))
        travel = np.where(ev.feasible[0] & (remaining > 0), ev.travel_min[0], np.inf)
        s = int(np.argmin(travel)) if len(travel) else -1
        if s < 0 or not np.isfinite(travel[s]):
            return -1
        extra[p] = (float(ev.cost[0, s]), float(travel[s]))
        return s

    chosen = greedy(order, model.s_capacity, scan.near, scan.near_travel, fallback)
    chosen = np.concatenate([chosen, np.full(model.n_patients - len(chosen), -1)])
    direct = chosen >= 0
    placed = direct | (chosen <= -2)
    cost = float(scan.near.cost[chosen[direct]].sum()) + sum(c for c, _ in extra.values())
    travel = float(scan.near_travel[chosen[direct]].sum()) + sum(t for _, t in extra.values())
    priority = int(model.p_priority[placed].sum())
    unplaced = float((model.p_priority[~placed] * scaling_reward_points).sum())
    return Baseline(int(placed.sum()), priority, travel, cost + unplaced)


def plan(
    dataset: Dataset,
    *,
    time_limit: float = 30.0,
    workers: int = 1,
    weights: Weights | None = None,
    booked: Mapping[str, int] | None = None,
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
    solver
        ``"auto"`` (flow, CP-SAT only when side constraints bind), ``"flow"``
        (ignore staff minutes) or ``"cpsat"`` (always CP-SAT, hinted by flow).
    baseline
        Also compute the manual baseline (nearest suitable place in order of
        discharge) for comparison.
    """
    if solver not in ("auto", "flow", "cpsat"):
        raise ValueError(f"unknown solver '{solver}' (auto, flow or cpsat)")
    started = time.perf_counter()
    model = MatchModel.from_dataset(dataset, weights, booked=booked)
    w = model.weights
    scan = _scan(model, w.candidates_per_patient, progress)
    max_priority = int(model.p_priority.max()) if model.n_patients else 1
    scaling = Scaling.choose(scan.max_cost, model.n_patients, model.n_sessions, max_priority)
    reward_points = scaling.reward / scaling.scale
    known = [scan.arcs.patient * max(1, model.n_sessions) + scan.arcs.session]
    extra_details: list[_Details] = []
    if progress:
        progress("solving", 0.0)
    solution: Solution
    solution, arcs = solve_flow(
        model.n_patients,
        model.s_capacity,
        model.p_priority,
        scan.arcs,
        scaling,
        price=_pricer(model, known, extra_details),
    )
    details = scan.details
    for more in extra_details:
        details = details.concat(more)
    notes = list(solution.notes)
    if solver != "flow":
        side = _staff_limits(dataset, model, arcs, details)
        broken = _broken(side, solution.arc)
        if broken or solver == "cpsat":
            if broken:
                notes.append(
                    "staff minutes exceeded in the flow plan for: " + ", ".join(broken[:5])
                )
            if progress:
                progress("CP-SAT", 0.0)
            flow_objective = solution.objective
            solution = solve_cpsat(
                model.n_patients,
                model.s_capacity,
                model.p_priority,
                arcs,
                scaling,
                side,
                hint=solution.arc,
                time_limit=time_limit,
                workers=workers,
                seed=seed,
            )
            solution.bound = max(solution.bound, flow_objective)
    if progress:
        progress("writing", 1.0)
    assignments = _assignments(dataset, model, solution.arc, arcs, details, scan.options)
    base = _baseline(model, scan, reward_points) if baseline and model.n_patients else None
    placed = assignments["status"].to_numpy() == "placed"
    return Plan(
        assignments=assignments,
        status=solution.status,
        objective=solution.objective,
        bound=solution.bound,
        seconds=time.perf_counter() - started,
        solver=solution.solver,
        priority_placed=int(model.p_priority[placed].sum()),
        priority_total=int(model.p_priority.sum()),
        reward_points=reward_points,
        baseline=base,
        notes=tuple(notes),
        rounds=solution.rounds,
        pairs=len(arcs),
    )
