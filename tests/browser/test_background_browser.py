"""Background work in a real browser: coverage, sites and the plan over weeks finish
without an error in the page, the console or the server's log, and reloading a page
leaves no stray kernels (Voila on a free local port, Debian's Chromium via Playwright).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    STARTUP_LIMIT_S,
    App,
    log_errors,
    running_app,
    watch,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: Seconds a kernel without a page stays, for this file's server.
IDLE_SECONDS = 6
#: What the page says when a task failed ("Noget gik galt: ...").
ERROR_TEXT = "Noget gik galt"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """``brobygger app`` on the demo data, culling a kernel without a page after 6 s."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    home = tmp_path_factory.mktemp("background")
    with running_app(home, BROBYGGER_IDLE_KERNEL_SECONDS=str(IDLE_SECONDS)) as served:
        yield served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "voila_background.log").write_text(served.text())


@pytest.fixture()
def browser() -> Iterator[Any]:
    """Headless Debian Chromium for one test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _open(browser: Any, app: App, problems: list[str]) -> Any:
    tab = browser.new_page(viewport={"width": 1400, "height": 1100})
    watch(tab, problems)
    tab.goto(app.url, wait_until="commit", timeout=STARTUP_LIMIT_S * 1000)
    _usable(tab)
    return tab


def _usable(tab: Any) -> None:
    tab.get_by_text("Find næste skridt").wait_for(timeout=STARTUP_LIMIT_S * 1000)


def _no_error_shown(tab: Any) -> None:
    body = tab.inner_text("body")
    for word in (ERROR_TEXT, "RuntimeError", "Traceback", "Exception"):
        assert word not in body, f"the page shows {word!r}"


def test_coverage_sites_and_plan_over_weeks_finish_without_any_error(
    app: App, browser: Any
) -> None:
    """On a fresh page: coverage, then sites on the Kommune tab, then the plan over weeks;
    no error in the page, no console error (none 'Widget is not attached.'), none logged."""
    app.new_log()
    problems: list[str] = []
    tab = _open(browser, app, problems)
    tab.get_by_role("tab", name="Kommune").click()
    tab.get_by_role("button", name="Dækning og tilgængelighed").click()
    tab.get_by_role("columnheader", name="Andel med et tilbud").first.wait_for(timeout=240_000)
    expect(tab.get_by_role("button", name="Find steder")).to_be_enabled(timeout=60_000)
    _no_error_shown(tab)
    tab.get_by_role("button", name="Find steder").click()
    tab.locator("path.leaflet-interactive[stroke='#6a1b9a']").first.wait_for(timeout=240_000)
    expect(tab.get_by_role("button", name="Find steder")).to_be_enabled(timeout=60_000)
    _no_error_shown(tab)
    tab.screenshot(path=str(ARTIFACTS / "background_sites.png"), full_page=True)
    tab.get_by_role("tab", name="Planlægning").click()
    tab.get_by_role("button", name="Planlæg over uger").click()
    tab.get_by_text("får et forløb inden for").wait_for(timeout=300_000)
    expect(tab.get_by_role("button", name="Planlæg over uger")).to_be_enabled(timeout=60_000)
    time.sleep(1)  # any late message from the front end arrives
    _no_error_shown(tab)
    tab.screenshot(path=str(ARTIFACTS / "background_schedule.png"), full_page=True)
    assert not problems, "\n".join(problems)
    errors = log_errors(app.new_log())
    assert not errors, "the server log has errors:\n" + "\n---\n".join(errors)


def test_a_second_search_on_the_discharge_tab_leaves_no_console_error(
    app: App, browser: Any
) -> None:
    """Two searches in a row replace the Discharge map's markers without a console error."""
    app.new_log()
    problems: list[str] = []
    tab = _open(browser, app, problems)
    for patient in ("P00001", "P00002"):
        tab.get_by_role("combobox", name="Start fra borger").fill(patient)
        tab.get_by_role("button", name="Hent").click()
        expect(tab.locator(".widget-text:has-text('Pseudonym') input:visible")).to_have_value(
            patient, timeout=60_000
        )
        tab.get_by_role("button", name="Find næste skridt").click()
        tab.get_by_role("button", name="Book").first.wait_for(timeout=120_000)
    time.sleep(2)  # the old markers' views are removed
    assert not problems, "\n".join(problems)


def _settle(app: App, most: int, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while len(live := app.live_kernels()) > most and time.monotonic() < deadline:
        time.sleep(0.5)
    return live


@pytest.mark.slow
def test_five_reloads_leave_one_kernel_per_open_page(app: App, browser: Any) -> None:
    """Reload one page 5 times: once the culler has looked (6 s idle here), the server
    has at most one kernel for the one open page, and that kernel is the page's own."""
    problems: list[str] = []
    tab = _open(browser, app, problems)
    for _ in range(5):
        tab.reload(wait_until="commit")
        _usable(tab)
    live = _settle(app, 1, seconds=IDLE_SECONDS * 4 + 20)
    assert len(live) <= 1, f"{len(live)} kernels live for one open page: {live}"
    assert app.kernel_processes() == len(live)
    # the open page still works: its own kernel answers a click
    tab.get_by_role("tab", name="Data").click()
    tab.get_by_text("Indlæst: 150 tilbud").wait_for(timeout=60_000)
    assert app.live_kernels() == live and len(live) == 1
    assert not [p for p in problems if "Widget is not attached" in p], "\n".join(problems)
    errors = log_errors(app.new_log())
    assert not errors, "the server log has errors:\n" + "\n---\n".join(errors)


def test_support_finds_no_kernel_of_an_unknown_id(app: App) -> None:
    """The kernel check used above answers False for an id the server never had."""
    assert not app.kernel_alive("00000000-0000-0000-0000-000000000000")
