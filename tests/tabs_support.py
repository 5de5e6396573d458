"""What the browser tests that visit every tab share: one ``brobygger app`` and one
Chromium per module, a page in Danish or English, each tab opened and, where it is
cheap, its main work done (Find on the Discharge tab, plan all, coverage), and
where axe-core's ``axe.min.js`` is."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    STARTUP_LIMIT_S,
    App,
    running_app,
    watch,
)
from playwright.sync_api import Page, expect

from matcher.ui.app import TABS
from matcher.words.app import LANGUAGE_NAMES, text

#: Where ``axe.min.js`` is: ``$BROBYGGER_AXE``, else what .ci/run installs here.
AXE_ENV = "BROBYGGER_AXE"
AXE_DEFAULT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The tabs, by view name, in the order the page shows them.
TAB_NAMES = tuple(name for name, _ in TABS)
#: Seconds the work of a tab may take on a slow machine.
WORK_LIMIT_S = 240


def axe_path() -> Path | None:
    """``axe.min.js`` if it is there: ``$BROBYGGER_AXE``, or ``node_modules/`` here."""
    path = Path(os.environ.get(AXE_ENV) or AXE_DEFAULT)
    return path if path.is_file() else None


def in_ci() -> bool:
    """Whether the tests run in CI (.ci/run sets ``CI``)."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@dataclass
class Served:
    """The module's app and browser."""

    app: App
    browser: Any


@contextmanager
def serve(home: Path) -> Iterator[Served]:
    """``brobygger app`` on the demo data with its home under ``home``, and a Chromium."""
    from playwright.sync_api import sync_playwright

    with running_app(home) as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield Served(app, browser)
        finally:
            browser.close()


def words(template: str) -> str:
    """The longest run of words a page shows for a catalogue ``template``, whatever its
    ``{fields}`` hold (a plain text: a pattern would be tried on every element's text)."""
    parts = re.split(r"\{[^}]*\}", template)
    return max(parts, key=lambda part: len(part.strip())).strip()


def tab_title(name: str, lang: str) -> str:
    """The title of tab ``name`` in ``lang``."""
    return text(dict(TABS)[name], lang)


def open_page(
    served: Served, lang: str, problems: list[str], viewport: dict[str, int] | None = None
) -> Page:
    """A fresh page on the app in ``lang`` (switched in the header when not Danish),
    its console and page errors and failed requests collected into ``problems``."""
    context = served.browser.new_context(viewport=viewport or {"width": 1366, "height": 900})
    page = context.new_page()
    watch(page, problems)
    page.goto(served.app.url, wait_until="commit", timeout=STARTUP_LIMIT_S * 1000)
    find = page.get_by_role("button", name=text("find", "da"))
    expect(find).to_be_enabled(timeout=STARTUP_LIMIT_S * 1000)
    if lang != "da":
        page.get_by_role("radio", name=LANGUAGE_NAMES[lang], exact=True).click()
        expect(page.get_by_role("button", name=text("find", lang))).to_be_visible(timeout=60_000)
    return page


def show_tab(page: Page, name: str, lang: str) -> None:
    """Select tab ``name`` and wait until its view is there."""
    page.get_by_role("tab", name=tab_title(name, lang)).click()
    ready = {
        "discharge": page.get_by_role("button", name=text("find", lang)),
        "followup": page.get_by_role("button", name=text("fu_save_attendance", lang)),
        "planning": page.get_by_role("button", name=text("plan_all", lang)),
        "municipality": page.get_by_role("button", name=text("coverage", lang)),
        "data": page.get_by_text(text("data_loaded", lang).split("{")[0].strip()),
    }[name]
    expect(ready.first).to_be_visible(timeout=60_000)


def do_work(page: Page, name: str, lang: str) -> None:
    """The tab's main work, done once per page: on the Discharge tab a postal code and
    Find; on Planning, plan all; on Kommune, coverage. The Data tab has none."""
    if name == "discharge":
        book = page.get_by_role("button", name=text("book", lang), exact=True)
        if not book.count():
            page.get_by_label(text("f_patient_id", lang)).fill(f"NY-{lang.upper()}")
            address = page.get_by_label(text("f_address", lang))
            address.fill("5230")
            address.press("Enter")
            page.get_by_role("button", name=text("find", lang)).click()
        _finished(page, book.first)
    elif name == "planning":
        done = page.get_by_text(words(text("plan_done", lang).split(" (")[0]))
        if not done.count():
            page.get_by_role("button", name=text("plan_all", lang)).click()
        _finished(page, done.first)
        # the plan's tables and charts are drawn before the button is free again
        expect(page.get_by_role("button", name=text("plan_all", lang))).to_be_enabled(
            timeout=WORK_LIMIT_S * 1000
        )
    elif name == "municipality":
        column = page.get_by_role("columnheader", name=text("col_served_share", lang))
        if not column.count():
            page.get_by_role("button", name=text("coverage", lang)).click()
        _finished(page, column.first)
        page.locator(".leaflet-interactive:visible").first.wait_for(timeout=60_000)


def book_first(page: Page, lang: str) -> None:
    """Book the first session found on the Discharge tab, unless one is booked."""
    booked = page.get_by_role("button", name=text("card_booked", lang, date="").strip())
    if not booked.count():
        page.get_by_role("button", name=text("book", lang), exact=True).first.click()
    _finished(page, page.locator(".bb-booking iframe").first)


def _finished(page: Page, shown: Any) -> None:
    """Wait for ``shown``; fail at once, with what the page says, on an error message."""
    refused = page.locator(".bb-msg.bb-error:visible, .bb-field-error:visible")
    shown.or_(refused.first).wait_for(timeout=WORK_LIMIT_S * 1000)
    if refused.count():
        raise AssertionError("the page refused the work: " + refused.first.inner_text())
