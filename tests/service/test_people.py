"""One patient through the service: recommend, book, move, cancel, attend, follow up;
each patient-level answer written to the audit log as a read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service_support import bearer, service
from store_support import dataset_dir

from matcher.discharge.options import Recommender
from matcher.store import audit_trail, open_store


def _small(tmp_path: Path) -> tuple[Any, dict[str, str], Path]:
    folder = dataset_dir(tmp_path / "small", capacity=2, patients=3)
    http, tokens = service(tmp_path, datasets=(folder,))
    return http, bearer(tokens["physiotherapist"]), folder


def _reads(tmp_path: Path, object_type: str) -> list[str]:
    with open_store(f"sqlite:///{tmp_path / 'service.sqlite3'}") as store:
        trail = audit_trail(store)
    mine = trail[(trail["action"] == "read") & (trail["object_type"] == object_type)]
    return list(mine["patient_id"])


def test_a_recommendation_is_the_recommender_s_and_its_read_is_audited(tmp_path: Path) -> None:
    """The options for a patient id are ``Recommender``'s, and the read is in the audit log."""
    from matcher.dataset.load import load_dataset

    http, who, folder = _small(tmp_path)
    answer = http.post(
        "/datasets/small/recommendations", json={"patient_id": "P001", "lang": "en"}, headers=who
    )
    assert answer.status_code == 200, answer.text
    expected = Recommender(load_dataset(folder)).recommend("P001", 5, lang="en").table()
    assert [o["session_id"] for o in answer.json()["options"]] == list(expected["session_id"])
    assert _reads(tmp_path, "recommendation") == ["P001"]


def test_a_typed_profile_is_recommended_for_like_a_patient_of_the_file(tmp_path: Path) -> None:
    """A typed profile with the cells of a patient gets that patient's options."""
    import pandas as pd

    http, who, folder = _small(tmp_path)
    row = pd.read_csv(folder / "patients.csv", dtype=str, keep_default_na=False).iloc[0]
    profile = {k: v for k, v in row.items() if v != ""}
    profile["patient_id"] = "NEW1"
    typed = http.post("/datasets/small/recommendations", json={"profile": profile}, headers=who)
    known = http.post(
        "/datasets/small/recommendations", json={"patient_id": row["patient_id"]}, headers=who
    )
    assert typed.status_code == 200, typed.text
    sessions = [o["session_id"] for o in typed.json()["options"]]
    assert sessions == [o["session_id"] for o in known.json()["options"]]
    assert typed.json()["patient_id"] == "NEW1"
    assert "NEW1" in _reads(tmp_path, "recommendation")


def test_book_move_attend_and_cancel_go_through_the_store(tmp_path: Path) -> None:
    """A booking is made, moved to another session of the same offer, attended and
    cancelled; each step answers with the booking as the store keeps it."""
    http, who, _ = _small(tmp_path)
    made = http.post(
        "/bookings",
        json={"dataset": "small", "patient_id": "P001", "session_id": "S1"},
        headers=who,
    )
    assert made.status_code == 201, made.text
    booking = made.json()
    moved = http.post(
        f"/bookings/{booking['booking_id']}/move",
        json={"dataset": "small", "session_id": "S2"},
        headers=who,
    )
    assert moved.status_code == 200, moved.text
    now = moved.json()["booking"]
    assert (now["session_id"], now["patient_id"]) == ("S2", "P001")
    came = http.post(
        f"/bookings/{now['booking_id']}/attendance",
        json={"date": now["start_date"], "present": True},
        headers=who,
    )
    assert came.status_code == 200, came.text
    assert came.json()["present"] is True
    gone = http.delete(f"/bookings/{now['booking_id']}", headers=who)
    assert gone.json()["status"] == "cancelled"
    again = http.delete(f"/bookings/{now['booking_id']}", headers=who)
    assert again.status_code == 422
    assert again.json()["problems"][0]["where"] == "--booking:-:-"


def test_a_move_to_a_session_that_breaks_a_rule_keeps_the_booking(tmp_path: Path) -> None:
    """A move to a session that is not in the dataset is refused and the booking stays."""
    http, who, _ = _small(tmp_path)
    made = http.post(
        "/bookings",
        json={"dataset": "small", "patient_id": "P001", "session_id": "S1"},
        headers=who,
    ).json()
    refused = http.post(
        f"/bookings/{made['booking_id']}/move",
        json={"dataset": "small", "session_id": "S99"},
        headers=who,
    )
    assert refused.status_code == 422
    tasks = http.get("/tasks", headers=who).json()["tasks"]
    assert {t["booking_id"] for t in tasks} == {made["booking_id"]}


def test_tasks_and_statuses_are_read_and_set_and_every_read_audited(tmp_path: Path) -> None:
    """The booking's follow-up tasks are listed (their patients' reads audited), one is
    completed, and the status is read and set as ``brobygger status`` does."""
    http, who, _ = _small(tmp_path)
    http.post(
        "/bookings",
        json={"dataset": "small", "patient_id": "P002", "session_id": "S1"},
        headers=who,
    )
    tasks = http.get("/tasks", headers=who).json()["tasks"]
    assert tasks and {t["patient_id"] for t in tasks} == {"P002"}
    assert "P002" in _reads(tmp_path, "tasks")
    done = http.post(f"/tasks/{tasks[0]['task_id']}/done", json={"outcome": "reached"}, headers=who)
    assert done.status_code == 200, done.text
    status = http.get("/patients/P002/status", headers=who).json()
    assert status["status"] == "booked"
    assert _reads(tmp_path, "status") == ["P002"]
    changed = http.post(
        "/patients/P002/status", json={"to": "stopped", "reason": "moved away"}, headers=who
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["to_status"] == "stopped"
    cpr = http.get("/patients/010190-1234/status", headers=who)
    assert cpr.status_code == 422
    assert "010190" not in cpr.text


def test_a_move_to_a_full_session_is_409_and_the_old_place_is_booked_again(
    tmp_path: Path,
) -> None:
    """Moving into a session whose one place is taken is 409; the patient holds the
    old session again."""
    http, who, _ = _small(tmp_path)
    mine = http.post(
        "/bookings",
        json={"dataset": "small", "patient_id": "P001", "session_id": "S2"},
        headers=who,
    ).json()
    for pid in ("P002", "P003"):  # S1's two places
        ask = {"dataset": "small", "patient_id": pid, "session_id": "S1"}
        assert http.post("/bookings", json=ask, headers=who).status_code == 201
    moved = http.post(
        f"/bookings/{mine['booking_id']}/move",
        json={"dataset": "small", "session_id": "S1"},
        headers=who,
    )
    assert moved.status_code == 409
    tasks = http.get("/tasks", headers=who).json()["tasks"]
    held = {t["session_id"] for t in tasks if t["patient_id"] == "P001"}
    assert held == {"S2"}
