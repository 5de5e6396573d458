"""The container files, read as Docker and Compose would read them (no container runtime
runs here): compose.yaml's services, volumes and health checks, and the Dockerfile's
user, port and command, whose arguments ``brobygger app`` itself must accept.
(scripts/check_wheel.sh lints the Dockerfile with hadolint, checks compose.yaml
against the Compose specification and fetches the health-check address from the
installed app.)"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import matcher

ROOT = Path(matcher.__file__).resolve().parents[1]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
HEALTH_URL = re.compile(r"http://127\.0\.0\.1:(\d+)(/[^'\" ]*)")


def _defaults(text: str) -> str:
    """``text`` with Compose's variables as they are when none is set: ``${X:-d}`` is
    d, and a required ``${X:?why}`` a placeholder."""
    text = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", text)
    return re.sub(r"\$\{\w+:\?[^}]*\}", "secret", text)


def _instructions(text: str) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), lines joined."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


#: The image that runs: the Dockerfile's last stage.
FINAL_STAGE = _instructions("FROM " + DOCKERFILE.rsplit("\nFROM ", 1)[1])


def _final(instruction: str) -> list[str]:
    return [rest for word, rest in FINAL_STAGE if word == instruction]


@pytest.fixture()
def launched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """``brobygger app`` up to the point where it becomes the server: the arguments."""
    from matcher.ui import launch

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(launch, "run", lambda *args, **finders: calls.append((*args, finders)))
    return calls


def _run_app(arguments: list[str], data_root: Path) -> Any:
    from matcher.cli import app

    given = [str(data_root) if a == "/data" else a for a in arguments]
    return CliRunner().invoke(app, given)


def test_postgresql_keeps_its_data_in_a_volume_and_says_when_it_is_ready() -> None:
    """The database service is PostgreSQL with its data folder on a named volume and a
    pg_isready health check for its own user and database."""
    db = SERVICES["db"]
    assert db["image"].startswith("postgres:")
    volume, _, mounted = db["volumes"][0].partition(":")
    assert mounted == "/var/lib/postgresql/data" and volume in COMPOSE["volumes"]
    check = " ".join(db["healthcheck"]["test"])
    user, name = db["environment"]["POSTGRES_USER"], db["environment"]["POSTGRES_DB"]
    assert "pg_isready" in check and f"--username={user}" in check
    assert f"--dbname={name}" in check
    assert "${POSTGRES_PASSWORD:?" in db["environment"]["POSTGRES_PASSWORD"]


def test_the_app_uses_that_database_once_it_is_ready() -> None:
    """The app and the command line wait for a healthy database and reach it by the
    service's name, as its user, in its database."""
    db = SERVICES["db"]["environment"]
    for name in ("app", "cli"):
        service = SERVICES[name]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        url = _defaults(service["environment"]["BROBYGGER_DB"])
        assert url == f"postgresql://{db['POSTGRES_USER']}:secret@db:5432/{db['POSTGRES_DB']}"
        assert service["volumes"] == ["datasets:/data"] and "datasets" in COMPOSE["volumes"]


def test_the_apps_port_host_name_and_health_check_fit_its_command(
    launched: list[Any], tmp_path: Path
) -> None:
    """compose.yaml's command for the app is one ``brobygger app`` accepts: it listens on
    every address of the container behind the sign-in's proxy, on the port it exposes to
    the proxy and checks for health, publishes none itself, and answers the configurable
    host name (localhost when none is set)."""
    app = SERVICES["app"]
    command = [_defaults(str(a)) for a in app["command"]]
    result = _run_app(command, tmp_path)
    assert result.exit_code == 0, result.output
    (_, port, _, _, _, hosts, roots, finders) = launched[0]
    assert finders["listen"] == "0.0.0.0" and hosts == ["localhost"]
    assert finders["behind_proxy"] is True
    assert tmp_path.resolve() in roots
    assert "${BROBYGGER_HOST:-localhost}" in app["command"]
    assert "ports" not in app and [int(p) for p in app["expose"]] == [port]
    bind, published, _ = _defaults(SERVICES["proxy"]["ports"][0]).split(":")
    assert (bind, published) == ("127.0.0.1", "8866")
    health = HEALTH_URL.search(" ".join(app["healthcheck"]["test"]))
    assert health and int(health.group(1)) == port


def test_the_image_runs_as_a_user_without_root_on_a_slim_python() -> None:
    """The image's last stage is a slim Python, runs as a numeric user that is not root
    and starts the command line, so any brobygger command can be run in it."""
    base = _final("FROM")[0]
    assert re.fullmatch(r"python:3\.1[1-9]-slim", base)
    user = _final("USER")[-1]
    assert user.split(":")[0].isdigit() and user.split(":")[0] != "0"
    assert json.loads(_final("ENTRYPOINT")[0]) == ["brobygger"]


def test_the_images_command_is_the_app_on_its_exposed_and_checked_port(
    launched: list[Any], tmp_path: Path
) -> None:
    """The image's default command is a ``brobygger app`` that the command line accepts,
    listening on every address, on the port it exposes and its health check asks."""
    command = json.loads(_final("CMD")[0])
    result = _run_app(command, tmp_path)
    assert result.exit_code == 0, result.output
    (_, port, _, _, _, _, _, finders) = launched[0]
    assert finders["listen"] == "0.0.0.0"
    assert [int(p) for p in _final("EXPOSE")] == [port]
    health = HEALTH_URL.search(_final("HEALTHCHECK")[0])
    assert health and int(health.group(1)) == port
    in_compose = HEALTH_URL.search(" ".join(SERVICES["app"]["healthcheck"]["test"]))
    assert in_compose and in_compose.group(2) == health.group(2)


def test_the_build_context_holds_what_the_dockerfile_copies() -> None:
    """Every file or folder the Dockerfile copies from the checkout is let through by
    .dockerignore, which keeps the rest (.venv, data, tests) out of the build."""
    kept = [
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    ]
    copied = [
        name.rstrip("/")
        for word, rest in _instructions(DOCKERFILE)
        if word == "COPY" and "--from" not in rest
        for name in shlex.split(rest)[:-1]
    ]
    assert copied and set(copied) <= set(kept)
    assert all((ROOT / name).exists() for name in copied)
    assert "*" in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
