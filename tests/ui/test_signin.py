"""The app behind the sign-in's reverse proxy: who the proxy's headers name, the
routes that refuse a request without them, and no page in another site's frame."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import tornado.web
from tornado.httputil import HTTPHeaders

from matcher.ui.signin import (
    APP_ROLES,
    FRAME_HEADERS,
    ROLE_HEADER,
    SUBJECT_HEADER,
    ProxyIdentity,
    identity_from_headers,
    proxy_identity_provider,
    signed,
)

ROOT = Path(__file__).resolve().parents[2]


def _headers(role: str | None = None, subject: str | None = None) -> HTTPHeaders:
    headers = HTTPHeaders()
    if role is not None:
        headers[ROLE_HEADER] = role
    if subject is not None:
        headers[SUBJECT_HEADER] = subject
    return headers


def test_a_physiotherapist_or_a_planner_named_by_the_proxy_is_known() -> None:
    """The role header (any case, comma-separated) and a pseudonym give the identity;
    roles that do not use the app are left out of it."""
    assert identity_from_headers(_headers("physiotherapist", "fys-ab")) == ProxyIdentity(
        "fys-ab", ("physiotherapist",)
    )
    both = identity_from_headers(_headers("Planner, analyst,physiotherapist", "pl-1"))
    assert both == ProxyIdentity("pl-1", ("physiotherapist", "planner"))
    lower = HTTPHeaders({ROLE_HEADER.lower(): "planner", SUBJECT_HEADER.lower(): "pl-1"})
    assert identity_from_headers(lower) == ProxyIdentity("pl-1", ("planner",))


@pytest.mark.parametrize(
    ("role", "subject"),
    [
        (None, None),
        ("physiotherapist", None),
        (None, "fys-ab"),
        ("analyst", "ana-1"),
        ("admin", "adm-1"),
        ("physiotherapist", ""),
        ("physiotherapist", "Anne Hansen"),
        ("physiotherapist", "-x"),
        ("", "fys-ab"),
    ],
)
def test_without_a_role_that_uses_the_app_and_a_pseudonym_no_one_is_known(
    role: str | None, subject: str | None
) -> None:
    """A missing header, a role that may not use the app (analyst, admin) or a subject
    that is not a pseudonym names no one."""
    assert identity_from_headers(_headers(role, subject)) is None


def test_the_app_roles_are_those_the_service_vouches_for() -> None:
    """The app and the service's /auth/verify agree on the roles and the header names."""
    from matcher.service import auth_verify

    assert APP_ROLES == auth_verify.APP_ROLES
    assert (ROLE_HEADER, SUBJECT_HEADER) == (auth_verify.ROLE_HEADER, auth_verify.SUBJECT_HEADER)


def test_the_identity_provider_takes_the_user_from_the_headers() -> None:
    """Jupyter Server's user is the subject the proxy names, None without it; there is no
    login page, token or logout of the app's own."""
    provider = proxy_identity_provider()(token="")
    named = SimpleNamespace(request=SimpleNamespace(headers=_headers("planner", "pl-1")))
    user = provider.get_user(named)
    assert user is not None and user.username == "pl-1"
    nobody = SimpleNamespace(request=SimpleNamespace(headers=_headers("analyst", "ana-1")))
    assert provider.get_user(nobody) is None
    assert provider.get_handlers() == [] and provider.auth_enabled


class _Hello(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write("hello")


def _ask(handler: type, headers: HTTPHeaders) -> Any:
    """One GET to ``handler`` served by tornado on a free port: the answer."""
    from tornado.httpclient import AsyncHTTPClient, HTTPClientError
    from tornado.httpserver import HTTPServer
    from tornado.testing import bind_unused_port

    async def ask() -> Any:
        served = HTTPServer(tornado.web.Application([(r"/", handler)]))
        sock, port = bind_unused_port()
        served.add_sockets([sock])
        try:
            return await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/", headers=headers)
        except HTTPClientError as exc:
            return exc.response
        finally:
            served.stop()

    return asyncio.run(ask())


def test_a_signed_route_refuses_a_request_without_the_headers_and_cannot_be_framed() -> None:
    """``signed`` answers 403 without the proxy's headers (or for an analyst) and 200
    with them, and every answer forbids framing the page."""
    route = signed(_Hello)
    refused = _ask(route, _headers())
    analyst = _ask(route, _headers("analyst", "ana-1"))
    answered = _ask(route, _headers("physiotherapist", "fys-ab"))
    assert (refused.code, analyst.code, answered.code) == (403, 403, 200)
    assert answered.body == b"hello"
    for answer in (refused, answered):
        for name, value in FRAME_HEADERS.items():
            assert answer.headers[name] == value
    assert "frame-ancestors 'none'" in FRAME_HEADERS["Content-Security-Policy"]


def test_voilas_static_files_stay_open_for_the_health_check() -> None:
    """Voila's own static files (its scripts, which the health check fetches) are served
    without the headers; other file routes are not."""
    from voila.static_file_handler import AllowListFileHandler, MultiStaticFileHandler

    static = signed(MultiStaticFileHandler)
    files = signed(AllowListFileHandler)
    ask = SimpleNamespace(headers=_headers())
    assert issubclass(static, MultiStaticFileHandler) and issubclass(files, AllowListFileHandler)
    with pytest.raises(tornado.web.HTTPError) as caught:
        files.prepare(SimpleNamespace(request=ask))  # type: ignore[arg-type]
    assert caught.value.status_code == 403


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_the_real_app_behind_the_proxy_answers_only_whom_the_headers_name(
    tmp_path: Path,
) -> None:
    """``brobygger app --behind-proxy``: the page without the headers is 403, with a
    physiotherapist's 200 and not frameable; Voila's script is served to anyone."""
    import requests

    port = _free_port()
    command = [sys.executable, "-m", "matcher.cli", "app", "--port", str(port)]
    command += ["--tiles", "none", "--behind-proxy"]
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    env["BROBYGGER_DB"] = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    log = tmp_path / "server.log"
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the app did not start:\n" + log.read_text())
                time.sleep(0.25)
        signed_in = {ROLE_HEADER: "physiotherapist", SUBJECT_HEADER: "fys-ab"}
        assert requests.get(base, timeout=60).status_code == 403
        analyst = {ROLE_HEADER: "analyst", SUBJECT_HEADER: "ana-1"}
        assert requests.get(base, headers=analyst, timeout=60).status_code == 403
        page = requests.get(base, headers=signed_in, timeout=120)
        assert page.status_code == 200, log.read_text()
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert requests.get(f"{base}voila/static/voila.js", timeout=30).status_code == 200
        assert requests.get(f"{base}api/kernels/x", timeout=30).status_code == 403
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def test_the_server_is_put_behind_the_proxy_only_when_asked() -> None:
    """The server's command carries ``behind_proxy`` only when the app is started so."""
    from matcher.ui.launch import voila_command

    flag = "--BrobyggerVoila.behind_proxy=True"
    assert flag in voila_command(8866, ip="0.0.0.0", behind_proxy=True)
    assert flag not in voila_command(8866, ip="0.0.0.0")
