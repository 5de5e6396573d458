"""The app in a real browser: Voila served on a free local port, driven by
Playwright in Debian's headless Chromium.

Each test fails on any browser console error, any request that leaves the
machine or fails, any Python traceback in the page, and any traceback or
"Exception in" in the Voila server's log (where the app writes errors of
button and widget callbacks). Screenshots are saved under
``$BROBYGGER_ARTIFACTS`` (default ``test-artifacts/``), which CI prints, with
``startup_seconds.txt``: the seconds from starting ``brobygger app`` to the
first usable view, also printed in pytest's terminal summary.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from matcher.domain import MODES
from matcher.words.app import code_text, text

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BROBYGGER_ARTIFACTS", ROOT / "test-artifacts"))
STARTUP_LIMIT_S = (
    240  # generous: CI machines are slow; the figure is reported, not asserted tightly
)
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


@dataclass
class Server:
    """The running app: its address, its log, and when its process was started."""

    url: str
    log: Path
    started: float  # time.monotonic() just before the process was started
    pid: int = 0  # the server's process (Voila: ``brobygger app`` becomes it)
    listening_s: float = 0.0  # to the port accepting connections
    startup_s: float | None = None  # to the first usable view, measured once
    read: int = field(default=0)  # how much of the log the tests have checked

    def kernels(self) -> int:
        """How many kernels the server runs (its kernel child processes)."""
        import psutil

        count = 0
        for child in psutil.Process(self.pid).children(recursive=True):
            try:
                count += "ipykernel_launcher" in " ".join(child.cmdline())
            except psutil.NoSuchProcess:
                continue
        return count

    def new_log(self) -> str:
        """The server's log since the last call."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        fresh, self.read = text[self.read :], len(text)
        return fresh


def log_errors(text: str) -> list[str]:
    """The lines of a server log that show an error, with a little context."""
    lines = text.splitlines()
    return [
        "\n".join(lines[max(0, i - 2) : i + 12])
        for i, line in enumerate(lines)
        if LOG_ERRORS.search(line)
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``brobygger app`` on the demo data, without map tiles, with its own database.

    At the end the whole server log is checked once more for tracebacks.
    """
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    port = _free_port()
    home = tmp_path_factory.mktemp("app")
    env = dict(
        os.environ,
        BROBYGGER_DB=f"sqlite:///{home / 'app.sqlite3'}",
        XDG_CACHE_HOME=str(home / "cache"),
    )
    log_path = home / "voila.log"
    log = log_path.open("w")
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "app", "--port", str(port), "--tiles", "none"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = started + STARTUP_LIMIT_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the app did not start:\n" + log_path.read_text())
            time.sleep(0.5)
    listening = time.monotonic() - started
    try:
        yield Server(
            url=f"http://127.0.0.1:{port}/",
            log=log_path,
            started=started,
            listening_s=listening,
            pid=process.pid,
        )
    finally:
        process.terminate()
        process.wait(20)
        log.close()
    (ARTIFACTS / "voila.log").write_text(log_path.read_text(encoding="utf-8", errors="replace"))
    errors = log_errors(log_path.read_text(encoding="utf-8", errors="replace"))
    assert not errors, "the server log has errors:\n" + "\n---\n".join(errors)


def _failed(request: Request, problems: list[str]) -> None:
    """A failed request is a problem, except the page's note on leaving (Voila's
    ``sendBeacon`` asking to end its kernel), which the browser reports as aborted
    when the page it came from is gone; the server has it (see the kernel test)."""
    leaving = "/voila/api/shutdown/" in request.url and request.failure == "net::ERR_ABORTED"
    if not leaving:
        problems.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture()
def page(
    server: Server, request: pytest.FixtureRequest, report_startup: Callable[..., None]
) -> Iterator[Page]:
    """A fresh page on the app; fails the test on console errors, outside requests,
    a traceback in the page, or an error in the server's log during the test."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server.new_log()  # what came before this test is not its fault
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        tab = browser.new_page(viewport={"width": 1400, "height": 1100})
        tab.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        tab.on("requestfailed", lambda r: _failed(r, problems))

        def outside(r: Request) -> None:
            url = r.url
            if not url.startswith(
                ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
            ):
                problems.append(f"request leaves the machine: {url}")

        tab.on("request", outside)
        opened = time.monotonic() - server.started  # this test's own Chromium is up
        tab.goto(server.url, wait_until="commit", timeout=STARTUP_LIMIT_S * 1000)
        tab.get_by_role("tab", name="Afslutning").wait_for(timeout=STARTUP_LIMIT_S * 1000)
        tab.get_by_text("Find næste skridt").wait_for(timeout=STARTUP_LIMIT_S * 1000)
        if server.startup_s is None:  # the first page: from starting the process
            server.startup_s = time.monotonic() - server.started
            (ARTIFACTS / "startup_seconds.txt").write_text(f"{server.startup_s:.1f}\n")
            report_startup(
                server.startup_s,
                **{"server listening": server.listening_s, "test's browser launched": opened},
            )
        yield tab
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        body = tab.inner_text("body")
        browser.close()
    assert "Traceback" not in body, "a Python traceback is shown in the page"
    assert not problems, "\n".join(problems)
    errors = log_errors(server.new_log())
    assert not errors, "the server log has errors:\n" + "\n---\n".join(errors)


def _usable(page: Page) -> None:
    page.get_by_text("Find næste skridt").wait_for(timeout=STARTUP_LIMIT_S * 1000)


def _visible(page: Page, selector: str) -> Any:
    return page.locator(f"{selector}:visible")


def test_discharge_find_book_and_handout(page: Page) -> None:
    """Start from a patient, change how far and how they travel, find, book and see the hand-out."""
    tab = page
    tab.get_by_role("combobox", name="Start fra borger").fill("P00001")
    tab.get_by_role("button", name="Hent").click()
    pseudonym = _visible(tab, ".widget-text:has-text('Pseudonym') input")
    expect(pseudonym).to_have_value("P00001", timeout=60_000)
    for mode in MODES:  # by bike only, as P00001 does not travel in the data
        label = code_text("mode", mode, "da")
        tab.get_by_label(label, exact=True).set_checked(mode == "bike")
    travel = tab.get_by_label(text("f_max_travel_min", "da"))
    travel.fill("40")
    travel.press("Enter")
    expect(travel).to_have_value("40", timeout=30_000)
    tab.get_by_role("button", name="Find næste skridt").click()
    tab.get_by_role("button", name="Book").first.wait_for(timeout=120_000)
    # P00001 travels by bus or car in the data: "på cykel" shows the form reached the search
    expect(tab.locator(".bb-card").first).to_contain_text("på cykel", timeout=30_000)
    tab.screenshot(path=str(ARTIFACTS / "discharge_options.png"), full_page=True)
    tab.get_by_role("button", name="Book").first.click()
    booked = tab.locator(".bb-card:has(.bb-booking)")
    booked.get_by_role("button", name=re.compile("^Booket ✓")).wait_for(timeout=120_000)
    name = booked.locator("h3").first.inner_text().lstrip("0123456789 ").strip()
    assert name
    frame = tab.frame_locator("iframe").first
    frame.get_by_text(name).first.wait_for(timeout=30_000)


def test_language_switch_keeps_the_profile(page: Page) -> None:
    """English in the header makes the page English and keeps what was typed; Dansk goes back."""
    tab = page
    pseudonym = _visible(tab, ".widget-text:has-text('Pseudonym') input")
    pseudonym.fill("X-SPROG-1")
    pseudonym.press("Enter")
    tab.get_by_role("radio", name="English", exact=True).click()
    tab.get_by_role("tab", name="Discharge").wait_for(timeout=60_000)
    tab.get_by_role("button", name="Find next steps").wait_for(timeout=60_000)
    expect(_visible(tab, ".widget-text:has-text('Pseudonym') input")).to_have_value("X-SPROG-1")
    tab.get_by_role("tab", name="Planning").click()
    tab.get_by_role("heading", name="Waiting list").wait_for(timeout=60_000)
    tab.get_by_role("columnheader", name="Discharged").first.wait_for(timeout=60_000)
    tab.screenshot(path=str(ARTIFACTS / "language_english.png"), full_page=True)
    tab.get_by_role("radio", name="Dansk", exact=True).click()
    tab.get_by_role("heading", name="Venteliste").wait_for(timeout=60_000)
    tab.get_by_role("tab", name="Afslutning").click()
    expect(_visible(tab, ".widget-text:has-text('Pseudonym') input")).to_have_value("X-SPROG-1")


def test_planning_plan_all(page: Page) -> None:
    """Plan the whole waiting list from the planning tab and see the result."""
    tab = page
    tab.get_by_role("tab", name="Planlægning").click()
    tab.get_by_role("button", name="Planlæg alle").click()
    tab.get_by_text("har fået et næste skridt").wait_for(timeout=180_000)
    tab.get_by_role("cell", name="placeret", exact=True).first.wait_for(timeout=60_000)


def test_municipality_map_switches_kind(page: Page) -> None:
    """Compute the gap map, then switch its kind; the title follows."""
    tab = page
    tab.get_by_role("tab", name="Kommune").click()
    tab.get_by_role("button", name="Dækning og tilgængelighed").click()
    tab.get_by_role("columnheader", name="Andel med et tilbud").first.wait_for(timeout=240_000)
    tab.locator(".leaflet-interactive:visible").first.wait_for(timeout=60_000)
    tab.get_by_role("radio", name="Udslusningshold").click()
    tab.get_by_role("heading", name="Udslusningshold: hele dagen").wait_for(timeout=60_000)


def test_data_view_shows_loaded_counts(page: Page) -> None:
    """The data tab says what is loaded."""
    tab = page
    tab.get_by_role("tab", name="Data").click()
    tab.get_by_text("Indlæst: 150 tilbud").wait_for(timeout=60_000)


def _kernels_settle(server: Server, count: int, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while (seen := server.kernels()) != count and time.monotonic() < deadline:
        time.sleep(0.25)
    return seen


def test_reloading_the_page_ends_the_old_pages_kernel(page: Page, server: Server) -> None:
    """A page that is reloaded (or closed) ends its kernel: after each of three
    reloads the server runs as many kernels as before (earlier tests' browsers were
    killed, not closed: their kernels wait to be culled)."""
    before = server.kernels()
    assert before >= 1
    for _ in range(3):
        page.reload(wait_until="commit")
        _usable(page)
        assert _kernels_settle(server, before) == before


def _upload(page: Page, files: list[Path]) -> None:
    page.get_by_role("tab", name="Data").click()
    page.get_by_text("Højst 50 MB pr. upload").wait_for(timeout=60_000)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload CSV-filer").click()
    chooser.value.set_files(files)


def test_an_upload_over_the_limit_is_refused_next_to_the_control(
    page: Page, tmp_path: Path
) -> None:
    """Files over 50 MB together are not sent: the page says so next to the upload
    control, with their size and the limit, and the data in use stays."""
    big = tmp_path / "offers.csv"
    with big.open("wb") as out:
        out.truncate(60_000_000)
    _upload(page, [big])
    refused = page.locator(".bb-upload-refused")
    expect(refused).to_be_visible(timeout=30_000)
    expect(refused).to_contain_text("De valgte filer fylder 60.0 MB, over grænsen på 50 MB")
    page.screenshot(path=str(ARTIFACTS / "upload_over_limit.png"), full_page=True)
    expect(page.get_by_text("Indlæst: 150 tilbud")).to_be_visible()
    expect(page.get_by_text("problemer i data")).to_have_count(0)


def test_an_upload_over_10_mb_arrives(page: Page, tmp_path: Path) -> None:
    """An upload of 12 MB (over the websocket's default 10 MB) reaches the app: the
    loader's verdict on it is shown in the page."""
    padded = tmp_path / "districts.geojson"
    padded.write_text('{"type": "FeatureCollection", "features": [], "pad": "')
    with padded.open("a") as out:
        out.write("x" * 12_000_000 + '"}')
    _upload(page, [padded])
    page.get_by_text("problemer i data; intet er ændret").wait_for(timeout=120_000)
    expect(page.locator(".bb-upload-refused")).to_be_hidden()
    expect(page.get_by_text("Indlæst: 150 tilbud")).to_be_visible()
