"""Plans within the rules of a match: staff minutes of home visits, the same in
``plan``, ``recommend`` and ``schedule``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from builders import build, offer, patient, session

from matcher import Dataset, InputError, Recommender, plan
from matcher.planning.schedule import schedule

START = "2027-01-04"  # a Monday
#: 1 km east of the patients' homes: the staff's base.
BASE = {"lat": 55.3959, "lon": 10.4042}
MONDAY_SHIFT = {
    "staff_id": "T1",
    "offer_id": "H1",
    "weekday": "mon",
    "shift_start": "08:00",
    "shift_end": "15:00",
}


def home_visits(
    tmp_path: Path, staff: list[dict[str, Any]] | None, *, second_service: bool = False
) -> Dataset:
    """Home service H1 with a Monday slot (1 place) and a Wednesday slot (5 places),
    two home-bound patients; with ``second_service`` also H2 (Wednesday) and a third
    patient who can only have H2 (it speaks Arabic)."""
    offers = [offer(offer_id="H1", kind="home_visit", group_size=1, **BASE)]
    sessions = [
        session(session_id="MON", offer_id="H1", capacity=1),
        session(session_id="WED", offer_id="H1", weekday="wed", first_date="2027-01-06"),
    ]
    patients = [
        patient(patient_id="P1", home_bound="true"),
        patient(patient_id="P2", home_bound="true", lives_alone="true"),
    ]
    if second_service:
        offers.append(offer(offer_id="H2", kind="home_visit", group_size=1, languages="ar", **BASE))
        sessions.append(
            session(session_id="H2WED", offer_id="H2", weekday="wed", first_date="2027-01-06")
        )
        patients.append(patient(patient_id="P3", home_bound="true", languages="ar"))
    extra = {"staff": staff} if staff is not None else {}
    return build(offers, sessions, patients, tmp_path, **extra)


def placements(frame: pd.DataFrame) -> dict[str, str]:
    """Session per placed patient, "" for everyone else."""
    return dict(zip(frame["patient_id"], frame["session_id"].fillna(""), strict=True))


def test_a_day_without_a_shift_has_zero_staff_minutes(tmp_path: Path) -> None:
    """A home-visit service staff.csv lists makes no visits on a weekday without a shift."""
    result = plan(home_visits(tmp_path, [MONDAY_SHIFT]), workers=1, seed=0)
    assert placements(result.assignments) == {"P1": "", "P2": "MON"}
    unplaced = result.assignments.set_index("patient_id").loc["P1"]
    assert unplaced["status"] == "unplaced"
    assert "(1 session fits" in unplaced["reason"]  # Monday only: Wednesday is no option


def test_plan_and_schedule_agree_on_a_day_without_a_shift(tmp_path: Path) -> None:
    """plan and schedule place the same patients in the same home-visit sessions when
    a service has no shift on one of its sessions' weekdays."""
    ds = home_visits(tmp_path, [MONDAY_SHIFT])
    planned = plan(ds, workers=1, seed=0)
    scheduled = schedule(ds, weeks=4, start=START, route_seconds=1)
    assert placements(scheduled.assignments) == placements(planned.assignments)
    assert scheduled.figures["routes"]["dropped_patients"] == 0


def test_recommend_offers_no_home_visit_on_a_day_without_a_shift(tmp_path: Path) -> None:
    """The recommender never offers a home visit on a weekday its staff has no shift."""
    options = Recommender(home_visits(tmp_path, [MONDAY_SHIFT])).recommend("P1").table()
    assert options["session_id"].tolist() == ["MON"]


def test_without_staff_csv_home_visits_have_no_staff_limit(tmp_path: Path) -> None:
    """Without staff.csv home visits have no staff limit: plan and schedule place them
    alike (schedule cannot route them and says so)."""
    ds = home_visits(tmp_path, None)
    planned = plan(ds, workers=1, seed=0)
    scheduled = schedule(ds, weeks=4, start=START, route_seconds=1)
    assert set(placements(planned.assignments).values()) == {"MON", "WED"}
    assert placements(scheduled.assignments) == placements(planned.assignments)
    assert any("not routed" in note for note in scheduled.notes)


def test_a_service_staff_csv_does_not_list_has_no_staff_limit(tmp_path: Path) -> None:
    """A home-visit service without rows in staff.csv has no staff limit (as without
    staff.csv): plan and schedule both place its patient, on any weekday."""
    ds = home_visits(tmp_path, [MONDAY_SHIFT], second_service=True)
    planned = plan(ds, workers=1, seed=0)
    scheduled = schedule(ds, weeks=4, start=START, route_seconds=1)
    assert placements(planned.assignments)["P3"] == "H2WED"
    assert placements(scheduled.assignments) == placements(planned.assignments)
    assert any("H2" in note and "not routed" in note for note in scheduled.notes)


def test_book_and_handout_refuse_a_home_visit_on_a_day_without_a_shift(tmp_path: Path) -> None:
    """A session no staff can make (a weekday without a shift) cannot be booked or
    handed out either: the refusal names the weekday."""
    recommender = Recommender(home_visits(tmp_path, [MONDAY_SHIFT]))
    with pytest.raises(InputError) as caught:
        recommender.option("P1", "WED")
    assert "home visit on a weekday without a shift" in str(caught.value)
    assert len(recommender.option("P1", "MON")) == 1
