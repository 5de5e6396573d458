"""The documentation site (mkdocs.yml, docs/) without building it: every page of the
navigation exists and every page is in it, every file a page includes (whole, with
pymdownx.snippets, or a section, with docs/hooks/includes.py) and every README section
is there, every ``matcher`` module an API page renders imports, and the command-line
reference names every command. The build itself, ``mkdocs build --strict``, runs in
the slow suite and in CI (``make docs``)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import matcher

ROOT = Path(matcher.__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CONFIG: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
SNIPPET = re.compile(r'^--8<-- "(?P<path>[^"]+)"\s*$')
API = re.compile(r"^::: (?P<name>[\w.]+)\s*$")


def _hook(name: str) -> ModuleType:
    """One of docs/hooks/*.py, loaded as MkDocs loads it."""
    spec = importlib.util.spec_from_file_location(
        f"docs_hook_{name}", DOCS / "hooks" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


INCLUDES = _hook("includes")


def _nav_pages(entry: object) -> Iterator[str]:
    if isinstance(entry, str):
        yield entry
    elif isinstance(entry, list):
        for item in entry:
            yield from _nav_pages(item)
    elif isinstance(entry, dict):
        for value in entry.values():
            yield from _nav_pages(value)


NAV = list(_nav_pages(CONFIG["nav"]))
PAGES = sorted(
    path.relative_to(DOCS).as_posix()
    for path in DOCS.rglob("*.md")
    if "hooks" not in path.relative_to(DOCS).parts
)


def _lines(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """(page, match) for every line of every page that ``pattern`` matches."""
    return [
        (page, match[1])
        for page in PAGES
        for line in (DOCS / page).read_text(encoding="utf-8").splitlines()
        if (match := pattern.match(line))
    ]


def test_every_page_of_the_navigation_exists() -> None:
    """Each page mkdocs.yml's nav names is a file under docs/."""
    missing = [page for page in NAV if not (DOCS / page).is_file()]
    assert NAV and missing == []


def test_every_page_is_in_the_navigation() -> None:
    """No page under docs/ is left out of the nav, where no reader would find it."""
    assert sorted(set(PAGES) - set(NAV)) == []


def test_every_snippet_names_a_file_of_the_repository() -> None:
    """Each ``--8<--`` include points at an existing file, relative to the repository."""
    snippets = _lines(SNIPPET)
    assert {"ARCHITECTURE.md", "data/activities/README.md"} <= {path for _, path in snippets}
    missing = [(page, path) for page, path in snippets if not (ROOT / path).is_file()]
    assert snippets and missing == []


def test_every_section_include_finds_its_heading() -> None:
    """Each ``<!-- include FILE "HEADING" -->`` names a file and a heading found there once."""
    found = [
        (page, include)
        for page in PAGES
        for include in INCLUDES.includes((DOCS / page).read_text(encoding="utf-8"))
    ]
    assert found
    for page, include in found:
        text = (ROOT / include.path).read_text(encoding="utf-8")
        _, body = INCLUDES.section(text, include.heading, lead=include.lead)
        assert any(line.strip() for line in body), (page, include.heading)


def test_every_readme_section_is_on_the_site() -> None:
    """Every heading of README.md is on some page, included by itself or with its parent."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    marks = INCLUDES.headings(lines)
    shown: set[int] = set()
    for page in PAGES:
        for include in INCLUDES.includes((DOCS / page).read_text(encoding="utf-8")):
            if include.path != "README.md":
                continue
            start = next(index for index, _, text in marks if text == include.heading)
            _, body = INCLUDES.section("\n".join(lines), include.heading, lead=include.lead)
            shown.update(range(start, start + len(body) + 1))
    left_out = [text for index, _, text in marks if index not in shown]
    assert left_out == []


def test_a_section_include_shifts_headings_and_links(tmp_path: Path) -> None:
    """An included section sits below the page's heading, its links fixed for the page."""
    (tmp_path / "guide").mkdir()
    (tmp_path / "README.md").write_text(
        "# Title\n\nlead\n\n## Part\n\nSee [data](data/README.md#cols).\n\n"
        "### Sub\n\n```\n# not a heading\n```\n\n## Next\n\nother\n",
        encoding="utf-8",
    )
    page = '# Page\n\n<!-- include README.md "Part" -->\n\n'
    page += '<!-- include README.md "Title" lead -->\n'
    text, problems = INCLUDES.expand(page, "guide/page.md", tmp_path)
    assert problems == []
    assert "See [data](../data/README.md#cols)." in text
    assert "## Sub" in text and "# not a heading" in text
    assert "other" not in text and "lead" in text


def test_a_missing_section_is_reported(tmp_path: Path) -> None:
    """An include of a heading that is not there is a problem, so the strict build fails."""
    (tmp_path / "README.md").write_text("# Title\n\n## Part\n\ntext\n", encoding="utf-8")
    page = '# Page\n\n<!-- include README.md "Gone" -->\n'
    _, problems = INCLUDES.expand(page, "index.md", tmp_path)
    assert len(problems) == 1 and "'Gone'" in problems[0] and "index.md:3" in problems[0]


def test_every_api_module_imports() -> None:
    """Each module an API page renders with ``:::`` is a ``matcher`` module that imports."""
    names = [name for _, name in _lines(API)]
    assert "matcher" in names
    for name in names:
        assert name == "matcher" or name.startswith("matcher."), name
        importlib.import_module(name)


def test_the_cli_reference_names_every_command() -> None:
    """The command-line page gets a heading for every ``brobygger`` command and sub-command."""
    import typer

    from matcher.cli import app

    assert "<!-- cli-reference -->" in (DOCS / "cli.md").read_text(encoding="utf-8")
    reference = _hook("cli_reference").reference()
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"\n## brobygger {name}\n" in reference, name
        for sub in getattr(command, "commands", {}):
            assert f"\n### brobygger {name} {sub}\n" in reference, (name, sub)
    for param in group.commands["plan"].params:  # type: ignore[attr-defined]
        names = [f"`{name}`" for name in param.opts] if param.opts[0].startswith("-") else []
        for name in names:
            assert f"| {name}" in reference or f", {name}" in reference, name
        assert " ".join(str(param.help).split()) in reference, param.name


@pytest.mark.slow
def test_the_site_builds_without_a_warning(tmp_path: Path) -> None:
    """``mkdocs build --strict`` succeeds and writes a page for every entry of the nav."""
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("BROBYGGER_LANG", None)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    for page in NAV:
        stem = page.removesuffix(".md")
        folder = stem.removesuffix("README").removesuffix("index").rstrip("/")
        assert (site / folder / "index.html").is_file(), page
