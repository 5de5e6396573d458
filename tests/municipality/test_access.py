"""The E2SFCA access measure (matcher.municipality.access): the travel bands, the
score against hand-computed and pair-by-pair values, and the travel from district
centres it is computed on."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from builders import build, offer, patient, session
from gaps_support import CX, CY, at, people, two_districts

from matcher import Dataset
from matcher.match.weights import Weights
from matcher.municipality.access import centre_minutes, e2sfca, step_weights
from matcher.municipality.gaps import gap_analysis


@pytest.mark.parametrize(
    ("minutes", "weight"),
    [
        (0.0, 1.0),
        (10.0, 1.0),
        (10.01, 0.68),
        (20.0, 0.68),
        (20.5, 0.22),
        (30.0, 0.22),
        (30.01, 0.0),
        (np.inf, 0.0),
        (np.nan, 0.0),
    ],
)
def test_step_weights_follow_the_contract_bands(minutes: float, weight: float) -> None:
    """0-10 min weigh 1.00, 10-20 0.68, 20-30 0.22, nothing beyond 30 (upper edges included)."""
    assert step_weights(np.array([[minutes]]))[0, 0] == weight


def test_e2sfca_matches_hand_computed_values() -> None:
    """E2SFCA on two districts and two offers equals the numbers worked out by hand.

    W = [[1, .68], [.22, 0]]; R1 = 6 / (10*1 + 20*.22) = 6/14.4; R2 = 4 / (10*.68) = 4/6.8;
    A1 = 1000 (R1 + .68 R2) = 816.67; A2 = 1000 * .22 R1 = 91.67 places per 1,000.
    """
    minutes = np.array([[5.0, 15.0], [25.0, 40.0]])
    got = e2sfca(minutes, demand=np.array([10, 20]), supply=np.array([6, 4]))
    assert got == pytest.approx([1000 * (6 / 14.4 + 0.68 * 4 / 6.8), 1000 * 0.22 * 6 / 14.4])
    assert got == pytest.approx([816.6667, 91.6667], abs=1e-3)


def test_e2sfca_offer_out_of_reach_adds_nothing() -> None:
    """An offer no district reaches within 30 minutes adds no places anywhere."""
    with np.errstate(all="raise"):
        both = e2sfca(np.array([[5.0, 45.0]]), demand=np.array([10]), supply=np.array([6, 9]))
        near = e2sfca(np.array([[5.0]]), demand=np.array([10]), supply=np.array([6]))
        nobody = e2sfca(np.array([[5.0]]), demand=np.array([0]), supply=np.array([6]))
    assert both.tolist() == near.tolist() == [600.0]
    assert nobody.tolist() == [0.0]


def e2sfca_by_loops(minutes: np.ndarray, demand: np.ndarray, supply: np.ndarray) -> list[float]:
    """E2SFCA written out pair by pair, as in Luo & Qi (2009): the reference."""

    def w(t: float) -> float:
        return 1.0 if t <= 10 else 0.68 if t <= 20 else 0.22 if t <= 30 else 0.0

    origins, offers = minutes.shape
    ratio = []
    for j in range(offers):
        reached = sum(demand[i] * w(minutes[i, j]) for i in range(origins))
        ratio.append(supply[j] / reached if reached > 0 else 0.0)
    return [1000 * sum(ratio[j] * w(minutes[i, j]) for j in range(offers)) for i in range(origins)]


@pytest.mark.parametrize("spread", [25.0, 200.0])
def test_e2sfca_equals_pair_by_pair_formula(spread: float) -> None:
    """The vectorised E2SFCA equals the formula written pair by pair, dense or sparse reach."""
    rng = np.random.default_rng(0)
    minutes = rng.uniform(0, spread, size=(30, 40))
    demand = rng.integers(0, 50, size=30)
    supply = rng.integers(0, 20, size=40)
    got = e2sfca(minutes, demand, supply)
    assert got == pytest.approx(e2sfca_by_loops(minutes, demand, supply), rel=1e-12)


def travel_dataset(rows: list[dict[str, Any]]) -> Dataset:
    """Two association offers (6 and 4 places), 10 patients in Vest and 20 in Øst."""
    return build(
        offers=[offer(offer_id="O1", **at(-1000)), offer(offer_id="O2", **at(1000))],
        sessions=[
            session(session_id="S1", offer_id="O1", capacity=6),
            session(session_id="S2", offer_id="O2", capacity=4),
        ],
        patients=people(10, "V", -1500) + people(20, "E", 1500),
        travel_times=rows,
    )


def test_e2sfca_from_travel_times_with_district_origins() -> None:
    """travel_times.csv rows from district ids give the hand-computed E2SFCA."""
    rows = [
        {"origin_id": "D1", "destination_id": "O1", "minutes": 5},
        {"origin_id": "D1", "destination_id": "O2", "minutes": 15},
        {"origin_id": "D2", "destination_id": "O1", "minutes": 25},
        {"origin_id": "D2", "destination_id": "O2", "minutes": 40},
    ]
    table = gap_analysis(travel_dataset(rows), two_districts()).table()
    assert table["e2sfca_association"].astype(float).to_numpy() == pytest.approx(
        [816.67, 91.67], abs=0.01
    )


@pytest.mark.parametrize(
    ("dx", "expected"),
    [
        (500.0, 0.5 * 1.3 / 4.0 * 60),  # too short for the bus: walking
        (5000.0, 15.0 + 5.0 * 1.4 / 22.0 * 60),  # the bus is faster than walking
    ],
)
def test_centre_travel_is_faster_of_walk_and_bus(dx: float, expected: float) -> None:
    """Built-in E2SFCA travel: the faster of walking and bus from the centre."""
    dataset = build(offers=[offer(**at(dx))], patients=[patient()])
    got = centre_minutes(dataset, np.array([[CX, CY]]), np.array(["D1"]), Weights.load())
    assert got[0, 0] == pytest.approx(expected, rel=1e-4)


def test_home_visit_travel_is_the_staff_drive() -> None:
    """For home visits E2SFCA uses the staff's drive by car, as the rules do."""
    dataset = build(offers=[offer(kind="home_visit", group_size=1, **at(5000))])
    got = centre_minutes(dataset, np.array([[CX, CY]]), np.array(["D1"]), Weights.load())
    assert got[0, 0] == pytest.approx(4.0 + 5.0 * 1.3 / 35.0 * 60, rel=1e-4)
