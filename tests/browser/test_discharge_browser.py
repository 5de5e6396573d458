"""The Discharge tab's whole closing conversation in a real browser, for a person who
is not in the data: the profile, Find, Book the first session and Print, once by
keyboard only and once with the mouse (Voila on a free local port, Debian's Chromium
through Playwright).

Each run counts its actions and times each step; the figures, with the seconds from
starting ``brobygger app`` to the Discharge tab being usable (its Find button visible
and enabled), are written to ``$BROBYGGER_ARTIFACTS/discharge_actions.json`` and
printed. An action is one key press, one click, or one value typed or filled into a
field; ``keys`` counts every key pressed, each typed character included.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from browser_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    STARTUP_LIMIT_S,
    App,
    log_errors,
    running_app,
    watch,
)
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from matcher.store import active_bookings, open_store
from matcher.ui.views.option_cards import HANDOUT_FRAME
from matcher.words.app import code_text, text
from matcher.words.formats import language_name

pytestmark = pytest.mark.browser

#: The laptop the closing conversation is usually held at.
VIEWPORT = {"width": 1366, "height": 900}
#: How many actions the typical mouse discharge should take at most.
MOUSE_TARGET = 15
#: The figures of this module's runs, written out at its end.
FIGURES: dict[str, Any] = {}
#: The accessible name of the focused element (its label, ARIA label, text or title).
FOCUSED = """() => { const e = document.activeElement;
  if (!e || e === document.body) return '';
  if (e.labels && e.labels.length) return e.labels[0].innerText.trim();
  return (e.getAttribute('aria-label') || e.innerText || e.title || '').trim(); }"""
#: Whether the element is wholly inside the window, without scrolling.
IN_VIEW = """(e) => { const r = e.getBoundingClientRect();
  return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight
    && r.right <= window.innerWidth; }"""


def da(key: str, **values: object) -> str:
    """The page's Danish words for ``key``."""
    return text(key, "da", **values)


@dataclass
class Served:
    """The app of this module, where its database is, and when it was started."""

    app: App
    db: Path
    started: float
    browser: Any


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``brobygger app`` on the demo data and one Chromium for the module; the seconds
    from starting the app to a first page's Find button being usable are measured."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("discharge")
    started = time.monotonic()
    with running_app(home) as app, sync_playwright() as playwright:
        listening = time.monotonic() - started
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        launched = time.monotonic() - started
        first = browser.new_page(viewport=VIEWPORT)
        first.goto(app.url, wait_until="commit", timeout=STARTUP_LIMIT_S * 1000)
        find = first.get_by_role("button", name=da("find"))
        expect(find).to_be_enabled(timeout=STARTUP_LIMIT_S * 1000)
        FIGURES["startup"] = {
            "usable_s": round(time.monotonic() - started, 2),
            "server_listening_s": round(listening, 2),
            "browser_launched_s": round(launched, 2),
        }
        first.close(run_before_unload=True)
        yield Served(app, home / "app.sqlite3", started, browser)
        browser.close()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "voila_discharge.log").write_text(app.text())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "discharge_actions.json").write_text(json.dumps(FIGURES, indent=2) + "\n")


@dataclass
class Walk:
    """A page driven step by step, counting actions and key presses per step."""

    page: Page
    steps: list[dict[str, Any]] = field(default_factory=list)
    actions: int = 0
    keys: int = 0

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time one step of the conversation and count what it took."""
        actions, keys, began = self.actions, self.keys, time.monotonic()
        yield
        self.steps.append(
            {
                "step": name,
                "actions": self.actions - actions,
                "keys": self.keys - keys,
                "seconds": round(time.monotonic() - began, 2),
            }
        )

    def press(self, key: str) -> None:
        """Press one key (or chord, such as Control+Enter)."""
        self.page.keyboard.press(key)
        self.actions += 1
        self.keys += 1

    def type(self, value: str) -> None:
        """Type ``value`` into the focused field, key by key."""
        self.page.keyboard.type(value)
        self.actions += 1
        self.keys += len(value)

    def focused(self) -> str:
        """The accessible name of the element that has the focus."""
        return str(self.page.evaluate(FOCUSED))

    def arrow_to(self, name: str, key: str, *, limit: int = 10) -> None:
        """Press the arrow ``key`` until the focused element is called ``name``."""
        seen: list[str] = []
        for _ in range(limit):
            if self.focused() == name:
                return
            seen.append(self.focused())
            self.press(key)
        pytest.fail(f"{limit} presses of {key} did not reach {name!r}; they reached: {seen}")

    def tab_to(self, name: str, *, back: bool = False, limit: int = 120) -> None:
        """Press Tab (Shift+Tab with ``back``) until the focused element is called ``name``."""
        seen: list[str] = []
        for _ in range(limit):
            self.press("Shift+Tab" if back else "Tab")
            focused = str(self.page.evaluate(FOCUSED))
            if focused == name or focused.endswith(f" {name}"):
                return
            seen.append(focused)
        pytest.fail(f"{limit} presses of Tab did not reach {name!r}; they reached: {seen}")

    def click(self, target: Any) -> None:
        """Click ``target`` (a locator)."""
        target.click()
        self.actions += 1

    def check(self, target: Any) -> None:
        """Tick the checkbox ``target`` with a click."""
        target.check()
        self.actions += 1

    def fill(self, target: Any, value: str) -> None:
        """Put ``value`` in the field ``target``, as clicking into it and typing would."""
        target.fill(value)
        self.actions += 1
        self.keys += len(value)

    def figures(self) -> dict[str, Any]:
        """The steps, and the actions and key presses of the whole walk."""
        seconds = round(sum(s["seconds"] for s in self.steps), 2)
        return {"actions": self.actions, "keys": self.keys, "seconds": seconds, "steps": self.steps}


@pytest.fixture()
def walk(served: Served) -> Iterator[Walk]:
    """A fresh page on the Discharge tab; fails the test on a console or page error, a
    failed or outside request, or an error in the server's log while it ran."""
    served.app.new_log()
    problems: list[str] = []
    context = served.browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    watch(tab, problems)
    tab.goto(served.app.url, wait_until="commit", timeout=STARTUP_LIMIT_S * 1000)
    expect(tab.get_by_role("button", name=da("find"))).to_be_enabled(timeout=STARTUP_LIMIT_S * 1000)
    yield Walk(tab)
    body = tab.inner_text("body")
    context.close()
    assert "Traceback" not in body, "a Python traceback is shown in the page"
    assert not problems, "\n".join(problems)
    errors = log_errors(served.app.new_log())
    assert not errors, "the server log has errors:\n" + "\n---\n".join(errors)


def _wait_found(page: Page) -> None:
    """The address note says where the home was found."""
    expect(page.locator(".bb-field-ok")).to_contain_text("5230", timeout=30_000)


def _wait_options(page: Page) -> None:
    page.get_by_role("button", name=da("book"), exact=True).first.wait_for(timeout=120_000)


def _profile_shown(page: Page) -> None:
    """After Find the form still shows what was entered, as the kernel holds it."""
    expect(page.get_by_label(da("f_max_travel_min"))).to_have_value("40")
    expect(page.get_by_label(da("f_budget_dkk_month"))).to_have_value("300")
    for day in ("mon", "wed"):
        expect(page.get_by_label(f"{da(f'day_{day}')} {da('part_afternoon')}")).to_be_checked()
    expect(page.get_by_label(f"{da('day_tue')} {da('part_afternoon')}")).not_to_be_checked()
    expect(page.get_by_label(language_name("en", "da"), exact=True)).to_be_checked()
    small = page.get_by_role("radio", name=code_text("tol", "small", "da"))
    expect(small).to_have_attribute("aria-checked", "true")


def _booked_in_view(page: Page) -> str:
    """Wait for the card's 'Booket ✓' and for it to be inside the window (the page
    brings it there itself); the name of the offer booked."""
    booked = page.get_by_role("button", name=da("card_booked", date="")).first
    booked.wait_for(timeout=120_000)
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says where it is
        page.wait_for_function(
            f"() => ({IN_VIEW})(document.querySelector('.bb-card:has(.bb-booking) "
            ".widget-button.mod-success, .bb-card:has(.bb-booking) button.mod-success'))",
            timeout=10_000,
        )
    box = booked.bounding_box()
    height = page.evaluate("window.innerHeight")
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (
        f"'Booket ✓' is at {box} outside the window (innerHeight {height}) after booking"
    )
    card = page.locator(".bb-card:has(.bb-booking) h3").first
    return card.inner_text().split(" ", 1)[1].strip()


def _printed(page: Page, press: Any) -> None:
    """Pressing Print prints the hand-out's frame (its print is counted, not shown)."""
    page.locator(f"#{HANDOUT_FRAME}").wait_for(state="attached", timeout=30_000)
    page.evaluate(
        f"""() => {{ const f = document.getElementById('{HANDOUT_FRAME}');
        f.contentWindow.print = () => {{ window.bbPrinted = (window.bbPrinted || 0) + 1; }}; }}"""
    )
    press()
    page.wait_for_function("() => window.bbPrinted === 1", timeout=30_000)


def _booking_stored(served: Served, patient_id: str, name: str) -> None:
    """The app's database holds the booking, for the offer on the booked card."""
    with open_store(f"sqlite:///{served.db}") as store:
        bookings = active_bookings(store)
    mine = bookings[bookings["patient_id"] == patient_id]
    assert len(mine) == 1, f"{patient_id} has {len(mine)} active bookings:\n{bookings}"
    offers = pd.read_csv(ROOT / "data" / "activities" / "offers.csv", dtype=str)
    names = dict(zip(offers["offer_id"], offers["name"], strict=True))
    assert names[mine.iloc[0]["offer_id"]] == name


def _report(capsys: pytest.CaptureFixture[str], name: str, walk: Walk) -> dict[str, Any]:
    figures = walk.figures()
    FIGURES[name] = figures
    with capsys.disabled():
        print(
            f"\ndischarge by {name}: {figures['actions']} actions, {figures['keys']} keys, "
            f"{figures['seconds']} s; startup {FIGURES.get('startup')}"
        )
        for s in figures["steps"]:
            print(f"  {s['step']}: {s['actions']} actions, {s['keys']} keys, {s['seconds']} s")
    return figures


def test_discharge_by_keyboard_only(
    walk: Walk, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new person is profiled, found for, booked and printed with Tab, the arrow keys,
    Space, Enter and typing alone; the page starts in the pseudonym field, the week grid,
    each row of choices and each one-of-several choice are one Tab stop each, Find puts
    the focus on the first card and booking on Print; the booking is stored and
    'Booket ✓' is in view."""
    page = walk.page
    with walk.step("pseudonym"):
        expect(page.get_by_label(da("f_patient_id"))).to_be_focused(timeout=10_000)
        walk.type("NY-001")
    with walk.step("address"):
        walk.tab_to(da("f_address"))
        walk.type("5230")
        walk.press("Enter")
        _wait_found(page)
    with walk.step("travel limit"):
        walk.tab_to(da("f_max_travel_min"))
        walk.type("40")
    with walk.step("availability"):
        walk.tab_to(f"{da('day_mon')} {da('part_morning')}")
        walk.arrow_to(f"{da('day_mon')} {da('part_afternoon')}", "ArrowDown")
        walk.press("Space")
        walk.arrow_to(f"{da('day_wed')} {da('part_afternoon')}", "ArrowRight")
        walk.press("Space")
    with walk.step("group size"):
        walk.tab_to(code_text("tol", "medium", "da"))
        walk.arrow_to(code_text("tol", "small", "da"), "ArrowLeft")
    with walk.step("budget"):
        walk.tab_to(da("f_budget_dkk_month"))
        walk.type("300")
    with walk.step("language"):
        walk.tab_to(language_name("da", "da"))
        walk.arrow_to(language_name("en", "da"), "ArrowRight")
        walk.press("Space")
    with walk.step("find"):
        walk.press("Control+Enter")
        _wait_options(page)
    _profile_shown(page)
    with walk.step("book"):
        expect(page.locator(".bb-card-1 h3").last).to_be_focused(timeout=10_000)
        walk.tab_to(da("book"))
        walk.press("Enter")
        name = _booked_in_view(page)
    with walk.step("print"):
        print_button = page.get_by_role("button", name=da("print"))
        expect(print_button).to_be_focused(timeout=10_000)
        _printed(page, lambda: walk.press("Enter"))
    page.screenshot(path=str(ARTIFACTS / "discharge_keyboard.png"))
    _report(capsys, "keyboard", walk)
    _booking_stored(served, "NY-001", name)


def test_discharge_with_the_mouse(
    walk: Walk, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new person is profiled, found for, booked and printed with clicks and typing into
    fields; the booking is stored, 'Booket ✓' is in view, and the actions are counted."""
    page = walk.page
    with walk.step("pseudonym"):
        walk.fill(page.get_by_label(da("f_patient_id")), "NY-002")
    with walk.step("address"):
        walk.fill(page.get_by_label(da("f_address")), "5230")
        walk.click(page.get_by_role("button", name=da("f_address_find")))
        _wait_found(page)
    with walk.step("travel limit"):
        walk.fill(page.get_by_label(da("f_max_travel_min")), "40")
    with walk.step("availability"):
        walk.check(page.get_by_label(f"{da('day_mon')} {da('part_afternoon')}"))
        walk.check(page.get_by_label(f"{da('day_wed')} {da('part_afternoon')}"))
    with walk.step("group size"):
        walk.click(page.get_by_role("radio", name=code_text("tol", "small", "da")))
    with walk.step("budget"):
        walk.fill(page.get_by_label(da("f_budget_dkk_month")), "300")
    with walk.step("language"):
        walk.check(page.get_by_label(language_name("en", "da"), exact=True))
    with walk.step("find"):
        walk.click(page.get_by_role("button", name=da("find")))
        _wait_options(page)
    _profile_shown(page)
    with walk.step("book"):
        walk.click(page.get_by_role("button", name=da("book"), exact=True).first)
        name = _booked_in_view(page)
    with walk.step("print"):
        _printed(page, lambda: walk.click(page.get_by_role("button", name=da("print"))))
    page.screenshot(path=str(ARTIFACTS / "discharge_mouse.png"))
    _report(capsys, "mouse", walk)
    _booking_stored(served, "NY-002", name)
    FIGURES["mouse"]["target_actions"] = MOUSE_TARGET
