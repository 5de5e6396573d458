"""Home-visit routes: time windows, shifts, no overlaps, honest driving times."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from builders import LAT, LON, build, offer, patient, session

from matcher import Weights
from matcher.domain import MODES, parse_clock
from matcher.geo import EstimatedTravel
from matcher.planning.routes import ROUTE_COLUMNS, DayRoutes, Shift, route_day, route_home_visits

WEIGHTS = Weights.load()
CAR = WEIGHTS.travel["car"]


def _instance(
    n: int, n_staff: int, duration: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, list[list[tuple[int, int]]], list[Shift]]:
    """A base, ``n`` homes within 6 km, one or two windows each, and staggered shifts."""
    rng = np.random.default_rng(seed)
    base = np.array([590_000.0, 6_140_000.0])
    homes = base + rng.uniform(-6000, 6000, size=(n, 2))
    windows: list[list[tuple[int, int]]] = []
    for _ in range(n):
        a = int(rng.integers(7 * 60, 13 * 60))
        spans = [(a, a + int(rng.integers(duration, 4 * 60)))]
        if rng.random() < 0.3:
            b = spans[0][1] + int(rng.integers(30, 90))
            spans.append((b, b + 2 * duration))
        windows.append(spans)
    shifts = [
        Shift(f"T{k + 1}", 8 * 60 + 30 * (k % 3), 15 * 60 + 30 - 30 * (k % 2))
        for k in range(n_staff)
    ]
    return base, homes, windows, shifts


CASES = [
    # (visits, staff, visit minutes)
    (6, 2, 60),
    (15, 3, 45),
    (30, 4, 30),
]


def _solve(n: int, n_staff: int, duration: int) -> tuple[DayRoutes, tuple]:
    base, homes, windows, shifts = _instance(n, n_staff, duration)
    result = route_day(base, homes, windows, shifts, duration, CAR, time_limit=5.0)
    return result, (base, homes, windows, shifts)


def _by_staff(result: DayRoutes) -> dict[int, list]:
    routes: dict[int, list] = {}
    for stop in sorted(result.stops, key=lambda s: (s.staff, s.order)):
        routes.setdefault(stop.staff, []).append(stop)
    return routes


@pytest.mark.parametrize(("n", "n_staff", "duration"), CASES)
def test_every_visit_starts_inside_the_patient_window_and_the_shift(
    n: int, n_staff: int, duration: int
) -> None:
    """Each visit starts and ends inside a patient window and inside its staff member's shift."""
    result, (_, _, windows, shifts) = _solve(n, n_staff, duration)
    visits = [s for s in result.stops if s.visit >= 0]
    assert visits, "the instance should allow some visits"
    for stop in visits:
        shift = shifts[stop.staff]
        assert shift.start <= stop.arrive <= shift.end
        assert stop.depart == stop.arrive + duration
        assert any(a <= stop.arrive and stop.depart <= b for a, b in windows[stop.visit])
    for stops in _by_staff(result).values():
        back = stops[-1]
        assert back.visit == -1
        assert back.arrive <= shifts[back.staff].end


@pytest.mark.parametrize(("n", "n_staff", "duration"), CASES)
def test_visits_of_one_staff_member_never_overlap(n: int, n_staff: int, duration: int) -> None:
    """A staff member starts the next visit only after the last one ended and the drive between."""
    result, _ = _solve(n, n_staff, duration)
    for stops in _by_staff(result).values():
        assert [s.order for s in stops] == list(range(1, len(stops) + 1))
        for before, after in itertools.pairwise(stops):
            assert after.arrive >= before.depart + after.drive_min


@pytest.mark.parametrize(("n", "n_staff", "duration"), CASES)
def test_driving_is_never_less_than_the_travel_model(n: int, n_staff: int, duration: int) -> None:
    """Each leg's planned driving is at least the travel model's car estimate for it."""
    result, (base, homes, _, _) = _solve(n, n_staff, duration)
    points = np.vstack([base, homes])
    estimate = EstimatedTravel(points, points, WEIGHTS.travel).minutes(
        np.arange(len(points)), np.arange(len(points))
    )[:, :, MODES.index("car")]
    for stops in _by_staff(result).values():
        previous = 0
        for stop in stops:
            here = stop.visit + 1
            assert stop.drive_min >= estimate[previous, here] - 1e-9
            assert stop.drive_min > 0
            previous = here
        assert previous == 0  # back at base


@pytest.mark.parametrize(
    ("window", "visited"),
    [
        ((9 * 60, 11 * 60), True),  # inside the shift: the rule holds
        ((16 * 60, 18 * 60), False),  # after the shift: the visit cannot fit
        ((9 * 60, 9 * 60 + 30), False),  # shorter than a visit: cannot fit
    ],
)
def test_a_visit_fits_only_inside_window_and_shift(window: tuple[int, int], visited: bool) -> None:
    """A visit is routed only when a whole visit fits in both the patient's window and the shift."""
    base = np.array([590_000.0, 6_140_000.0])
    result = route_day(
        base, base + np.array([[1000.0, 0.0]]), [[window]], [Shift("T1", 480, 930)], 60, CAR
    )
    assert (len(result.dropped) == 0) is visited


def test_with_no_staff_every_visit_is_dropped() -> None:
    """A service without staff that day can make no visits."""
    base = np.array([590_000.0, 6_140_000.0])
    result = route_day(
        base, base + np.array([[1000.0, 0.0], [0.0, 1000.0]]), [[(0, 1440)]] * 2, [], 60, CAR
    )
    assert result.dropped.tolist() == [0, 1]
    assert result.stops == ()


def test_when_time_is_short_the_higher_priority_visit_is_kept() -> None:
    """With room for one visit, the one with more priority is made."""
    base = np.array([590_000.0, 6_140_000.0])
    homes = base + np.array([[2000.0, 0.0], [-2000.0, 0.0]])
    result = route_day(
        base,
        homes,
        [[(480, 600)], [(480, 600)]],
        [Shift("T1", 480, 600)],
        60,
        CAR,
        priority=np.array([1, 3]),
    )
    assert result.dropped.tolist() == [0]
    assert result.visited().tolist() == [1]


def _home_dataset(n_patients: int, shift: tuple[str, str]) -> tuple:
    """One home-visit service with one staff member on Mondays and home-bound patients."""
    offers = [offer(offer_id="H1", kind="home_visit", group_size=1, supervised="true")]
    sessions = [
        session(session_id=f"S{k}", offer_id="H1", start="09:00", end="10:00", capacity=3, weeks=2)
        for k in range(1, 3)
    ]
    patients = [
        patient(
            patient_id=f"P{i}",
            lat=LAT + 0.01 * (i % 3),
            lon=LON + 0.015 * (i // 3),
            home_bound="true",
            modes="walk",
            available="mon 08:00-16:00",
        )
        for i in range(1, n_patients + 1)
    ]
    staff = [
        {
            "staff_id": "H1-T1",
            "offer_id": "H1",
            "weekday": "mon",
            "shift_start": shift[0],
            "shift_end": shift[1],
        }
    ]
    ds = build(offers, sessions, patients, staff=staff)
    frame = pd.DataFrame(
        {
            "patient_id": [p["patient_id"] for p in patients],
            "status": "placed",
            "offer_id": "H1",
            "session_id": [f"S{1 + i % 2}" for i in range(n_patients)],
            "kind": "home_visit",
            "start_date": pd.Timestamp("2027-01-04"),
        }
    )
    return ds, frame


@pytest.mark.parametrize(
    ("shift", "patients", "dropped"),
    [
        (("08:00", "16:00"), 4, 0),  # four one-hour visits fit in an eight-hour shift
        (("08:00", "10:30"), 4, 2),  # two and a half hours: two visits and the driving
    ],
)
def test_route_home_visits_writes_routes_and_lists_what_did_not_fit(
    shift: tuple[str, str], patients: int, dropped: int
) -> None:
    """Each placed home-visit patient is on a route or listed as not fitting, every course date."""
    ds, frame = _home_dataset(patients, shift)
    result = route_home_visits(ds, frame, start="2027-01-04", end="2027-01-18", weights=WEIGHTS)
    assert list(result.routes.columns[: len(ROUTE_COLUMNS)]) == list(ROUTE_COLUMNS)
    assert sorted(set(result.routes["date"])) == ["2027-01-04", "2027-01-11"]  # weeks = 2
    visits = result.routes[result.routes["patient_id"] != ""]
    for date in ("2027-01-04", "2027-01-11"):
        on_route = set(visits.loc[visits["date"] == date, "patient_id"])
        missing = set(result.dropped.loc[result.dropped["date"] == date, "patient_id"])
        assert on_route | missing == set(frame["patient_id"])
        assert len(missing) == dropped
    assert len(result.dropped_patients()) == dropped
    start, end = (parse_clock(t) for t in shift)
    assert all(start <= parse_clock(t) <= end for t in result.routes["arrive"])
    assert (result.staff_days["idle_min"] >= 0).all()
