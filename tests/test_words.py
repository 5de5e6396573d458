"""No words built in code: the views and the gap map take every sentence from the catalogue."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import matcher

PACKAGE = Path(matcher.__file__).resolve().parent


#: Three words in a row: an English (or Danish) sentence written in code.
_SENTENCE = re.compile(r"[A-Za-zÆØÅæøå]+ [A-Za-zÆØÅæøå]+ [A-Za-zÆØÅæøå]+")
#: Keyword arguments whose strings are settings, not words for people.
_SETTINGS = frozenset({"loc"})
_LOGGING = frozenset({"debug", "info", "warning", "error", "exception", "critical"})


def _literals(tree: ast.AST) -> list[ast.Constant]:
    """The string literals of ``tree`` a person could read: not docstrings, not
    logging, not settings passed by keyword."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for statement in body:
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    skipped.add(id(statement.value))
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _LOGGING:
                skipped |= {id(n) for arg in node.args for n in ast.walk(arg)}
            for keyword in node.keywords:
                if keyword.arg in _SETTINGS:
                    skipped |= {id(n) for n in ast.walk(keyword.value)}
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
    ]


def test_no_sentences_are_built_in_the_views_or_the_gap_map() -> None:
    """Words shown to people come from the catalogue, not from literals in code."""
    files = sorted((PACKAGE / "ui" / "views").glob("*.py"))
    files.append(PACKAGE / "municipality" / "gapmap.py")
    found = [
        f"{path.name}:{node.lineno}: {node.value[:60]!r}"
        for path in files
        for node in _literals(ast.parse(path.read_text(encoding="utf-8")))
        if _SENTENCE.search(node.value)
    ]
    assert not found, "sentences written in code:\n" + "\n".join(found)


def test_the_scan_would_see_a_sentence() -> None:
    """The scan above finds a sentence in a call, and skips docstrings and logging."""
    code = (
        '"""A docstring of many words."""\n'
        'log.info("a logged line here")\n'
        'show("Nothing fits here")\n'
    )
    values = [node.value for node in _literals(ast.parse(code))]
    assert values == ["Nothing fits here"]
