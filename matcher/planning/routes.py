"""Home-visit routes: who drives where, and when, on each day.

For one home-visit service and one date, ``route_day`` plans the visits of
the patients assigned to it with the OR-Tools routing solver: one route per
staff member on shift, from the service's base and back, each visit taking
``weights.home_visit_min`` minutes and starting inside both the patient's
available window on that weekday and the staff member's shift. Driving
between homes uses the car speed of the travel model (straight-line distance
in EPSG:25832 with the car's detour factor and fixed minutes, rounded up to
whole minutes so it is never below the estimate). A visit that fits no route
is left out at a penalty larger than all driving of the day, so the solver
serves as many visits (weighted by priority) as it can.

``route_home_visits`` does this for every service and date of a schedule and
returns ``routes.csv`` as a frame, the driving, visiting and idle minutes per
staff member and day, and the visits that did not fit; the schedule counts
those against the service's capacity.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from ..dataset.load import Dataset
from ..dataset.staff import visiting_staff
from ..dates import Spans, is_holiday, weekday_of
from ..domain import KINDS, VULNERABILITY_FLAGS, WEEKDAYS, format_minutes, priority
from ..geo import ModeSpeed, distance_m
from ..match.weights import Weights
from ..words.notes import noted

__all__ = [
    "ROUTE_COLUMNS",
    "DayRoutes",
    "RoutePlan",
    "Shift",
    "Stop",
    "drive_matrix",
    "route_day",
    "route_home_visits",
]

#: Columns of routes.csv, in order (the contract).
ROUTE_COLUMNS: tuple[str, ...] = (
    "staff_id",
    "date",
    "order",
    "patient_id",
    "arrive",
    "depart",
    "drive_min",
)
_DAY = 24 * 60


@dataclass(frozen=True)
class Shift:
    """A staff member's shift on one day; minutes after midnight."""

    staff_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Stop:
    """One stop of a route. ``visit`` indexes the day's visits, -1 for the
    return to base; ``arrive`` is when the visit starts and ``depart`` when it
    ends (minutes after midnight); ``drive_min`` is the drive to get there."""

    staff: int
    order: int
    visit: int
    arrive: int
    depart: int
    drive_min: int


@dataclass(frozen=True)
class DayRoutes:
    """The routes of one service on one day.

    ``drive``, ``visit`` and ``idle`` are minutes per staff member (idle: time
    on shift spent neither driving nor visiting); ``dropped`` holds the
    indices of visits that fit no route.
    """

    stops: tuple[Stop, ...]
    dropped: np.ndarray
    drive: np.ndarray
    visit: np.ndarray
    idle: np.ndarray
    seconds: float

    def visited(self) -> np.ndarray:
        """Indices of the visits that are on a route."""
        return np.array(sorted(s.visit for s in self.stops if s.visit >= 0), dtype=np.int64)


def drive_matrix(xy: np.ndarray, car: ModeSpeed) -> np.ndarray:
    """Whole minutes of driving between every pair of points (metres, EPSG:25832).

    The travel model's car estimate rounded up, so a route never plans less
    driving than the estimate; zero from a point to itself.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    minutes = car.minutes(distance_m(xy[:, 0], xy[:, 1], xy[:, 0], xy[:, 1]))
    out = np.ceil(np.round(minutes, 6)).astype(np.int64)
    np.fill_diagonal(out, 0)
    return out


def _start_ranges(
    windows: Sequence[Sequence[tuple[int, int]]], duration: int, lo: int, hi: int
) -> list[list[tuple[int, int]]]:
    """Per visit, the allowed start times as sorted disjoint (first, last) ranges."""
    out = []
    for spans in windows:
        ranges = sorted(
            (max(a, lo), min(b - duration, hi))
            for a, b in spans
            if max(a, lo) <= min(b - duration, hi)
        )
        merged: list[tuple[int, int]] = []
        for a, b in ranges:
            if merged and a <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        out.append(merged)
    return out


def route_day(
    base_xy: np.ndarray,
    homes_xy: np.ndarray,
    windows: Sequence[Sequence[tuple[int, int]]],
    shifts: Sequence[Shift],
    duration: int,
    car: ModeSpeed,
    *,
    priority: np.ndarray | None = None,
    time_limit: float = 2.0,
    guided: bool = False,
) -> DayRoutes:
    """Plan one service's visits on one day.

    Parameters
    ----------
    base_xy
        The staff's base, metres in EPSG:25832.
    homes_xy
        One home per visit, metres in EPSG:25832, shape (n, 2).
    windows
        Per visit, the patient's available spans that day as (start, end)
        minutes after midnight; the whole visit lies inside one of them.
    shifts
        The staff on duty; a route leaves the base and returns within the shift.
    duration
        Minutes a visit takes at the home.
    car
        The travel model's car speed.
    priority
        Per visit, weight of leaving it out (default 1 each).
    time_limit
        Seconds for the search.
    guided
        Use guided local search until ``time_limit`` (better routes for large
        days); otherwise stop at the first local optimum (fast, repeatable).
    """
    started = time.perf_counter()
    homes = np.asarray(homes_xy, dtype=float).reshape(-1, 2)
    n, n_staff = len(homes), len(shifts)
    weight = np.ones(n, np.int64) if priority is None else np.asarray(priority, np.int64)
    idle_all = np.array([s.end - s.start for s in shifts], np.int64)
    empty = np.zeros(n_staff, np.int64)
    if n_staff == 0 or n == 0:
        return DayRoutes((), np.arange(n), empty, empty.copy(), idle_all, 0.0)
    drive = drive_matrix(np.vstack([np.asarray(base_xy, float).reshape(1, 2), homes]), car)
    lo = min(s.start for s in shifts)
    hi = max(s.end for s in shifts) - duration
    ranges = _start_ranges(windows, duration, lo, hi)
    service = np.r_[0, np.full(n, duration)].astype(np.int64)
    manager = pywrapcp.RoutingIndexManager(n + 1, n_staff, 0)
    routing = pywrapcp.RoutingModel(manager)
    cost = routing.RegisterTransitMatrix(drive.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    transit = routing.RegisterTransitMatrix((drive + service[:, None]).tolist())
    routing.AddDimension(transit, _DAY, _DAY, False, "time")
    clock = routing.GetDimensionOrDie("time")
    for v, shift in enumerate(shifts):
        clock.CumulVar(routing.Start(v)).SetRange(shift.start, shift.end)
        clock.CumulVar(routing.End(v)).SetRange(shift.start, shift.end)
    # times: back at base as early as possible, then leave as late as that allows
    for v in range(n_staff):
        routing.AddVariableMinimizedByFinalizer(clock.CumulVar(routing.End(v)))
    for v in range(n_staff):
        routing.AddVariableMaximizedByFinalizer(clock.CumulVar(routing.Start(v)))
    penalty = (int(drive.max()) * (n + n_staff) + 1) * weight
    for i, spans in enumerate(ranges):
        index = manager.NodeToIndex(i + 1)
        if not spans:
            routing.ActiveVar(index).SetValue(0)
        else:
            var = clock.CumulVar(index)
            var.SetRange(spans[0][0], spans[-1][1])
            for (_, end), (nxt, _) in itertools.pairwise(spans):
                var.RemoveInterval(end + 1, nxt - 1)
        routing.AddDisjunction([index], int(penalty[i]))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        if guided
        else routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    solution = routing.SolveWithParameters(params)
    if solution is None:  # cannot happen with every visit optional; keep the day empty
        return DayRoutes(
            (), np.arange(n), empty, empty.copy(), idle_all, time.perf_counter() - started
        )
    stops: list[Stop] = []
    drive_total = np.zeros(n_staff, np.int64)
    visit_total = np.zeros(n_staff, np.int64)
    for v in range(n_staff):
        index = routing.Start(v)
        previous, order, clock_at = 0, 0, None
        while not routing.IsEnd(index):
            index = solution.Value(routing.NextVar(index))
            node = manager.IndexToNode(index)
            if routing.IsEnd(index):
                if order == 0:
                    break
                assert clock_at is not None
                leg = int(drive[previous, 0])
                stops.append(Stop(v, order + 1, -1, clock_at + leg, clock_at + leg, leg))
                drive_total[v] += leg
                break
            order += 1
            arrive = int(solution.Min(clock.CumulVar(index)))
            leg = int(drive[previous, node])
            stops.append(Stop(v, order, node - 1, arrive, arrive + duration, leg))
            drive_total[v] += leg
            visit_total[v] += duration
            previous, clock_at = node, arrive + duration
    visited = {s.visit for s in stops if s.visit >= 0}
    dropped = np.array([i for i in range(n) if i not in visited], dtype=np.int64)
    idle = idle_all - drive_total - visit_total
    return DayRoutes(
        tuple(stops), dropped, drive_total, visit_total, idle, time.perf_counter() - started
    )


@dataclass(frozen=True)
class RoutePlan:
    """Routes of every home-visit service and day of a schedule.

    ``routes`` is routes.csv (times ``HH:MM``, ``date`` as ``YYYY-MM-DD``;
    the last row of each route, with an empty ``patient_id``, is the return
    to base) plus ``offer_id``; ``staff_days`` has the minutes driving,
    visiting and idle per staff member and day; ``dropped`` lists each visit
    that fit no route (``patient_id, offer_id, session_id, date``).
    """

    routes: pd.DataFrame
    staff_days: pd.DataFrame
    dropped: pd.DataFrame
    days: int = 0
    solves: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())

    def dropped_patients(self) -> pd.DataFrame:
        """One row per patient with a visit that did not fit: ``patient_id, session_id``."""
        return self.dropped.drop_duplicates("patient_id")[["patient_id", "session_id"]]


def _day(value: str | np.datetime64 | pd.Timestamp) -> np.ndarray:
    """A date as a 0-d ``datetime64[D]`` array."""
    return np.asarray(pd.Timestamp(value).to_datetime64(), dtype="datetime64[D]")


def _windows_on(available: tuple, day: int) -> list[tuple[int, int]]:
    """The patient's available spans on weekday ``day`` (empty ``available``: all day)."""
    if not available:
        return [(0, _DAY)]
    return [(w.start, w.end) for w in available if w.day == day]


def _days_off(dataset: Dataset, sessions: pd.Series, rows: np.ndarray) -> Spans:
    """Per placed visit, the days it is not made: its session's ``exceptions`` and the
    patient's time ``away`` (the optional columns; none when absent)."""
    ses, pat = dataset.sessions, dataset.patients
    exceptions = (
        ses.set_index("session_id")["exceptions"].reindex(sessions).tolist()
        if "exceptions" in ses.columns
        else [()] * len(rows)
    )
    away = pat["away"].to_numpy()[rows].tolist() if "away" in pat.columns else [()] * len(rows)
    return Spans.of(
        (*(e if isinstance(e, tuple) else ()), *(a if isinstance(a, tuple) else ()))
        for e, a in zip(exceptions, away, strict=True)
    )


def route_home_visits(
    dataset: Dataset,
    assignments: pd.DataFrame,
    *,
    start: str | np.datetime64 | pd.Timestamp,
    end: str | np.datetime64 | pd.Timestamp,
    weights: Weights | None = None,
    time_limit: float = 5.0,
    guided: bool = False,
    cache: dict[tuple, DayRoutes] | None = None,
) -> RoutePlan:
    """Routes for the home visits in ``assignments`` on every date in [start, end).

    A patient placed in a home-visit session is visited on its weekday every
    week from ``start_date`` for the session's ``weeks`` (every week when it
    has none), but not on a Danish public holiday when ``[holidays]`` of the
    weights says so for home visits (the default), not on the session's
    ``exceptions`` and not while the patient is ``away``. Staff and shifts come from
    ``staff.csv``; a service it lists makes no visits on a weekday without a
    shift (the plan puts none there). A
    service staff.csv does not list (or every service, without staff.csv) has
    no staff limit: its visits stay placed and are not routed. Days with the same staff
    and the same visits are planned once; pass the same ``cache`` (a dict) to
    several calls to plan each such day once across them.
    """
    started = time.perf_counter()
    w = weights or Weights.load()
    car = w.travel["car"]
    duration = int(w.home_visit_min)
    placed = assignments[(assignments["status"] == "placed") & (assignments["kind"] == KINDS[3])]
    empty_routes = pd.DataFrame(columns=[*ROUTE_COLUMNS, "offer_id"])
    empty_days = pd.DataFrame(
        columns=["staff_id", "offer_id", "date", "visits", "drive_min", "visit_min", "idle_min"]
    )
    empty_dropped = pd.DataFrame(columns=["patient_id", "offer_id", "session_id", "date"])
    if placed.empty:
        return RoutePlan(empty_routes, empty_days, empty_dropped)
    staff = visiting_staff(dataset)
    notes: list[str] = []
    if staff is None or staff.empty:
        notes.append(noted("no staff.csv: home visits have no staff limit and are not routed"))
        return RoutePlan(empty_routes, empty_days, empty_dropped, notes=tuple(notes))
    listed = set(staff["offer_id"].astype(str))
    unstaffed = sorted(set(placed["offer_id"].astype(str)) - listed)
    if unstaffed:
        notes.append(
            noted(
                "no staff in staff.csv for home-visit service(s) {services}: "
                "their visits have no staff limit and are not routed",
                services=", ".join(unstaffed[:5]),
            )
        )
        placed = placed[placed["offer_id"].astype(str).isin(listed)]
        if placed.empty:
            return RoutePlan(empty_routes, empty_days, empty_dropped, notes=tuple(notes))
    # everything the loop needs, as plain arrays and dicts (no pandas in the loop)
    pat = dataset.patients
    row_of = pd.Series(np.arange(len(pat)), index=pat["patient_id"].to_numpy())
    rows_p = row_of[placed["patient_id"]].to_numpy()
    ids_p = placed["patient_id"].to_numpy(dtype=object)
    offer_p = placed["offer_id"].to_numpy(dtype=object)
    session_p = placed["session_id"].to_numpy(dtype=object)
    xy_p = pat[["x", "y"]].to_numpy(dtype=float)[rows_p]
    available_p = pat["available"].to_numpy()[rows_p]
    flags = pat[list(VULNERABILITY_FLAGS)].to_numpy(dtype=bool)[rows_p]
    priority_p = priority(flags)
    base_of = {
        o: np.array([x, y], dtype=float)
        for o, x, y in zip(
            dataset.offers["offer_id"], dataset.offers["x"], dataset.offers["y"], strict=True
        )
    }
    shifts_of: dict[tuple[str, str], list[Shift]] = {}
    for r in staff.sort_values(["staff_id", "shift_start_min"]).itertuples(index=False):
        shifts_of.setdefault((str(r.offer_id), str(r.weekday)), []).append(
            Shift(str(r.staff_id), int(r.shift_start_min), int(r.shift_end_min))
        )
    weeks = dataset.sessions.set_index("session_id")["weeks"]
    end_day = _day(end)
    first = placed["start_date"].to_numpy(dtype="datetime64[D]")
    course = weeks.reindex(placed["session_id"]).fillna(0).to_numpy(dtype=np.int64)
    last = np.where(course > 0, first + 7 * (course - 1), end_day)
    off_days = _days_off(dataset, placed["session_id"], rows_p)
    order = np.lexsort((ids_p.astype(str), offer_p.astype(str)))
    rows: list[dict] = []
    day_rows: list[dict] = []
    drops: list[dict] = []
    cache = {} if cache is None else cache
    solved = len(cache)
    days = 0
    days_in = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), inclusive="left")
    dates_in = days_in.to_numpy(dtype="datetime64[D]")
    if KINDS[3] in w.holiday_kinds:  # the staff make no home visit on a public holiday
        dates_in = dates_in[~is_holiday(dates_in.astype(np.int64))]
    for date in dates_in:
        wd = int(weekday_of(date.astype(np.int64)))
        active = (first <= date) & (date <= last) & ((date - first).astype(np.int64) % 7 == 0)
        active &= ~off_days.find(np.arange(len(active)), date.astype(np.int64))[0]
        if not active.any():
            continue
        today = order[active[order]]
        text = str(date)
        for offer_id in dict.fromkeys(offer_p[today].tolist()):
            days += 1
            mine = today[offer_p[today] == offer_id]
            shifts = shifts_of.get((str(offer_id), WEEKDAYS[wd]), [])
            ids = ids_p[mine]
            key = (offer_id, tuple(shifts), tuple(ids))
            if key not in cache:
                cache[key] = route_day(
                    base_of[offer_id],
                    xy_p[mine],
                    [_windows_on(available_p[i], wd) for i in mine.tolist()],
                    shifts,
                    duration,
                    car,
                    priority=priority_p[mine],
                    time_limit=time_limit,
                    guided=guided,
                )
            result = cache[key]
            for stop in result.stops:
                rows.append(
                    {
                        "staff_id": shifts[stop.staff].staff_id,
                        "date": text,
                        "order": stop.order,
                        "patient_id": ids[stop.visit] if stop.visit >= 0 else "",
                        "arrive": format_minutes(stop.arrive),
                        "depart": format_minutes(stop.depart) if stop.visit >= 0 else "",
                        "drive_min": stop.drive_min,
                        "offer_id": offer_id,
                    }
                )
            visits = np.bincount(
                [st.staff for st in result.stops if st.visit >= 0], minlength=len(shifts)
            )
            for v, shift in enumerate(shifts):
                day_rows.append(
                    {
                        "staff_id": shift.staff_id,
                        "offer_id": offer_id,
                        "date": text,
                        "visits": int(visits[v]),
                        "drive_min": int(result.drive[v]),
                        "visit_min": int(result.visit[v]),
                        "idle_min": int(result.idle[v]),
                    }
                )
            for i in result.dropped.tolist():
                drops.append(
                    {
                        "patient_id": ids[i],
                        "offer_id": offer_id,
                        "session_id": session_p[mine[i]],
                        "date": text,
                    }
                )
    return RoutePlan(
        routes=pd.DataFrame(rows, columns=empty_routes.columns) if rows else empty_routes,
        staff_days=pd.DataFrame(day_rows, columns=empty_days.columns) if day_rows else empty_days,
        dropped=pd.DataFrame(drops, columns=empty_dropped.columns) if drops else empty_dropped,
        days=days,
        solves=len(cache) - solved,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )
