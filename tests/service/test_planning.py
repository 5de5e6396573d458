"""Plans and schedules as background jobs, aggregates for the analyst, datasets for admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from service_support import bearer, patient_ids, service, wait_for

from matcher.service import Limits
from matcher.store import audit_trail, open_store


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str], Path]:
    root = tmp_path_factory.mktemp("planning")
    http, tokens = service(root)
    return http, tokens, root


def test_a_plan_job_reports_progress_and_gives_the_plan(
    signed_in: tuple[Any, dict[str, str], Path],
) -> None:
    """A plan started as a job ends ``done`` with PLAN.json's summary and one row per
    patient; fetching its rows is written to the audit log per patient."""
    http, tokens, root = signed_in
    who = bearer(tokens["planner"])
    started = http.post("/datasets/activities/plans", json={"time_limit": 10}, headers=who)
    assert started.status_code == 202, started.text
    state = wait_for(http, started.json()["job_id"], who)
    assert state["state"] == "done" and state["progress"] == 1.0
    result = http.get(f"/jobs/{state['job_id']}/result", headers=who).json()
    assert result["summary"]["status"] == "OPTIMAL"
    assert {r["patient_id"] for r in result["rows"]} == patient_ids()
    with open_store(f"sqlite:///{root / 'service.sqlite3'}") as store:
        trail = audit_trail(store)
    reads = trail[(trail["action"] == "read") & (trail["object_type"] == "plan")]
    assert set(reads["patient_id"]) == patient_ids()
    assert set(reads["actor"]) == {"t-planner"}


def test_a_schedule_job_gives_the_schedule(signed_in: tuple[Any, dict[str, str], Path]) -> None:
    """A schedule over four weeks ends ``done`` with its figures and rows."""
    http, tokens, _ = signed_in
    who = bearer(tokens["planner"])
    started = http.post(
        "/datasets/activities/schedules", json={"weeks": 4, "time_limit": 5}, headers=who
    )
    state = wait_for(http, started.json()["job_id"], who, seconds=120)
    assert state["state"] == "done", state
    result = http.get(f"/jobs/{state['job_id']}/result", headers=who).json()
    assert result["rows"] and "summary" in result


def test_a_job_past_its_time_is_stopped_and_has_no_result(tmp_path: Path) -> None:
    """With a job limit of 0 s the plan is stopped at its first progress report:
    ``timed_out``, and asking for its result is 409."""
    http, tokens = service(tmp_path, limits=Limits(job_seconds=0.0))
    who = bearer(tokens["planner"])
    started = http.post("/datasets/activities/plans", json={}, headers=who).json()
    state = wait_for(http, started["job_id"], who)
    assert state["state"] == "timed_out"
    assert http.get(f"/jobs/{state['job_id']}/result", headers=who).status_code == 409


def test_the_analyst_gets_aggregates_and_never_a_pseudonym(
    signed_in: tuple[Any, dict[str, str], Path],
) -> None:
    """Gaps and holding per kind come without a single pseudonym, and every shown
    patient count of a district is 5 or more."""
    http, tokens, _ = signed_in
    who = bearer(tokens["analyst"])
    gaps = http.get("/datasets/activities/gaps", headers=who)
    holding = http.get("/holding", headers=who)
    assert gaps.status_code == holding.status_code == 200
    text = gaps.text + holding.text + http.get("/datasets", headers=who).text
    assert not [pid for pid in patient_ids() if pid in text]
    counts = [d["patients"] for d in gaps.json()["districts"] if d["patients"] is not None]
    assert counts and min(counts) >= 5
    from service_support import DEMO_DIR

    from matcher.dataset.load import load_dataset
    from matcher.municipality.gaps import gap_analysis

    table = gap_analysis(load_dataset(DEMO_DIR)).table()
    assert [d["district_id"] for d in gaps.json()["districts"]] == list(table["district_id"])


def test_admin_loads_folders_under_the_data_root_only(
    signed_in: tuple[Any, dict[str, str], Path],
) -> None:
    """A folder under the data root is loaded; one outside it is refused (422)."""
    http, tokens, _ = signed_in
    who = bearer(tokens["admin"])
    ask = {"name": "again", "folder": "activities", "municipality": "0461"}
    loaded = http.post("/datasets", json=ask, headers=who)
    assert loaded.status_code == 201, loaded.text
    assert loaded.json()["patients"] == len(patient_ids())
    outside = http.post("/datasets", json={**ask, "folder": "../tests"}, headers=who)
    assert outside.status_code == 422
    imported = http.post("/datasets/again/catalogue", headers=who)
    assert imported.status_code == 200 and imported.json()["sessions"] > 0
