"""The app's sign-in page: a token that may use the app becomes the sign-in cookie that
/auth/verify reads; any other token, or a form from another site, never does."""

from __future__ import annotations

from typing import Any

import pytest
from service_support import service

from matcher.service.auth_verify import COOKIE, ROLE_HEADER
from matcher.service.signin_page import COOKIE_HOURS
from matcher.words.app import text


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    return service(tmp_path_factory.mktemp("signin"))


def _send(http: Any, token: str, **headers: str) -> Any:
    return http.post(
        "/auth/sign-in",
        content=f"token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        follow_redirects=False,
    )


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_page_asks_for_the_token_in_the_readers_language(
    signed_in: tuple[Any, dict[str, str]], lang: str
) -> None:
    """The page has one password field posted to /auth/sign-in, its words in the language
    of Accept-Language, and cannot be framed; ``wrong`` adds the message."""
    http, _ = signed_in
    page = http.get("/auth/sign-in", headers={"Accept-Language": lang})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'type="password"' in page.text and 'action="/auth/sign-in"' in page.text
    assert text("signin_title", lang) in page.text
    assert text("signin_wrong", lang) not in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    again = http.get("/auth/sign-in?wrong=true", headers={"Accept-Language": lang})
    assert text("signin_wrong", lang) in again.text


def test_a_physiotherapists_token_becomes_the_cookie_verify_reads(
    signed_in: tuple[Any, dict[str, str]],
) -> None:
    """A token that may use the app: 303 to the app with an HttpOnly, SameSite=Strict
    cookie for COOKIE_HOURS that /auth/verify then answers 204 for."""
    http, tokens = signed_in
    answer = _send(http, tokens["physiotherapist"])
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={tokens['physiotherapist']};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert f"Max-Age={COOKIE_HOURS * 3600}" in cookie and "Secure" not in cookie
    verified = http.get("/auth/verify", headers={"Cookie": f"{COOKIE}={tokens['physiotherapist']}"})
    assert verified.status_code == 204 and verified.headers[ROLE_HEADER] == "physiotherapist"
    behind_tls = _send(http, tokens["planner"], **{"X-Forwarded-Proto": "https"})
    assert "Secure" in behind_tls.headers["set-cookie"]


@pytest.mark.parametrize("who", ["analyst", "admin", "unknown", ""])
def test_any_other_token_goes_back_to_the_page_without_a_cookie(
    signed_in: tuple[Any, dict[str, str]], who: str
) -> None:
    """An analyst's, an admin's, an unknown or no token: back to the page with the
    message, and no cookie set."""
    http, tokens = signed_in
    answer = _send(http, tokens.get(who, who))
    assert answer.status_code == 303
    assert answer.headers["location"] == "/auth/sign-in?wrong=true"
    assert "set-cookie" not in answer.headers


def test_a_form_sent_from_another_site_is_refused(signed_in: tuple[Any, dict[str, str]]) -> None:
    """A sign-in form whose Origin is another site than the one asked is 403, no cookie."""
    http, tokens = signed_in
    answer = _send(http, tokens["physiotherapist"], Origin="https://elsewhere.example")
    assert answer.status_code == 403 and "set-cookie" not in answer.headers
    assert answer.json()["problems"][0]["file"] == "Origin"
    same = _send(http, tokens["physiotherapist"], Origin="http://testserver")
    assert same.status_code == 303 and "set-cookie" in same.headers


def test_signing_out_forgets_the_cookie(signed_in: tuple[Any, dict[str, str]]) -> None:
    """/auth/sign-out clears the cookie and goes back to the sign-in page."""
    http, _ = signed_in
    answer = http.get("/auth/sign-out", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/auth/sign-in"
    cleared = answer.headers["set-cookie"]
    assert cleared.startswith(f'{COOKIE}="";') or cleared.startswith(f"{COOKIE}=;")
    assert "Max-Age=0" in cleared
