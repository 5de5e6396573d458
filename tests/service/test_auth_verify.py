"""``GET /auth/verify``, which the reverse proxy in front of the app asks: 204 with
the role and actor for a role that uses the app, 401 without sign-in, 403 otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from service_support import HOME, bearer, client, config, service

from matcher.service.auth_verify import (
    APP_ROLES,
    COOKIE,
    MUNICIPALITY_HEADER,
    ROLE_HEADER,
    SUBJECT_HEADER,
)


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    return service(tmp_path_factory.mktemp("verify"))


@pytest.mark.parametrize("role", APP_ROLES)
def test_a_role_that_uses_the_app_gets_204_with_who_it_is(
    signed_in: tuple[Any, dict[str, str]], role: str
) -> None:
    """A physiotherapist's or planner's token: 204, no body, and the role, the actor and
    the municipality in the headers the proxy passes on."""
    http, tokens = signed_in
    answer = http.get("/auth/verify", headers=bearer(tokens[role]))
    assert answer.status_code == 204 and answer.content == b""
    assert answer.headers[ROLE_HEADER] == role
    assert answer.headers[SUBJECT_HEADER] == f"t-{role}"
    assert answer.headers[MUNICIPALITY_HEADER] == HOME


def test_the_sign_in_cookie_counts_as_the_bearer_token(
    signed_in: tuple[Any, dict[str, str]],
) -> None:
    """A browser's ``brobygger_token`` cookie is checked as the bearer token is."""
    http, tokens = signed_in
    answer = http.get("/auth/verify", headers={"Cookie": f"{COOKIE}={tokens['physiotherapist']}"})
    assert answer.status_code == 204
    assert answer.headers[ROLE_HEADER] == "physiotherapist"
    assert http.get("/auth/verify", headers={"Cookie": f"{COOKIE}=unknown"}).status_code == 401


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
def test_without_a_known_token_it_is_401(
    signed_in: tuple[Any, dict[str, str]], header: str
) -> None:
    """No token, another scheme or an unknown token: 401 with a bearer challenge and
    none of the identity headers."""
    http, _ = signed_in
    answer = http.get("/auth/verify", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.json()["type"] == "urn:brobygger:problem:sign-in"
    assert ROLE_HEADER not in answer.headers and SUBJECT_HEADER not in answer.headers


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_a_role_that_may_not_see_single_patients_is_403(
    signed_in: tuple[Any, dict[str, str]], role: str
) -> None:
    """An analyst (aggregates only) or an admin is refused the app: 403 naming the
    roles that may, and no identity headers."""
    http, tokens = signed_in
    answer = http.get("/auth/verify", headers=bearer(tokens[role]))
    assert answer.status_code == 403
    assert answer.json()["problems"][0]["file"] == "role"
    assert "physiotherapist or planner" in answer.json()["detail"]
    assert ROLE_HEADER not in answer.headers


def test_a_service_without_sign_in_vouches_for_no_one(tmp_path: Path) -> None:
    """Started without tokens or JWT (every caller has every role), the service still
    answers 401: it cannot say who is behind a request to the app."""
    http = client(config(tmp_path, signs_in=False))
    answer = http.get("/auth/verify")
    assert answer.status_code == 401
    assert "--tokens" in answer.json()["detail"]


def test_a_jwt_with_several_roles_names_those_that_use_the_app(tmp_path: Path) -> None:
    """A JWT of the organisation's sign-in with roles planner and analyst is 204 with
    the role planner only, and its subject as the actor."""
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
        "sub": "pl-7",
        "roles": ["analyst", "planner"],
        "municipality": "0461",
    }
    answer = http.get("/auth/verify", headers=bearer(jwt.encode(claims, key, algorithm="HS256")))
    assert answer.status_code == 204
    assert (answer.headers[ROLE_HEADER], answer.headers[SUBJECT_HEADER]) == ("planner", "pl-7")
