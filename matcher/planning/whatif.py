"""What-if: which candidate exit teams to open under a budget of staff hours.

Candidate teams come as cohorts with staff hours over the horizon
(``matcher.planning.candidates``). ``tradeoff`` answers, for each staff-hour budget,
which candidates to open and who goes where, solving budgets in increasing
order:

* when every affordable candidate fits the budget together, they all open and
  min-cost flow assigns everyone exactly;
* otherwise a first plan keeps the previous budget's teams and adds those that
  serve the most priority per staff hour when every candidate is open. CP-SAT
  then improves it: one bool per candidate ("open c") gives its cohorts their
  places, a budget constraint limits the staff hours, and one bool per pair of
  a patient and a session assigns the patients concerned (a narrow and a wide
  neighbourhood in turn: those still waiting, those holding places they want,
  those who could join a candidate; everyone else keeps their place). The
  objective is lexicographic, in three stages: priority placed, then
  patients starting within the guarantee, then cost. Each result is
  re-assigned exactly by min-cost flow over all allowed pairs.

The previous budget's plan stays feasible under a larger budget: it is a
hint, and every model must place at least as many patients and as much
priority with no more breaches; a plan that would look worse is never taken.
So more budget never looks worse, in the order of the trade-off table
(``looks_worse``): priority placed, placed and breaches may only improve,
and when all three are equal the mean wait may not rise, nor (at an equal
wait) the mean travel. When the larger budget's search finds nothing better
in that sense, it keeps the smaller budget's plan (status ``KEPT``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from ortools.sat.python import cp_model

from ..optimize.problem import SolverOptions
from ..words.notes import noted
from .horizon import HorizonModel, Metrics

__all__ = ["STATUS_NOTES", "BudgetPlan", "looks_worse", "status_note", "tradeoff"]

#: Cheapest pairs per patient kept for CP-SAT, to existing and to candidate sessions.
PAIRS_PER_PATIENT = 3
_HUNDREDTHS = 100
Progress = Callable[[str, float], None]
#: What each status of a budget's plan means, in plain words (tradeoff.csv ``status_note``,
#: in English; notes of the catalogue, so the command line can say them in its language).
STATUS_NOTES: dict[str, str] = {
    "OPTIMAL": noted(
        "proven best for this budget: every candidate team the budget allows opens "
        "and everyone is assigned exactly"
    ),
    "LOCAL": noted(
        "best found, not proven best overall: re-planning the teams and the patients "
        "they concern (a narrow and a wide group) finds nothing better"
    ),
    "FEASIBLE": noted(
        "a good plan, not proven best: the search stopped (time limit) before it could "
        "show that nothing nearby is better"
    ),
    "KEPT": noted(
        "the smaller budget's plan, kept: the search with these hours found nothing "
        "better (that plan still fits these hours)"
    ),
}


@dataclass(frozen=True)
class BudgetPlan:
    """The plan for one staff-hour budget.

    ``opened``: positions of the candidates that run (and have patients);
    ``hours``: their staff hours over the horizon; ``arc_of``: the pair each
    patient uses (index into the horizon model's arcs, -1 unplaced);
    ``status``: ``OPTIMAL`` (every affordable candidate opens and min-cost
    flow assigns exactly), ``LOCAL`` (a local optimum: CP-SAT proved that no
    better plan exists in either neighbourhood of this one), ``FEASIBLE`` (the
    time limit ended the search) or ``KEPT`` (nothing better found than the
    plan of the smaller budget, by the planner's objective or by
    ``looks_worse``); ``STATUS_NOTES`` says each in plain words.
    """

    budget: float
    opened: np.ndarray
    hours: float
    arc_of: np.ndarray
    metrics: Metrics
    status: str
    seconds: float


@dataclass(frozen=True)
class _Budget:
    """One budget's search: the horizon model, places per session, each candidate's
    staff hours, the budget, the plan of the smaller budget's figures (``before``, which
    no plan may look worse than) and the plans given as hints."""

    hm: HorizonModel
    capacity: np.ndarray
    hours: np.ndarray
    budget: float
    before: Metrics
    hints: Sequence[np.ndarray]


def status_note(status: str) -> str:
    """The plain-words meaning of a budget plan's ``status`` (empty for an unknown one)."""
    return STATUS_NOTES.get(status, "")


def _cheapest(hm: HorizonModel, mask: np.ndarray, k: int) -> np.ndarray:
    """Indices of each patient's ``k`` cheapest arcs among ``mask``."""
    idx = np.flatnonzero(mask)
    order = idx[np.lexsort((hm.arcs.cost[idx], hm.arcs.patient[idx]))]
    patients = hm.arcs.patient[order]
    rank = np.arange(len(order)) - np.searchsorted(patients, patients)
    return order[rank < k]


def _neighbourhood(
    hm: HorizonModel, usable: np.ndarray, start: np.ndarray, wide: bool
) -> np.ndarray:
    """Patients free to move when candidates open.

    Narrow: those still waiting (unplaced with an allowed session, or placed
    after the guarantee), and those placed in a session a waiting patient could
    take who could move to a candidate instead. Wide: also everyone else who
    could join a candidate.
    Everyone else keeps the place ``start`` gives them; the exact flow that
    follows may still move them.
    """
    arcs = hm.arcs
    placed = start >= 0
    waiting = ~placed & np.isin(np.arange(hm.n_patients), arcs.patient[usable])
    waiting[placed] = hm.late[start[placed]]
    wanted = np.zeros(hm.n_sessions, bool)
    wanted[arcs.session[usable & waiting[arcs.patient]]] = True
    movable = np.zeros(hm.n_patients, bool)
    movable[arcs.patient[usable & (hm.s_candidate[arcs.session] >= 0)]] = True
    blocking = np.zeros(hm.n_patients, bool)
    blocking[placed] = wanted[arcs.session[start[placed]]]
    if wide:
        return waiting | movable
    return waiting | (blocking & movable)


def _cpsat(
    plan: _Budget,
    start: tuple[np.ndarray, np.ndarray],
    options: SolverOptions,
    *,
    wide: bool = False,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Open candidates and assign the patients they concern: (opened, arc_of, status).

    ``start`` (opened, arc per patient) is a plan within the budget that is
    no worse than ``plan.before``; patients outside the neighbourhood keep their
    place in it, and it is the first hint.
    """
    hm, capacity, hours, budget = plan.hm, plan.capacity, plan.hours, plan.budget
    before, hints = plan.before, plan.hints
    affordable = np.flatnonzero(hours <= budget + 1e-9)
    team = hm.s_candidate
    usable = ((capacity > 0) & ((team < 0) | np.isin(team, affordable)))[hm.arcs.session]
    start_open, before_arc = start
    free = _neighbourhood(hm, usable, before_arc, wide)
    kept = np.flatnonzero(~free & (before_arc >= 0))
    residual = capacity - np.bincount(hm.arcs.session[before_arc[kept]], minlength=hm.n_sessions)
    mine_only = usable & free[hm.arcs.patient]
    candidate = team[hm.arcs.session] >= 0
    picked = np.concatenate(
        [
            _cheapest(hm, mine_only & candidate, PAIRS_PER_PATIENT),
            _cheapest(hm, mine_only & ~candidate, PAIRS_PER_PATIENT),
            *(arc[(arc >= 0) & free] for arc in (before_arc, *hints)),
        ]
    )
    pairs = np.unique(picked[mine_only[picked]])
    patient, session = hm.arcs.patient[pairs], hm.arcs.session[pairs]
    priority = hm.model.p_priority[patient]
    in_time = (~hm.late[pairs]).astype(np.int64)
    cost = hm.scaling.cost(hm.base_cost[pairs])
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(pairs))]
    opened = {int(c): model.new_bool_var(f"open{c}") for c in affordable}
    for c in set(team[hm.arcs.session[before_arc[kept]]].tolist()) - {-1}:
        model.add(opened[int(c)] == 1)  # someone who keeps a place there needs it open
    order = np.argsort(patient, kind="stable")
    bounds = np.searchsorted(patient[order], np.arange(hm.n_patients + 1))
    for p in np.flatnonzero(free).tolist():
        mine = order[bounds[p] : bounds[p + 1]]
        if len(mine) > 1:
            model.add_at_most_one(x[i] for i in mine.tolist())
    order = np.argsort(session, kind="stable")
    bounds = np.searchsorted(session[order], np.arange(hm.n_sessions + 1))
    for s in np.unique(session).tolist():
        mine = order[bounds[s] : bounds[s + 1]].tolist()
        c = int(team[s])
        if c >= 0:
            for i in mine:
                model.add_implication(x[i], opened[c])
            model.add(sum(x[i] for i in mine) <= int(residual[s]) * opened[c])
        elif len(mine) > residual[s]:
            model.add(sum(x[i] for i in mine) <= int(residual[s]))
    cents = np.ceil(hours[affordable] * _HUNDREDTHS - 1e-6).astype(np.int64)
    model.add(
        cp_model.LinearExpr.weighted_sum([opened[int(c)] for c in affordable], cents.tolist())
        <= int(np.floor(budget * _HUNDREDTHS + 1e-6))
    )
    # the patients who keep their place count towards "never worse" as they are
    fixed = hm.metrics(np.where(free, -1, before_arc))
    placed = cp_model.LinearExpr.sum(x)
    prio = cp_model.LinearExpr.weighted_sum(x, priority.tolist())
    timely = cp_model.LinearExpr.weighted_sum(x, in_time.tolist())
    model.add(placed >= before.placed - fixed.placed)
    model.add(prio >= before.priority_placed - fixed.priority_placed)
    model.add(timely >= before.in_time - fixed.in_time)
    position = {int(a): i for i, a in enumerate(pairs.tolist())}
    chosen = np.zeros(len(pairs), bool)
    chosen[[position[int(a)] for a in before_arc[free & (before_arc >= 0)]]] = True
    open_now = {int(c) for c in start_open}
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, int(options.workers))
    solver.parameters.random_seed = int(options.seed)
    solver.parameters.linearization_level = 2
    solver.parameters.cp_model_probing_level = 0
    deadline = time.perf_counter() + max(0.0, options.time_limit)
    statuses = []
    stages = (
        ("max", prio, 0.45),
        ("max", timely, 0.5),
        ("min", cp_model.LinearExpr.weighted_sum(x, cost.tolist()), 1.0),
    )
    for sense, objective, share in stages:
        model.clear_hints()
        for i, var in enumerate(x):
            model.add_hint(var, bool(chosen[i]))
        for c, var in opened.items():
            model.add_hint(var, c in open_now)
        if sense == "max":
            model.maximize(objective)
        else:
            model.minimize(objective)
        left = deadline - time.perf_counter()
        solver.parameters.max_time_in_seconds = max(0.05, left * share)
        code = solver.solve(model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            statuses.append("FEASIBLE")
            break
        statuses.append(solver.status_name(code))
        chosen = np.array(solver.boolean_values(x), dtype=bool) if x else np.zeros(0, bool)
        open_now = {c for c, var in opened.items() if solver.boolean_value(var)}
        value = round(solver.objective_value)
        model.add(objective >= value if sense == "max" else objective <= value)
    arc_of = np.where(free, -1, before_arc)
    arc_of[patient[chosen]] = pairs[chosen]
    status = "OPTIMAL" if statuses and all(s == "OPTIMAL" for s in statuses) else "FEASIBLE"
    return np.array(sorted(open_now), dtype=np.int64), arc_of, status


def _greedy(
    hm: HorizonModel,
    capacity: np.ndarray,
    hours: np.ndarray,
    budget: float,
    opened: np.ndarray,
    every: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A first plan: keep ``opened`` and add candidates by the priority they
    serve when every candidate is open, per staff hour, while the budget lasts;
    then assign exactly."""
    placed = every >= 0
    team = hm.s_candidate[hm.arcs.session[every[placed]]]
    value = np.zeros(len(hours))
    inside = team >= 0
    np.add.at(value, team[inside], hm.model.p_priority[placed][inside])
    chosen = set(opened.tolist())
    spent = float(hours[list(chosen)].sum()) if chosen else 0.0
    for c in np.argsort(-value / np.maximum(hours, 1e-9), kind="stable").tolist():
        if value[c] > 0 and c not in chosen and spent + hours[c] <= budget + 1e-9:
            chosen.add(c)
            spent += float(hours[c])
    result = np.array(sorted(chosen), dtype=np.int64)
    return result, hm.solve(hm.capacity_with(result, capacity)).arc


def _search(
    plan: _Budget, start: tuple[np.ndarray, np.ndarray], options: SolverOptions
) -> tuple[np.ndarray, np.ndarray, str]:
    """Improve ``start`` by CP-SAT on narrow and wide neighbourhoods in turn,
    each result re-assigned exactly by min-cost flow, until neither improves
    or the time is up: (opened, arc_of, status)."""
    hm, capacity, before = plan.hm, plan.capacity, plan.before
    deadline = time.perf_counter() + max(0.0, options.time_limit)
    best = start
    best_key = hm.metrics(start[1]).key()
    idle = 0
    proven = True
    for number in range(8):
        wide = number % 2 == 1
        left = deadline - time.perf_counter()
        if left <= 0.5 or idle == 2:
            break
        share = replace(options, time_limit=left * (1.0 if wide else 0.35))
        opened, chosen, found = _cpsat(plan, best, share, wide=wide)
        exact = hm.solve(hm.capacity_with(opened, capacity)).arc
        improved = False
        for arc in (exact, chosen):
            metrics = hm.metrics(arc)
            if metrics.at_least(before) and metrics.key() < best_key:
                best, best_key, improved = (opened, arc), metrics.key(), True
        idle = 0 if improved else idle + 1
        proven = proven and found == "OPTIMAL"
    return best[0], best[1], "LOCAL" if idle == 2 and proven else "FEASIBLE"


def _better(metrics: Metrics, floor: Metrics, than: Metrics) -> bool:
    """No worse than ``floor`` in every reported figure, and at least as good as ``than``."""
    return metrics.at_least(floor) and metrics.key() <= than.key()


def looks_worse(metrics: Metrics, than: Metrics) -> bool:
    """Whether the trade-off table would show ``metrics`` as worse than ``than``.

    Worse: fewer priority placed, fewer placed or more breaches; or, with
    those three equal, a longer mean wait; or, with the wait equal too, a
    longer mean travel. Waits and travel compare as shown (in hundredths);
    a missing figure (no one placed, or no one travelling) counts as 0.
    """
    if not metrics.at_least(than):
        return True
    first = (metrics.priority_placed, metrics.placed, metrics.breaches)
    if first != (than.priority_placed, than.placed, than.breaches):
        return False  # better in one of them and worse in none

    def then(m: Metrics) -> tuple[float, float]:
        return (m.mean_wait or 0.0, m.mean_travel or 0.0)

    return then(metrics) > then(than)


def _in_use(hm: HorizonModel, opened: np.ndarray, arc_of: np.ndarray) -> np.ndarray:
    """The opened candidates that have at least one patient."""
    used = hm.s_candidate[hm.arcs.session[arc_of[arc_of >= 0]]]
    return np.array(sorted(set(opened.tolist()) & set(used.tolist())), dtype=np.int64)


def tradeoff(
    hm: HorizonModel,
    hours: np.ndarray,
    budgets: Sequence[float],
    *,
    capacity: np.ndarray | None = None,
    baseline: np.ndarray | None = None,
    time_limit: float = 30.0,
    workers: int = 1,
    seed: int = 0,
    progress: Progress | None = None,
) -> list[BudgetPlan]:
    """Plans for each budget of staff hours (over the horizon), in increasing order.

    Parameters
    ----------
    hours
        Staff hours of each candidate over the horizon.
    capacity
        Places per session to plan with (default: the model's); candidate
        sessions count only when their candidate is opened.
    baseline
        The exact plan without candidates under ``capacity`` (an arc per
        patient), when it is already known.
    time_limit
        Seconds for CP-SAT per budget.
    """
    cap0 = hm.capacity if capacity is None else capacity
    options = SolverOptions(time_limit=time_limit, workers=workers, seed=seed)
    hours = np.asarray(hours, dtype=float)
    everyone = np.arange(len(hours))
    started = time.perf_counter()
    if baseline is None:
        baseline = hm.solve(hm.capacity_with(np.zeros(0, np.int64), cap0)).arc
    every = hm.solve(hm.capacity_with(everyone, cap0)).arc if len(hours) else baseline
    previous = BudgetPlan(
        budget=-1.0,
        opened=np.zeros(0, np.int64),
        hours=0.0,
        arc_of=baseline,
        metrics=hm.metrics(baseline),
        status="OPTIMAL",
        seconds=time.perf_counter() - started,
    )
    plans: list[BudgetPlan] = []
    ordered = sorted(set(float(b) for b in budgets))
    for number, budget in enumerate(ordered):
        if budget < 0:
            raise ValueError(f"a budget of staff hours cannot be negative ({budget:g})")
        t0 = time.perf_counter()
        if progress:
            progress(noted("budget {budget:g}", budget=budget), number / max(1, len(ordered)))
        affordable = np.flatnonzero(hours <= budget + 1e-9)
        status = "OPTIMAL"
        if hours[affordable].sum() <= budget + 1e-9:
            opened = affordable  # every team that fits opens: exact by min-cost flow
            arc_of = hm.solve(hm.capacity_with(opened, cap0)).arc
        else:
            start = (previous.opened, previous.arc_of)
            greedy = _greedy(hm, cap0, hours, budget, previous.opened, every)
            if _better(hm.metrics(greedy[1]), previous.metrics, previous.metrics):
                start = greedy
            search = _Budget(hm, cap0, hours, budget, previous.metrics, [baseline, every])
            opened, arc_of, status = _search(search, start, options)
        metrics = hm.metrics(arc_of)
        if looks_worse(metrics, previous.metrics) or metrics.key() > previous.metrics.key():
            # the smaller budget's plan is still feasible with more hours: keep it
            opened, arc_of, metrics, status = (
                previous.opened,
                previous.arc_of,
                previous.metrics,
                "KEPT",
            )
        opened = _in_use(hm, opened, arc_of)
        plan = BudgetPlan(
            budget=budget,
            opened=opened,
            hours=float(hours[opened].sum()),
            arc_of=arc_of,
            metrics=metrics,
            status=status,
            seconds=time.perf_counter() - t0,
        )
        plans.append(plan)
        previous = plan
    return plans
