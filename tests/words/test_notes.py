"""Notes on a result are in the catalogue: English in the files and by default, the
reader's language on the command line, the same facts in both."""

from __future__ import annotations

import ast
import json
import pickle
import string
from pathlib import Path

import pytest

import matcher
from matcher.words.catalog import LANGUAGES, catalogue
from matcher.words.notes import CONTEXT, Note, note_text, noted, read_note

PACKAGE = Path(matcher.__file__).resolve().parent


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _noted(node: ast.AST) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "noted" and n.args
    ]


def _templates() -> list[tuple[str, str]]:
    """(place in the code, template) of every ``noted(...)`` in ``matcher`` whose
    template is a literal, or a name (``template``) its function sets to literals."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(PACKAGE))
        given: list[ast.expr] = []
        for call in _noted(tree):
            given.append(call.args[0])
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            names = {c.args[0].id for c in _noted(function) if isinstance(c.args[0], ast.Name)}
            given += [
                n.value
                for n in ast.walk(function)
                if isinstance(n, ast.Assign) and {getattr(t, "id", "") for t in n.targets} & names
            ]
        out += [
            (f"{where}:{g.lineno}", g.value)
            for g in given
            if isinstance(g, ast.Constant) and isinstance(g.value, str)
        ]
    return out


def test_a_note_is_its_english_text_and_keeps_its_template() -> None:
    """``noted`` gives the English text as a ``str`` that remembers template and values."""
    found = noted("{n} patients already booked keep their place", n=3)
    assert found == "3 patients already booked keep their place"
    assert isinstance(found, str) and isinstance(found, Note)
    assert found.template == "{n} patients already booked keep their place"
    assert dict(found.values) == {"n": 3}


def test_a_note_is_written_to_json_and_pickled_as_its_text() -> None:
    """A result's notes written to a file are the English text; a copy keeps the template."""
    found = noted("only {n} site(s) serve anyone new; more sites would add nobody", n=2)
    assert json.loads(json.dumps({"notes": [found]})) == {"notes": [str(found)]}
    again = pickle.loads(pickle.dumps(found))
    assert again == found and again.template == found.template and again.values == found.values


def test_a_note_reads_in_danish_and_stays_english_in_english() -> None:
    """``note_text`` words a note in Danish; in English it is the note itself."""
    found = noted("{n} patients already booked keep their place", n=3)
    assert note_text(found, "en") == str(found)
    danish = note_text(found, "da")
    assert danish == catalogue("da").text(CONTEXT, found.template).format(n=3)
    assert danish != str(found) and "3" in danish


def test_a_note_inside_a_note_is_worded_too() -> None:
    """A value that is itself a note is said in the same language."""
    reason = noted("the home-visit staff cannot fit the visits into their routes")
    found = noted("{n} home-visit patient(s) left unplaced: {reason}", n=2, reason=reason)
    assert found == f"2 home-visit patient(s) left unplaced: {reason}"
    danish = note_text(found, "da")
    assert note_text(reason, "da") in danish and str(reason) not in danish


def test_a_solver_s_plain_english_is_read_back_into_its_template() -> None:
    """A note written as plain English (the solvers') is found by its template and
    worded again, with the numbers it held."""
    text = "stopped after 12 pricing rounds; optimal over the pairs seen"
    found = read_note(text)
    assert found is not None and found == text
    assert found.template == "stopped after {rounds} pricing rounds; optimal over the pairs seen"
    assert dict(found.values) == {"rounds": "12"}
    danish = note_text(text, "da")
    assert danish != text and "12" in danish


def test_the_longer_of_two_like_templates_is_read_back_whole() -> None:
    """Two templates that begin alike are told apart by the whole text."""
    short = read_note("staff minutes: 40 branches of the exact search")
    long = read_note(
        "staff minutes: 40 branches of the exact search; "
        "stopped at the time limit, 1.50 points open"
    )
    assert short is not None and "{points}" not in short.template
    assert long is not None and dict(long.values) == {"branches": "40", "points": "1.50"}


def test_a_text_of_no_template_is_shown_as_it_is() -> None:
    """A note the catalogue does not know is not guessed at, in any language."""
    assert read_note("something else entirely") is None
    assert note_text("something else entirely", "da") == "something else entirely"
    outside = noted("a note {x} outside the catalogue", x=1)
    assert note_text(outside, "da") == "a note 1 outside the catalogue"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_note_template_keeps_its_fields(lang: str) -> None:
    """Each note's text, in each language, has the fields of its template."""
    words = catalogue(lang)
    keys = words.keys(CONTEXT)
    assert keys, "the note context is empty"
    assert [k for k in keys if _fields(words.text(CONTEXT, k)) != _fields(k)] == []


def test_english_note_texts_are_the_notes_themselves() -> None:
    """The English catalogue words each note exactly as the files write it."""
    words = catalogue("en")
    assert [k for k in words.keys(CONTEXT) if words.text(CONTEXT, k) != k] == []


def test_the_code_builds_notes_from_the_catalogue() -> None:
    """There are notes to check: the planners', the siting's and the import's."""
    places = {where.split(":")[0] for where, _ in _templates()}
    assert {"planning/plan.py", "planning/schedule.py", "store/importer.py"} <= places


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_note_template_in_the_code_is_in_the_catalogue(lang: str) -> None:
    """Every template given to ``noted()`` has a text in each language, with its fields."""
    words = catalogue(lang)
    missing = [f"{w}: {t!r}" for w, t in _templates() if not words.has(CONTEXT, t)]
    changed = [
        f"{w}: {t!r}"
        for w, t in _templates()
        if words.has(CONTEXT, t) and _fields(words.text(CONTEXT, t)) != _fields(t)
    ]
    assert missing == [] and changed == []


def _sample(node: ast.expr) -> str:
    """The text an f-string (or a literal) gives with every value shown as ``7``."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    assert isinstance(node, ast.JoinedStr)
    return "".join(str(p.value) if isinstance(p, ast.Constant) else "7" for p in node.values)


def _solver_notes() -> list[tuple[str, str]]:
    """(place, text as written) of each note the solvers write in plain English: the
    f-strings of ``matcher/optimize`` (one added to with ``note +=`` also whole) and
    the literals they append to their notes; not errors raised, nor warnings."""
    out = []
    for path in sorted((PACKAGE / "optimize").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        said = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.Raise)
            or (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "warn")
            for inner in ast.walk(node)
        }
        first: dict[str, ast.expr] = {}
        for node in ast.walk(tree):
            place = f"optimize/{path.name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.JoinedStr):
                first[getattr(node.targets[0], "id", "")] = node.value
            if isinstance(node, ast.AugAssign) and isinstance(node.value, ast.JoinedStr):
                start = first.get(getattr(node.target, "id", ""))
                if start is not None:
                    out.append((place, _sample(start) + _sample(node.value)))
                said.add(id(node.value))
            if isinstance(node, ast.JoinedStr) and id(node) not in said and " " in _sample(node):
                out.append((place, _sample(node)))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "append":
                out += [(place, a.value) for a in node.args if isinstance(a, ast.Constant)]
    return out


def test_every_note_of_the_solvers_reads_back_into_the_catalogue() -> None:
    """Each plain-English note ``matcher/optimize`` writes (it cannot import the
    words) is found by a template of the note context, so it reads in Danish too."""
    found = {t: read_note(t) for _, t in _solver_notes()}
    assert len(found) >= 8
    assert [t for t, note in found.items() if note is None] == []
    assert [t for t in found if note_text(t, "da") == t] == []
