"""The facts of a first visit (matcher.discharge.visit): one gathering for the
hand-out, the calendar invitation and the reminders."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import LAT, build, offer, patient, session

from matcher import InputError, Recommender
from matcher.discharge.visit import first_visit, phone_text


@pytest.fixture
def town(tmp_path: Path) -> Any:
    """A walking club meeting on Wednesdays from 13 January 2027, and a home visit."""
    return build(
        [
            offer(
                lat=LAT + 0.01,
                address="Parkvej 11, 5000 Odense C",
                phone="65220190",
                provider="",
                languages="da;ar",
                tags="walking;swimming",
                supervised="true",
                fee_dkk_month=40,
            ),
            offer(offer_id="HOME", name="Hjemmetræning", kind="home_visit", group_size=1),
        ],
        [
            session(first_date="2027-01-13", weekday="wed", start="10:00", end="11:30", weeks=8),
            session(session_id="H1", offer_id="HOME", weekday="thu", start="13:00", end="14:00"),
        ],
        [
            patient(modes="bike"),
            patient(patient_id="P3", home_bound="true", group_tolerance="individual"),
        ],
        tmp_path / "data",
    )


def test_the_visit_holds_the_offer_and_the_first_meeting(town: Any) -> None:
    """Facts: the offer's name, address, phone in pairs, languages, tags, fee, and the
    first meeting's date, weekday and minutes, on or after the conversation day."""
    visit = first_visit(Recommender(town, today="2027-01-14"), "P1", "S1")
    assert visit.name == "Gåklub Centrum" and visit.kind == "association"
    assert visit.address == "Parkvej 11, 5000 Odense C"
    assert visit.phone == "65 22 01 90"
    assert visit.provider == "Gåklub Centrum"  # no provider: the offer's own name
    assert visit.languages == ("da", "ar") and visit.tags == ("walking", "swimming")
    assert visit.supervised and visit.fee_dkk_month == 40
    assert visit.first == date(2027, 1, 20)  # the 13th is before the conversation
    assert visit.weekday == 2 and (visit.start_min, visit.end_min) == (600, 690)
    assert visit.weeks == 8 and visit.mode == "bike" and visit.minutes >= 1
    assert visit.today == date(2027, 1, 14) and not visit.home_visit


def test_a_home_visit_is_marked_as_one(town: Any) -> None:
    """Facts: a home visit says so (no trip, no map)."""
    visit = first_visit(Recommender(town), "P3", "H1")
    assert visit.home_visit and visit.phone == ""


def test_a_session_that_does_not_fit_is_refused(town: Any) -> None:
    """Rules: the facts are only gathered for a session that fits the patient."""
    with pytest.raises(InputError, match="does not fit patient 'P1'"):
        first_visit(Recommender(town), "P1", "H1")


def test_a_full_session_is_refused_unless_the_place_is_held(town: Any) -> None:
    """Capacity: a session without a free place is refused unless the patient holds one."""
    full = Recommender(town, booked={"S1": 5})
    with pytest.raises(InputError, match="is full"):
        first_visit(full, "P1", "S1")
    assert first_visit(full, "P1", "S1", held=True).name == "Gåklub Centrum"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("65220190", "65 22 01 90"), ("6522 0190", "65 22 01 90"), ("+45 6522", "+45 6522"), ("", "")],
)
def test_danish_numbers_are_shown_in_pairs(typed: str, shown: str) -> None:
    """Phones: eight digits in pairs, anything else as typed (trimmed)."""
    assert phone_text(typed) == shown
