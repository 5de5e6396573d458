"""Where a new activity would help most, through the service: the same sites as
``brobygger sites``, for the analyst and the planner only, aggregates without a
pseudonym, counts below 5 hidden, a wrong description as problem+json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from service_support import DEMO_DIR, bearer, make_tokens, patient_ids, service

from matcher.service.problems import MEDIA_TYPE

ACTIVITY = {"kind": "network_group", "weekday": "wed", "start": "10:00", "end": "12:00"}
QUERY = {**ACTIVITY, "group_size": 10}


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    return service(tmp_path_factory.mktemp("sites"))


def test_the_analyst_gets_the_sites_brobygger_sites_gives(
    signed_in: tuple[Any, dict[str, str]],
) -> None:
    """GET with the activity in the query answers best_sites' suppressed summary for the
    demo dataset: the same sites, counts and verdict."""
    from matcher.dataset.load import load_dataset
    from matcher.municipality.siting import NewActivity, best_sites

    http, tokens = signed_in
    answer = http.get("/datasets/activities/sites", params=QUERY, headers=bearer(tokens["analyst"]))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    expected = best_sites(load_dataset(DEMO_DIR), NewActivity(**QUERY), 3, time_limit=10).summary()
    assert body["dataset"] == "activities"
    assert [s["candidate_id"] for s in body["sites"]] == [
        s["candidate_id"] for s in expected["sites"]
    ]
    assert [s["serves"] for s in body["sites"]] == [s["serves"] for s in expected["sites"]]
    assert body["unserved"] == expected["unserved"] and body["covered"] == expected["covered"]


def test_no_pseudonym_and_no_count_below_5_is_shown(
    signed_in: tuple[Any, dict[str, str]],
) -> None:
    """The planner's answer holds no pseudonym of the dataset, and every count shown
    (serves, only here, covered, unserved) is 5 or more."""
    http, tokens = signed_in
    ask = {**QUERY, "k": 4, "among": "any", "languages": ["da", "en"]}
    answer = http.get("/datasets/activities/sites", params=ask, headers=bearer(tokens["planner"]))
    assert answer.status_code == 200, answer.text
    assert not [pid for pid in patient_ids() if pid in answer.text]
    body = answer.json()
    counts = [s[c] for s in body["sites"] for c in ("serves", "only_here")]
    counts += [body["covered"], body["unserved"]]
    shown = [c for c in counts if c is not None]
    assert all(c >= 5 for c in shown)
    assert len(body["sites"]) <= 4


@pytest.mark.parametrize("role", ["physiotherapist", "admin"])
def test_other_roles_are_refused_with_403(signed_in: tuple[Any, dict[str, str]], role: str) -> None:
    """A physiotherapist or an admin gets 403 problem+json naming the role needed."""
    http, tokens = signed_in
    answer = http.get("/datasets/activities/sites", params=QUERY, headers=bearer(tokens[role]))
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith(MEDIA_TYPE)
    assert answer.json()["problems"][0]["where"] == "role:-:-"
    assert "analyst or planner" in answer.json()["detail"]


def test_without_a_token_it_is_401(signed_in: tuple[Any, dict[str, str]]) -> None:
    """No token or an unknown one: 401 with WWW-Authenticate: Bearer."""
    http, _ = signed_in
    for headers in ({}, bearer("not-a-token")):
        answer = http.get("/datasets/activities/sites", params=QUERY, headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_a_wrong_description_is_a_problem_naming_the_field(
    signed_in: tuple[Any, dict[str, str]],
) -> None:
    """An end before the start, a language that is no ISO code and an unknown kind are
    422 problem+json naming the part of the request and the field; so is an unknown
    dataset 404."""
    http, tokens = signed_in
    who = bearer(tokens["analyst"])
    wrong = {**QUERY, "end": "09:00", "languages": ["xx"]}
    answer = http.get("/datasets/activities/sites", params=wrong, headers=who)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith(MEDIA_TYPE)
    where = {p["where"] for p in answer.json()["problems"]}
    assert where == {"query:-:end", "query:-:languages"}
    unknown = http.get("/datasets/activities/sites", params={**QUERY, "kind": "x"}, headers=who)
    assert unknown.status_code == 422
    assert unknown.json()["problems"][0]["where"] == "query:-:kind"
    missing = http.get("/datasets/nowhere/sites", params=QUERY, headers=who)
    assert missing.status_code == 404


def test_another_municipality_s_analyst_is_refused_the_dataset(tmp_path: Path) -> None:
    """An analyst of another municipality gets 403 for the dataset's sites."""
    other = make_tokens(tmp_path / "tokens.toml", municipality="0101")
    http, _ = service(tmp_path)  # the token file is read as the service starts
    answer = http.get("/datasets/activities/sites", params=QUERY, headers=bearer(other["analyst"]))
    assert answer.status_code == 403
