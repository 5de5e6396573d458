"""The app's server (``brobygger app``, Voila) over real HTTP and websockets.

The server is started as a user starts it, on a free local port, and asked
what a browser (or a web page elsewhere) would ask: which ``Host`` it
answers, whether a closed page's kernel ends, how large a websocket message
reaches the kernel, and what happens when the port is taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
START_LIMIT_S = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """A running server: its address, process and log."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def kernels(self) -> int:
        """How many kernels the server runs (its kernel child processes)."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return 0
        count = 0
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                count += "ipykernel_launcher" in " ".join(child.cmdline())
        return count

    def wait_for_kernels(self, count: int, seconds: float = 30) -> int:
        """Wait until the server runs ``count`` kernels; the last count seen."""
        deadline = time.monotonic() + seconds
        while (seen := self.kernels()) != count and time.monotonic() < deadline:
            time.sleep(0.25)
        return seen


def _start(command: list[str], home: Path, env: dict[str, str], port: int) -> Served:
    log = home / "server.log"
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + START_LIMIT_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return Served(f"http://127.0.0.1:{port}/", process, log)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the app did not start:\n" + log.read_text())
            time.sleep(0.25)


def _stop(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(30)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait(10)


def _env(home: Path) -> dict[str, str]:
    return dict(
        os.environ,
        BROBYGGER_DB=f"sqlite:///{home / 'app.sqlite3'}",
        XDG_CACHE_HOME=str(home / "cache"),
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``brobygger app`` on the demo data, answering also the host ``proxy.example``."""
    home = tmp_path_factory.mktemp("server")
    port = _free_port()
    command = [sys.executable, "-m", "matcher.cli", "app", "--port", str(port)]
    command += ["--tiles", "none", "--allow-host", "proxy.example"]
    served = _start(command, home, _env(home), port)
    yield served
    _stop(served)


def _open_page(served: Served) -> tuple[requests.Session, str]:
    """Load the page as a browser does (its kernel starts); the session and kernel id."""
    session = requests.Session()
    page = session.get(served.url, timeout=START_LIMIT_S)
    assert page.status_code == 200
    marker = '"kernelId": "'
    start = page.text.index(marker) + len(marker)
    return session, page.text[start : page.text.index('"', start)]


def _close_page(served: Served, session: requests.Session, kernel_id: str) -> int:
    """What Voila's page sends when it is closed (``navigator.sendBeacon``): a form
    with the ``_xsrf`` cookie's value. The status of the answer."""
    xsrf = session.cookies.get("_xsrf", "")
    answer = session.post(
        f"{served.url}voila/api/shutdown/{kernel_id}",
        files={"_xsrf": (None, xsrf)},
        headers={"Origin": served.url.rstrip("/")},
        timeout=30,
    )
    return answer.status_code


async def _connect(url: str, host: str) -> Any:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    request = HTTPRequest(url.replace("http://", "ws://"), headers={"Host": host})
    return await websocket_connect(request, max_message_size=100 * 1024 * 1024)


def _websocket_status(url: str, host: str) -> int:
    """The HTTP status of a websocket handshake to ``url`` naming ``host`` (101: open)."""
    from tornado.httpclient import HTTPClientError

    async def attempt() -> int:
        try:
            connection = await _connect(url, host)
        except HTTPClientError as exc:
            return exc.code
        connection.close()
        return 101

    return asyncio.run(attempt())


def test_only_this_machine_and_allowed_hosts_are_answered(server: Served) -> None:
    """A request naming another host (DNS rebinding) gets 403 on every route, the
    kernel websocket included; localhost, 127.0.0.1, ::1 and --allow-host names work."""
    session, kernel_id = _open_page(server)
    channels = f"{server.url}api/kernels/{kernel_id}/channels"
    port = server.url.rsplit(":", 1)[1].strip("/")
    for host in ("evil.example", f"evil.example:{port}", "localhost.evil.example"):
        assert requests.get(server.url, headers={"Host": host}, timeout=60).status_code == 403
        static = f"{server.url}voila/static/voila.js"
        assert requests.get(static, headers={"Host": host}, timeout=60).status_code == 403
        assert _websocket_status(channels, host) == 403
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "proxy.example"):
        static = f"{server.url}voila/static/voila.js"
        assert requests.get(static, headers={"Host": host}, timeout=60).status_code == 200
        assert _websocket_status(channels, host) == 101
    assert _close_page(server, session, kernel_id) == 204


def test_closing_a_page_ends_its_kernel(server: Served) -> None:
    """The page's request on closing (with the _xsrf cookie the page set) ends its
    kernel: three pages opened and closed in turn leave no kernel running."""
    assert server.wait_for_kernels(0) == 0
    for _ in range(3):
        session, kernel_id = _open_page(server)
        assert "_xsrf" in session.cookies, "the page sets the cookie its closing request sends"
        assert server.kernels() == 1
        assert _close_page(server, session, kernel_id) == 204
        assert server.wait_for_kernels(0) == 0


def test_a_websocket_message_of_20_mb_reaches_the_kernel(server: Served) -> None:
    """An upload of up to 50 MB reaches the kernel: the server takes a 20 MB websocket
    message (tornado's default limit is 10 MB, beyond which the socket is closed)."""
    session, kernel_id = _open_page(server)
    channels = f"{server.url}api/kernels/{kernel_id}/channels"
    msg_id = uuid.uuid4().hex

    async def ask() -> bool:
        connection = await _connect(channels, "127.0.0.1")
        header = {"msg_id": msg_id, "msg_type": "kernel_info_request", "username": ""}
        header |= {"session": uuid.uuid4().hex, "date": "", "version": "5.3"}
        message = {"header": header, "parent_header": {}, "content": {}, "buffers": []}
        message |= {"metadata": {"pad": "x" * 20_000_000}, "channel": "shell"}
        await connection.write_message(json.dumps(message))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            reply = await asyncio.wait_for(connection.read_message(), 60)
            if reply is None:
                return False  # the server closed the websocket
            data = json.loads(reply)
            if data["channel"] == "shell" and data["parent_header"].get("msg_id") == msg_id:
                connection.close()
                return bool(data["header"]["msg_type"] == "kernel_info_reply")
        return False

    assert asyncio.run(ask())
    assert _close_page(server, session, kernel_id) == 204


def test_a_kernel_without_a_page_is_culled(tmp_path: Path) -> None:
    """A kernel whose page went away without saying so (no websocket connected) is
    ended once idle for the cull timeout (here shortened to 2 s)."""
    from matcher.ui.launch import IDLE_KERNEL_MINUTES, prepare_template, voila_command

    port = _free_port()
    command = voila_command(port)
    timeout = f"--MappingKernelManager.cull_idle_timeout={IDLE_KERNEL_MINUTES * 60}"
    assert timeout in command and "--MappingKernelManager.cull_connected=False" in command
    command[command.index(timeout)] = "--MappingKernelManager.cull_idle_timeout=2"
    command[command.index("--MappingKernelManager.cull_interval=60")] = (
        "--MappingKernelManager.cull_interval=1"
    )
    env = _env(tmp_path)
    env["JUPYTER_PATH"] = str(prepare_template(tmp_path / "jupyter"))
    served = _start(command, tmp_path, env, port)
    try:
        _open_page(served)
        assert served.kernels() == 1
        assert served.wait_for_kernels(0, seconds=40) == 0
    finally:
        _stop(served)


def test_a_port_taken_stops_the_server_instead_of_serving_another(tmp_path: Path) -> None:
    """Voila does not move to a neighbouring port: with the port taken it stops with
    one line (exit 1, no traceback) rather than serve an address nobody was told."""
    from matcher.ui.launch import prepare_template, voila_command

    env = _env(tmp_path)
    env["JUPYTER_PATH"] = str(prepare_template(tmp_path / "jupyter"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            voila_command(port), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 1
    assert "could not be started" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_pages_upload_folder_is_removed_when_its_kernel_ends(tmp_path: Path) -> None:
    """The folder a page's upload was written to is deleted when the page's kernel
    is shut down (as on closing the page, or when culled)."""
    from jupyter_client.manager import start_new_kernel

    demo = ROOT / "data" / "activities"
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        code = (
            "from pathlib import Path\n"
            "from matcher.ui.state import DataState\n"
            f"files = {{p.name: p.read_bytes() for p in Path({str(demo)!r}).glob('*.csv')}}\n"
            "state = DataState(roots=())\n"
            "assert state.load_files(files)\n"
            "print(state.uploads[0])"
        )
        printed: list[str] = []
        reply = client.execute_interactive(
            code,
            timeout=120,
            output_hook=_collect(printed),
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        folder = Path("".join(printed).strip())
        assert folder.is_dir() and (folder / "offers.csv").exists()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)
    assert not folder.exists()


def _collect(lines: list[str]) -> Callable[[dict[str, Any]], None]:
    def hook(message: dict[str, Any]) -> None:
        if message["header"]["msg_type"] == "stream":
            lines.append(message["content"]["text"])

    return hook


def test_the_cull_timeout_can_be_shortened_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """$BROBYGGER_IDLE_KERNEL_SECONDS replaces the 15 idle minutes (looked for at half of
    it); an empty or bad value keeps the default; an open page is never culled."""
    from matcher.ui.launch import (
        CULL_INTERVAL_SECONDS,
        ENV_IDLE_KERNEL_SECONDS,
        IDLE_KERNEL_MINUTES,
        cull_options,
        voila_command,
    )

    default = [
        f"--MappingKernelManager.cull_idle_timeout={IDLE_KERNEL_MINUTES * 60}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
    ]
    monkeypatch.delenv(ENV_IDLE_KERNEL_SECONDS, raising=False)
    assert cull_options() == default
    for bad in ("", "0", "-3", "soon"):
        monkeypatch.setenv(ENV_IDLE_KERNEL_SECONDS, bad)
        assert cull_options() == default, bad
    monkeypatch.setenv(ENV_IDLE_KERNEL_SECONDS, "8")
    command = voila_command(8866)
    assert "--MappingKernelManager.cull_idle_timeout=8" in command
    assert "--MappingKernelManager.cull_interval=4" in command
    assert "--MappingKernelManager.cull_connected=False" in command
    assert cull_options(1)[1] == "--MappingKernelManager.cull_interval=1"


def test_the_culler_passes_over_a_kernel_ended_while_it_looks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A kernel its page ended while the culler goes through the list is passed over,
    instead of leaving a KeyError traceback in the server's log."""
    import asyncio

    from jupyter_server.services.kernels.kernelmanager import (
        AsyncMappingKernelManager,
        MappingKernelManager,
    )

    from matcher.ui.launch import _cull_only_kernels_still_there

    manager = AsyncMappingKernelManager()
    with pytest.raises(KeyError):
        asyncio.run(manager.cull_kernel_if_idle("gone"))
    original = MappingKernelManager.cull_kernel_if_idle
    monkeypatch.setattr(MappingKernelManager, "cull_kernel_if_idle", original)
    _cull_only_kernels_still_there()
    assert asyncio.run(manager.cull_kernel_if_idle("gone")) is None


def test_the_notebook_ships_inside_the_package_in_a_folder_of_its_own() -> None:
    """The app's notebook lies inside the matcher package (so a wheel carries it), in a
    folder with no module beside it to hide a library from its kernel."""
    import matcher
    from matcher.ui.launch import notebook_path

    notebook = notebook_path()
    assert notebook.is_file()
    assert notebook.is_relative_to(Path(matcher.__file__).resolve().parent)
    assert sorted(p.name for p in notebook.parent.iterdir()) == [notebook.name]


def test_the_server_listens_on_this_machine_unless_told_otherwise() -> None:
    """The server's command listens on 127.0.0.1, or on the address given (a container's
    0.0.0.0)."""
    from matcher.ui.launch import voila_command

    assert "--Voila.ip=127.0.0.1" in voila_command(8866)
    command = voila_command(8866, ip="0.0.0.0")
    assert "--Voila.ip=0.0.0.0" in command and "--Voila.ip=127.0.0.1" not in command
