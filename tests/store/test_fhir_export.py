"""Bookings and follow-up tasks written as FHIR R5 Appointment and Task resources in a
Bundle: valid R5, statuses from attendance, references between them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fhir.resources.appointment import Appointment
from fhir.resources.bundle import Bundle
from fhir.resources.task import Task
from store_support import START, dataset_dir

from matcher import load_dataset
from matcher.dataset.fhir_profile import OFFER_SYSTEM, PSEUDONYM_SYSTEM
from matcher.store import book_from_dataset, cancel, complete_task, record_attendance
from matcher.store.db import Store
from matcher.store.fhir_export import (
    appointment_status,
    fhir_bundle,
    task_status,
    write_fhir_bundle,
)


@pytest.fixture
def booked(store: Store, tmp_path: Path) -> dict[str, int]:
    """P001 booked, P002 cancelled, P003 came, P004 missed: their booking numbers."""
    dataset = load_dataset(dataset_dir(tmp_path / "booked", patients=4))
    ids = {
        p: book_from_dataset(store, dataset, p, "S1")[0].booking_id
        for p in ("P001", "P002", "P003", "P004")
    }
    cancel(store, ids["P002"])
    after = START + timedelta(days=1)
    record_attendance(store, ids["P003"], START, True, today=after)
    record_attendance(store, ids["P004"], START, False, today=after)
    return ids


def _resources(bundle: dict[str, object], kind: str) -> list[dict[str, object]]:
    entries = bundle["entry"]
    assert isinstance(entries, list)
    return [e["resource"] for e in entries if e["resource"]["resourceType"] == kind]


def test_statuses_follow_the_booking_and_its_attendance(
    store: Store, booked: dict[str, int]
) -> None:
    """booked, cancelled, came (fulfilled) and missed (noshow) map to their FHIR statuses."""
    appointments = _resources(fhir_bundle(store), "Appointment")
    status = {a["subject"]["identifier"]["value"]: a["status"] for a in appointments}  # type: ignore[index]
    assert status == {"P001": "booked", "P002": "cancelled", "P003": "fulfilled", "P004": "noshow"}


def test_every_resource_parses_back_as_r5(
    store: Store, booked: dict[str, int], tmp_path: Path
) -> None:
    """The written Bundle and each Appointment and Task in it are valid FHIR R5."""
    written = write_fhir_bundle(store, tmp_path / "out.json")
    data = json.loads(written.path.read_text(encoding="utf-8"))
    parsed = Bundle.model_validate(data)
    assert parsed.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds.count("Appointment") == written.appointments == 4
    assert kinds.count("Task") == written.tasks > 0
    for entry in data["entry"]:
        model = Appointment if entry["resource"]["resourceType"] == "Appointment" else Task
        assert model.model_validate(entry["resource"]).id == entry["resource"]["id"]


def test_an_appointment_names_patient_offer_and_times(store: Store, booked: dict[str, int]) -> None:
    """Participants are the pseudonym and the offer; start and end are the session's times."""
    (first,) = [
        a
        for a in _resources(fhir_bundle(store), "Appointment")
        if a["id"] == f"booking-{booked['P001']}"
    ]
    actors = [p["actor"]["identifier"] for p in first["participant"]]  # type: ignore[index]
    assert actors == [
        {"system": PSEUDONYM_SYSTEM, "value": "P001"},
        {"system": OFFER_SYSTEM, "value": "O1"},
    ]
    assert (first["start"], first["end"]) == (
        "2027-01-04T10:00:00+01:00",
        "2027-01-04T11:00:00+01:00",
    )


def test_a_task_is_for_the_patient_and_focuses_on_the_appointment(
    store: Store, booked: dict[str, int]
) -> None:
    """Each follow-up task names its patient and the Appointment of its booking."""
    bundle = fhir_bundle(store)
    appointments = {a["id"] for a in _resources(bundle, "Appointment")}
    tasks = _resources(bundle, "Task")
    assert tasks
    for task in tasks:
        assert task["for"]["identifier"]["system"] == PSEUDONYM_SYSTEM  # type: ignore[index]
        focus = task.get("focus")
        if focus is not None:
            assert focus["reference"].removeprefix("Appointment/") in appointments  # type: ignore[index]


def test_a_completed_task_carries_its_outcome(store: Store, booked: dict[str, int]) -> None:
    """A task closed with an outcome is completed, its outcome the business status."""
    open_task = next(t for t in _resources(fhir_bundle(store), "Task") if t["status"] == "ready")
    number = int(str(open_task["id"]).removeprefix("task-"))
    complete_task(store, number, "reached")
    done = next(t for t in _resources(fhir_bundle(store), "Task") if t["id"] == open_task["id"])
    assert done["status"] == "completed"
    assert done["businessStatus"]["coding"][0]["code"] == "reached"  # type: ignore[index]
    assert "end" in done["executionPeriod"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("booking", "present", "provisional", "expected"),
    [
        ("active", [], False, "booked"),
        ("active", [], True, "pending"),
        ("cancelled", [True], False, "cancelled"),
        ("active", [False, True], False, "fulfilled"),
        ("active", [False, False], False, "noshow"),
    ],
)
def test_appointment_status_table(
    booking: str, present: list[bool], provisional: bool, expected: str
) -> None:
    """The Appointment status table of the module, case by case."""
    assert appointment_status(booking, present, provisional=provisional) == expected


def test_task_status_table() -> None:
    """Open tasks are ready (first call) or in progress; done is completed."""
    assert [task_status("open", 1), task_status("open", 2)] == ["ready", "in-progress"]
    assert [task_status("done", 1), task_status("cancelled", 3)] == ["completed", "cancelled"]
