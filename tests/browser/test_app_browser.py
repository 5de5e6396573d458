"""The app in a real browser: Voila served on a free local port, driven by
Playwright in Debian's headless Chromium.

Each test fails on any browser console error, any request that leaves the
machine or fails, and any Python traceback in the page. Screenshots are saved
under ``$BROBYGGER_ARTIFACTS`` (default ``test-artifacts/``), which CI prints.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BROBYGGER_ARTIFACTS", ROOT / "test-artifacts"))
STARTUP_LIMIT_S = (
    240  # generous: CI machines are slow; the figure is reported, not asserted tightly
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``brobygger app`` on the demo data, without map tiles, with its own database."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    port = _free_port()
    home = tmp_path_factory.mktemp("app")
    env = dict(
        os.environ,
        BROBYGGER_DB=f"sqlite:///{home / 'app.sqlite3'}",
        XDG_CACHE_HOME=str(home / "cache"),
    )
    log = (home / "voila.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "app", "--port", str(port), "--tiles", "none"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the app did not start:\n" + (home / "voila.log").read_text())
            time.sleep(0.5)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(20)
        log.close()


@pytest.fixture()
def page(server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page on the app; fails the test on console errors or outside requests."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
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
        tab.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

        def outside(r: Request) -> None:
            url = r.url
            if not url.startswith(
                ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
            ):
                problems.append(f"request leaves the machine: {url}")

        tab.on("request", outside)
        started = time.monotonic()
        tab.goto(server, wait_until="commit", timeout=STARTUP_LIMIT_S * 1000)
        tab.get_by_role("tab", name="Afslutning").wait_for(timeout=STARTUP_LIMIT_S * 1000)
        tab.get_by_text("Find næste skridt").wait_for(timeout=STARTUP_LIMIT_S * 1000)
        usable = time.monotonic() - started
        print(f"\nfirst view usable after {usable:.1f} s")
        (ARTIFACTS / "startup_seconds.txt").write_text(f"{usable:.1f}\n")
        yield tab
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        body = tab.inner_text("body")
        browser.close()
    assert "Traceback" not in body, "a Python traceback is shown in the page"
    assert not problems, "\n".join(problems)


def test_discharge_find_book_and_handout(page: Page) -> None:
    """Fill a profile from a patient, find next steps, book the first and see the hand-out."""
    tab = page
    tab.get_by_role("combobox", name="Start fra borger").fill("P00001")
    tab.get_by_role("button", name="Hent").click()
    tab.get_by_role("button", name="Find næste skridt").click()
    tab.get_by_role("button", name="Book").first.wait_for(timeout=120_000)
    tab.screenshot(path=str(ARTIFACTS / "discharge_options.png"), full_page=True)
    tab.get_by_role("button", name="Book").first.click()
    tab.get_by_text("Booket:").wait_for(timeout=120_000)
    frame = tab.frame_locator("iframe").first
    frame.get_by_text("Gåklub").first.wait_for(timeout=30_000)


def test_planning_plan_all(page: Page) -> None:
    """Plan the whole waiting list from the planning tab and see the result."""
    tab = page
    tab.get_by_role("tab", name="Planlægning").click()
    tab.get_by_role("button", name="Planlæg alle").click()
    tab.get_by_text("har fået et næste skridt").wait_for(timeout=180_000)


def test_municipality_map_switches_kind(page: Page) -> None:
    """Compute the gap map, then switch its kind; the title follows."""
    tab = page
    tab.get_by_role("tab", name="Kommune").click()
    tab.get_by_role("button", name="Dækning og tilgængelighed").click()
    tab.get_by_text("served_share").first.wait_for(timeout=240_000)
    tab.locator(".leaflet-interactive:visible").first.wait_for(timeout=60_000)
    tab.get_by_role("button", name="Udslusningshold").click()
    tab.get_by_role("heading", name="Udslusningshold: hele dagen").wait_for(timeout=60_000)


def test_data_view_shows_loaded_counts(page: Page) -> None:
    """The data tab says what is loaded."""
    tab = page
    tab.get_by_role("tab", name="Data").click()
    tab.get_by_text("Indlæst: 150 tilbud").wait_for(timeout=60_000)
