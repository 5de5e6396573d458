"""The app command: ``brobygger app``."""

from __future__ import annotations

import ipaddress
import re
import socket
from pathlib import Path
from typing import Annotated

import typer

from ..dataset.demo import default_data_dir
from .common import app, handle_errors, out

#: The port served when none is given (another free one if it is taken).
DEFAULT_PORT = 8866
_HOST_NAME = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$", re.I)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _host_problem(name: str) -> str | None:
    """Why ``name`` cannot be an ``--allow-host``, or None."""
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        if _HOST_NAME.match(name):
            return None
        return f"'{name}' is not a host name (letters, digits, '-' and '.', no port)"
    if address.is_loopback:
        return None
    return (
        f"'{name}' is an address; give the host name the browser or the reverse proxy "
        "uses (only this machine's own addresses are answered as addresses)"
    )


@app.command(name="app")
@handle_errors
def run_app(
    data: Annotated[
        Path | None, typer.Option("--data", help="Dataset folder (default: the demo).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            help=(
                f"Port on localhost (default {DEFAULT_PORT}, or any free port when it is "
                "taken; 0: any free port). A port given here that is taken stops the "
                "command (exit 2)."
            ),
            min=0,
            max=65535,
        ),
    ] = None,
    tiles: Annotated[
        str,
        typer.Option(
            help="Map tile URL template, or 'none' for no background map (closed networks)."
        ),
    ] = "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    lang: Annotated[str, typer.Option(help="da or en.")] = "da",
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open a browser.")
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help=(
                "A host name the server answers besides localhost, 127.0.0.1 and ::1, "
                "e.g. the name a reverse proxy passes on (repeatable). Requests naming "
                "any other host get 403."
            ),
        ),
    ] = None,
    data_root: Annotated[
        list[Path] | None,
        typer.Option(
            "--data-root",
            help=(
                "A folder whose dataset folders the page's 'Data folder' box may load "
                "(repeatable). Always allowed: the folder that holds --data."
            ),
        ),
    ] = None,
) -> None:
    """Start the app (Voila) for the physiotherapist, the planner and the municipality."""
    from ..dataset.load import load_dataset
    from ..errors import InputError, Problem
    from ..ui.launch import port_in_use, run

    folder = data or default_data_dir()
    load_dataset(folder)  # bad data: exit 2 with every problem, before starting a server
    problems = []
    if lang not in ("da", "en"):
        problems.append(Problem("--lang", None, None, f"'{lang}' is not da or en"))
    hosts = [name.strip().lower() for name in allow_host or ()]
    for name in hosts:
        why = _host_problem(name)
        if why:
            problems.append(Problem("--allow-host", None, None, why))
    roots = [Path(folder).resolve().parent]
    for root in data_root or ():
        if not root.is_dir():
            problems.append(Problem("--data-root", None, None, f"{root} is not a folder"))
        elif root.resolve() not in roots:
            roots.append(root.resolve())
    if port is not None and port != 0 and port_in_use(port):
        problems.append(
            Problem(
                "--port",
                None,
                None,
                f"port {port} on 127.0.0.1 is already in use (another program, or another "
                "brobygger app); give another --port, or --port 0 for any free port",
            )
        )
    if problems:
        raise InputError(problems)
    if port is None:
        chosen = DEFAULT_PORT if not port_in_use(DEFAULT_PORT) else _free_port()
    else:
        chosen = port or _free_port()
    out.print(f"Brobygger app on http://127.0.0.1:{chosen}/ (data: {folder}); stop with Ctrl+C")
    run(folder, chosen, "" if tiles == "none" else tiles, lang, browser, hosts, roots)
