"""The service: ``brobygger serve`` and ``brobygger token``.

``serve`` starts the REST service (``matcher.service``) with Uvicorn; callers
sign in with a token of ``--tokens`` (made with ``brobygger token``) or a JWT
checked against ``--jwt-issuer``, ``--jwt-audience`` and ``--jwt-key``.
Without either, every request acts with every role, as the command line on
the same machine does, and the service refuses to listen beyond this machine
unless ``--open-without-sign-in`` says so.
"""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, Problem
from ..words.problems import problem
from .common import SECONDS, app, handle_errors, out, say
from .store_commands import DbOption

#: The address and port served on when none is given: this machine only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def on_this_machine(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _jwt(issuer: str | None, audience: str | None, key: Path | None, algorithm: str) -> object:
    """The JWT settings of the options, or ``None`` when none is given."""
    from ..service import JwtSettings

    given = [issuer is not None, audience is not None, key is not None]
    if not any(given):
        return None
    if not all(given):
        template = "--jwt-issuer, --jwt-audience and --jwt-key go together"
        raise InputError([problem("--jwt-key", None, None, template)])
    assert issuer is not None and audience is not None and key is not None
    if not key.is_file():
        raise InputError([problem(str(key), None, None, "file not found")])
    secret = key.read_text(encoding="utf-8").strip()
    return JwtSettings(issuer, audience, secret, algorithms=(algorithm,))


def _api_missing() -> Problem | None:
    import importlib.util

    if all(importlib.util.find_spec(m) for m in ("fastapi", "uvicorn", "jwt")):
        return None
    template = "needs the api extra: pip install 'brobygger[api]'"
    return problem("serve", None, None, template)


@app.command(help=say("cmd_serve"))
@handle_errors
def serve(
    *,
    db: DbOption = None,
    tokens: Annotated[Path | None, typer.Option("--tokens", help=say("help_serve_tokens"))] = None,
    host: Annotated[str, typer.Option("--host", help=say("help_serve_host"))] = DEFAULT_HOST,
    port: Annotated[
        int, typer.Option("--port", help=say("help_serve_port"), min=1, max=65535)
    ] = DEFAULT_PORT,
    jwt_issuer: Annotated[
        str | None, typer.Option("--jwt-issuer", help=say("help_jwt_issuer"))
    ] = None,
    jwt_audience: Annotated[
        str | None, typer.Option("--jwt-audience", help=say("help_jwt_audience"))
    ] = None,
    jwt_key: Annotated[Path | None, typer.Option("--jwt-key", help=say("help_jwt_key"))] = None,
    jwt_algorithm: Annotated[
        str, typer.Option("--jwt-algorithm", help=say("help_jwt_algorithm"))
    ] = "RS256",
    data_root: Annotated[
        Path, typer.Option("--data-root", help=say("help_serve_data_root"))
    ] = Path(),
    dataset: Annotated[
        list[Path] | None, typer.Option("--dataset", help=say("help_serve_dataset"))
    ] = None,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help=say("help_serve_municipality"))
    ] = None,
    max_body: Annotated[
        int, typer.Option("--max-body", help=say("help_serve_max_body"), min=1, max=2**31)
    ] = 1_000_000,
    per_minute: Annotated[
        int, typer.Option("--per-minute", help=say("help_serve_per_minute"), min=1, max=10**6)
    ] = 600,
    job_seconds: Annotated[
        float, typer.Option("--job-seconds", help=say("help_serve_job_seconds"), **SECONDS)
    ] = 900.0,
    open_without_sign_in: Annotated[
        bool, typer.Option("--open-without-sign-in", help=say("help_open_without_sign_in"))
    ] = False,
) -> None:
    """Start the REST service (OpenAPI document at /openapi.json); callers sign in with a token or a JWT."""  # noqa: E501
    from ..service import Limits, ServiceConfig, TokenBook

    missing = _api_missing()
    if missing is not None:
        raise InputError([missing])
    problems = []
    if not data_root.is_dir():
        template = "{root} is not a folder"
        problems.append(problem("--data-root", None, None, template, root=str(data_root)))
    for folder in dataset or ():
        if not folder.is_dir():
            template = "{root} is not a folder"
            problems.append(problem("--dataset", None, None, template, root=str(folder)))
    if problems:
        raise InputError(problems)
    book = TokenBook.read(tokens) if tokens is not None else None
    settings = _jwt(jwt_issuer, jwt_audience, jwt_key, jwt_algorithm)
    open_to_all = book is None and settings is None and not open_without_sign_in
    if open_to_all and not on_this_machine(host):
        template = (
            "listens beyond this machine without sign-in; give --tokens or the --jwt "
            "options, or --open-without-sign-in"
        )
        raise InputError([problem("--host", None, None, template)])
    config = ServiceConfig(
        db=db,
        tokens=book,
        jwt=settings,  # type: ignore[arg-type]
        limits=Limits(max_body_bytes=max_body, per_minute=per_minute, job_seconds=job_seconds),
        data_root=data_root,
        datasets=tuple(dataset or ()),
        municipality=municipality,
    )
    _run(config, host, port)


def _run(config: object, host: str, port: int) -> None:
    """Serve ``config`` with Uvicorn until stopped; no access log (paths may
    hold pseudonyms), the service's own request log instead."""
    import uvicorn

    from ..service import ServiceConfig, create_app

    assert isinstance(config, ServiceConfig)
    served = create_app(config)
    logging.getLogger("matcher").setLevel(logging.WARNING)
    service_log = logging.getLogger("matcher.service")
    service_log.setLevel(logging.INFO)
    if not service_log.handlers:
        service_log.addHandler(logging.StreamHandler())
    if not config.signs_in:
        out.print(say("serve_no_sign_in"))
    out.print(say("serve_listening", host=host, port=port), soft_wrap=True)
    uvicorn.run(served, host=host, port=port, access_log=False, log_level="warning")


@app.command(help=say("cmd_token"))
@handle_errors
def token(
    *,
    tokens: Annotated[Path, typer.Option("--tokens", help=say("help_serve_tokens"))],
    actor: Annotated[str, typer.Option("--actor", help=say("help_token_actor"))],
    role: Annotated[str, typer.Option("--role", help=say("help_token_role"))],
    municipality: Annotated[
        str, typer.Option("--municipality", help=say("help_token_municipality"))
    ] = "*",
) -> None:
    """Make a token for the service: its hash is added to the token file, the token is shown once."""  # noqa: E501
    from ..service import add_token

    made = add_token(tokens, actor, role, municipality)
    out.print(say("token_made", actor=actor, role=role, municipality=municipality), soft_wrap=True)
    out.print(made, soft_wrap=True)
