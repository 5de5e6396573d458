"""Every word the command line shows comes from the catalogue: no help text, printed
sentence, table title or column header is written inline in matcher/cli."""

from __future__ import annotations

import ast
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import matcher

CLI = Path(matcher.__file__).resolve().parent / "cli"
#: A word of at least two letters: what a person would read.
WORD = re.compile(r"[^\W\d_]{2,}")


def _worded(node: ast.expr) -> bool:
    """Whether ``node`` is a string literal (or an f-string) holding a word."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and WORD.search(node.value) is not None
    if isinstance(node, ast.JoinedStr):
        return any(_worded(part) for part in node.values if isinstance(part, ast.Constant))
    return False


def _shown(node: ast.expr) -> list[ast.expr]:
    """What of a printed argument a person reads: ``styled``'s values, not its styles."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "styled":
        parts = []
        for arg in node.args:
            parts += _shown(arg.elts[0]) if isinstance(arg, ast.Tuple) and arg.elts else [arg]
        return parts
    return [node]


def inline_words(source: str) -> list[int]:
    """The lines of ``source`` that give a person words written inline: a literal
    ``help=``, a literal printed by ``out.print``/``err.print``, a literal table title,
    caption or column header."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg in ("help", "title") and _worded(node.value):
            lines.append(node.value.lineno)
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "caption" for t in node.targets
        ):
            lines += [node.lineno] if _worded(node.value) else []
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        printed = node.func.attr == "print" and isinstance(owner, ast.Name)
        if printed and owner.id in ("out", "err"):
            lines += [a.lineno for arg in node.args for a in _shown(arg) if _worded(a)]
        if node.func.attr == "add_column" and node.args and _worded(node.args[0]):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_finds_words_written_inline() -> None:
    """A literal help text, printed sentence, title or header is found; a key looked
    up with ``say`` and a style given to ``styled`` are not."""
    source = """
typer.Option("--out", help="Folder to write.")
typer.Option("--top", help=f"At most {TOP}.")
out.print("wrote the plan")
err.print(f"note: {note}")
err.print(styled(("warning:", "yellow"), " ", found))
table = Table(title="Plan")
table.add_column("placed")
table.caption = "hours: staff hours"
typer.Option("--db", help=say("help_db"))
out.print(say("wrote", path=path))
err.print(styled((say("error"), "bold red"), f" {name}: {exc}"))
table.add_column("", style="bold")
out.print(f"  - {blocker.text}")
"""
    assert inline_words(source) == [2, 3, 4, 5, 6, 7, 8, 9]


def test_no_word_of_the_command_line_is_written_inline() -> None:
    """matcher/cli looks every help text, printed line, title and header up in the
    catalogue (``say``), so each has a Danish text too."""
    found = [
        f"{path.name}:{line}"
        for path in sorted(CLI.glob("*.py"))
        for line in inline_words(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_each_command_s_help_is_its_docstring_in_english() -> None:
    """Every command's help comes from the catalogue, and its English is the
    command's docstring, so ``--help`` reads as it always did."""
    from matcher.cli import app
    from matcher.words.cli import words

    commands = {c.name or c.callback.__name__: c for c in app.registered_commands if c.callback}
    assert len(commands) >= 14
    for name, command in commands.items():
        assert command.help == words(f"cmd_{name}", "en"), name
        assert command.help == inspect.getdoc(command.callback), name


def test_help_is_danish_with_brobygger_lang_da() -> None:
    """``BROBYGGER_LANG=da brobygger plan --help`` describes the command and its
    options in Danish; without the variable the same help is English."""

    def helped(**env: str) -> str:
        environ = {k: v for k, v in os.environ.items() if k != "BROBYGGER_LANG"}
        run = subprocess.run(
            [sys.executable, "-m", "matcher.cli", "plan", "--help"],
            env={**environ, "COLUMNS": "200", **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return " ".join(run.stdout.split())

    danish, english = helped(BROBYGGER_LANG="da"), helped()
    assert "Giv hver borger på ventelisten ét næste skridt" in danish
    assert "Datamappe." in danish and "Dataset folder." not in danish
    assert "Assign every patient on the waiting list to one next step" in english
    assert "Dataset folder." in english
