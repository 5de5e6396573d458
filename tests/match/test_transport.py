"""What the way there costs (matcher.match.transport): fares per mode inside the match,
the budget rule with the fares, transport help, and who could ride together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import LAT, LON, build, offer, patient, session

import matcher
from matcher import InputError, load_dataset
from matcher.domain import MODES
from matcher.match.costs import evaluate
from matcher.match.explain import reason_in
from matcher.match.model import MatchModel
from matcher.match.rules import RULES
from matcher.match.transport import RIDE_COLUMNS, monthly_dkk, ride_task, ride_together
from matcher.match.weights import Weights
from matcher.words.app import text

#: About 3 km east of the centre: too far to walk in 30 minutes, a 2-zone bus ride.
THREE_KM_EAST = {"lat": LAT, "lon": 10.4359}


def in_budget(tmp_path: Path) -> Weights:
    """The default weights with the fares counted against the budget."""
    path = tmp_path / "transport.toml"
    path.write_text("[transport]\nin_budget = true\n", encoding="utf-8")
    return Weights.load(path)


def evaluated(
    tmp_path: Path, weights: Weights, **patient_changes: object
) -> tuple[bool, list[str], Any]:
    """Feasibility of the one pair (a 50 DKK offer 3 km east) and the rules that fail."""
    ds = build(
        [offer(fee_dkk_month=50, **THREE_KM_EAST)],
        [session()],
        [patient(**{"modes": "walk;bus", "budget_dkk_month": 100, **patient_changes})],
        tmp_path / "data",
    )
    model = MatchModel.from_dataset(ds, weights)
    ev = evaluate(model, np.array([0]), explain=True)
    assert ev.fails is not None
    return bool(ev.feasible[0, 0]), [RULES[i] for i in np.flatnonzero(ev.fails[:, 0, 0])], ev


def test_a_month_of_bus_fares_is_the_zone_fare_times_the_trips() -> None:
    """Bus: the 2-zone fare below one zone width, a zone more each further width; car per
    road km; flextrafik at least its smallest fare; walking and cycling free."""
    w = Weights.load()
    costs, month = w.transport, w.transport.trips_per_month
    assert month == pytest.approx(2 * 4.33)
    far = costs.bus_zone_km * 1000 + 1
    np.testing.assert_allclose(
        monthly_dkk(costs, w.travel, "bus", np.array([1000.0, far])),
        [
            costs.bus_fare_2_zones * month,
            (costs.bus_fare_2_zones + costs.bus_fare_extra_zone) * month,
        ],
    )
    car = monthly_dkk(costs, w.travel, "car", np.array([3000.0]))[0]
    assert car == pytest.approx(costs.car_dkk_per_km * 3 * w.travel["car"].detour * month)
    flex = monthly_dkk(costs, w.travel, "flextrafik", np.array([100.0]))[0]
    assert flex == pytest.approx(costs.flextrafik_min_dkk * month)
    for free in ("walk", "bike"):
        assert monthly_dkk(costs, w.travel, free, np.array([3000.0]))[0] == 0.0


def test_fee_within_budget_but_not_with_the_bus_fares(tmp_path: Path) -> None:
    """Rule 'fee' with in_budget: a 50 DKK fee fits a budget of 100 DKK, but the fee
    plus about 156 DKK of bus fares a month does not, so the pair is not allowed."""
    feasible, failing, ev = evaluated(tmp_path, in_budget(tmp_path))
    assert not feasible
    assert failing == ["fee"]
    assert MODES[ev.mode[0, 0]] == "bus"
    assert ev.term("transport_dkk")[0, 0] == pytest.approx(18.0 * 2 * 4.33)


def test_transport_help_makes_the_fee_and_fares_fit(tmp_path: Path) -> None:
    """Rule 'fee' with in_budget: with transport_help the ride costs the patient
    nothing, so the same pair fits, and a ride must be booked for them."""
    feasible, failing, ev = evaluated(tmp_path, in_budget(tmp_path), transport_help="true")
    assert feasible and failing == []
    assert ev.term("transport_dkk")[0, 0] == 0.0
    assert bool(ride_task(ev.mode[0, 0], True))


def test_without_in_budget_the_fee_rule_compares_the_fee_alone(tmp_path: Path) -> None:
    """The default (in_budget = false) keeps the contract's fee rule; the fares still
    count in the cost."""
    feasible, failing, ev = evaluated(tmp_path, Weights.load())
    assert feasible and failing == []
    assert ev.term("transport_dkk")[0, 0] > 0


def test_the_plan_says_the_fares_broke_the_budget_in_both_languages(tmp_path: Path) -> None:
    """An unplaced patient's reason says in plain words that the fee alone fits but
    not with the bus fares, in English in PLAN.csv and in Danish for the app."""
    ds = build(
        [offer(fee_dkk_month=50, **THREE_KM_EAST)],
        [session()],
        [patient(modes="walk;bus", budget_dkk_month=100)],
        tmp_path / "data",
    )
    row = matcher.plan(ds, weights=in_budget(tmp_path)).assignments.iloc[0]
    assert row["status"] == "unplaced"
    reason = row["reason"]
    assert text("reason_rule_fee_transport", "en") in reason
    assert "bus fares" in reason and "206 DKK a month" in reason and "budget of 100 DKK" in reason
    danish = reason_in(reason, "da")
    assert text("reason_rule_fee_transport", "da") in danish
    assert "buspriserne" in danish and "206 kr. om måneden" in danish


def test_a_free_walk_beats_a_paid_bus_ride_within_the_limit(tmp_path: Path) -> None:
    """The mode is the cheapest in points among those within the travel limit: walking
    about 19.5 minutes for free beats a 17-minute bus ride at 156 DKK a month."""
    ds = build(
        [offer(lat=LAT, lon=10.4042)],  # 1 km east
        [session()],
        [patient(modes="walk;bus", max_travel_min=30)],
        tmp_path / "data",
        travel_times=[{"origin_id": "P1", "destination_id": "O1", "minutes": 17, "mode": "bus"}],
    )
    ev = evaluate(MatchModel.from_dataset(ds), np.array([0]))
    assert MODES[ev.mode[0, 0]] == "walk"
    assert ev.term("transport_dkk")[0, 0] == 0.0
    expensive = tmp_path / "w.toml"
    expensive.write_text("[weights]\ntransport_dkk = 0\n", encoding="utf-8")
    ev = evaluate(MatchModel.from_dataset(ds, Weights.load(expensive)), np.array([0]))
    assert MODES[ev.mode[0, 0]] == "bus"  # money weighs nothing: the fastest


def test_a_fast_bus_that_does_not_fit_the_budget_gives_way_to_a_walk(tmp_path: Path) -> None:
    """With in_budget, a mode whose fares break the budget is passed over for one that
    fits, even when slower."""
    ds = build(
        [offer(lat=LAT, lon=10.4042)],
        [session()],
        [patient(modes="walk;bus", max_travel_min=30, budget_dkk_month=0)],
        tmp_path / "data",
        travel_times=[{"origin_id": "P1", "destination_id": "O1", "minutes": 5, "mode": "bus"}],
    )
    ev = evaluate(MatchModel.from_dataset(ds), np.array([0]))
    assert MODES[ev.mode[0, 0]] == "bus"  # 5 minutes and 156 DKK beat a 19.5-minute walk
    ev = evaluate(MatchModel.from_dataset(ds, in_budget(tmp_path)), np.array([0]))
    assert ev.feasible[0, 0] and MODES[ev.mode[0, 0]] == "walk"


def test_recommendations_show_the_month_s_transport_and_the_ride_task(tmp_path: Path) -> None:
    """A recommendation row holds transport_dkk_month (whole DKK) and ride_task."""
    ds = build(
        [offer(**THREE_KM_EAST)],
        [session()],
        [
            patient(modes="bus"),
            patient(patient_id="P2", modes="bus", transport_help="true"),
        ],
        tmp_path / "data",
    )
    recommender = matcher.Recommender(ds)
    paying = recommender.recommend("P1").table().iloc[0]
    helped = recommender.recommend("P2").table().iloc[0]
    assert paying["transport_dkk_month"] == round(18.0 * 2 * 4.33)
    assert not paying["ride_task"]
    assert helped["transport_dkk_month"] == 0 and helped["ride_task"]


def test_the_plan_lists_each_placed_patient_s_trip(tmp_path: Path) -> None:
    """Plan.transport: the mode, the month's transport and the ride task per placed
    patient; PLAN.json counts the ride tasks."""
    ds = build(
        [offer(**THREE_KM_EAST)],
        [session()],
        [patient(modes="bus"), patient(patient_id="P2", modes="bus", transport_help="true")],
        tmp_path / "data",
    )
    result = matcher.plan(ds)
    trips = result.transport.set_index("patient_id")
    assert list(trips["travel_mode"]) == ["bus", "bus"]
    assert trips.at["P1", "transport_dkk_month"] == round(18.0 * 2 * 4.33)
    assert trips.at["P2", "transport_dkk_month"] == 0 and trips.at["P2", "ride_task"]
    assert result.summary()["ride_tasks"] == 1


def test_old_patient_files_load_without_the_new_columns(tmp_path: Path) -> None:
    """transport_help and together are optional: a file without them loads, both false."""
    ds = build(directory=tmp_path / "data", patients=[patient()])
    assert not ds.patients["transport_help"].any() and not ds.patients["together"].any()


@pytest.mark.parametrize("column", ["transport_help", "together"])
def test_a_bad_yes_no_is_refused_with_file_row_and_column(tmp_path: Path, column: str) -> None:
    """A value that is no yes/no is refused naming patients.csv, the row and the column,
    and validate exits 2."""
    rows = [patient(), patient(patient_id="P2", **{column: "maybe"})]
    with pytest.raises(InputError) as refused:
        build(directory=tmp_path / "data", patients=rows)
    found = refused.value.problems[0]
    assert (found.file, found.row, found.column) == ("patients.csv", 3, column)
    from typer.testing import CliRunner

    from matcher.cli import app

    result = CliRunner().invoke(app, ["validate", str(tmp_path / "data")])
    assert result.exit_code == 2
    assert f"patients.csv:3:{column}:" in result.output


def test_neighbours_share_a_ride_when_one_drives_or_both_go_by_flextrafik(
    tmp_path: Path,
) -> None:
    """ride_together: people in the same session whose homes are within ride_together_km,
    of whom one has a car or who both go by flextrafik; never across sessions or far."""
    near = {"lat": LAT + 0.005, "lon": LON}  # about 0.56 km north
    far = {"lat": LAT + 0.05, "lon": LON}  # about 5.6 km north
    rows = [
        patient(patient_id="A", modes="walk"),
        patient(patient_id="B", modes="walk;car", **near),
        patient(patient_id="C", modes="flextrafik"),
        patient(patient_id="D", modes="flextrafik", **near),
        patient(patient_id="E", modes="car", **far),
        patient(patient_id="F", modes="walk"),
    ]
    ds = build([offer()], [session(), session(session_id="S2")], rows, tmp_path / "data")
    plan = pd.DataFrame(
        {
            "patient_id": ["A", "B", "C", "D", "E", "F"],
            "status": ["placed"] * 5 + ["unplaced"],
            "session_id": ["S1", "S1", "S2", "S2", "S1", ""],
            "travel_mode": ["walk", "car", "flextrafik", "flextrafik", "car", ""],
        }
    )
    rides = ride_together(ds, plan, within_km=1.5)
    assert list(rides.columns) == list(RIDE_COLUMNS)
    pairs = {(r.session_id, r.patient_id, r.partner_id, r.how) for r in rides.itertuples()}
    assert pairs == {("S1", "B", "A", "car"), ("S2", "C", "D", "flextrafik")}
    assert rides["distance_km"].between(0.5, 0.6).all()
    bookings = plan[plan["status"] == "placed"][["patient_id", "session_id"]]
    assert len(ride_together(ds, bookings, within_km=1.5)) == 2  # modes from patients.csv


def test_the_demo_loads_unchanged_with_the_new_columns() -> None:
    """The embedded demo (without the new columns) still loads without a problem."""
    ds = load_dataset(Path(__file__).resolve().parents[2] / "data" / "activities")
    assert len(ds.patients) == 400 and not ds.patients["transport_help"].any()
