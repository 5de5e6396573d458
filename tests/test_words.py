"""Words through the catalogues: the plan's reasons, the gap map, and no words built in code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import matcher
from matcher.match.explain import ESCALATED_REASON, reason_in, taken_reason
from matcher.municipality import gapmap
from matcher.words.app import text

PACKAGE = Path(matcher.__file__).resolve().parent


def test_reasons_of_the_plan_are_said_in_danish() -> None:
    """A reason of PLAN.csv (English, the file's language) reads in Danish through the
    catalogue; the English stays as the file has it, and unknown text is left alone."""
    reason = (
        "stays at home, so only home visits fit; nothing fits: too far away (only reason "
        "for 3 of 9 sessions; over 20 min by walk or bus; the nearest is 27 min); "
        "no free places (one reason for 9 of 9 sessions)"
    )
    danish = reason_in(reason, "da")
    assert danish == (
        "bliver hjemme, så kun hjemmebesøg passer; intet passer: for langt væk (eneste årsag "
        "for 3 af 9 hold; over 20 min til fods eller med bus; det nærmeste er 27 min); "
        "ingen ledige pladser (én årsag for 9 af 9 hold)"
    )
    assert reason_in(reason, "en") == reason
    assert reason_in(ESCALATED_REASON, "da") == text("reason_escalated", "da")
    assert reason_in(taken_reason(2), "da").startswith("alle passende pladser er taget (2 hold")
    assert reason_in("something else entirely", "da") == "something else entirely"


def test_the_gap_map_speaks_the_language_asked() -> None:
    """The gap map's titles are the catalogue's; English by default."""
    assert gapmap.KIND_TITLES["exit_team"] == "Exit teams"
    assert text("map_kind_exit_team", "da") == "Udslusningshold"


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
