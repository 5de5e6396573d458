"""Request limits: body size, requests per token, no traceback, nothing personal logged."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from service_support import bearer, service

from matcher.service import Limits
from matcher.service.limits import Guard, RateLimit
from matcher.service.problems import Refused


def test_a_body_over_the_limit_is_413_said_or_not(tmp_path: Path) -> None:
    """A body longer than the limit is refused with 413, whether its length is
    announced or it comes in chunks."""
    http, tokens = service(tmp_path, limits=Limits(max_body_bytes=200))
    who = bearer(tokens["physiotherapist"])
    big = {"patient_id": "P00001", "profile": None, "lang": "en" + " " * 500}
    said = http.post("/datasets/activities/recommendations", json=big, headers=who)
    assert said.status_code == 413
    assert said.headers["content-type"] == "application/problem+json"

    def chunks() -> Any:
        yield b'{"patient_id": "P00001", "x": "'
        for _ in range(10):
            yield b"y" * 50
        yield b'"}'

    chunked = http.post(
        "/datasets/activities/recommendations",
        content=chunks(),
        headers={**who, "Content-Type": "application/json"},
    )
    assert chunked.status_code == 413


def test_more_requests_than_the_limit_are_429_with_retry_after(tmp_path: Path) -> None:
    """The fourth request in a minute with a limit of three is 429 with ``Retry-After``;
    another token is counted apart."""
    http, tokens = service(tmp_path, limits=Limits(per_minute=3))
    answers = [http.get("/datasets", headers=bearer(tokens["analyst"])) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert http.get("/datasets", headers=bearer(tokens["admin"])).status_code == 200


def test_the_rate_limit_forgets_requests_older_than_a_minute() -> None:
    """After 60 s a caller may ask again."""
    now = [0.0]
    limit = RateLimit(2, clock=lambda: now[0])
    limit.check("a")
    limit.check("a")
    with pytest.raises(Refused):
        limit.check("a")
    now[0] = 61.0
    limit.check("a")


def test_a_failure_is_one_500_body_without_traceback_or_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected exception is the one 500 problem body; neither it nor the log
    holds the exception's text."""
    import asyncio

    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("patient P00042 broke it")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": "/x", "headers": []}
    with caplog.at_level(logging.INFO, logger="matcher.service"):
        asyncio.run(Guard(broken)(scope, receive, send))
    assert sent[0]["status"] == 500
    body = b"".join(m.get("body", b"") for m in sent[1:]).decode()
    assert "P00042" not in body and "Traceback" not in body
    assert "P00042" not in caplog.text and "RuntimeError" in caplog.text


def test_the_request_log_names_routes_never_pseudonyms(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The service logs the route template and status, never the pseudonym in a path."""
    http, tokens = service(tmp_path)
    with caplog.at_level(logging.INFO, logger="matcher"):
        http.get("/patients/P00007/status", headers=bearer(tokens["physiotherapist"]))
        http.post(
            "/datasets/activities/recommendations",
            json={"patient_id": "P00007"},
            headers=bearer(tokens["physiotherapist"]),
        )
    service_lines = [r.getMessage() for r in caplog.records if r.name == "matcher.service"]
    assert any("/patients/{patient_id}/status 200" in line for line in service_lines)
    assert "P00007" not in "\n".join(service_lines)
