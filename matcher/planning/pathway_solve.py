"""The pathway model of ``matcher.planning.pathways`` as one 0-1 linear program, and
its solve.

Arrays in, the chosen option per person and kind out; the rules are described in
``pathways``. The model is built once as plain rows (``PathwayModel``) and solved
by a MIP solver through OR-Tools (``solver``: HiGHS by default, SCIP or CP-SAT),
which proves the optimum or stops at its time limit with the best pathways
found and a true bound (the gap is reported).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from ..domain import KINDS
from .pathways import SCALE, PathwayOptions, lasting_kinds

__all__ = ["SOLVERS", "PathwayModel", "PathwaySolution", "solve_pathways"]

#: The solvers a pathway plan can use (OR-Tools' names).
SOLVERS = ("HIGHS", "SCIP", "CP-SAT")

#: A linear expression: variable position -> coefficient.
Expr = dict[int, float]


@dataclass(frozen=True)
class PathwaySolution:
    """The options chosen (positions in the options' arrays), with the step before
    each (-1 for a first step), and how far the solve got: ``status`` is
    ``OPTIMAL``, ``FEASIBLE`` or ``NOT_SOLVED`` (nothing found in time);
    ``objective`` and ``bound`` in points (the bound is never below the optimum)."""

    chosen: np.ndarray
    before: np.ndarray
    status: str
    objective: float
    bound: float
    seconds: float

    @property
    def gap(self) -> float:
        """How far the plan may be from the best, as a share of the bound (0: proven)."""
        if self.status == "OPTIMAL":
            return 0.0
        return abs(self.bound - self.objective) / max(1.0, abs(self.bound))


@dataclass
class PathwayModel:
    """0-1 variables (the options first, then one per rung where a step has several
    ways in), rows ``low <= expr <= high`` and the objective to maximise, in points
    times ``SCALE``; ``edges[(p, from kind, to kind)]`` is the expression that is 1
    when person ``p``'s step of the second kind follows the first."""

    n_vars: int
    rows: list[tuple[Expr, float, float]] = field(default_factory=list)
    objective: dict[int, float] = field(default_factory=dict)
    edges: dict[tuple[int, int, int], Expr] = field(default_factory=dict)

    def new_var(self) -> int:
        self.n_vars += 1
        return self.n_vars - 1

    def add(self, expr: Expr, low: float, high: float) -> None:
        self.rows.append((expr, low, high))

    def gain(self, expr: Expr, points: float) -> None:
        for v, c in expr.items():
            self.objective[v] = self.objective.get(v, 0.0) + c * points


def place_points(options: PathwayOptions) -> float:
    """What placing one unit of priority is worth: more than every cost and bonus of
    one person's pathway together."""
    settings = options.model.weights.pathway
    if not len(options):
        return 1.0
    worst = np.zeros(options.model.n_patients)
    np.maximum.at(worst, options.patient, np.abs(options.cost))
    kinds = len(KINDS)
    bonus = kinds * settings.step_points + settings.complete_points
    return float(kinds * worst.max() + bonus + 1.0)


def _ones(items: list[int]) -> Expr:
    return dict.fromkeys(items, 1.0)


def build_model(options: PathwayOptions) -> PathwayModel:
    """The rows of the pathway model over ``options``."""
    model = PathwayModel(len(options))
    settings = options.model.weights.pathway
    by_step: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(len(options)):
        by_step[(int(options.patient[i]), int(options.kind[i]))].append(i)
    place = place_points(options)
    priority = options.model.p_priority
    firsts: dict[int, list[int]] = defaultdict(list)
    lasting = set(lasting_kinds().tolist())
    for (p, k), idx in by_step.items():
        model.add(_ones(idx), 0, 1)
        as_later = [i for i in idx if not options.first_ok[i]]
        for i in idx:
            points = -options.cost[i] + (settings.complete_points if k in lasting else 0.0)
            if options.first_ok[i]:
                firsts[p].append(i)
                late = 0.5 * place if options.late[i] else 0.0
                points += place * priority[p] - late
            model.gain({i: 1.0}, SCALE * points)
        ways = [
            (g, [j for j in by_step.get((p, KINDS.index(g.from_kind)), []) if options.end[j] >= 0])
            for g in (() if options.one_step else options.ladders.into(KINDS[k]))
        ]
        ways = [(g, ending) for g, ending in ways if ending and as_later]
        incoming: Expr = {}
        for g, ending in ways:
            # with one way in, the step follows along it whenever it is a later step
            e = model.new_var() if len(ways) > 1 else None
            along = {e: 1.0} if e is not None else _ones(as_later)
            model.edges[(p, KINDS.index(g.from_kind), k)] = along
            for v in along:
                incoming[v] = incoming.get(v, 0.0) + along[v]
            for i in as_later:
                gap = int(options.start[i]) - options.end[ending]
                fits = [
                    j
                    for j, d in zip(ending, gap, strict=True)
                    if g.min_gap_days <= d <= g.max_gap_days
                ]
                # x_i (and the rung, if it is a choice) -> one step before that fits
                row = {i: 1.0, **({e: 1.0} if e is not None else {})}
                for j in fits:
                    row[j] = row.get(j, 0.0) - 1.0
                model.add(row, -np.inf, 0 if e is None else 1)
            model.gain(along, SCALE * settings.step_points)
        # a later option is used exactly when one rung leads to it
        if as_later:
            row = _ones(as_later)
            for v, c in incoming.items():
                row[v] = row.get(v, 0.0) - c
            model.add(row, 0, 0)
    for chosen in firsts.values():
        model.add(_ones(chosen), 0, 1)
    out_of: dict[tuple[int, int], Expr] = defaultdict(dict)
    for (p, k1, _), along in model.edges.items():
        for v, c in along.items():
            out_of[(p, k1)][v] = out_of[(p, k1)].get(v, 0.0) + c
    for (p, k1), expr in out_of.items():
        row = dict(expr)
        for i in by_step[(p, k1)]:
            if options.end[i] >= 0:
                row[i] = row.get(i, 0.0) - 1.0
        model.add(row, -np.inf, 0)
    _places(model, options)
    return model


def _places(model: PathwayModel, options: PathwayOptions) -> None:
    """Each session's places hold in every week of the horizon."""
    first_day = options.horizon.first_day
    last_week = options.horizon.weeks - 1
    holding: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(len(options)):
        w0 = (int(options.start[i]) - first_day) // 7
        end = int(options.end[i]) if options.end[i] >= 0 else options.horizon.end_day - 1
        for week in range(max(0, w0), min(last_week, (end - first_day) // 7) + 1):
            holding[(int(options.session[i]), week)].append(i)
    capacity = options.model.s_capacity
    for (s, _), idx in holding.items():
        if len(idx) > capacity[s]:
            model.add(_ones(idx), 0, int(capacity[s]))


def solve_pathways(
    options: PathwayOptions,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    solver: str = "HIGHS",
) -> PathwaySolution:
    """The best pathways over ``options`` (see ``matcher.planning.pathways``).

    A plan built greedily (``greedy_pathways``) is kept when the solver stops at the
    time limit with nothing better: then it is the answer, ``FEASIBLE``, with the
    solver's bound or the linear relaxation's optimum as a true bound."""
    began = time.perf_counter()
    model = build_model(options)
    start = greedy_pathways(options)
    start_values = _values(model, options, *start)
    mip = pywraplp.Solver.CreateSolver(solver)
    if mip is None:
        raise RuntimeError(f"OR-Tools has no {solver} solver here")
    mip.SuppressOutput()
    x, goal = _fill(mip, model, integer=True)
    # no SetHint: OR-Tools 9.15's HiGHS interface crashes on one; the greedy plan
    # is kept below when the solver has nothing better
    mip.SetTimeLimit(int(1000 * time_limit))
    mip.SetNumThreads(int(workers))
    # HiGHS reads its options but answers False; it is deterministic and takes no seed
    mip.SetSolverSpecificParametersAsString(_parameters(solver, seed))
    code = mip.Solve()
    start_value = _objective(model, start_values)
    found = code in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    if found and goal.Value() >= start_value - 0.5:
        value = np.array([v.solution_value() > 0.5 for v in x])
        chosen, before = _read(model, options, value)
        status = "OPTIMAL" if code == pywraplp.Solver.OPTIMAL else "FEASIBLE"
        objective, bound = goal.Value(), max(goal.BestBound(), goal.Value())
    else:
        chosen, before = start
        status = "FEASIBLE"
        objective = start_value
        bound = goal.BestBound() if found else _relaxed_bound(model)
    return PathwaySolution(
        chosen=chosen,
        before=before,
        status=status,
        objective=objective / SCALE,
        bound=max(bound, objective) / SCALE,
        seconds=time.perf_counter() - began,
    )


def _fill(
    mip: pywraplp.Solver, model: PathwayModel, *, integer: bool
) -> tuple[list[pywraplp.Variable], pywraplp.Objective]:
    """The model's variables (0-1, or 0 to 1 for the relaxation), rows and objective."""
    x = [
        mip.BoolVar(f"v{i}") if integer else mip.NumVar(0.0, 1.0, f"v{i}")
        for i in range(model.n_vars)
    ]
    for expr, low, high in model.rows:
        row = mip.RowConstraint(low, high)
        for v, c in expr.items():
            row.SetCoefficient(x[v], c)
    goal = mip.Objective()
    for v, c in model.objective.items():
        goal.SetCoefficient(x[v], round(c))
    goal.SetMaximization()
    return x, goal


def _relaxed_bound(model: PathwayModel) -> float:
    """The optimum of the linear relaxation: no plan is worth more."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    _, goal = _fill(lp, model, integer=False)
    lp.Solve()
    return float(goal.Value()) + 1.0  # a whole point above, against rounding


def _objective(model: PathwayModel, values: np.ndarray) -> float:
    return float(sum(round(c) * values[v] for v, c in model.objective.items()))


def _read(
    model: PathwayModel, options: PathwayOptions, value: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The chosen options and the step before each, from the variables' values."""
    chosen = np.flatnonzero(value[: len(options)])
    before = np.full(len(chosen), -1, np.int64)
    position = {int(i): j for j, i in enumerate(chosen)}
    step_of = {(int(options.patient[i]), int(options.kind[i])): int(i) for i in chosen}
    for (p, k1, k2), along in model.edges.items():
        if sum(c * value[v] for v, c in along.items()) > 0.5:
            before[position[step_of[(p, k2)]]] = step_of[(p, k1)]
    return chosen, before


def _values(
    model: PathwayModel, options: PathwayOptions, chosen: np.ndarray, before: np.ndarray
) -> np.ndarray:
    """The variables' values of a plan: its options, and each rung it uses."""
    values = np.zeros(model.n_vars, np.int64)
    values[chosen] = 1
    kind_of = options.kind
    for i, j in zip(chosen, before, strict=True):
        if j < 0:
            continue
        p = int(options.patient[i])
        along = model.edges[(p, int(kind_of[j]), int(kind_of[i]))]
        if len(along) == 1 and next(iter(along)) >= len(options):  # a rung among several
            values[next(iter(along))] = 1
    return values


def greedy_pathways(options: PathwayOptions) -> tuple[np.ndarray, np.ndarray]:
    """A plan that keeps every rule, built one step at a time: first steps by priority
    and then cost, each where its weeks still have places; then, person by person,
    the cheapest next step along a rung that fits. The chosen options and the step
    before each (-1: a first step)."""
    first_day, weeks = options.horizon.first_day, options.horizon.weeks
    capacity = options.model.s_capacity
    used: dict[tuple[int, int], int] = {}

    def holds(i: int) -> list[tuple[int, int]]:
        w0 = max(0, (int(options.start[i]) - first_day) // 7)
        end = int(options.end[i]) if options.end[i] >= 0 else options.horizon.end_day - 1
        return [
            (int(options.session[i]), w)
            for w in range(w0, min(weeks - 1, (end - first_day) // 7) + 1)
        ]

    def take(i: int) -> bool:
        cells = holds(i)
        if any(used.get(c, 0) >= capacity[c[0]] for c in cells):
            return False
        for c in cells:
            used[c] = used.get(c, 0) + 1
        return True

    priority = options.model.p_priority[options.patient]
    order = np.lexsort((options.cost, -priority))
    chosen: list[int] = []
    before: list[int] = []
    last: dict[int, int] = {}
    for o in order:
        i, p = int(o), int(options.patient[o])
        if options.first_ok[i] and p not in last and take(i):
            chosen.append(i)
            before.append(-1)
            last[p] = i
    gathered: dict[int, list[int]] = {}
    for o in np.flatnonzero(~options.first_ok):
        gathered.setdefault(int(options.patient[o]), []).append(int(o))
    later_of = {p: np.array(js, np.int64) for p, js in gathered.items()}
    kinds_used: dict[int, set[int]] = {p: {int(options.kind[i])} for p, i in last.items()}
    for _ in range(len(KINDS)):
        for p, i in list(last.items()):
            if options.end[i] < 0 or options.one_step:
                continue
            kind = KINDS[int(options.kind[i])]
            later = later_of.get(p, np.zeros(0, np.int64))
            fits = []
            for g in options.ladders.rungs:
                if g.from_kind != kind:
                    continue
                gap = options.start[later] - options.end[i]
                ok = (
                    (options.kind[later] == KINDS.index(g.to_kind))
                    & (gap >= g.min_gap_days)
                    & (gap <= g.max_gap_days)
                )
                fits += [int(j) for j in later[ok] if int(options.kind[j]) not in kinds_used[p]]
            for j in sorted(fits, key=lambda j: options.cost[j]):
                if take(j):
                    chosen.append(j)
                    before.append(i)
                    last[p] = j
                    kinds_used[p].add(int(options.kind[j]))
                    break
            else:
                last.pop(p)
    return np.array(chosen, np.int64), np.array(before, np.int64)


def _parameters(solver: str, seed: int) -> str:
    if solver == "HIGHS":
        return "output_flag=false"  # no banner among the command's words
    if solver == "SCIP":
        return f"randomization/randomseedshift = {int(seed)}"
    return f"random_seed:{int(seed)}"  # CP-SAT
