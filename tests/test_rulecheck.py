"""The rule checker catches every kind of violation: each hand-made plan or option
below breaks one documented rule, and the checker names exactly that rule."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from builders import LAT, LON, build, offer, patient, session
from rulecheck import (
    WEIGHTS_FILE,
    RuleChecker,
    as_date,
    first_start,
    is_danish_holiday,
    placed_priority,
    rules_broken,
)

import matcher
from matcher.dataset.demo import write_demo
from matcher.discharge.options import as_dict

HOME = offer(offer_id="H1", kind="home_visit", group_size=1)
STAFF_MON = [
    {
        "staff_id": "T1",
        "offer_id": "H1",
        "weekday": "mon",
        "shift_start": "08:00",
        "shift_end": "10:00",
    }
]


def row(pid: str = "P1", sid: str = "S1", **changes: Any) -> dict[str, Any]:
    """A PLAN.csv row placing ``pid`` at ``sid`` (Monday 2027-01-04, no wait, walk)."""
    values: dict[str, Any] = {
        "patient_id": pid,
        "status": "placed",
        "offer_id": "O1",
        "session_id": sid,
        "kind": "association",
        "start_date": "2027-01-04",
        "wait_days": 0,
        "travel_min": 0.0,
        "travel_mode": "walk",
        "fee_dkk_month": 0.0,
        "cost": 0.0,
        "reason": "",
    }
    values.update(changes)
    return values


def broken(ds: matcher.Dataset, *rows: dict[str, Any]) -> set[str]:
    return rules_broken(RuleChecker(ds).check_plan(pd.DataFrame(rows), maximal=False))


def test_a_plan_within_the_rules_has_no_violation() -> None:
    """The default patient at the default walk breaks no rule."""
    assert broken(build(patients=[patient()]), row()) == set()


@pytest.mark.parametrize(
    ("offer_change", "patient_change", "rule"),
    [
        ({"diagnoses": "copd"}, {"diagnoses": "heart"}, "diagnosis"),
        ({"languages": "ar"}, {"languages": "da"}, "language"),
        ({"gender": "men"}, {"gender": "woman"}, "gender"),
        ({"gender": "any"}, {"gender_pref": "same"}, "gender"),
        ({"group_size": 7}, {"group_tolerance": "small"}, "group_size"),
        ({"group_size": 13}, {"group_tolerance": "medium"}, "group_size"),
        ({"intensity": "high"}, {"intensity_max": "moderate"}, "intensity"),
        ({"supervised": "false"}, {"needs_supervision": "true"}, "supervision"),
        ({"fee_dkk_month": 501}, {"budget_dkk_month": 500}, "fee"),
        ({}, {"available": "mon 10:30-12:00"}, "time"),
        ({}, {"available": "tue 08:00-12:00"}, "time"),
        ({}, {"home_bound": "true"}, "home_bound"),
        ({}, {"escalate": "true"}, "escalated"),
        ({"lat": LAT + 0.02}, {"max_travel_min": 30}, "travel"),  # 2.2 km on foot: 43 min
        (
            {"languages": "da", "interpreter": "none", "interpreter_languages": "ar"},
            {"languages": "ar"},
            "language",
        ),
        (
            {"languages": "da", "interpreter": "all", "interpreter_languages": "so"},
            {"languages": "ar"},
            "language",
        ),
        ({"accessibility": "seated"}, {"needs": "wheelchair;seated"}, "needs"),
        ({"talk_level": "social"}, {"talk_level_max": "some"}, "talk"),
        ({}, {"talk_level_max": "little"}, "talk"),  # an offer that says nothing: some
        ({"status": "closed"}, {}, "status"),
        ({"status": "paused", "paused_until": "2027-01-04"}, {}, "status"),
        ({"status": "paused"}, {}, "status"),
    ],
)
def test_each_broken_rule_of_a_pair_is_named(
    offer_change: dict[str, Any], patient_change: dict[str, Any], rule: str
) -> None:
    """A placement that breaks one rule of a match is reported under that rule."""
    ds = build([offer(**offer_change)], [session()], [patient(**patient_change)])
    found = broken(ds, row(fee_dkk_month=offer_change.get("fee_dkk_month", 0.0)))
    assert rule in found


@pytest.mark.parametrize(
    ("offer_change", "patient_change"),
    [
        (
            {"languages": "da", "interpreter": "first_session", "interpreter_languages": "ar"},
            {"languages": "ar"},
        ),
        ({"accessibility": "wheelchair;seated"}, {"needs": "wheelchair"}),
        ({"talk_level": "little"}, {"talk_level_max": "little"}),
        ({"status": "paused", "paused_until": "2027-01-03"}, {}),  # over before the start
    ],
)
def test_the_new_columns_allow_what_the_readme_allows(
    offer_change: dict[str, Any], patient_change: dict[str, Any]
) -> None:
    """An interpreter for the patient's language, needs within the accessibility, a
    talk level within the patient's and a pause that ended break no rule."""
    ds = build([offer(**offer_change)], [session()], [patient(**patient_change)])
    assert broken(ds, row()) == set()


def test_an_online_offer_is_zero_minutes_and_only_for_online_ok() -> None:
    """An online offer 50 km away, placed with travel_mode online and 0 minutes, breaks
    no rule for a patient with online_ok, and the online rule for one without."""
    far = offer(online="true", lat=LAT + 0.45)
    online_row = row(travel_mode="online", travel_min=0.0)
    ds = build([far], [session()], [patient(online_ok="true", max_travel_min=5)])
    assert broken(ds, online_row) == set()
    ds = build([far], [session()], [patient(max_travel_min=5)])
    assert broken(ds, online_row) == {"online"}
    assert "travel_mode" in broken(ds, row())  # an online offer is not walked to


def test_travel_follows_the_documented_estimate_per_mode() -> None:
    """2.2 km away: 43 min on foot breaks a 30 min limit, by bike it does not."""
    far = {"lat": LAT + 0.02}
    on_foot = build([offer(**far)], [session()], [patient(modes="walk")])
    by_bike = build([offer(**far)], [session()], [patient(modes="walk;bike")])
    checker = RuleChecker(by_bike)
    minutes, mode = checker.travel("P1", "O1")
    assert mode == "bike"
    assert 2 + 2.2 * 1.3 / 12 * 60 - 1 < minutes < 2 + 2.3 * 1.3 / 12 * 60
    assert "travel" in broken(on_foot, row())
    assert "travel" not in broken(by_bike, row(travel_min=round(minutes, 1), travel_mode="bike"))


def test_a_router_time_replaces_the_estimate() -> None:
    """travel_times.csv's pair replaces the straight-line estimate."""
    rows = [{"origin_id": "P1", "destination_id": "O1", "minutes": 45, "mode": ""}]
    ds = build([offer()], [session()], [patient()], travel_times=rows)
    assert RuleChecker(ds).travel("P1", "O1") == (45.0, "walk")
    assert "travel" in broken(ds, row(travel_min=45.0))


def test_a_home_visit_only_for_the_home_bound_or_one_to_one() -> None:
    """A home visit for a patient who is neither home-bound nor 'individual' is reported."""
    ds = build([HOME], [session(offer_id="H1")], [patient()])
    visit = row(offer_id="H1", kind="home_visit", travel_mode="staff", travel_min=4.0)
    assert "home_visit" in broken(ds, visit)
    alone = build([HOME], [session(offer_id="H1")], [patient(group_tolerance="individual")])
    assert "home_visit" not in broken(alone, visit)


def test_places_beyond_capacity_are_reported() -> None:
    """Two patients in a session with one place break capacity."""
    ds = build([offer()], [session(capacity=1)], [patient(), patient(patient_id="P2")])
    assert "capacity" in broken(ds, row(), row("P2"))
    assert "capacity" not in broken(ds, row(), row("P2", status="unplaced", reason="full"))


def test_a_patient_placed_twice_or_missing_is_reported() -> None:
    """Each patient has exactly one row."""
    ds = build([offer()], [session()], [patient(), patient(patient_id="P2")])
    assert {"placed_twice", "missing_patient"} <= broken(ds, row(), row())


def test_an_escalated_patient_must_not_be_placed() -> None:
    """An escalated patient is listed as escalated, not placed."""
    ds = build(patients=[patient(escalate="true")])
    assert "escalated" in broken(ds, row())
    assert broken(ds, row(status="escalated", session_id="", offer_id="")) == set()


def test_the_start_date_is_the_first_weekday_on_or_after_both_dates() -> None:
    """Discharged Wednesday 2027-01-06, a Monday session starts 2027-01-11 after 5 days."""
    ds = build(patients=[patient(discharge_date="2027-01-06")])
    assert {"start_date", "wait_days"} <= broken(ds, row())
    assert broken(ds, row(start_date="2027-01-11", wait_days=5)) == set()


def test_home_visits_beyond_the_staff_minutes_of_the_day_are_reported() -> None:
    """Monday's 120 shift minutes hold one 60-minute visit at the base, not two."""
    two = [
        patient(patient_id="P1", home_bound="true"),
        patient(patient_id="P2", home_bound="true"),
    ]
    sessions = [session(offer_id="H1", capacity=2)]
    ds = build([HOME], sessions, two, staff=STAFF_MON)
    visit = {"offer_id": "H1", "kind": "home_visit", "travel_mode": "staff", "travel_min": 4.0}
    assert "staff_minutes" in broken(ds, row("P1", **visit), row("P2", **visit))
    assert "staff_minutes" not in broken(ds, row("P1", **visit))


def test_a_day_without_a_shift_has_zero_staff_minutes() -> None:
    """A home visit on a weekday without a shift in staff.csv breaks the staff minutes."""
    ds = build(
        [HOME],
        [session(offer_id="H1", weekday="tue", first_date="2027-01-05")],
        [patient(home_bound="true")],
        staff=STAFF_MON,
    )
    visit = row(
        offer_id="H1",
        kind="home_visit",
        travel_mode="staff",
        travel_min=4.0,
        start_date="2027-01-05",
        wait_days=1,
    )
    assert broken(ds, visit) == {"staff_minutes"}


def test_an_unplaced_patient_with_room_left_is_reported() -> None:
    """A plan that leaves someone out while a fitting session has room is not the most
    priority possible."""
    ds = build(patients=[patient()])
    plan = pd.DataFrame([row(status="unplaced", session_id="", offer_id="", reason="none")])
    assert "room_left" in rules_broken(RuleChecker(ds).check_plan(plan))


def test_row_facts_must_match_the_session() -> None:
    """A plan row naming another offer, kind, fee or mode than its session is reported."""
    ds = build(patients=[patient()])
    found = broken(ds, row(offer_id="O9", kind="exit_team", fee_dkk_month=5, travel_mode="car"))
    assert {"row_offer", "row_kind", "row_fee", "travel_mode"} <= found


def test_recommendations_are_checked_like_a_plan() -> None:
    """An option that breaks a rule, has no place, or is the third of one offer is named,
    and so is an empty list while a session fits."""
    ds = build(
        [offer(), offer(offer_id="O2", fee_dkk_month=900)],
        [
            session(session_id="S1"),
            session(session_id="S2", start="12:00", end="13:00"),
            session(session_id="S3", start="14:00", end="15:00"),
            session(session_id="S4", offer_id="O2"),
            session(session_id="S5", capacity=0),
        ],
        [patient()],
    )
    checker = RuleChecker(ds)

    def option(sid: str, offer_id: str = "O1", **changes: Any) -> dict[str, Any]:
        base = row(sid=sid, offer_id=offer_id, first_date="2027-01-04", places_left=5)
        base.pop("start_date")
        return base | changes

    assert checker.check_recommendations("P1", [option("S1")]) == []
    assert "fee" in rules_broken(checker.check_recommendations("P1", [option("S4", "O2")]))
    three = [option("S1"), option("S2"), option("S3")]
    assert "same_offer" in rules_broken(checker.check_recommendations("P1", three))
    full = [option("S5", places_left=0)]
    assert "capacity" in rules_broken(checker.check_recommendations("P1", full))
    assert "nothing_offered" in rules_broken(checker.check_recommendations("P1", []))
    assert "top" in rules_broken(checker.check_recommendations("P1", three, top=2))


def test_the_priority_bound_is_the_best_plan_within_the_rules() -> None:
    """One place, two patients: the bound is the larger priority (1 + flags)."""
    ds = build(
        [offer()],
        [session(capacity=1)],
        [patient(), patient(patient_id="P2", lives_alone="true", low_income="true")],
    )
    checker = RuleChecker(ds)
    assert checker.best_priority() == 3
    result = matcher.plan(ds, time_limit=5)
    assert placed_priority(checker, result.assignments) == 3


def test_the_priority_bound_respects_staff_minutes() -> None:
    """Monday's 120 staff minutes hold one visit: the bound counts one patient."""
    two = [
        patient(patient_id="P1", home_bound="true"),
        patient(patient_id="P2", home_bound="true", lives_alone="true"),
    ]
    ds = build([HOME], [session(offer_id="H1", capacity=2)], two, staff=STAFF_MON)
    assert RuleChecker(ds).best_priority() == 2


def test_far_from_the_centre_is_outside_a_short_walk() -> None:
    """The estimate grows with distance: 1 km east is about 20 minutes on foot."""
    ds = build([offer(lon=LON + 0.0159)], [session()], [patient()])
    minutes, _ = RuleChecker(ds).travel("P1", "O1")
    assert 18 < minutes < 22


EXIT = offer(offer_id="E1", kind="exit_team")


def start_of(ds: matcher.Dataset, **kwargs: Any) -> date:
    return RuleChecker(ds, **kwargs).start_date("P1", "S1")


def test_a_first_meeting_on_a_public_holiday_moves_to_the_next_meeting() -> None:
    """An exit team's Monday meeting on Easter Monday 2027-03-29 moves to 2027-04-05."""
    ds = build(
        [EXIT],
        [session(offer_id="E1", first_date="2027-03-22")],
        [patient(discharge_date="2027-03-23")],
    )
    assert start_of(ds) == date(2027, 4, 5)
    team = {"offer_id": "E1", "kind": "exit_team"}
    assert {"start_date", "wait_days"} <= broken(
        ds, row(start_date="2027-03-29", wait_days=6, **team)
    )
    assert broken(ds, row(start_date="2027-04-05", wait_days=13, **team)) == set()


def test_only_the_kinds_of_the_holidays_table_skip_holidays(tmp_path: Path) -> None:
    """An association meets on Easter Monday, and so does an exit team when
    ``[holidays]`` of the weights file the checker reads turns exit teams off."""
    dates = {"first_date": "2027-03-22"}
    association = build(
        sessions=[session(**dates)], patients=[patient(discharge_date="2027-03-23")]
    )
    assert start_of(association) == date(2027, 3, 29)
    text = WEIGHTS_FILE.read_text(encoding="utf-8").replace("exit_team = true", "exit_team = false")
    assert "exit_team = false" in text
    weights = tmp_path / "weights.toml"
    weights.write_text(text, encoding="utf-8")
    team = build([EXIT], [session(offer_id="E1", **dates)], [patient(discharge_date="2027-03-23")])
    assert start_of(team) == date(2027, 4, 5)
    assert start_of(team, weights_file=weights) == date(2027, 3, 29)


def test_a_first_meeting_skips_the_sessions_exceptions() -> None:
    """Without meetings 2027-01-04 to 2027-01-11 and on 2027-01-18, a Monday session
    first meets 2027-01-25, 21 days after discharge."""
    ds = build(
        sessions=[session(exceptions="2027-01-04..2027-01-11;2027-01-18")], patients=[patient()]
    )
    assert start_of(ds) == date(2027, 1, 25)
    assert "start_date" in broken(ds, row())
    assert broken(ds, row(start_date="2027-01-25", wait_days=21)) == set()


def test_a_first_meeting_comes_after_the_patients_time_away() -> None:
    """A patient away 2027-01-01 to 2027-01-05 and on 2027-01-11 first meets Monday
    2027-01-18; the wait still counts from discharge."""
    ds = build(patients=[patient(away="2027-01-01..2027-01-05;2027-01-11")])
    assert start_of(ds) == date(2027, 1, 18)
    assert "start_date" in broken(ds, row())
    assert broken(ds, row(start_date="2027-01-18", wait_days=14)) == set()


def test_a_first_meeting_is_not_before_the_patients_not_before() -> None:
    """A patient discharged 2027-01-04 who starts no earlier than Tuesday 2027-01-12
    first meets Monday 2027-01-18, 14 days after discharge."""
    ds = build(patients=[patient(not_before="2027-01-12")])
    assert start_of(ds) == date(2027, 1, 18)
    assert {"start_date", "wait_days"} <= broken(ds, row(start_date="2027-01-11", wait_days=7))
    assert broken(ds, row(start_date="2027-01-18", wait_days=14)) == set()


def test_a_pause_is_judged_at_the_first_meeting_after_time_away() -> None:
    """An offer paused to 2027-01-10 takes a patient away until 2027-01-10 (first
    meeting 2027-01-11), not one who could start 2027-01-04."""
    paused = offer(status="paused", paused_until="2027-01-10")
    ds = build([paused], patients=[patient(away="2027-01-01..2027-01-10")])
    assert broken(ds, row(start_date="2027-01-11", wait_days=7)) == set()
    assert "status" in broken(build([paused], patients=[patient()]), row())


def _easter_and_christmas_demo(root: Path) -> matcher.Dataset:
    """The demo with discharges around Easter, Ascension and Christmas 2027, some
    sessions' exceptions, some patients away and some not before a later date."""
    write_demo(root, patients=120, offers=30, seed=3)
    people = pd.read_csv(root / "patients.csv", dtype=str, keep_default_na=False)
    # within a week before Maundy Thursday, Easter Monday, Ascension Day, Whit Monday
    # and Christmas Day 2027
    feasts = [date(2027, 3, 25), date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17)]
    feasts.append(date(2027, 12, 25))
    discharges = [feasts[i % 5] - timedelta(days=i // 5 % 7) for i in range(len(people))]
    people["discharge_date"] = [d.isoformat() for d in discharges]
    people["away"] = ["2027-03-29..2027-04-04" if i % 5 == 1 else "" for i in range(len(people))]
    people["not_before"] = [
        (d + timedelta(days=9)).isoformat() if i % 7 == 2 else "" for i, d in enumerate(discharges)
    ]
    people.to_csv(root / "patients.csv", index=False)
    meetings = pd.read_csv(root / "sessions.csv", dtype=str, keep_default_na=False)
    meetings["exceptions"] = [
        "2027-12-20..2027-12-31;2027-03-25" if i % 4 == 0 else "" for i in range(len(meetings))
    ]
    meetings.to_csv(root / "sessions.csv", index=False)
    return matcher.load_dataset(root)


@pytest.fixture(scope="module")
def feast_demo(tmp_path_factory: pytest.TempPathFactory) -> matcher.Dataset:
    return _easter_and_christmas_demo(tmp_path_factory.mktemp("feasts"))


def test_the_plan_keeps_the_documented_start_dates_past_holidays(
    feast_demo: matcher.Dataset,
) -> None:
    """brobygger plan's start dates around Easter and Christmas follow the documented
    rule (holidays, exceptions, away, not_before), and a start date put back on the
    naive first weekday is caught."""
    ds = feast_demo
    checker = RuleChecker(ds)
    frame = matcher.plan(ds, time_limit=10).assignments
    assert checker.check_plan(frame) == []
    placed = frame[frame["status"] == "placed"]
    moved, feasts = [], []
    for r in placed.itertuples():
        pid, sid = str(r.patient_id), str(r.session_id)
        s, p = checker.sessions[sid], checker.patients[pid]
        naive = first_start(as_date(s["first_date"]), as_date(p["discharge_date"]), s["weekday"])
        if naive != checker.start_date(pid, sid):
            moved.append(naive)
            if checker.skips_holidays(sid) and is_danish_holiday(naive):
                feasts.append((r.Index, naive))
    assert len(moved) >= 5 and feasts, "the instance should move first meetings"
    index, naive = feasts[0]
    corrupted = frame.copy()
    corrupted.loc[index, "start_date"] = naive.isoformat()
    assert "start_date" in rules_broken(checker.check_plan(corrupted))


def test_recommendations_keep_the_documented_start_dates_past_holidays(
    feast_demo: matcher.Dataset,
) -> None:
    """Every patient's recommended first dates around Easter and Christmas follow the
    documented rule, and so do the waits and every other rule of a match."""
    checker = RuleChecker(feast_demo)
    recommender = matcher.Recommender(feast_demo)
    past_feasts = 0
    for pid in checker.patients:
        options = as_dict(recommender.recommend(pid, 3, suggest=False))["options"]
        found = checker.check_recommendations(pid, options, top=3)
        assert not found, "\n".join(map(str, found))
        for option in options:
            sid = str(option["session_id"])
            s, p = checker.sessions[sid], checker.patients[pid]
            naive = first_start(
                as_date(s["first_date"]), as_date(p["discharge_date"]), s["weekday"]
            )
            past_feasts += checker.skips_holidays(sid) and is_danish_holiday(naive)
    assert past_feasts > 0, "some options should start after a public holiday"
