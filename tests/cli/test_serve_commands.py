"""`brobygger serve` and `brobygger token`: sign-in before listening beyond this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from matcher.cli import app, serve_commands
from matcher.service import ServiceConfig, TokenBook

RUNNER = CliRunner()


def _run(*args: object) -> Any:
    return RUNNER.invoke(app, [str(a) for a in args])


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[ServiceConfig, str, int]]:
    """The services ``serve`` would start, instead of starting them."""
    started: list[tuple[ServiceConfig, str, int]] = []
    monkeypatch.setattr(serve_commands, "_run", lambda c, h, p: started.append((c, h, p)))
    return started


def test_token_prints_a_token_once_and_keeps_only_its_hash(tmp_path: Path) -> None:
    """``brobygger token`` prints a new token; the file holds its hash and role."""
    path = tmp_path / "tokens.toml"
    result = _run("token", "--tokens", path, "--actor", "fys-ab", "--role", "planner")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token not in path.read_text(encoding="utf-8")
    who = TokenBook.read(path).principal(token)
    assert who is not None and who.roles == {"planner"} and who.municipality == "*"


def test_token_refuses_a_name_for_an_actor(tmp_path: Path) -> None:
    """An actor written like a person's name is bad input (exit 2), nothing written."""
    path = tmp_path / "tokens.toml"
    result = _run("token", "--tokens", path, "--actor", "Anne Hansen", "--role", "admin")
    assert result.exit_code == 2
    assert not path.exists()


def test_serve_refuses_to_listen_beyond_this_machine_without_sign_in(
    tmp_path: Path, served: list[Any]
) -> None:
    """``--host 0.0.0.0`` without tokens or JWT is exit 2 naming --host; with
    ``--open-without-sign-in`` or a token file it starts."""
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    refused = _run("serve", "--db", db, "--host", "0.0.0.0")
    assert refused.exit_code == 2 and "--host" in refused.output
    assert served == []
    assert _run("serve", "--db", db, "--host", "0.0.0.0", "--open-without-sign-in").exit_code == 0
    path = tmp_path / "tokens.toml"
    _run("token", "--tokens", path, "--actor", "ab", "--role", "admin")
    assert _run("serve", "--db", db, "--host", "0.0.0.0", "--tokens", path).exit_code == 0
    assert [(h, p) for _, h, p in served] == [("0.0.0.0", 8000), ("0.0.0.0", 8000)]
    assert served[1][0].signs_in and not served[0][0].signs_in


def test_serve_on_this_machine_needs_no_sign_in(tmp_path: Path, served: list[Any]) -> None:
    """On 127.0.0.1 the service starts without tokens, with the given port and limits."""
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = _run("serve", "--db", db, "--port", "8123", "--per-minute", "7")
    assert result.exit_code == 0, result.output
    cfg, host, port = served[0]
    assert (host, port, cfg.limits.per_minute, cfg.db) == ("127.0.0.1", 8123, 7, db)


def test_the_jwt_options_go_together(tmp_path: Path, served: list[Any]) -> None:
    """An issuer without audience and key is exit 2; all three give JWT settings."""
    key = tmp_path / "key.pem"
    key.write_text("a shared secret\n", encoding="utf-8")
    alone = _run("serve", "--jwt-issuer", "https://login.example")
    assert alone.exit_code == 2 and "--jwt-key" in alone.output
    given = _run(
        "serve",
        "--db",
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "--jwt-issuer",
        "https://login.example",
        "--jwt-audience",
        "brobygger",
        "--jwt-key",
        key,
        "--jwt-algorithm",
        "HS256",
        "--host",
        "0.0.0.0",
    )
    assert given.exit_code == 0, given.output
    settings = served[0][0].jwt
    assert settings is not None and settings.key == "a shared secret"
    assert settings.algorithms == ("HS256",)


def test_a_missing_dataset_folder_is_bad_input(tmp_path: Path, served: list[Any]) -> None:
    """A ``--dataset`` that is not a folder is exit 2 before anything starts."""
    result = _run("serve", "--dataset", tmp_path / "nowhere")
    assert result.exit_code == 2 and served == []


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("10.0.0.2", False),
        ("example.org", False),
    ],
)
def test_only_loopback_addresses_are_this_machine(host: str, local: bool) -> None:
    """Loopback addresses and ``localhost`` are this machine; everything else is not."""
    assert serve_commands.on_this_machine(host) is local
