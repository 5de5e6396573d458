"""Pathways over weeks: ``plan_pathways(dataset, weeks=12)``.

A pathway is a person's ladder of steps, each a place in a session with a start
and an end: four home visits, then an exit-team cohort starting within two
weeks of the last visit, then a club that starts in the team's last two weeks.
Which step may follow which is data (``matcher.planning.ladders``); how much a
further step and a completed ladder are worth is ``[pathway]`` of weights.toml.

The model, solved by CP-SAT:

* **Options.** For every person and every kind their ladder can reach, their
  ``candidates_per_step`` cheapest allowed sessions of that kind (the rules of
  a match, ``match.costs.evaluate``; a step after the first is checked with
  the group tolerance ``grows`` levels higher), each at every start
  date it can have: a first step at the first meeting after discharge or up to
  ``start_weeks`` weeks later; an exit-team cohort only in its first
  ``cohort_join_weeks`` weeks; a later step at the meetings inside the gaps of
  its rungs after the possible ends of the step before.
* **Steps.** At most one option per person and kind; a step is either the
  person's first (their ``ready_for`` kind, or one a rung leads to from it) or
  follows exactly one chosen step along a rung, starting within the rung's gap
  after that step's last meeting; a step is followed by at most one.
* **Places.** A session's ``capacity`` is its places in every week: each step
  holds its place from its start to its last meeting, a lasting step (no end)
  to the end of the horizon.
* **Objective.** First, priority placed: a person's first step is worth their
  priority times more than every cost and bonus of one pathway; a first step
  later than the waiting-time guarantee loses half of that. Then the bonuses
  (``step_points`` per further step, ``complete_points`` for a lasting step)
  less the costs of the steps (the match's points; the days of waiting count
  for a first step; a later step starts as early as its rungs allow when all
  else is equal).

``one_step=True`` plans today's way for comparison: one step per person, of any
kind the rules allow, on the same places.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..dates import next_free_meeting
from ..domain import GROUP_LIMIT, KINDS, TOLERANCES
from ..match.costs import Evaluation, MatchModel, block_size, evaluate, skips_holidays
from ..match.weights import Weights
from .horizon import EXIT_TEAM, Horizon, first_meeting
from .ladders import LASTING, Ladders, ready_kinds

__all__ = ["PathwayOptions", "build_options"]

#: Points are multiplied by this and rounded to whole numbers for the solver.
SCALE = 100
#: Points per day a later step starts after the earliest its rungs allow: a tie-break.
EARLIER_POINTS = 0.01


@dataclass(frozen=True)
class PathwayOptions:
    """Every (person, kind, session, start) a pathway may use; one entry per option.

    Days are days since 1970-01-01. ``end`` is the step's last meeting, or -1 for a
    lasting step (it holds its place to the end of the horizon and ends no ladder).
    ``cost`` is in the match's points (waiting counted for a first step only);
    ``first_ok`` marks options that may be a person's first step; ``late`` a first
    step later than the guarantee.
    """

    model: MatchModel
    horizon: Horizon
    ladders: Ladders
    one_step: bool
    patient: np.ndarray
    kind: np.ndarray
    session: np.ndarray
    start: np.ndarray
    end: np.ndarray
    cost: np.ndarray
    travel: np.ndarray
    mode: np.ndarray
    first_ok: np.ndarray
    late: np.ndarray
    weeks: np.ndarray  # per session: the weeks a step there lasts (0: lasting)

    def __len__(self) -> int:
        return len(self.patient)


def step_weeks(model: MatchModel, sessions: pd.DataFrame, weights: Weights) -> np.ndarray:
    """Per session, the weeks a step there lasts: its ``weeks``, else four home visits or
    an exit team's course (``[pathway]``), else 0 for a step that lasts."""
    given = sessions["weeks"].fillna(0).astype(np.int64).to_numpy()
    kind = model.o_kind[model.s_offer]
    default = np.zeros(len(given), np.int64)
    default[kind == KINDS.index("home_visit")] = weights.pathway.home_visit_weeks
    default[kind == EXIT_TEAM] = weights.pathway.exit_team_weeks
    return np.where(given > 0, given, default)


def _grown(model: MatchModel, levels: int) -> MatchModel:
    """The model of a later step: each person's group tolerance ``levels`` higher."""
    if levels == 0:
        return model
    limits = np.array([GROUP_LIMIT[t] for t in TOLERANCES], np.int64)
    level = np.searchsorted(limits, model.p_group_limit)
    raised = limits[np.minimum(level + levels, len(limits) - 1)]
    return replace(model, p_group_limit=raised, p_individual=np.zeros(model.n_patients, dtype=bool))


def _meetings(first: int, weekday: int, lo: int, hi: int) -> np.ndarray:
    """The session's meeting days in ``[lo, hi]`` (it meets weekly from ``first``)."""
    start = int(first_meeting(np.array([max(first, lo)]), np.array([weekday]))[0])
    return np.arange(start, hi + 1, 7, dtype=np.int64)


@dataclass
class _Builder:
    """Gathers the options of one person after another (``person``), then the arrays."""

    model: MatchModel
    horizon: Horizon
    weights: Weights
    weeks: np.ndarray
    rows: list[tuple[int, int, int, int, int, float, float, int, bool, bool]]

    def __post_init__(self) -> None:
        m = self.model
        self.s_kind = m.o_kind[m.s_offer]
        self.cohort = self.s_kind == EXIT_TEAM
        self.skips = skips_holidays(m)
        # a cohort's join weeks count from its first real meeting, as the schedule's do
        meeting = first_meeting(m.s_first, m.s_day, self.skips, m.s_exceptions)
        self.join_by = meeting + 7 * self.horizon.cohort_join_weeks

    def starts(self, p: int, s: int, spans: list[tuple[int, int]]) -> list[int]:
        """The meeting days of session ``s`` inside ``spans`` on which person ``p`` can
        start: on or after its first date, the discharge and ``not_before``, inside the
        horizon (and a cohort's join weeks), and, as every start date, no public holiday
        where the session skips them, none of its ``exceptions`` and not in ``p``'s time
        ``away`` (``match.rules.start_days``)."""
        m = self.model
        lo_day = max(int(m.s_first[s]), int(m.p_discharge[p]), int(m.p_not_before[p]))
        hi_day = self.horizon.end_day - 1
        if self.cohort[s]:
            hi_day = min(hi_day, int(self.join_by[s]) - 1)
        days: set[int] = set()
        for a, b in spans:
            found = _meetings(int(m.s_first[s]), int(m.s_day[s]), max(a, lo_day), min(b, hi_day))
            days.update(found.tolist())
        if not days:
            return []
        week = np.array(sorted(days), np.int64)
        blocked = ((m.s_exceptions, np.full(len(week), s)), (m.p_away, np.full(len(week), p)))
        free = next_free_meeting(week, int(m.s_day[s]), bool(self.skips[s]), blocked) == week
        return week[free].tolist()

    def step(
        self, p: int, row: int, ev: Evaluation, kind: str, spans: list[tuple[int, int]] | None
    ) -> list[int]:
        """Add person ``p``'s options of ``kind``: as a first step (``spans`` None) or
        starting inside ``spans``; the last meetings of those that end."""
        k = KINDS.index(kind)
        first = spans is None
        settings, wait_day = self.weights.pathway, self.weights.wait_day
        ok = np.flatnonzero(ev.feasible[row] & (self.s_kind == k))
        # the days of waiting count for a first step only
        cost = ev.cost[row, ok] - (0.0 if first else wait_day * ev.term("wait_days")[row, ok])
        discharge = int(self.model.p_discharge[p])
        ends: list[int] = []
        for j in np.argsort(cost, kind="stable")[: settings.candidates_per_step]:
            s = int(ok[j])
            if first:
                lo_day = max(int(self.model.s_first[s]), discharge, int(self.model.p_not_before[p]))
                spans_here = [(lo_day, lo_day + 6 + 7 * settings.start_weeks)]
            allowed = spans_here if first else spans or []
            earliest = min(a for a, _ in allowed)
            for day in self.starts(p, s, allowed):
                end = day + 7 * (int(self.weeks[s]) - 1) if self.weeks[s] > 0 else -1
                wait = day - discharge
                # a first step's days after its first possible meeting; a later step,
                # whose gap is set by its rung, the earlier the better when all else ties
                if first:
                    points = float(cost[j]) + wait_day * (wait - int(ev.wait_days[row, s]))
                else:
                    points = float(cost[j]) + EARLIER_POINTS * (day - earliest)
                late = first and wait > self.horizon.guarantee_days
                travel, mode = float(ev.travel_min[row, s]), int(ev.mode[row, s])
                self.rows.append((p, k, s, day, end, points, travel, mode, first, late))
                if end >= 0:
                    ends.append(end)
        return ends

    def arrays(self, ladders: Ladders, one_step: bool) -> PathwayOptions:
        """The options gathered, as ``PathwayOptions``."""
        cols = list(zip(*self.rows, strict=True)) if self.rows else [()] * 10
        names = ("patient", "kind", "session", "start", "end", "cost", "travel", "mode")
        types = (np.int64,) * 5 + (np.float64, np.float64, np.int64)
        arrays = {n: np.array(c, t) for n, c, t in zip(names, cols, types, strict=False)}
        return PathwayOptions(
            model=self.model,
            horizon=self.horizon,
            ladders=ladders,
            one_step=one_step,
            first_ok=np.array(cols[8], bool),
            late=np.array(cols[9], bool),
            weeks=self.weeks,
            **arrays,
        )


def build_options(
    dataset: Dataset,
    horizon: Horizon,
    weights: Weights,
    ladders: Ladders,
    *,
    one_step: bool = False,
    model: MatchModel | None = None,
) -> PathwayOptions:
    """Every option of ``dataset``'s people (already cut to the horizon) for their
    pathways, or for one step each with ``one_step``. ``model``: the match model of
    those people when one is at hand (e.g. a recommender's, for a typed profile)."""
    model = model if model is not None else MatchModel.from_dataset(dataset, weights)
    later = _grown(model, 0 if one_step else weights.pathway.grows)
    build = _Builder(model, horizon, weights, step_weeks(model, dataset.sessions, weights), [])
    ready = ready_kinds(dataset.patients)
    for lo in range(0, model.n_patients, block_size(model)):
        block = np.arange(lo, min(lo + block_size(model), model.n_patients))
        first_ev = evaluate(model, block)
        later_ev = first_ev if later is model else evaluate(later, block)
        for row, person in enumerate(block):
            p = int(person)
            if model.p_escalate[p]:
                continue
            reach = set(KINDS) if one_step else set(ladders.reachable(str(ready[p])))
            # the last meetings of each kind's options, for the steps that may follow
            ends: dict[str, list[int]] = {}
            for kind in ladders.kinds:
                if kind in reach:
                    ends.setdefault(kind, []).extend(build.step(p, row, first_ev, kind, None))
                windows = [
                    (e + g.min_gap_days, e + g.max_gap_days)
                    for g in (() if one_step else ladders.into(kind))
                    for e in ends.get(g.from_kind, ())
                ]
                if windows:
                    ends.setdefault(kind, []).extend(build.step(p, row, later_ev, kind, windows))
    return build.arrays(ladders, one_step)


def lasting_kinds() -> np.ndarray:
    """The kind positions whose steps complete a ladder."""
    return np.array([KINDS.index(k) for k in LASTING], np.int64)
