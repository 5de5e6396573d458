"""Sign-in and roles: 401 without a known token, 403 for a role that may not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from service_support import bearer, client, config, service

from matcher.service import ROLES

BAD = {"not_a_field": 1}
#: (method, path, body, roles that may call it)
OPERATIONS: list[tuple[str, str, Any, set[str]]] = [
    ("POST", "/datasets/activities/recommendations", BAD, {"physiotherapist"}),
    ("POST", "/bookings", BAD, {"physiotherapist"}),
    ("DELETE", "/bookings/1", None, {"physiotherapist"}),
    ("POST", "/bookings/1/move", BAD, {"physiotherapist"}),
    ("POST", "/bookings/1/attendance", BAD, {"physiotherapist"}),
    ("GET", "/tasks", None, {"physiotherapist"}),
    ("POST", "/tasks/1/done", BAD, {"physiotherapist"}),
    ("GET", "/patients/P00001/status", None, {"physiotherapist"}),
    ("POST", "/patients/P00001/status", BAD, {"physiotherapist"}),
    ("POST", "/datasets/activities/plans", BAD, {"planner"}),
    ("POST", "/datasets/activities/schedules", BAD, {"planner"}),
    ("GET", "/jobs/unknown", None, {"planner"}),
    ("GET", "/jobs/unknown/result", None, {"planner"}),
    ("GET", "/datasets/activities/gaps?kind=nothing", None, {"analyst", "planner"}),
    ("GET", "/holding", None, {"analyst", "planner"}),
    ("GET", "/datasets", None, set(ROLES)),
    ("POST", "/datasets", BAD, {"admin"}),
    ("POST", "/datasets/activities/catalogue", None, {"admin"}),
]


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    return service(tmp_path_factory.mktemp("access"))


def _call(http: Any, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    return http.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "roles"), OPERATIONS)
def test_each_role_may_call_only_its_operations(
    signed_in: tuple[Any, dict[str, str]], method: str, path: str, body: Any, roles: set[str]
) -> None:
    """A role named for the operation gets past sign-in and roles; every other role
    gets 403 as problem+json; nobody without a token gets further than 401."""
    http, tokens = signed_in
    for role, token in tokens.items():
        answer = _call(http, method, path, body, bearer(token))
        if role in roles:
            assert answer.status_code not in (401, 403), (role, answer.text)
        else:
            assert answer.status_code == 403, (role, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["problems"][0]["file"] == "role"
    assert _call(http, method, path, body, {}).status_code == 401


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "bearer a.b.c"]
)
def test_without_a_known_token_it_is_401_with_a_bearer_challenge(
    signed_in: tuple[Any, dict[str, str]], header: str
) -> None:
    """No token, another scheme or an unknown token: 401 and ``WWW-Authenticate: Bearer``."""
    http, _ = signed_in
    answer = http.get("/datasets", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.json()["type"] == "urn:brobygger:problem:sign-in"


def test_health_and_the_openapi_document_need_no_sign_in(
    signed_in: tuple[Any, dict[str, str]],
) -> None:
    """``/health`` and ``/openapi.json`` answer without a token."""
    http, _ = signed_in
    assert http.get("/health").json() == {"status": "ok"}
    assert "/bookings" in http.get("/openapi.json").json()["paths"]


def test_another_municipality_s_token_is_refused_its_data(tmp_path: Path) -> None:
    """A physiotherapist of another municipality gets 403 for the dataset and the store."""
    from service_support import make_tokens

    make_tokens(tmp_path / "tokens.toml")
    other = make_tokens(tmp_path / "tokens.toml", municipality="0101")
    http = client(config(tmp_path))
    ask = {"patient_id": "P00001", "top": 1}
    answer = http.post(
        "/datasets/activities/recommendations", json=ask, headers=bearer(other["physiotherapist"])
    )
    assert answer.status_code == 403
    assert http.get("/tasks", headers=bearer(other["physiotherapist"])).status_code == 403
    listed = http.get("/datasets", headers=bearer(other["analyst"])).json()["datasets"]
    assert listed == []


def test_without_tokens_or_jwt_the_local_caller_has_every_role(tmp_path: Path) -> None:
    """A service started without sign-in (on this machine only) acts with every role."""
    http = client(config(tmp_path, signs_in=False))
    assert http.get("/tasks").status_code == 200
    assert http.get("/holding").status_code == 200


def test_a_jwt_of_the_configured_issuer_signs_in_and_a_forged_one_does_not(
    tmp_path: Path,
) -> None:
    """With JWT settings, a token signed with the key reaches its role's operations;
    the same claims signed with another key are 401."""
    import time

    import jwt

    from matcher.service import JwtSettings

    key = "the organisation's shared secret for HS256 tokens"
    settings = JwtSettings("https://login.example", "brobygger", key, algorithms=("HS256",))
    http = client(config(tmp_path, signs_in=False, jwt=settings))
    claims = {
        "iss": "https://login.example",
        "aud": "brobygger",
        "exp": time.time() + 60,
        "sub": "ana-1",
        "role": "analyst",
        "municipality": "0461",
    }
    good = jwt.encode(claims, key, algorithm="HS256")
    forged = jwt.encode(claims, key + "?", algorithm="HS256")
    assert http.get("/holding", headers=bearer(good)).status_code == 200
    assert http.get("/tasks", headers=bearer(good)).status_code == 403
    assert http.get("/holding", headers=bearer(forged)).status_code == 401
