"""The small town of the discharge tests: offers of every kind, sessions early, late
and full, men-only, women-only and non-Danish groups, a fee above most budgets and a
home visit, with one ordinary patient (``town``) and its recommender."""

from __future__ import annotations

from typing import Any

import pytest
from builders import LAT, LON, build, offer, patient, session

from matcher import Recommender

OFFERS = [
    offer(offer_id="WALK", name="Gåklub", tags="walking;social", group_size=8),
    offer(
        offer_id="SWIM",
        name="Svømning",
        lat=LAT,
        lon=LON + 0.032,
        tags="swimming",
        group_size=14,
        fee_dkk_month=150,
        intensity="moderate",
    ),
    offer(
        offer_id="TEAM",
        name="Udslusningshold",
        kind="exit_team",
        lat=LAT + 0.01,
        lon=LON,
        diagnoses="heart;copd",
        languages="da;ar",
        group_size=10,
        intensity="moderate",
        supervised="true",
        tags="strength;walking",
    ),
    offer(
        offer_id="CAFE",
        name="Kræftnetværk",
        kind="network_group",
        lat=LAT,
        lon=LON - 0.045,
        diagnoses="cancer",
        gender="women",
        group_size=5,
        fee_dkk_month=25,
    ),
    offer(
        offer_id="CHOIR",
        name="Mandekor",
        lat=LAT - 0.014,
        lon=LON,
        languages="tr",
        gender="men",
        group_size=20,
        fee_dkk_month=50,
        tags="choir",
    ),
    offer(
        offer_id="HOME",
        name="Hjemmetræning",
        kind="home_visit",
        lat=LAT + 0.02,
        lon=LON + 0.02,
        languages="da;en",
        group_size=1,
        supervised="true",
    ),
    offer(
        offer_id="GYM",
        name="Fitness",
        lat=LAT + 0.05,
        lon=LON + 0.05,
        group_size=6,
        fee_dkk_month=300,
        intensity="high",
        tags="strength;cycling",
    ),
]


SESSIONS = [
    session(session_id="WALK-MON", offer_id="WALK"),
    session(session_id="WALK-WED", offer_id="WALK", weekday="wed", start="17:00", end="18:00"),
    session(session_id="WALK-SAT", offer_id="WALK", weekday="sat", start="09:00", end="10:00"),
    session(session_id="WALK-SUN", offer_id="WALK", weekday="sun", start="11:00", end="12:00"),
    session(session_id="SWIM-TUE", offer_id="SWIM", weekday="tue", start="07:00", end="08:30"),
    session(
        session_id="SWIM-THU",
        offer_id="SWIM",
        weekday="thu",
        start="20:00",
        end="21:30",
        capacity=0,
    ),
    session(
        session_id="TEAM-FEB",
        offer_id="TEAM",
        weekday="tue",
        start="10:00",
        end="11:30",
        first_date="2027-02-02",
        weeks=8,
    ),
    session(
        session_id="TEAM-MAR",
        offer_id="TEAM",
        weekday="thu",
        start="13:00",
        end="14:30",
        first_date="2027-03-04",
        capacity=1,
    ),
    session(session_id="CAFE-FRI", offer_id="CAFE", weekday="fri", start="14:00", end="16:00"),
    session(session_id="CHOIR-WED", offer_id="CHOIR", weekday="wed", start="19:00", end="21:00"),
    session(session_id="HOME-MON", offer_id="HOME", start="09:00", end="10:00", capacity=3),
    session(session_id="HOME-THU", offer_id="HOME", weekday="thu", start="13:00", end="14:00"),
    session(session_id="GYM-MON", offer_id="GYM", start="16:00", end="17:00"),
]


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The small town with one ordinary patient."""
    return build(OFFERS, SESSIONS, [patient()], tmp_path_factory.mktemp("town"))


@pytest.fixture(scope="module")
def town_recommender(town: Any) -> Recommender:
    """A recommender for the small town, built once."""
    return Recommender(town)
