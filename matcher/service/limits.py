"""Limits on requests: body size, requests per token, and the request log.

``BodyLimit`` and ``Guard`` are plain ASGI middleware: ``BodyLimit`` refuses a
body beyond the limit (413) whether or not it says its length; ``Guard`` turns
any unexpected failure into the one 500 body (never a traceback) and logs each
request as its method, route template, status and milliseconds, never a path's
values, a query or a body (nothing personal in the server log).
``RateLimit`` counts each caller's requests in a sliding minute.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..words.problems import problem
from .problems import Refused, problem_response, server_error

__all__ = ["BodyLimit", "Guard", "RateLimit"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
log = logging.getLogger("matcher.service")


def _too_large(limit: int) -> Any:
    template = "the request body is larger than {limit:,} bytes"
    return problem_response(413, "limit", [problem("body", None, None, template, limit=limit)])


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            await _too_large(self.limit)(scope, receive, send)
            return
        # read the whole body first (at most the limit), then hand it on: a body
        # over the limit is refused before any operation sees a byte of it
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                await _too_large(self.limit)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        given = False

        async def replay() -> Message:
            nonlocal given
            if given:
                return await receive()
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class Guard:
    """The outermost layer: the 500 body for any failure, and the request log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500
        started = False

        async def watched(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started, status = True, int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:  # never a traceback to the caller or the log
            log.error("failed: %s", type(exc).__name__)
            if not started:
                await server_error()(scope, receive, send)
        route = scope.get("route")
        template = getattr(route, "path", "-")
        took = (time.perf_counter() - began) * 1000
        log.info("%s %s %d %.0f ms", scope.get("method"), template, status, took)


class RateLimit:
    """At most ``per_minute`` requests per caller in any 60 seconds."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Count one request of ``key``; refuse it (429) beyond the limit."""
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - 60.0:
                seen.popleft()
            if len(seen) >= self.per_minute:
                wait = max(1, int(seen[0] + 60.0 - now) + 1)
                template = "more than {limit} requests a minute; wait {seconds} s"
                refused = Refused(
                    429,
                    "limit",
                    [problem("token", None, None, template, limit=self.per_minute, seconds=wait)],
                )
                refused.headers["Retry-After"] = str(wait)
                raise refused
            seen.append(now)
