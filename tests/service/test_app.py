"""The app and its OpenAPI document; the real server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from service_support import client, config

from matcher.service.problems import MEDIA_TYPE


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_every_operation_documents_its_errors_as_problem_json(tmp_path: Path) -> None:
    """Each operation of ``/openapi.json`` but health documents 401, 403, 422 and 500
    as application/problem+json, and the document says how to sign in."""
    document = client(config(tmp_path, signs_in=False)).get("/openapi.json").json()
    operations = [
        (path, method, op)
        for path, methods in document["paths"].items()
        for method, op in methods.items()
        if path != "/health"
    ]
    assert len(operations) >= 18
    for path, method, op in operations:
        for code in ("401", "403", "422", "500"):
            assert MEDIA_TYPE in op["responses"][code]["content"], (path, method, code)
    assert "Bearer" in document["info"]["description"]


def test_the_real_server_serves_the_openapi_document_on_127_0_0_1(tmp_path: Path) -> None:
    """Uvicorn on 127.0.0.1 and a free port answers ``/openapi.json`` and refuses
    ``/tasks`` without a token with 401 problem+json."""
    uvicorn = pytest.importorskip("uvicorn", reason="the api extra is not installed")
    from service_support import make_tokens

    from matcher.service.app import create_app

    make_tokens(tmp_path / "tokens.toml")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config(tmp_path)),
            host="127.0.0.1",
            port=port,
            access_log=False,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/openapi.json", timeout=10) as answer:
            assert answer.status == 200
            assert b'"/bookings"' in answer.read()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/tasks", timeout=10)
        assert refused.value.code == 401
        assert refused.value.headers["content-type"] == MEDIA_TYPE
    finally:
        server.should_exit = True
        thread.join(timeout=10)
