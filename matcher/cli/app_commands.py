"""The app command: ``brobygger app``."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated

import typer

from .common import app, default_data_dir, handle_errors, out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@app.command(name="app")
@handle_errors
def run_app(
    data: Annotated[
        Path | None, typer.Option("--data", help="Dataset folder (default: the demo).")
    ] = None,
    port: Annotated[int, typer.Option(help="Port on localhost (0: any free port).", min=0)] = 8866,
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
) -> None:
    """Start the app (Voila) for the physiotherapist, the planner and the municipality."""
    from ..errors import InputError, Problem
    from ..io import load_dataset
    from ..ui.launch import run

    folder = data or default_data_dir()
    load_dataset(folder)  # bad data: exit 2 with every problem, before starting a server
    if lang not in ("da", "en"):
        raise InputError([Problem("--lang", None, None, f"'{lang}' is not da or en")])
    chosen = port or _free_port()
    out.print(f"Brobygger app on http://127.0.0.1:{chosen}/ (data: {folder}); stop with Ctrl+C")
    run(folder, chosen, "" if tiles == "none" else tiles, lang, browser)
