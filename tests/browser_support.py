"""What browser tests of the app share: ``brobygger app`` on the demo data on a free
local port, its log, the kernels it runs, and a Chromium page that collects every
console error, page error and failed request."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BROBYGGER_ARTIFACTS", ROOT / "test-artifacts"))
#: Seconds the app may take to start on a slow machine.
STARTUP_LIMIT_S = 240
#: What a server log must never contain.
LOG_ERRORS = re.compile(r"Traceback|Exception in")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_STARTED = re.compile(r"Kernel started: ([0-9a-f-]{36})")


@dataclass
class App:
    """A running ``brobygger app``: its address, log and process."""

    url: str
    log: Path
    pid: int
    read: int = field(default=0)

    def text(self) -> str:
        """The whole server log so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def new_log(self) -> str:
        """The server's log since the last call."""
        text = self.text()
        fresh, self.read = text[self.read :], len(text)
        return fresh

    def kernel_processes(self) -> int:
        """How many kernel processes the server runs."""
        import psutil

        count = 0
        for child in psutil.Process(self.pid).children(recursive=True):
            try:
                count += "ipykernel_launcher" in " ".join(child.cmdline())
            except psutil.NoSuchProcess:
                continue
        return count

    def started_kernels(self) -> list[str]:
        """The id of every kernel the server said it started, in order."""
        return _STARTED.findall(self.text())

    def kernel_alive(self, kernel_id: str) -> bool:
        """Whether the server still has kernel ``kernel_id`` (its ``/api/kernels/<id>``
        answers; Voila serves no list of kernels, and the app uses no token)."""
        try:
            with urllib.request.urlopen(f"{self.url}api/kernels/{kernel_id}", timeout=10) as r:
                return bool(json.load(r).get("id") == kernel_id)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return False
            raise

    def live_kernels(self) -> list[str]:
        """The started kernels the server still has."""
        return [k for k in self.started_kernels() if self.kernel_alive(k)]


def log_errors(text: str) -> list[str]:
    """The lines of a server log that show an error, with a little context."""
    lines = text.splitlines()
    return [
        "\n".join(lines[max(0, i - 2) : i + 12])
        for i, line in enumerate(lines)
        if LOG_ERRORS.search(line)
    ]


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(home: Path, **env: str) -> Iterator[App]:
    """``brobygger app`` on the demo data, without tiles, with its own database and
    cache under ``home`` and ``env`` added to its environment; stopped at the end."""
    port = free_port()
    environment = dict(
        os.environ,
        BROBYGGER_DB=f"sqlite:///{home / 'app.sqlite3'}",
        XDG_CACHE_HOME=str(home / "cache"),
        **env,
    )
    log_path = home / "voila.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "matcher.cli", "app", "--port", str(port), "--tiles", "none"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + STARTUP_LIMIT_S
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        problem = "the app did not start:\n" + log_path.read_text()
                        raise RuntimeError(problem) from None
                    time.sleep(0.5)
            yield App(url=f"http://127.0.0.1:{port}/", log=log_path, pid=process.pid)
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(20)


def watch(tab: Any, problems: list[str]) -> None:
    """Collect the page's console errors (with where they were thrown), page errors,
    failed requests (except the page's note on leaving, aborted as it goes) and any
    request that leaves the machine into ``problems``."""

    def console(message: Any) -> None:
        if message.type == "error":
            where = message.location or {}
            problems.append(f"console error: {message.text} ({where.get('url', '')})")

    def failed(request: Any) -> None:
        leaving = "/voila/api/shutdown/" in request.url and request.failure == "net::ERR_ABORTED"
        if not leaving:
            problems.append(f"request failed: {request.url} ({request.failure})")

    def outside(request: Any) -> None:
        if not request.url.startswith(
            ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
        ):
            problems.append(f"request leaves the machine: {request.url}")

    tab.on("console", console)
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}\n{error.stack}"))
    tab.on("requestfailed", failed)
    tab.on("request", outside)
