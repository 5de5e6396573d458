"""Accessibility of every tab in a real browser: axe-core checks the page on each tab
(Afslutning/Discharge, Planlægning/Planning, Kommune/Municipality, Data), and again
after the tab's main work where it is cheap (Find, booking the first session, plan
all, coverage), in Danish and in English. Any violation of impact serious or critical
fails, listed by rule id, impact and the selectors of the elements; every violation
found, whatever its impact, is kept in ``$BROBYGGER_ARTIFACTS/axe/``.

axe-core comes from the npm registry (.ci/run installs it into ``node_modules/``);
``$BROBYGGER_AXE`` may point at another ``axe.min.js``. Without it the tests are
skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS, CHROMIUM, log_errors
from playwright.sync_api import Page
from tabs_support import (
    AXE_ENV,
    Served,
    axe_path,
    book_first,
    do_work,
    in_ci,
    open_page,
    serve,
    show_tab,
)

pytestmark = pytest.mark.browser

#: The impacts that fail a test.
FAILING = ("serious", "critical")
#: Runs axe on the whole page and returns its violations, each with its elements.
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target, impact: n.impact,
      html: n.html.slice(0, 200) })),
  }));
}"""
#: The cases: language, tab, and what is done on it first: nothing, its main work
#: ("worked"), or on the Discharge tab also booking the first session ("booked").
CASES = [
    (lang, tab, stage)
    for lang in ("da", "en")
    for tab, stage in (
        ("discharge", ""),
        ("discharge", "worked"),
        ("discharge", "booked"),
        ("planning", ""),
        ("planning", "worked"),
        ("municipality", ""),
        ("municipality", "worked"),
        ("data", ""),
    )
]


@pytest.fixture(scope="module")
def axe() -> Path:
    """``axe.min.js``; a test without it fails in CI and is skipped elsewhere."""
    found = axe_path()
    if found is None:
        why = (
            f"axe-core is not installed: set ${AXE_ENV} to axe.min.js or run "
            "`npm install --prefix . --no-save axe-core@4` (as .ci/run does)"
        )
        if in_ci():
            pytest.fail(why)
        pytest.skip(why)
    return found


class Pages:
    """One page per language for the module, opened when first asked for."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.pages: dict[str, Page] = {}
        self.problems: dict[str, list[str]] = {}

    def get(self, lang: str, script: Path) -> Page:
        """The module's page in ``lang``, with axe-core in it."""
        if lang not in self.pages:
            self.problems[lang] = []
            page = open_page(self.served, lang, self.problems[lang])
            page.add_script_tag(path=str(script))
            self.pages[lang] = page
        return self.pages[lang]

    def new_problems(self, lang: str) -> list[str]:
        """The page's console and page errors since the last call."""
        found = list(self.problems.get(lang, ()))
        self.problems.get(lang, []).clear()
        return found


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    """``brobygger app`` on the demo data, a Chromium, and a page per language."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    with serve(tmp_path_factory.mktemp("axe")) as served:
        yield Pages(served)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "voila_axe.log").write_text(served.app.text())


def _listed(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {' '.join(map(str, n['target']))}  {n['html']}" for n in v["nodes"]]
    return "\n".join(lines)


def _name(lang: str, tab: str, stage: str) -> str:
    return f"{lang}-{tab}{'-' if stage else ''}{stage}"


@pytest.mark.parametrize(("lang", "tab", "stage"), CASES, ids=[_name(*case) for case in CASES])
def test_no_serious_accessibility_violation(
    pages: Pages, axe: Path, lang: str, tab: str, stage: str
) -> None:
    """axe-core finds no serious or critical violation on the tab in the language."""
    page = pages.get(lang, axe)
    pages.served.app.new_log()
    show_tab(page, tab, lang)
    if stage:
        do_work(page, tab, lang)
    if stage == "booked":
        book_first(page, lang)
    page.wait_for_timeout(300)  # the last widget messages are drawn
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    name = _name(lang, tab, stage)
    (folder / f"{name}.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
    failing = [v for v in violations if v["impact"] in FAILING]
    problems = pages.new_problems(lang)
    errors = log_errors(pages.served.app.new_log())
    assert not failing, f"axe-core on {name}:\n{_listed(failing)}"
    assert not problems, "\n".join(problems)
    assert not errors, "the server log has errors:\n" + "\n---\n".join(errors)
