"""A dataset as arrays for matching (matcher.match.model): staff minutes, the patient
arrays and the free places."""

from __future__ import annotations

from typing import Any

import numpy as np
from builders import build, offer, patient, session

from matcher.domain import VULNERABILITY_FLAGS
from matcher.match.model import MatchModel, staff_minutes, staffed_sessions

HOME = offer(offer_id="H1", kind="home_visit", group_size=1)


def shift(weekday: str, start: str, end: str, staff_id: str = "T1") -> dict[str, Any]:
    """One row of staff.csv for home-visit service H1."""
    return {
        "staff_id": staff_id,
        "offer_id": "H1",
        "weekday": weekday,
        "shift_start": start,
        "shift_end": end,
    }


def test_staff_minutes_add_up_the_shifts_per_service_and_weekday() -> None:
    """Shift minutes are summed per (service, weekday); no staff.csv gives None."""
    ds = build(
        [HOME],
        [session(offer_id="H1")],
        [patient(home_bound="true")],
        staff=[
            shift("mon", "08:00", "10:00"),
            shift("mon", "12:00", "12:30", "T2"),
            shift("tue", "09:00", "10:00"),
        ],
    )
    minutes = staff_minutes(ds)
    assert minutes is not None
    assert minutes[("H1", "mon")] == 150
    assert minutes[("H1", "tue")] == 60
    assert staff_minutes(build([HOME], [session(offer_id="H1")], [patient()])) is None


def test_a_home_visit_on_a_day_without_a_shift_cannot_be_made() -> None:
    """A listed service's session on a weekday without a shift is unstaffed; others are not."""
    sessions = [
        session(session_id="MON", offer_id="H1"),
        session(session_id="TUE", offer_id="H1", weekday="tue", first_date="2027-01-05"),
        session(session_id="WALK", offer_id="O1", weekday="tue", first_date="2027-01-05"),
    ]
    ds = build([HOME, offer()], sessions, [patient()], staff=[shift("mon", "08:00", "10:00")])
    assert staffed_sessions(ds).tolist() == [True, False, True]
    assert staffed_sessions(build([HOME, offer()], sessions, [patient()])).all()


def test_priority_counts_the_vulnerability_flags() -> None:
    """A patient's priority is one plus the number of vulnerability flags set."""
    flags = list(VULNERABILITY_FLAGS)
    patients = [
        patient(patient_id="P0"),
        patient(patient_id="P1", **{flags[0]: "true"}),
        patient(patient_id="P2", **dict.fromkeys(flags, "true")),
    ]
    model = MatchModel.from_dataset(build([offer()], [session()], patients))
    assert model.p_priority.tolist() == [1, 2, 1 + len(flags)]


def test_a_prior_offer_is_its_position_or_minus_one() -> None:
    """prior_offer_id becomes the offer's position; none or an unknown id gives -1."""
    offers = [offer(), offer(offer_id="O2", kind="exit_team")]
    patients = [
        patient(patient_id="P0", prior_offer_id="O2"),
        patient(patient_id="P1"),
        patient(patient_id="P2", prior_offer_id="O9"),
    ]
    model = MatchModel.from_dataset(build(offers, [session()], patients))
    assert model.p_prior_offer.tolist() == [1, -1, -1]


def test_bookings_reduce_the_free_places_and_with_capacity_sets_them() -> None:
    """Booked places come off each session's capacity; with_capacity changes only them."""
    ds = build(
        [offer()],
        [session(capacity=5), session(session_id="S2", capacity=3)],
        [patient()],
    )
    model = MatchModel.from_dataset(ds, booked={"S1": 2})
    assert model.s_capacity.tolist() == [3, 3]
    other = model.with_capacity(np.array([0, 1]))
    assert other.s_capacity.tolist() == [0, 1]
    assert model.s_capacity.tolist() == [3, 3]
    np.testing.assert_array_equal(other.session_ids, model.session_ids)
