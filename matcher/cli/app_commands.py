"""The app command: ``brobygger app``."""

from __future__ import annotations

import importlib.util
import ipaddress
import re
import socket
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from ..dataset.demo import default_data_dir
from ..errors import Problem
from ..ui.signin import ROLE_HEADER, SUBJECT_HEADER
from ..words.problems import problem
from .common import app, err, handle_errors, out, say

#: The port served when none is given (another free one if it is taken).
DEFAULT_PORT = 8866
#: The address served on when none is given: this machine only.
DEFAULT_LISTEN = "127.0.0.1"
#: What the app runs on, installed with Brobygger's ``app`` extra (``brobygger[app]``);
#: a server that only plans goes without.
APP_MODULES = ("voila", "ipywidgets", "ipyleaflet", "ipykernel", "anywidget")
#: Set to 1 (or true): the app sits behind the sign-in's reverse proxy (``--behind-proxy``).
ENV_BEHIND_PROXY = "BROBYGGER_BEHIND_PROXY"
_HOST_NAME = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$", re.I)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _host_problem(name: str) -> Problem | None:
    """Why ``name`` cannot be an ``--allow-host``, or None."""
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        if _HOST_NAME.match(name):
            return None
        template = "'{name}' is not a host name (letters, digits, '-' and '.', no port)"
        return problem("--allow-host", None, None, template, name=name)
    if address.is_loopback:
        return None
    template = (
        "'{name}' is an address; give the host name the browser or the reverse proxy "
        "uses (only this machine's own addresses are answered as addresses)"
    )
    return problem("--allow-host", None, None, template, name=name)


def missing_app_modules() -> list[str]:
    """The modules of ``APP_MODULES`` that are not installed."""
    missing = []
    for name in APP_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def _listen_problem(address: str) -> Problem | None:
    """Why ``address`` cannot be a ``--listen``, or None."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        template = (
            "'{value}' is not an IP address to listen on (127.0.0.1 for this machine "
            "only, 0.0.0.0 for every address, as in a container)"
        )
        return problem("--listen", None, None, template, value=address)
    return None


def open_problem(listen: str, *, behind_proxy: bool, insecure_open: bool) -> Problem | None:
    """Why the app may not listen on ``listen`` as asked, or None. Beyond this machine
    (any address but a loopback one) it serves only behind the sign-in's reverse proxy
    (``behind_proxy``) or when told to serve everyone who reaches it (``insecure_open``)."""
    if behind_proxy and insecure_open:
        template = (
            "--insecure-open serves everyone, --behind-proxy only those the sign-in names: "
            "give one of them"
        )
        return problem("--insecure-open", None, None, template)
    try:
        local = ipaddress.ip_address(listen).is_loopback
    except ValueError:
        return None  # not an address at all: _listen_problem says so
    if local or behind_proxy or insecure_open:
        return None
    template = (
        "{address} would serve the app, without sign-in, to everyone who reaches it; put it "
        "behind the sign-in's reverse proxy (deploy/nginx.conf) and give --behind-proxy "
        "(or {env}=1), listen on 127.0.0.1, or give --insecure-open to serve it open anyway"
    )
    return problem("--listen", None, None, template, address=listen, env=ENV_BEHIND_PROXY)


def _finder_problems(addresses: Path | None, geocoder: str) -> list[Problem]:
    """What is wrong with ``--addresses`` (every wrong cell of the file, named by
    its row and column) and ``--geocoder``, found before the server starts."""
    from ..dataset.address import AddressFile, load_geocoder
    from ..errors import InputError

    problems: list[Problem] = []
    if addresses is not None:
        try:
            AddressFile.read(addresses, str(addresses))
        except InputError as exc:
            problems += exc.problems
    if geocoder.strip():
        try:
            load_geocoder(geocoder)
        except InputError as exc:
            problems += [replace(p, file="--geocoder", column=None) for p in exc.problems]
    return problems


@app.command(name="app", help=say("cmd_app"))
@handle_errors
def run_app(
    *,
    data: Annotated[Path | None, typer.Option("--data", help=say("help_app_data"))] = None,
    port: Annotated[
        int | None,
        typer.Option(
            help=say("help_port", port=DEFAULT_PORT),
            min=0,
            max=65535,
        ),
    ] = None,
    tiles: Annotated[
        str,
        typer.Option(help=say("help_tiles")),
    ] = "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    lang: Annotated[str, typer.Option(help=say("help_app_lang"))] = "da",
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help=say("help_browser"))
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help=say("help_allow_host"),
        ),
    ] = None,
    data_root: Annotated[
        list[Path] | None,
        typer.Option(
            "--data-root",
            help=say("help_data_root"),
        ),
    ] = None,
    addresses: Annotated[
        Path | None, typer.Option("--addresses", help=say("help_addresses"))
    ] = None,
    geocoder: Annotated[str, typer.Option("--geocoder", help=say("help_geocoder"))] = "",
    listen: Annotated[str, typer.Option("--listen", help=say("help_listen"))] = DEFAULT_LISTEN,
    behind_proxy: Annotated[
        bool,
        typer.Option("--behind-proxy", envvar=ENV_BEHIND_PROXY, help=say("help_behind_proxy")),
    ] = False,
    insecure_open: Annotated[
        bool, typer.Option("--insecure-open", help=say("help_insecure_open"))
    ] = False,
) -> None:
    """Start the app (Voila) for the physiotherapist, the planner and the municipality."""
    missing = missing_app_modules()
    if missing:
        err.print(say("app_needs_extra", missing=", ".join(missing)), soft_wrap=True)
        raise typer.Exit(2)
    from ..dataset.load import load_dataset
    from ..errors import InputError
    from ..ui.launch import port_in_use, run

    listen_problem = _listen_problem(listen)
    if listen_problem is not None:
        raise InputError([listen_problem])
    refused = open_problem(listen, behind_proxy=behind_proxy, insecure_open=insecure_open)
    if refused is not None:
        raise InputError([refused])
    folder = data or default_data_dir()
    load_dataset(folder)  # bad data: exit 2 with every problem, before starting a server
    problems = []
    if lang not in ("da", "en"):
        problems.append(problem("--lang", None, None, "'{value}' is not da or en", value=lang))
    hosts = [name.strip().lower() for name in allow_host or ()]
    for name in hosts:
        why = _host_problem(name)
        if why is not None:
            problems.append(why)
    roots = [Path(folder).resolve().parent]
    for root in data_root or ():
        if not root.is_dir():
            problems.append(
                problem("--data-root", None, None, "{root} is not a folder", root=str(root))
            )
        elif root.resolve() not in roots:
            roots.append(root.resolve())
    if port is not None and port != 0 and port_in_use(port, listen):
        problems.append(
            problem(
                "--port",
                None,
                None,
                "port {port} on 127.0.0.1 is already in use (another program, or another "
                "brobygger app); give another --port, or --port 0 for any free port",
                port=port,
            )
        )
    problems += _finder_problems(addresses, geocoder)
    if problems:
        raise InputError(problems)
    if port is None:
        chosen = DEFAULT_PORT if not port_in_use(DEFAULT_PORT, listen) else _free_port()
    else:
        chosen = port or _free_port()
    out.print(say("app_serving", port=chosen, folder=folder))
    if behind_proxy:
        out.print(say("app_behind_proxy", role=ROLE_HEADER, subject=SUBJECT_HEADER), soft_wrap=True)
    if insecure_open:
        err.print(say("app_insecure_open", address=listen, port=chosen), soft_wrap=True)
    tile_url = "" if tiles == "none" else tiles
    served = (folder, chosen, tile_url, lang, browser, hosts, roots)
    finders: dict[str, Any] = {"addresses": addresses, "geocoder": geocoder}
    if listen != DEFAULT_LISTEN:  # another address than this machine's, asked for (a container)
        finders["listen"] = listen
    if behind_proxy:
        finders["behind_proxy"] = True
    run(*served, **finders)
