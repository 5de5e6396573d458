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


#: Errors that only a programmer sees (a wrong call in code, never a user's input).
_DEVELOPER_ERRORS = frozenset({"ValueError", "TypeError", "AssertionError", "RuntimeError"})


def _developer_error(exc: ast.expr | None) -> bool:
    return (
        isinstance(exc, ast.Call)
        and isinstance(exc.func, ast.Name)
        and exc.func.id in _DEVELOPER_ERRORS
    )


def _literals(tree: ast.AST) -> list[ast.Constant]:
    """The string literals of ``tree`` a person could read: not docstrings, not
    logging, not settings passed by keyword."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and _developer_error(node.exc):
            skipped |= {id(n) for n in ast.walk(node.exc)} if node.exc else set()
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
    """The scan above finds a sentence in a call, and skips docstrings, logging and
    errors only a programmer sees."""
    code = (
        '"""A docstring of many words."""\n'
        'log.info("a logged line here")\n'
        'show("Nothing fits here")\n'
        'raise ValueError("a wrong kind here")\n'
        'raise InputError("the file is wrong")\n'
    )
    values = [node.value for node in _literals(ast.parse(code))]
    assert values == ["Nothing fits here", "the file is wrong"]


#: The modules whose results carry notes the command line prints.
NOTE_MODULES = (
    *sorted((PACKAGE / "planning").glob("*.py")),
    PACKAGE / "municipality" / "siting.py",
    PACKAGE / "store" / "importer.py",
)


def _is_notes(node: ast.expr) -> bool:
    """Whether ``node`` names a container of notes (``notes``, ``route_notes``, ...)."""
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return name.lower().endswith("notes")


def _note_values(tree: ast.AST) -> list[ast.expr]:
    """What the code puts among a result's notes: ``notes.append(x)``, ``notes += x``,
    ``notes=x``, the values of a ``..._NOTES`` table and what a ``note`` property (or a
    result's ``__str__``) returns."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            added = isinstance(func, ast.Attribute) and func.attr in ("append", "extend")
            if added and _is_notes(getattr(func, "value", func)):
                found += node.args
            found += [k.value for k in node.keywords if k.arg == "notes"]
        if isinstance(node, ast.AugAssign) and _is_notes(node.target):
            found.append(node.value)
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_is_notes(t) for t in targets):  # a table's keys are codes
                value = node.value
                found += [v for v in value.values if v] if isinstance(value, ast.Dict) else [value]
        if isinstance(node, ast.FunctionDef) and node.name in ("note", "__str__"):
            found += [n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value]
    return found


def _bare_words(value: ast.expr) -> list[ast.expr]:
    """The string literals of ``value`` that are not inside a ``noted(...)`` call."""
    out: list[ast.expr] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "noted":
            continue
        if isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str)
        ):
            out.append(node)
            continue
        stack += list(ast.iter_child_nodes(node))
    return out


def _bare_notes(source: str) -> list[int]:
    """The lines of ``source`` that put an English string among a result's notes."""
    tree = ast.parse(source)
    return sorted(word.lineno for value in _note_values(tree) for word in _bare_words(value))


def test_no_note_of_a_result_is_english_written_in_code() -> None:
    """Every note the planners, the siting and the catalogue import give is built with
    ``noted`` from a template of the catalogue, never as an English string in code
    (which would stay English under BROBYGGER_LANG=da)."""
    found = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in NOTE_MODULES
        for line in _bare_notes(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "notes written as English strings:\n" + "\n".join(found)


def test_the_note_scan_would_see_an_english_note() -> None:
    """The scan finds a literal, an f-string and a joined string among the notes, and
    passes notes built with ``noted``."""
    code = (
        'notes.append("staff minutes exceeded")\n'
        'notes.append(f"{n} patients already booked")\n'
        'route_notes += ["no staff.csv: " + ", ".join(names)]\n'
        "result = Plan(notes=(*old.notes, f'{n} kept'))\n"
        'STATUS_NOTES = {"OPTIMAL": "proven best"}\n'
        'notes.append(noted("{n} patients already booked", n=n))\n'
        'kept = Plan(notes=(noted("{names} kept", names=", ".join(names)),))\n'
    )
    assert _bare_notes(code) == [1, 2, 3, 3, 4, 5]
