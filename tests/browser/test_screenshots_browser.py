"""Every tab at a laptop's 1366x900, a small laptop's 1024x768 and an upright tablet's
768x1024, before and after its main work where that is cheap (Find, plan all,
coverage): a full-page screenshot of each goes to ``$BROBYGGER_ARTIFACTS/screens/``
for a person to look at, and each fails if the page is wider than the window (cut off,
or scrolled sideways), shows a field too narrow to read what is typed in it, or a
button whose words are cut short.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS, CHROMIUM, log_errors
from playwright.sync_api import Page
from tabs_support import TAB_NAMES, Served, do_work, open_page, serve, show_tab

pytestmark = pytest.mark.browser

#: Width x height of the windows looked at.
SIZES = ((1366, 900), (1024, 768), (768, 1024))
#: The narrowest a field one types or picks in may be, in CSS pixels.
NARROWEST_FIELD = 60
#: Tabs with a main work cheap enough to do here.
WORKED = ("discharge", "planning", "municipality")
#: How much wider than the window the page is (0 when nothing sticks out): the document,
#: or Voila's box of the page that scrolls inside it.
OVERFLOW = """() => { const cells = document.getElementById('rendered_cells');
  return Math.max(document.documentElement.scrollWidth - window.innerWidth,
    cells ? cells.scrollWidth - cells.clientWidth : 0); }"""
#: The height of the whole page, drawn for the screenshot.
TALL = """() => { const cells = document.getElementById('rendered_cells');
  return Math.max(document.documentElement.scrollHeight, cells ? cells.scrollHeight : 0); }"""
#: The visible fields to type or pick in that are narrower than the given pixels.
NARROW = """(least) => [...document.querySelectorAll('input, select, textarea')]
  .filter((e) => !['checkbox', 'radio', 'hidden', 'file', 'range'].includes(e.type))
  .filter((e) => e.offsetParent !== null && e.getClientRects().length)
  .map((e) => ({ width: Math.round(e.getBoundingClientRect().width),
    name: (e.labels && e.labels.length ? e.labels[0].innerText : '')
      || e.getAttribute('aria-label') || e.placeholder || e.outerHTML.slice(0, 80) }))
  .filter((f) => f.width > 0 && f.width < least)"""
#: The visible buttons and tab titles whose words are cut short (shown with "…").
CUT_SHORT = """() => [...document.querySelectorAll('button, .lm-TabBar-tabLabel')]
  .filter((e) => e.offsetParent !== null && e.getClientRects().length)
  .filter((e) => e.scrollWidth > e.clientWidth)
  .map((e) => `${(e.innerText || e.title).trim()} (${e.clientWidth} of ${e.scrollWidth} px)`)"""
#: The elements that stick out to the right of the window.
STICKING_OUT = """() => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
    && e.getClientRects().length)
  .slice(-5).map((e) => `${e.tagName}.${[...e.classList].join('.')}`
    + ` right=${Math.round(e.getBoundingClientRect().right)}`)"""
CASES = [
    (size, tab, work)
    for size in SIZES
    for tab in TAB_NAMES
    for work in ((False, True) if tab in WORKED else (False,))
]


class Windows:
    """One page per window size for the module, opened when first asked for."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.pages: dict[tuple[int, int], Page] = {}
        self.problems: list[str] = []

    def get(self, size: tuple[int, int]) -> Page:
        """The module's page in a window of ``size``."""
        if size not in self.pages:
            viewport = {"width": size[0], "height": size[1]}
            self.pages[size] = open_page(self.served, "da", self.problems, viewport)
        return self.pages[size]


@pytest.fixture(scope="module")
def windows(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Windows]:
    """``brobygger app`` on the demo data, a Chromium, and a page per window size."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    with serve(tmp_path_factory.mktemp("screens")) as served:
        yield Windows(served)


def _whole_page(page: Page, size: tuple[int, int], path: Path) -> None:
    """A screenshot of the whole page: Voila scrolls it inside a box of the window's
    height, so the window is made as tall as the page for it, then put back."""
    tall = max(size[1], int(page.evaluate(TALL)))
    page.set_viewport_size({"width": size[0], "height": tall})
    try:
        page.wait_for_timeout(200)
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.wait_for_timeout(200)


def _name(size: tuple[int, int], tab: str, work: bool) -> str:
    return f"{size[0]}x{size[1]}-{tab}{'-worked' if work else ''}"


@pytest.mark.parametrize(("size", "tab", "work"), CASES, ids=[_name(*case) for case in CASES])
def test_tab_fits_the_window(windows: Windows, size: tuple[int, int], tab: str, work: bool) -> None:
    """The tab is no wider than the window, no field is under 60 px, no button cut short."""
    page = windows.get(size)
    windows.served.app.new_log()
    show_tab(page, tab, "da")
    if work:
        do_work(page, tab, "da")
    page.wait_for_timeout(500)  # the last widget messages and the map are drawn
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    _whole_page(page, size, folder / f"{_name(size, tab, work)}.png")
    overflow: int = page.evaluate(OVERFLOW)
    sticking: list[Any] = page.evaluate(STICKING_OUT) if overflow > 1 else []
    narrow: list[dict[str, Any]] = page.evaluate(NARROW, NARROWEST_FIELD)
    cut: list[str] = page.evaluate(CUT_SHORT)
    problems, windows.problems[:] = list(windows.problems), []
    errors = log_errors(windows.served.app.new_log())
    assert overflow <= 1, f"the page is {overflow} px wider than the window: {sticking}"
    assert not narrow, f"fields under {NARROWEST_FIELD} px wide: {narrow}"
    assert not cut, f"buttons whose words are cut short: {cut}"
    assert not problems, "\n".join(problems)
    assert not errors, "the server log has errors:\n" + "\n---\n".join(errors)
