"""Every error body is problem+json with the CLI's file:row:column problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from service_support import bearer, service

from matcher.service.problems import ProblemBody


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    return service(tmp_path_factory.mktemp("problems"))


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    ProblemBody.model_validate(body)  # the documented shape
    assert body["status"] == status
    assert "Traceback" not in answer.text
    return body


def test_a_bad_profile_names_its_column_as_the_cli_does(
    signed_in: tuple[Any, dict[str, str]],
) -> None:
    """A typed profile with a wrong cell is 422 naming ``patient:-:column``, as the
    loader names a cell of patients.csv."""
    http, tokens = signed_in
    profile = {"patient_id": "NY1", "lat": 55.4, "lon": 10.4, "discharge_date": "2027-01-04"}
    profile["max_travel_min"] = "forever"
    answer = http.post(
        "/datasets/activities/recommendations",
        json={"profile": profile},
        headers=bearer(tokens["physiotherapist"]),
    )
    body = _problem(answer, 422)
    assert body["type"] == "urn:brobygger:problem:input"
    assert any(p["where"] == "patient:-:max_travel_min" for p in body["problems"])


def test_a_request_outside_the_openapi_document_is_422_naming_the_field(
    signed_in: tuple[Any, dict[str, str]],
) -> None:
    """A body that does not fit the document names ``body`` and the field."""
    http, tokens = signed_in
    answer = http.post(
        "/datasets/activities/recommendations",
        json={"patient_id": "P00001", "top": 0},
        headers=bearer(tokens["physiotherapist"]),
    )
    body = _problem(answer, 422)
    assert body["problems"][0]["where"] == "body:-:top"


def test_an_unknown_path_and_method_are_problems_too(
    signed_in: tuple[Any, dict[str, str]],
) -> None:
    """404 and 405 come as problem+json, without repeating the path (it may hold a pseudonym)."""
    http, _ = signed_in
    missing = _problem(http.get("/patients/P00001/nothing"), 404)
    assert "P00001" not in str(missing)
    _problem(http.put("/health"), 405)


def test_danish_is_given_for_accept_language_da(signed_in: tuple[Any, dict[str, str]]) -> None:
    """``Accept-Language: da`` words the problems in Danish, English otherwise."""
    http, tokens = signed_in
    headers = {**bearer(tokens["physiotherapist"]), "Accept-Language": "da, en;q=0.5"}
    ask = {"patient_id": "P00001"}
    danish = http.post("/datasets/nowhere/recommendations", json=ask, headers=headers)
    english = http.post(
        "/datasets/nowhere/recommendations", json=ask, headers=bearer(tokens["physiotherapist"])
    )
    assert _problem(danish, 404)["detail"] == "intet datasæt 'nowhere' er indlæst"
    assert _problem(english, 404)["detail"] == "no dataset 'nowhere' is loaded"


def test_a_full_session_is_409(tmp_path: Path) -> None:
    """Booking a session's one place twice: the second is 409 ``full``."""
    from store_support import dataset_dir

    folder = dataset_dir(tmp_path / "small", capacity=1, patients=2)
    http, tokens = service(tmp_path, datasets=(folder,))
    who = bearer(tokens["physiotherapist"])
    first = {"dataset": "small", "patient_id": "P001", "session_id": "S1"}
    assert http.post("/bookings", json=first, headers=who).status_code == 201
    second = http.post("/bookings", json={**first, "patient_id": "P002"}, headers=who)
    assert _problem(second, 409)["type"] == "urn:brobygger:problem:full"
