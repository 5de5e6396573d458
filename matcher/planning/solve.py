"""One exact solve of the batch plan over a store of allowed pairs: ``solve``.

Min-cost flow from the cheapest pairs per patient, proven optimal over every
pair of the store by pricing it (column generation); when the flow plan puts
more home visits on a day than the staff minutes allow, the neighbourhood
re-plan (``optimize.side``) and the exact search over staff minutes
(``optimize.exact``) finish it. ``plan.plan`` calls it once, or again when a
cohort of team-mates lost its shared session (``together``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..dataset.load import Dataset
from ..domain import WEEKDAYS
from ..errors import InputError
from ..match.costs import HOME_VISIT, MatchModel
from ..match.model import staff_minutes
from ..match.pairs import Pairs
from ..optimize.cpsat import solve_cpsat
from ..optimize.exact import search
from ..optimize.flow import solve_flow
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

__all__ = ["Solved", "solve"]

Progress = Callable[[str, float], None]
#: Most left-out pairs a pricing round adds per patient (the most negative first).
_ADD_PER_PATIENT = 32
_PRICE_MARGIN = 0.0
#: Pairs per chunk when pricing (bounds the temporary memory, about 40 bytes a pair).
_PRICE_CHUNK = 2_000_000


#: Share of the time limit the neighbourhood re-plan (and its CP-SAT) has when the exact
#: search follows: half up to ``SMALL_PLAN`` patients, where CP-SAT proves the re-planned
#: part quickly, and little beyond, where the exact search proves it sooner.
SIDE_SHARE = 0.03
SMALL_PLAN = 3_000


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


@dataclass(frozen=True)
class Solved:
    """What ``solve`` found: the store position per patient (-1: unplaced) and the
    solver's figures, objective and bound in cost points."""

    pair: np.ndarray
    status: str
    objective: float
    bound: float
    solver: str
    notes: tuple[str, ...]
    reward_points: float
    rounds: int
    pairs: int


def solve(
    dataset: Dataset,
    model: MatchModel,
    store: Pairs,
    first: np.ndarray,
    options: SolverOptions,
    *,
    solver: str,
    progress: Progress | None,
) -> Solved:
    """The exact plan over every allowed pair of ``store``, starting the flow from the
    pairs at ``first``; staff minutes by ``solver`` (see ``plan``)."""
    time_limit = options.time_limit
    max_priority = int(model.p_priority.max()) if model.n_patients else 1
    lowest = float(store.cost.min()) if len(store) else 0.0
    span = store.max_cost - min(0.0, lowest)  # a team-mate's bonus may make a cost negative
    try:
        scaling = Scaling.choose(span, model.n_patients, model.n_sessions, max_priority)
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
            # without labels no exact search follows, so CP-SAT finishes the plan; with
            # them, on a large plan, the exact search does and the re-plan is its start
            large = flow.labels is not None and model.n_patients > SMALL_PLAN
            share = SIDE_SHARE if large else 0.5
            solution = solve_side(
                problem,
                replace(options, time_limit=time_limit * share, open_cpsat=flow.labels is None),
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
    return Solved(
        pair=pair,
        status=status,
        objective=objective,
        bound=bound,
        solver=solver_name,
        notes=tuple(notes),
        reward_points=reward_points,
        rounds=flow.rounds,
        pairs=len(arcs),
    )
