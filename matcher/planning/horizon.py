"""The horizon model: patients discharged over the next weeks, cohorts, the guarantee.

``HorizonModel.build`` takes the patients discharged in ``[start, start + 7
weeks)``, scores every allowed patient-session pair once with
``costs.evaluate`` (so the horizon plan obeys exactly the rules of a match),
and adds two things the one-shot plan does not know:

* **Cohorts.** An exit team's session is a cohort that starts on its
  ``first_date``. A cohort can be joined only in its first
  ``cohort_join_weeks`` weeks (default 2: the first or second meeting); after
  that the group has formed and a newcomer would miss the start of the
  course. Ongoing offers (network groups, associations, home visits) can be
  joined any week, at the first meeting after discharge. A session's
  ``capacity`` is the number of new participants it can take over the
  horizon (people stay once they join).
* **The waiting-time guarantee.** A patient's wait is the days from discharge
  to the first attendance. Starting later than ``guarantee_days`` is a
  breach. It is a soft constraint with the steepest cost that still keeps
  priority first: a breach costs ``breach_points``, more than any exchange of
  places could save in every other cost together, and less than placing a
  patient is worth. So a plan places as much priority as it can, then has as
  few breaches as it can, then the lowest cost.

Every allowed pair is kept (no candidate list), so ``solve`` is min-cost flow
over all of them and exact. Arrays only from here on; dates are days since
1970-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..dates import Spans, next_free_meeting
from ..domain import KINDS
from ..match.costs import HOME_VISIT, MatchModel, block_size, evaluate, skips_holidays
from ..match.weights import Weights
from ..optimize.flow import solve_flow
from ..optimize.problem import Arcs, AssignmentProblem, Scaling, Solution

__all__ = ["EXIT_TEAM", "Horizon", "HorizonModel", "Metrics", "cut_horizon"]

EXIT_TEAM = KINDS.index("exit_team")


@dataclass(frozen=True)
class Horizon:
    """The planning horizon and its rules.

    ``start`` is the first day; the horizon covers ``weeks`` whole weeks.
    ``guarantee_days``: longest wait from discharge to first attendance that
    keeps the guarantee. ``cohort_join_weeks``: weeks after a cohort's first
    meeting in which newcomers may still join.
    """

    start: np.datetime64
    weeks: int
    guarantee_days: int = 28
    cohort_join_weeks: int = 2

    @property
    def first_day(self) -> int:
        """The first day as days since 1970-01-01."""
        return int(np.asarray(self.start, dtype="datetime64[D]").astype(np.int64))

    @property
    def end_day(self) -> int:
        """The day after the horizon, as days since 1970-01-01."""
        return self.first_day + 7 * self.weeks

    @property
    def end(self) -> np.datetime64:
        """The day after the horizon (an exclusive end, for ranges)."""
        return np.datetime64(self.end_day, "D")

    @property
    def last(self) -> np.datetime64:
        """The last day of the horizon (the last day of its last week): what a
        person reads as its end date."""
        return np.datetime64(self.end_day - 1, "D")

    def week_of(self, days: np.ndarray) -> np.ndarray:
        """Week number (1 = the first week of the horizon) of each day."""
        return 1 + np.floor_divide(np.asarray(days, np.int64) - self.first_day, 7)


def cut_horizon(
    patients: pd.DataFrame,
    weeks: int,
    start: str | np.datetime64 | pd.Timestamp | None = None,
    guarantee_days: int = 28,
    cohort_join_weeks: int = 2,
) -> tuple[Horizon, np.ndarray]:
    """The horizon of ``weeks`` whole weeks from ``start`` (default: the earliest
    ``discharge_date`` of ``patients``, today when there is none), and which patients
    are discharged inside it (a mask over the rows of ``patients``)."""
    discharge = patients["discharge_date"].to_numpy(dtype="datetime64[D]")
    if start is None:
        first = discharge.min() if len(discharge) else np.datetime64("today", "D")
    else:
        first = pd.Timestamp(start).to_datetime64().astype("datetime64[D]")
    horizon = Horizon(first, int(weeks), int(guarantee_days), int(cohort_join_weeks))
    return horizon, (discharge >= horizon.start) & (discharge < horizon.end)


def first_meeting(
    first_day: np.ndarray,
    weekday: np.ndarray,
    skip_holidays: np.ndarray | bool = False,
    exceptions: Spans | None = None,
) -> np.ndarray:
    """The first date on or after ``first_day`` that falls on ``weekday`` (0 = Monday),
    and is no Danish public holiday where ``skip_holidays`` holds, nor one of the
    session's ``exceptions`` (owner: the position in ``first_day``)."""
    first_day = np.asarray(first_day, np.int64)
    blocked = () if exceptions is None else ((exceptions, np.arange(len(first_day))),)
    return next_free_meeting(first_day, weekday, skip_holidays, blocked)


@dataclass(frozen=True)
class Metrics:
    """What a plan over the horizon gives; waits in days, travel in minutes.

    ``breaches`` counts the patients (not escalated) who do not start within
    the guarantee: ``late`` (placed, but start later) plus ``unplaced``.
    ``mean_travel`` is the patients' own one-way travel, so home visits are
    left out; ``cost`` is in points, without breach costs.
    """

    placed: int
    priority_placed: int
    in_time: int
    late: int
    unplaced: int
    breaches: int
    mean_wait: float | None
    p90_wait: float | None
    mean_travel: float | None
    cost: float

    def key(self) -> tuple[int, int, float]:
        """The lexicographic objective: smaller is better."""
        return (-self.priority_placed, -self.in_time, self.cost)

    def at_least(self, other: Metrics) -> bool:
        """No worse than ``other`` in placed, priority placed and breaches."""
        return (
            self.placed >= other.placed
            and self.priority_placed >= other.priority_placed
            and self.breaches <= other.breaches
        )


@dataclass(frozen=True, eq=False)
class HorizonModel:
    """Every allowed pair of the horizon with its details (same order as ``arcs``).

    ``arcs.cost`` is the weighted cost in points plus ``breach_points`` for a
    start later than the guarantee; ``base_cost`` is without it. Candidate
    sessions (``s_candidate >= 0``, the candidate's position) are included
    with their full size in ``capacity``; a plan closes them by capacity 0.
    """

    model: MatchModel
    horizon: Horizon
    arcs: Arcs
    base_cost: np.ndarray
    travel: np.ndarray
    mode: np.ndarray
    start_day: np.ndarray
    wait: np.ndarray
    late: np.ndarray
    capacity: np.ndarray
    s_candidate: np.ndarray
    s_cohort: np.ndarray
    s_first_meeting: np.ndarray
    cohort_blocked: np.ndarray  # per patient: sessions allowed but for the cohort rule
    breach_points: float
    scaling: Scaling

    @property
    def n_patients(self) -> int:
        return self.model.n_patients

    @property
    def n_sessions(self) -> int:
        return self.model.n_sessions

    @classmethod
    def build(
        cls,
        dataset: Dataset,
        horizon: Horizon,
        weights: Weights | None = None,
        s_candidate: np.ndarray | None = None,
    ) -> HorizonModel:
        """Score every allowed pair of ``dataset`` (already cut to the horizon's patients).

        ``s_candidate`` gives, per session, the position of the candidate team
        it belongs to, or -1 for the sessions that exist.
        """
        model = MatchModel.from_dataset(dataset, weights)
        n_s = model.n_sessions
        cand = np.full(n_s, -1, np.int64) if s_candidate is None else np.asarray(s_candidate)
        cohort = model.o_kind[model.s_offer] == EXIT_TEAM
        meeting = first_meeting(
            model.s_first, model.s_day, skips_holidays(model), model.s_exceptions
        )
        join_by = meeting + 7 * horizon.cohort_join_weeks
        parts: list[tuple[np.ndarray, ...]] = []
        blocked = np.zeros(model.n_patients, np.int64)
        for lo in range(0, model.n_patients, block_size(model)):
            block = np.arange(lo, min(lo + block_size(model), model.n_patients))
            ev = evaluate(model, block)
            joinable = ~cohort[None, :] | (ev.start_day < join_by[None, :])
            ok = ev.feasible & joinable
            blocked[block] = (ev.feasible & ~joinable).sum(axis=1)
            r, c = np.nonzero(ok)
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
        cols = [np.concatenate([p[i] for p in parts]) if parts else np.zeros(0) for i in range(7)]
        patient, session = cols[0].astype(np.int64), cols[1].astype(np.int64)
        base = cols[2].astype(np.float64)
        wait = cols[6].astype(np.int64)
        late = wait > horizon.guarantee_days
        # a breach outweighs any exchange of places along one chain of moves
        chain = max(1, min(model.n_patients, n_s + 1))
        max_base = float(base.max()) if len(base) else 0.0
        breach = chain * (max_base + 1.0) + 1.0
        cost = base + np.where(late, breach, 0.0)
        max_priority = int(model.p_priority.max()) if model.n_patients else 1
        scaling = Scaling.choose(
            float(cost.max()) if len(cost) else 1.0, model.n_patients, n_s, max_priority
        )
        return cls(
            model=model,
            horizon=horizon,
            arcs=Arcs(patient, session, cost),
            base_cost=base,
            travel=cols[3].astype(np.float32),
            mode=cols[4].astype(np.int8),
            start_day=cols[5].astype(np.int64),
            wait=wait,
            late=late,
            capacity=model.s_capacity.copy(),
            s_candidate=cand,
            s_cohort=cohort,
            s_first_meeting=meeting,
            cohort_blocked=blocked,
            breach_points=breach,
            scaling=scaling,
        )

    # -- plans -----------------------------------------------------------------
    def capacity_with(self, opened: np.ndarray, capacity: np.ndarray | None = None) -> np.ndarray:
        """Places per session when the candidates at ``opened`` run and no other."""
        cap = (self.capacity if capacity is None else capacity).copy()
        closed = (self.s_candidate >= 0) & ~np.isin(self.s_candidate, opened)
        cap[closed] = 0
        return cap

    def solve(self, capacity: np.ndarray) -> Solution:
        """The exact lexicographic optimum for these places (min-cost flow)."""
        problem = AssignmentProblem(
            self.n_patients, capacity, self.model.p_priority, self.arcs, self.scaling
        )
        solution, _ = solve_flow(problem)
        return solution

    def metrics(self, arc_of: np.ndarray) -> Metrics:
        """The figures of the plan that uses arc ``arc_of[p]`` (or -1) for each patient."""
        placed = arc_of >= 0
        a = arc_of[placed]
        eligible = ~self.model.p_escalate
        late = int(self.late[a].sum())
        unplaced = int((eligible & ~placed).sum())
        waits = self.wait[a].astype(float)
        home = self.model.o_kind[self.model.s_offer[self.arcs.session[a]]] == HOME_VISIT
        travel = self.travel[a][~home].astype(float)
        return Metrics(
            placed=int(placed.sum()),
            priority_placed=int(self.model.p_priority[placed].sum()),
            in_time=int(placed.sum()) - late,
            late=late,
            unplaced=unplaced,
            breaches=late + unplaced,
            mean_wait=round(float(waits.mean()), 2) if len(waits) else None,
            p90_wait=round(float(np.percentile(waits, 90)), 2) if len(waits) else None,
            mean_travel=round(float(travel.mean()), 2) if len(travel) else None,
            cost=round(float(self.base_cost[a].sum()), 2),
        )

    def options(self, capacity: np.ndarray) -> np.ndarray:
        """Allowed sessions with places per patient, under these places."""
        open_arc = capacity[self.arcs.session] > 0
        return np.bincount(self.arcs.patient[open_arc], minlength=self.n_patients)

    def earliest_wait(self, capacity: np.ndarray) -> np.ndarray:
        """Per patient, the shortest wait over allowed sessions with places (-1: none)."""
        out = np.full(self.n_patients, np.iinfo(np.int64).max, np.int64)
        open_arc = capacity[self.arcs.session] > 0
        np.minimum.at(out, self.arcs.patient[open_arc], self.wait[open_arc])
        return np.where(out == np.iinfo(np.int64).max, -1, out)

    def first_choice(self, capacity: np.ndarray) -> np.ndarray:
        """Per patient, the cheapest allowed session with places (-1: none)."""
        open_arc = np.flatnonzero(capacity[self.arcs.session] > 0)
        order = open_arc[np.lexsort((self.arcs.cost[open_arc], self.arcs.patient[open_arc]))]
        out = np.full(self.n_patients, -1, np.int64)
        patients = self.arcs.patient[order]
        first = np.r_[True, patients[1:] != patients[:-1]] if len(order) else np.zeros(0, bool)
        out[patients[first]] = self.arcs.session[order[first]]
        return out

    # -- reports ---------------------------------------------------------------
    def weekly(self, arc_of: np.ndarray, capacity: np.ndarray) -> pd.DataFrame:
        """Places, joiners and demand per offer and week of the horizon.

        ``places``: free places open to a newcomer that week (cohorts in their
        joining weeks, ongoing sessions from their first date), after those
        who joined in earlier weeks. ``joined``: patients whose first
        attendance falls in that week. ``demand``: patients discharged that
        week whose cheapest allowed session (places permitting) is this offer.
        """
        m, h = self.model, self.horizon
        weeks = np.arange(1, h.weeks + 1)
        week_start = h.first_day + 7 * (weeks - 1)
        placed = arc_of >= 0
        session = self.arcs.session[arc_of[placed]]
        start_week = h.week_of(self.start_day[arc_of[placed]])
        joined = np.zeros((m.n_sessions, h.weeks + 2), np.int64)
        np.add.at(joined, (session, np.clip(start_week, 0, h.weeks + 1)), 1)
        before = np.cumsum(joined, axis=1)[:, :-2]  # joined before each week
        free = np.maximum(capacity[:, None] - before, 0)
        opens = self.s_first_meeting[:, None] < week_start[None, :] + 7
        closes = np.where(
            self.s_cohort,
            self.s_first_meeting + 7 * h.cohort_join_weeks,
            np.iinfo(np.int64).max,
        )
        joinable = opens & (closes[:, None] > week_start[None, :]) & (capacity[:, None] > 0)
        places = np.where(joinable, free, 0)
        choice = self.first_choice(capacity)
        wanted = choice >= 0
        discharge_week = h.week_of(m.p_discharge[wanted])
        demand = np.zeros((m.n_sessions, h.weeks + 2), np.int64)
        np.add.at(demand, (choice[wanted], np.clip(discharge_week, 0, h.weeks + 1)), 1)
        offer = m.s_offer
        n_o = len(m.offer_ids)

        def per_offer(values: np.ndarray) -> np.ndarray:
            out = np.zeros((n_o, values.shape[1]), np.int64)
            np.add.at(out, offer, values)
            return out

        used = np.unique(offer[(capacity > 0) | (joined.sum(axis=1) > 0)])
        frame = pd.DataFrame(
            {
                "offer_id": np.repeat(m.offer_ids[used], h.weeks),
                "kind": np.repeat(np.array(KINDS, dtype=object)[m.o_kind[used]], h.weeks),
                "week": np.tile(weeks, len(used)),
                "week_start": np.tile(
                    week_start.astype("datetime64[D]").astype(str).astype(object), len(used)
                ),
                "places": per_offer(places)[used].reshape(-1),
                "joined": per_offer(joined[:, 1 : h.weeks + 1])[used].reshape(-1),
                "demand": per_offer(demand[:, 1 : h.weeks + 1])[used].reshape(-1),
            }
        )
        return frame
