"""Planning over weeks: ``schedule(dataset, weeks=12)``.

The planner's view of the coming weeks. Patients discharged in the horizon
are placed in exit-team cohorts and ongoing offers (``matcher.planning.horizon``:
cohort joining rule, waiting-time guarantee as the steepest soft cost), home
visits are routed for every day (``matcher.planning.routes``), and candidate exit
teams are weighed against staff-hour budgets (``matcher.planning.candidates``,
``matcher.planning.whatif``). Steps:

1. score every allowed pair of the horizon once, and solve exactly with
   min-cost flow without candidates;
2. route the home visits of that plan; a visit that fits no route counts
   against its service's places, and the plan is solved again (a few rounds);
3. for each budget, in increasing order, choose candidates to open (CP-SAT)
   and re-assign exactly (min-cost flow); more budget never looks worse;
4. the schedule is the plan of one budget (default: the smallest); its home
   visits are routed and every breach of the guarantee is listed with why.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..domain import KINDS
from ..errors import InputError
from ..match.costs import HOME_VISIT
from ..match.explain import ESCALATED_REASON, reasons_for, taken_reason
from ..match.weights import Weights
from ..words.notes import noted
from ..words.problems import problem
from .candidates import expand_candidates
from .horizon import Horizon, HorizonModel, cut_horizon
from .report import (
    TRADEOFF_COLUMNS,
    breaches_frame,
    capacity_plot,
    opened_frame,
    tradeoff_frame,
    tradeoff_plot,
)
from .result import (
    PLAN_COLUMNS,
    Placements,
    csv_frame,
    plan_rows,
    plan_status,
    travel_mode_names,
)
from .routes import ROUTE_COLUMNS, DayRoutes, RoutePlan, route_home_visits
from .whatif import tradeoff

__all__ = ["SCHEDULE_COLUMNS", "TRADEOFF_COLUMNS", "Schedule", "schedule"]

#: Columns of schedule.csv: PLAN.csv's and the week of the first attendance.
SCHEDULE_COLUMNS: tuple[str, ...] = (*PLAN_COLUMNS, "week")
#: schedule.csv's reason for a home visit that fits no route (a note, so it is worded).
DROPPED_REASON = noted("the home-visit staff cannot fit the visits into their routes")
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Schedule:
    """A plan over the horizon and what it takes.

    ``assignments`` is schedule.csv (one row per patient discharged in the
    horizon: PLAN.csv's columns plus ``week``, the horizon week of the first
    attendance, 1 = the first); ``tradeoff`` is tradeoff.csv (one row per
    staff-hour budget); ``breaches`` lists every patient who does not start
    within the guarantee, with why; ``weekly`` has places, joiners and demand
    per offer and week; ``opened`` the candidates each budget opens;
    ``routes`` the home-visit routes of the schedule.
    """

    horizon: Horizon
    assignments: pd.DataFrame
    tradeoff: pd.DataFrame
    breaches: pd.DataFrame
    weekly: pd.DataFrame
    opened: pd.DataFrame
    routes: RoutePlan
    budget: float
    figures: dict[str, Any]
    notes: tuple[str, ...] = field(default=())

    def table(self) -> pd.DataFrame:
        """schedule.csv's rows as a DataFrame (``assignments``)."""
        return self.assignments

    def summary(self) -> dict[str, Any]:
        """schedule.json: the horizon, the schedule's figures, routes and notes."""
        out = dict(self.figures)
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def write(self, directory: str | Path) -> list[Path]:
        """Write every output into ``directory``, each file whole or not at all."""
        from ..dataset.export import atomic_path, write_csv, write_text

        root = Path(directory)
        root.mkdir(parents=True, exist_ok=True)
        tables = {
            "schedule.csv": csv_frame(self.assignments),
            "tradeoff.csv": self.tradeoff,
            "routes.csv": self.routes.routes[list(ROUTE_COLUMNS)],
            "breaches.csv": self.breaches,
            "capacity.csv": self.weekly,
            "opened.csv": self.opened,
            "route_days.csv": self.routes.staff_days,
        }
        written = []
        for name, table in tables.items():
            write_csv(table, root / name)
            written.append(root / name)
        write_text(
            root / "schedule.json",
            json.dumps(self.summary(), indent=2, ensure_ascii=False) + "\n",
        )
        written.append(root / "schedule.json")
        for name, figure in (
            ("tradeoff.png", tradeoff_plot(self.tradeoff, self.horizon)),
            ("capacity.png", capacity_plot(self.weekly, self.horizon)),
        ):
            with atomic_path(root / name) as tmp:
                figure.savefig(tmp, format="png", dpi=110)
            written.append(root / name)
        return written


def _check(
    weeks: int, guarantee_days: int, cohort_join_weeks: int, budgets: Sequence[float]
) -> None:
    problems = []
    if weeks < 1:
        problems.append(
            problem(
                "--weeks", None, None, "must be at least {low:g}, not {value}", low=1, value=weeks
            )
        )
    if guarantee_days < 0:
        problems.append(problem("--guarantee-days", None, None, "must be 0 or more"))
    if cohort_join_weeks < 1:
        problems.append(problem("--join-weeks", None, None, "must be at least 1"))
    bad = [b for b in budgets if not np.isfinite(b) or b < 0]
    if bad:
        problems.append(
            problem(
                "--budgets",
                None,
                None,
                "staff hours must be 0 or more, not {value:g}",
                value=bad[0],
            )
        )
    if problems:
        raise InputError(problems)


def _placements(
    hm: HorizonModel,
    dataset: Dataset,
    arc_of: np.ndarray,
    capacity: np.ndarray,
    *,
    explain: bool = True,
    dropped: set[str] | None = None,
) -> pd.DataFrame:
    """schedule.csv as a frame for the plan ``arc_of`` under ``capacity``."""
    m = hm.model
    n = m.n_patients
    placed = arc_of >= 0
    a = arc_of[placed]
    session = hm.arcs.session[a]
    offer = m.s_offer[session]
    reason = np.full(n, "", dtype=object)
    if explain:
        reason[m.p_escalate] = ESCALATED_REASON
        options = hm.options(capacity)
        taken = ~placed & ~m.p_escalate & (options > 0)
        reason[taken] = [taken_reason(int(k)) for k in options[taken]]
        blocked = ~placed & ~m.p_escalate & (options == 0) & (hm.cohort_blocked > 0)
        weeks = hm.horizon.cohort_join_weeks
        reason[blocked] = (
            "no exit-team cohort can still be joined "
            f"(a cohort takes newcomers only in its first {weeks} weeks)"
        )
        empty = np.flatnonzero(~placed & ~m.p_escalate & (options == 0) & ~blocked)
        if len(empty):
            reason[empty] = reasons_for(m.with_capacity(capacity), empty)
    start = hm.start_day[a]
    where = Placements(
        offer_id=m.offer_ids[offer],
        session_id=m.session_ids[session],
        kind=np.array(KINDS, dtype=object)[m.o_kind[offer]],
        start=start.astype("datetime64[D]"),
        wait_days=hm.wait[a],
        travel_min=hm.travel[a],
        travel_mode=travel_mode_names(hm.mode[a]),
        fee_dkk_month=m.o_fee[offer],
        cost=hm.base_cost[a],
    )
    frame = plan_rows(m.patient_ids, plan_status(placed, m.p_escalate), reason, placed, where)
    week = np.full(n, None, dtype=object)
    week[placed] = hm.horizon.week_of(start)
    frame["week"] = pd.array(week, dtype="Int64")
    if dropped:
        out = frame["patient_id"].isin(dropped).to_numpy()
        blank = ["offer_id", "session_id", "kind", "travel_mode"]
        frame.loc[out, "status"] = "unplaced"
        frame.loc[out, blank] = ""
        frame.loc[out, ["start_date"]] = pd.NaT
        frame.loc[out, ["wait_days", "week"]] = pd.NA
        frame.loc[out, ["travel_min", "fee_dkk_month", "cost"]] = np.nan
        frame.loc[out, "reason"] = str(DROPPED_REASON)
    return frame[list(SCHEDULE_COLUMNS)]


def _route(
    hm: HorizonModel,
    dataset: Dataset,
    arc_of: np.ndarray,
    weights: Weights,
    seconds: float,
    cache: dict[tuple, DayRoutes],
    dropped: set[str] | None = None,
) -> RoutePlan:
    frame = _placements(hm, dataset, arc_of, hm.capacity, explain=False, dropped=dropped)
    return route_home_visits(
        dataset,
        frame,
        start=hm.horizon.start,
        end=hm.horizon.end,
        weights=weights,
        time_limit=seconds,
        cache=cache,
    )


def _home_visits(hm: HorizonModel, arc_of: np.ndarray) -> np.ndarray:
    """The session of each patient placed in a home visit, -1 for everyone else."""
    placed = arc_of >= 0
    session = np.full(len(arc_of), -1, np.int64)
    session[placed] = hm.arcs.session[arc_of[placed]]
    home = np.zeros(len(arc_of), bool)
    home[placed] = hm.model.o_kind[hm.model.s_offer[session[placed]]] == HOME_VISIT
    return np.where(home, session, -1)


def _fit_home_visits(
    hm: HorizonModel,
    dataset: Dataset,
    weights: Weights,
    rounds: int,
    seconds: float,
    cache: dict[tuple, DayRoutes],
) -> tuple[np.ndarray, np.ndarray, RoutePlan, list[str]]:
    """Places per session after home visits that fit no route are taken off,
    the plan without candidates under them, and its routes."""
    capacity = hm.capacity.copy()
    none = np.zeros(0, np.int64)
    arc_of = hm.solve(hm.capacity_with(none, capacity)).arc
    notes: list[str] = []
    routes = _route(hm, dataset, arc_of, weights, seconds, cache)
    position = pd.Series(np.arange(hm.n_sessions), index=hm.model.session_ids)
    for _ in range(rounds):
        dropped = routes.dropped_patients()
        if dropped.empty:
            break
        sessions = position[dropped["session_id"]].to_numpy()
        load = np.bincount(hm.arcs.session[arc_of[arc_of >= 0]], minlength=hm.n_sessions)
        drops = np.bincount(sessions, minlength=hm.n_sessions)
        capacity = np.where(drops > 0, np.maximum(load - drops, 0), capacity)
        notes.append(
            noted(
                "{n} home-visit patient(s) did not fit the staff's routes; "
                "{slots} visit slot(s) lose places and the plan is solved again",
                n=len(dropped),
                slots=int((drops > 0).sum()),
            )
        )
        arc_of = hm.solve(hm.capacity_with(none, capacity)).arc
        routes = _route(hm, dataset, arc_of, weights, seconds, cache)
    return capacity, arc_of, routes, notes


def schedule(
    dataset: Dataset,
    *,
    weeks: int = 12,
    start: str | np.datetime64 | pd.Timestamp | None = None,
    guarantee_days: int = 28,
    cohort_join_weeks: int = 2,
    candidates: gpd.GeoDataFrame | None = None,
    budgets: Sequence[float] | None = None,
    schedule_budget: float | None = None,
    weights: Weights | None = None,
    time_limit: float = 30.0,
    workers: int = 1,
    seed: int = 0,
    route_seconds: float = 5.0,
    route_rounds: int = 5,
    progress: Progress | None = None,
) -> Schedule:
    """Plan the patients discharged over the next ``weeks`` weeks.

    Parameters
    ----------
    start
        First day of the horizon (default: the earliest discharge date).
    guarantee_days
        The waiting-time guarantee: days from discharge to first attendance.
    cohort_join_weeks
        Weeks after its first meeting in which an exit-team cohort takes newcomers.
    candidates
        Candidate teams (as ``candidates.csv``); default: the dataset's.
    budgets
        Staff hours over the horizon to weigh (default ``0, 40, 80`` with
        candidates, ``0`` without); solved in increasing order.
    schedule_budget
        The budget whose plan becomes the schedule (default: the smallest).
    time_limit
        CP-SAT seconds per budget; ``workers`` and ``seed`` as for CP-SAT.
    route_seconds
        Most routing seconds per service and day (the search normally stops
        long before, at its first local optimum); ``route_rounds``: how often
        the plan is solved again after visits that fit no route.
    """
    started = time.perf_counter()
    w = weights or Weights.load()
    teams_in = dataset.candidates if candidates is None else candidates
    has_candidates = teams_in is not None and len(teams_in) > 0
    budget_list = sorted({float(b) for b in (budgets or ((0, 40, 80) if has_candidates else (0,)))})
    _check(weeks, guarantee_days, cohort_join_weeks, budget_list)
    chosen_budget = budget_list[0] if schedule_budget is None else float(schedule_budget)
    if chosen_budget not in budget_list:
        raise InputError(
            [
                problem(
                    "--schedule-budget",
                    None,
                    None,
                    "{budget:g} is not one of --budgets",
                    budget=chosen_budget,
                )
            ]
        )
    horizon, inside = cut_horizon(dataset.patients, weeks, start, guarantee_days, cohort_join_weeks)
    patients = dataset.patients[inside].reset_index(drop=True)
    teams = None
    offers, sessions = dataset.offers, dataset.sessions
    notes: list[str] = []
    if has_candidates:
        assert teams_in is not None
        teams = expand_candidates(teams_in, horizon, dataset.offers, dataset.sessions)
        if teams.skipped:
            notes.append(
                noted(
                    "no cohort inside the horizon for candidate(s) {candidates}",
                    candidates=", ".join(teams.skipped),
                )
            )
        offers = pd.concat([offers, teams.offers], ignore_index=True)
        sessions = pd.concat([sessions, teams.sessions], ignore_index=True)
    horizon_data = dataset.replace(patients=patients, offers=offers, sessions=sessions)
    s_candidate = np.full(len(sessions), -1, np.int64)
    if teams is not None and len(teams.sessions):
        position = pd.Series(np.arange(len(teams.table)), index=teams.table["candidate_id"])
        s_candidate[len(dataset.sessions) :] = position[teams.sessions["offer_id"]].to_numpy()
    if progress:
        progress("costs", 0.0)
    hm = HorizonModel.build(horizon_data, horizon, w, s_candidate)
    if progress:
        progress("routes", 0.2)
    days_routed: dict[tuple, DayRoutes] = {}
    capacity, routed, routes, route_notes = _fit_home_visits(
        hm, horizon_data, w, route_rounds, route_seconds, days_routed
    )
    notes += route_notes
    hours = teams.hours if teams is not None else np.zeros(0)

    def step(stage: str, share: float) -> None:
        if progress:
            progress(stage, 0.3 + 0.6 * share)

    plans = tradeoff(
        hm,
        hours,
        budget_list,
        capacity=capacity,
        baseline=routed,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        progress=step,
    )
    plan = next(p for p in plans if p.budget == chosen_budget)
    if progress:
        progress("writing", 0.9)
    final_capacity = hm.capacity_with(plan.opened, capacity)
    if not np.array_equal(_home_visits(hm, plan.arc_of), _home_visits(hm, routed)):
        routes = _route(hm, horizon_data, plan.arc_of, w, route_seconds, days_routed)
    # visits that still fit no route: those patients go unplaced, and their days are
    # planned again without them (days that do not change come from the cache)
    dropped: set[str] = set()
    for _ in range(route_rounds + 1):
        more = set(routes.dropped_patients()["patient_id"]) - dropped
        if not more:
            break
        dropped |= more
        routes = _route(hm, horizon_data, plan.arc_of, w, route_seconds, days_routed, dropped)
    left = set(routes.dropped_patients()["patient_id"]) - dropped
    if left:  # still not fitting after every round: off the routes as well
        dropped |= left
        keep = ~routes.routes["patient_id"].isin(left)
        routes = replace(routes, routes=routes.routes[keep].reset_index(drop=True))
        notes.append(
            noted("routes were not planned again after the last round of visits that did not fit")
        )
    if dropped:
        notes.append(
            noted(
                "{n} home-visit patient(s) left unplaced: {reason}",
                n=len(dropped),
                reason=DROPPED_REASON,
            )
        )
    notes += list(routes.notes)
    frame = _placements(hm, horizon_data, plan.arc_of, final_capacity, dropped=dropped)
    breaches = breaches_frame(hm, frame, final_capacity)
    weekly = hm.weekly(plan.arc_of, final_capacity)
    weekly.insert(1, "name", weekly["offer_id"].map(offers.set_index("offer_id")["name"]))
    trade = tradeoff_frame(plans, teams)
    placed = frame[frame["status"] == "placed"]
    visits = routes.routes[routes.routes["patient_id"] != ""]
    figures: dict[str, Any] = {
        "start": str(horizon.start),
        "end": str(horizon.last),
        "weeks": horizon.weeks,
        "guarantee_days": horizon.guarantee_days,
        "cohort_join_weeks": horizon.cohort_join_weeks,
        "patients": len(frame),
        "outside_horizon": int((~inside).sum()),
        "placed": len(placed),
        "priority_placed": int(hm.model.p_priority[(frame["status"] == "placed").to_numpy()].sum()),
        "breaches": len(breaches),
        "late": int((breaches["status"] == "placed").sum()),
        "unplaced": int((frame["status"] == "unplaced").sum()),
        "escalated": int((frame["status"] == "escalated").sum()),
        "mean_wait_days": round(float(placed["wait_days"].mean()), 1) if len(placed) else None,
        "schedule_budget": plan.budget,
        "opened": trade.loc[trade["budget"] == plan.budget, "opened_ids"].iat[0],
        "staff_hours": round(plan.hours, 2),
        "breach_points": round(hm.breach_points, 2),
        "candidates": 0 if teams is None else len(teams.table),
        "routes": {
            "service_days": routes.days,
            "solves": len(days_routed),
            "visits": len(visits),
            "dropped_patients": len(dropped),
            "drive_min": int(routes.staff_days["drive_min"].sum()),
            "idle_min": int(routes.staff_days["idle_min"].sum()),
        },
        "seconds": round(time.perf_counter() - started, 2),
    }
    if progress:
        progress("done", 1.0)
    return Schedule(
        horizon=horizon,
        assignments=frame,
        tradeoff=trade,
        breaches=breaches,
        weekly=weekly,
        opened=opened_frame(plans, teams),
        routes=routes,
        budget=plan.budget,
        figures=figures,
        notes=tuple(notes),
    )
