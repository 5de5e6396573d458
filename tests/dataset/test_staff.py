"""Companions and home-visit staff in staff.csv: a companion makes no home visits."""

from __future__ import annotations

from builders import build, offer, patient, session

from matcher.dataset.staff import companion_shifts, visiting_staff
from matcher.match.model import staff_minutes


def _staff(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "staff_id": "T1",
        "offer_id": "H",
        "weekday": "mon",
        "shift_start": "08:00",
        "shift_end": "12:00",
    }
    row.update(changes)
    return row


def test_a_companion_s_minutes_are_no_home_visit_minutes() -> None:
    """A row with accompanies set is a companion: listed apart, and its shift does not
    add to the service's home-visit minutes; rows without the column make visits."""
    ds = build(
        [offer(offer_id="H", kind="home_visit", group_size=1)],
        [session(session_id="S1", offer_id="H")],
        [patient()],
        staff=[_staff(accompanies="false"), _staff(staff_id="V1", accompanies="true")],
    )
    assert list(companion_shifts(ds)["staff_id"]) == ["V1"]
    assert list(visiting_staff(ds)["staff_id"]) == ["T1"]
    assert staff_minutes(ds)[("H", "mon")] == 240
    old = build(
        [offer(offer_id="H", kind="home_visit", group_size=1)],
        [session(session_id="S1", offer_id="H")],
        [patient()],
        staff=[_staff()],
    )
    assert companion_shifts(old).empty and list(visiting_staff(old)["staff_id"]) == ["T1"]
