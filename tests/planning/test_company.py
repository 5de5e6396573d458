"""An accompanied first visit: who needs company, and which companion goes along."""

from __future__ import annotations

import pandas as pd
from builders import build, offer, patient, session
from pathway_support import check_companions

from matcher.match.weights import Weights
from matcher.planning.company import assign_companions, needs_company
from matcher.planning.pathway_plan import plan_pathways


def _companion(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "staff_id": "V1",
        "offer_id": "H",
        "weekday": "mon",
        "shift_start": "09:00",
        "shift_end": "13:00",
        "role": "volunteer",
        "accompanies": "true",
        "languages": "da;ar",
        "gender": "woman",
    }
    row.update(changes)
    return row


def _town(people: list[dict[str, object]], staff: list[dict[str, object]]) -> object:
    return build(
        [
            offer(offer_id="H", kind="home_visit", group_size=1),
            offer(offer_id="A", kind="association", group_size=6, languages="da;ar"),
        ],
        [session(session_id="SH", offer_id="H"), session(session_id="SA", offer_id="A")],
        people,
        staff=staff,
    )


def _steps(pid: str, kind: str = "association", day: str = "2027-01-04") -> pd.DataFrame:
    return pd.DataFrame(
        {"patient_id": [pid], "kind": [kind], "session_id": ["SA"], "start_date": [day]}
    )


def test_who_needs_company_at_a_first_meeting() -> None:
    """No Danish, anxiety in groups or one-to-one only: company at a group's first
    meeting; never for a home visit; not for someone who needs none of it."""
    base = {**patient(), "languages": ("da",), "mental_health": False}

    def person(**changes: object) -> pd.Series:
        return pd.Series({**base, **changes})

    assert not needs_company(person(), "association")
    assert needs_company(person(languages=("ar",)), "association")
    assert needs_company(person(mental_health=True), "exit_team")
    assert needs_company(person(group_tolerance="individual"), "association")
    assert not needs_company(person(languages=("ar",)), "home_visit")


def test_a_companion_who_speaks_the_language_goes_along() -> None:
    """An Arabic speaker's first club meeting gets the volunteer who speaks Arabic, with
    the session and the drive as their minutes; one who speaks only Danish is no match."""
    person = patient(languages="ar")
    ds = _town([person], [_companion()])
    company = assign_companions(ds, _steps("P1"), Weights.load())
    assert (company.needed, company.staff_id) == (1, ["V1"])
    assert company.minutes[0] >= 60
    danish_only = _town([person], [_companion(languages="da")])
    assert assign_companions(danish_only, _steps("P1"), Weights.load()).staff_id == [""]


def test_a_companion_is_of_the_person_s_gender_when_they_want_their_own() -> None:
    """A man who wants his own gender is not accompanied by a woman."""
    person = patient(languages="ar", gender="man", gender_pref="same")
    ds = _town([person], [_companion()])
    assert assign_companions(ds, _steps("P1"), Weights.load()).staff_id == [""]
    ds = _town([person], [_companion(gender="man")])
    assert assign_companions(ds, _steps("P1"), Weights.load()).staff_id == ["V1"]


def test_one_companion_goes_with_one_person_at_a_time() -> None:
    """Two first meetings at the same time on one date: one companion goes to one."""
    people = [patient(patient_id="P1", languages="ar"), patient(patient_id="P2", languages="ar")]
    ds = _town(people, [_companion()])
    steps = pd.concat([_steps("P1"), _steps("P2")], ignore_index=True)
    company = assign_companions(ds, steps, Weights.load())
    assert company.needed == 2 and company.found == 1


def test_a_shift_too_short_for_the_trip_is_no_match() -> None:
    """The session and the drive must fit inside the companion's shift."""
    ds = _town([patient(languages="ar")], [_companion(shift_start="10:00", shift_end="11:00")])
    assert assign_companions(ds, _steps("P1"), Weights.load()).staff_id == [""]


def test_pathways_name_the_companion_of_a_step() -> None:
    """PATHWAYS.csv names the companion of a step that needs one, and pathways.json
    counts the steps that needed company and those accompanied."""
    ds = _town([patient(languages="ar")], [_companion()])
    plan = plan_pathways(ds, weeks=8, time_limit=30)
    step = plan.table[plan.table["step"].notna()].iloc[0]
    assert step["kind"] == "association" and step["companion_id"] == "V1"
    figures = plan.summary()
    assert (figures["needs_company"], figures["accompanied"]) == (1, 1)
    assert check_companions(ds, plan.table) == []
    far = plan.table.assign(companion_id=plan.table["companion_id"].replace("V1", "V9"))
    assert any("no companion" in w for w in check_companions(ds, far))
