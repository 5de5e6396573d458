"""MkDocs hook: a page shows one section of a Markdown file of the repository.

A line ``<!-- include README.md "Planning over weeks" -->`` on a page of
``docs/`` becomes the text under that heading of ``README.md`` (the path is
relative to the repository), up to the next heading of the same or a higher
level; with ``lead`` after the heading, only up to the next heading of any
level. The heading line itself is left out, so the page gives its own, and the
section's subheadings move to sit just below the page's heading above the line.
Relative links in the section are rewritten for the page's folder, since
``docs/`` mirrors the repository's paths (``docs/data/activities/README.md``
for ``data/activities/README.md``). A section that is missing, or a heading
that is not unique, is a warning, which ``mkdocs build --strict`` fails on.
The README and the other files so stay the one text, never copied.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DIRECTIVE = re.compile(r'^<!-- include (?P<path>\S+) "(?P<heading>[^"]+)"(?P<lead> lead)? -->\s*$')
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"(\]\()(?P<target>[^)\s]+)(\))")
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|#|/)", re.IGNORECASE)


class SectionMissing(ValueError):
    """A directive names a file or a heading that is not there exactly once."""


@dataclass(frozen=True)
class Include:
    """One include line of a page: the file, the heading and whether only its lead."""

    path: str
    heading: str
    lead: bool
    line: int


def headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """Every ATX heading outside fenced code as (line index, level, text)."""
    found = []
    fenced = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            found.append((index, len(match["hashes"]), match["text"]))
    return found


def includes(markdown: str) -> list[Include]:
    """The include lines of a page's Markdown, outside fenced code."""
    found = []
    fenced = False
    for index, line in enumerate(markdown.splitlines()):
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else DIRECTIVE.match(line)
        if match:
            found.append(Include(match["path"], match["heading"], bool(match["lead"]), index))
    return found


def section(text: str, heading: str, *, lead: bool = False) -> tuple[int, list[str]]:
    """The level of ``heading`` in ``text`` and the lines under it (without it)."""
    lines = text.splitlines()
    marks = headings(lines)
    hits = [mark for mark in marks if mark[2] == heading]
    if len(hits) != 1:
        raise SectionMissing(f"heading {heading!r} found {len(hits)} times")
    start, level, _ = hits[0]
    end = len(lines)
    for index, other, _ in marks:
        if index > start and (lead or other <= level):
            end = index
            break
    return level, lines[start + 1 : end]


def _shift(lines: list[str], by: int) -> list[str]:
    shifted = []
    fenced = False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            level = min(6, max(1, len(match["hashes"]) + by))
            line = "#" * level + " " + match["text"]
        shifted.append(line)
    return shifted


def _relink(line: str, source: str, page: str) -> str:
    def relinked(match: re.Match[str]) -> str:
        target = match["target"]
        if EXTERNAL.match(target):
            return match.group(0)
        path, hash_mark, fragment = target.partition("#")
        in_repo = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        new = posixpath.relpath(in_repo, posixpath.dirname(page) or ".")
        return f"{match[1]}{new}{hash_mark}{fragment}{match[3]}"

    return LINK.sub(relinked, line)


def expand(markdown: str, page: str, root: Path) -> tuple[str, list[str]]:
    """``markdown`` with its include lines replaced, and a problem per failed one.

    ``page`` is the page's path under ``docs/``, ``root`` the repository."""
    lines = markdown.splitlines()
    problems = []
    for include in reversed(includes(markdown)):
        where = f"{page}:{include.line + 1}"
        try:
            text = (root / include.path).read_text(encoding="utf-8")
            level, body = section(text, include.heading, lead=include.lead)
        except (OSError, SectionMissing) as error:
            problems.append(f"{where}: cannot include {include.path} {include.heading!r}: {error}")
            continue
        above = [mark[1] for mark in headings(lines[: include.line])]
        body = _shift(body, (above[-1] if above else 1) - level)
        body = [_relink(line, include.path, page) for line in body]
        lines[include.line : include.line + 1] = body
    return "\n".join(lines) + "\n", problems


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    """Replace each include line of the page by its section."""
    from mkdocs.plugins import get_plugin_logger

    root = Path(config.config_file_path).parent
    text, problems = expand(markdown, page.file.src_uri, root)
    log = get_plugin_logger("includes")
    for problem in problems:
        log.warning(problem)
    return text
