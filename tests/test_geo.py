"""Travel time (matcher.geo): the built-in estimate per mode, a router's matrix laid over
it, and a pluggable TravelTimeSource."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import build, offer, patient, session

from matcher import Weights, plan
from matcher.domain import MODES
from matcher.geo import EstimatedTravel, MatrixTravel, ModeSpeed
from matcher.match.costs import MatchModel, evaluate

SPEEDS = Weights.load().travel
ONE_KM_EAST = {"lat": 55.3959, "lon": 10.4042}


@pytest.mark.parametrize(
    ("speed", "metres", "minutes"),
    [
        (ModeSpeed(4.0, 1.3, 0.0), 1000.0, 19.5),  # walk: 1.3 km at 4 km/h
        (ModeSpeed(12.0, 1.3, 2.0), 1000.0, 8.5),  # bike: 2 min to get going
        (ModeSpeed(22.0, 1.4, 15.0, 0.8), 2200.0, 23.4),  # bus: 15 min to stops and waiting
        (ModeSpeed(22.0, 1.4, 15.0, 0.8), 500.0, np.inf),  # nobody takes a bus 500 m
        (ModeSpeed(35.0, 1.3, 4.0), 0.0, 4.0),
    ],
)
def test_mode_minutes_from_straight_line_distance(
    speed: ModeSpeed, metres: float, minutes: float
) -> None:
    """minutes = fixed_min + km x detour / speed_kmh x 60, inf below min_km."""
    assert float(speed.minutes(np.array(metres))) == pytest.approx(minutes)


def test_estimate_has_a_value_per_mode() -> None:
    """EstimatedTravel.minutes is (origins, destinations, modes) in MODES order."""
    travel = EstimatedTravel(np.array([[0.0, 0.0]]), np.array([[3000.0, 4000.0]]), SPEEDS)
    minutes = travel.minutes(np.array([0]), np.array([0]))
    assert minutes.shape == (1, 1, len(MODES))
    for k, mode in enumerate(MODES):
        assert minutes[0, 0, k] == pytest.approx(float(SPEEDS[mode].minutes(np.array(5000.0))))


def test_fastest_allowed_mode_matches_the_table_of_every_mode() -> None:
    """best_minutes gives, per pair, the least minutes over the allowed modes and that mode
    (-2 and inf where none applies), as the full table does."""
    rng = np.random.default_rng(0)
    origins = rng.uniform(0, 20_000, size=(40, 2))
    destinations = rng.uniform(0, 20_000, size=(30, 2))
    allowed = rng.random((40, len(MODES))) < 0.5
    allowed[0] = False
    travel = EstimatedTravel(origins, destinations, SPEEDS)
    rows, cols = np.arange(40), np.arange(30)
    best, mode = travel.best_minutes(rows, cols, allowed)
    table = np.where(allowed[:, None, :], travel.minutes(rows, cols), np.inf)
    np.testing.assert_allclose(best, table.min(axis=-1), rtol=1e-5)
    reachable = np.isfinite(table.min(axis=-1))
    chosen = np.take_along_axis(table, np.maximum(mode, 0)[..., None], axis=-1)[..., 0]
    np.testing.assert_allclose(chosen[reachable], best[reachable], rtol=1e-5)
    assert (mode[~reachable] == -2).all() and (mode[0] == -2).all()


def test_every_mode_needs_a_speed() -> None:
    """A speed table without a mode is refused."""
    speeds = {m: s for m, s in SPEEDS.items() if m != "bus"}
    with pytest.raises(ValueError, match="bus"):
        EstimatedTravel(np.zeros((1, 2)), np.zeros((1, 2)), speeds)


def test_matrix_replaces_only_the_pairs_it_gives() -> None:
    """travel_times rows replace the estimate for their pair (one mode, or every mode when
    the mode is empty); a patient's own row wins over its district's; other pairs keep the
    estimate; unknown ids are ignored."""
    base = EstimatedTravel(np.zeros((3, 2)), np.full((2, 2), 1000.0), SPEEDS)
    table = pd.DataFrame(
        {
            "origin_id": ["P1", "P1", "D7", "D7", "P9"],
            "destination_id": ["O1", "O2", "O1", "O2", "O1"],
            "minutes": [7.0, 3.0, 50.0, 40.0, 1.0],
            "mode": ["bus", "", "", "", "walk"],
        }
    )
    matrix = MatrixTravel(
        base,
        table,
        np.array(["P1", "P2", "P3"]),
        np.array(["O1", "O2"]),
        np.array(["D7", "D7", ""]),
    )
    got = matrix.minutes(np.arange(3), np.arange(2))
    estimate = base.minutes(np.arange(3), np.arange(2))
    bus = MODES.index("bus")
    assert got[0, 0, bus] == 7.0  # P1's own bus row
    assert got[0, 0, MODES.index("walk")] == 50.0  # otherwise its district's row
    assert (got[0, 1] == 3.0).all()  # P1's own row for every mode beats D7's
    assert (got[1, 0] == 50.0).all() and (got[1, 1] == 40.0).all()  # district rows
    np.testing.assert_array_equal(got[2], estimate[2])  # no row: the estimate


class FlatRouter:
    """A stand-in router: the same minutes for every pair and mode."""

    def __init__(self, minutes: float) -> None:
        self.value = minutes

    def minutes(self, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        return np.full((len(origins), len(destinations), len(MODES)), self.value, np.float32)


@pytest.mark.parametrize(("minutes", "feasible"), [(12.0, True), (45.0, False)])
def test_any_travel_source_can_be_plugged_in(
    tmp_path: Path, minutes: float, feasible: bool
) -> None:
    """MatchModel takes any TravelTimeSource (here a router without best_minutes) and the
    rules use its minutes."""
    ds = build([offer()], [session()], [patient(max_travel_min=30)], tmp_path)
    model = MatchModel.from_dataset(ds, travel=FlatRouter(minutes))
    ev = evaluate(model, np.array([0]))
    assert ev.feasible[0, 0] is np.bool_(feasible)
    assert ev.travel_min[0, 0] == minutes


@pytest.mark.parametrize(("minutes", "status"), [(8.0, "placed"), (25.0, "unplaced")])
def test_travel_times_file_replaces_the_estimate_in_the_plan(
    tmp_path: Path, minutes: float, status: str
) -> None:
    """A travel_times.csv row decides the travel rule and the travel_min of PLAN.csv:
    1 km on foot is estimated at 19.5 min, over the 10-minute limit, but a router says
    otherwise."""
    ds = build(
        [offer(**ONE_KM_EAST)],
        [session()],
        [patient(modes="walk", max_travel_min=10)],
        tmp_path,
        travel_times=[
            {"origin_id": "P1", "destination_id": "O1", "minutes": minutes, "mode": "walk"}
        ],
    )
    row = plan(ds).assignments.iloc[0]
    assert row["status"] == status
    if status == "placed":
        assert row["travel_min"] == minutes
    else:
        assert "too far away" in row["reason"]
