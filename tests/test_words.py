"""The message catalogues: every message in every language, and no words built in code."""

from __future__ import annotations

import ast
import re
import string
import tomllib
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import matcher
from matcher.match.explain import ESCALATED_REASON, reason_in, taken_reason
from matcher.municipality import gapmap
from matcher.words import formats
from matcher.words.app import plural_text, text
from matcher.words.catalog import CONTEXTS, LANGUAGES, catalogue, po_path
from matcher.words.patient import wording

PACKAGE = Path(matcher.__file__).resolve().parent
ROOT = PACKAGE.parent


def _read(lang: str) -> list[tuple[str | None, str, tuple[str, ...]]]:
    """Each message of ``lang``'s file: (context, key, its texts)."""
    with po_path(lang).open("rb") as handle:
        po = read_po(handle, locale=lang)
    out = []
    for message in po:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        texts = (message.string,) if isinstance(message.string, str) else message.string
        out.append((message.context, key, tuple(texts)))
    return out


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang: str) -> None:
    """Every message has a text (every plural form too) and a known context."""
    missing = [
        (ctx, key)
        for ctx, key, texts in _read(lang)
        if not texts or any(not t.strip() for t in texts)
    ]
    assert not missing, f"{lang}: messages without a text: {missing}"
    contexts = {ctx for ctx, _, _ in _read(lang)}
    assert contexts <= set(CONTEXTS), contexts


def test_every_language_has_the_same_messages() -> None:
    """Danish and English hold the same (context, key) pairs, in the same order."""
    keys = {lang: [(ctx, key) for ctx, key, _ in _read(lang)] for lang in LANGUAGES}
    assert keys["da"] == keys["en"]
    assert len(set(keys["da"])) == len(keys["da"]), "a key appears twice"


def test_translations_keep_their_placeholders() -> None:
    """No translation drops or adds a ``{placeholder}``, in any plural form."""
    texts = {lang: {(c, k): t for c, k, t in _read(lang)} for lang in LANGUAGES}
    wrong = []
    for key, danish in texts["da"].items():
        english = texts["en"][key]
        wanted = _fields(english[0])
        for form in (*danish, *english):
            if _fields(form) != wanted:
                wrong.append((key, form))
    assert not wrong, f"placeholders differ: {wrong}"


def test_the_app_finds_each_key_in_one_context() -> None:
    """A key of the app's words sits in only one of the staff and municipality contexts."""
    found = catalogue("da")
    staff, municipality = set(found.keys("staff")), set(found.keys("municipality"))
    assert not staff & municipality
    assert {"tab_discharge", "reason_escalated"} <= staff
    assert {"coverage", "map_title", "equity_caption"} <= municipality
    assert {"travel", "modes.walk", "times"} <= set(found.keys("patient"))


def test_the_wheel_holds_the_catalogues() -> None:
    """pyproject's package data names every catalogue file the code reads."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["matcher"]
    for lang in LANGUAGES:
        relative = po_path(lang).relative_to(PACKAGE).as_posix()
        assert any(fnmatch(relative, p) for p in patterns), relative


def test_plurals_follow_the_number() -> None:
    """Plural messages pick their form by the language's Plural-Forms rule."""
    assert wording("da").found(1, 1) == "1 tid hos 1 sted"
    assert wording("da").found(3, 2) == "3 tider hos 2 steder"
    assert wording("en").found(1, 2) == "1 session at 2 places"
    assert "1 session fits" in taken_reason(1)
    assert "2 sessions fit" in taken_reason(2)
    assert plural_text("reason_taken", 1, "da", options=1) != plural_text(
        "reason_taken", 1, "en", options=1
    )


def test_babel_writes_dates_times_money_and_shares() -> None:
    """Dates, clock times, kroner, decimals and percentages in each locale."""
    day = date(2027, 1, 20)
    assert formats.long_date(day, "da") == "onsdag den 20. januar 2027"
    assert formats.long_date(day, "en") == "Wednesday 20 January 2027"
    assert formats.short_date(day, "da") == "20-01-2027"
    assert (formats.clock(615, "da"), formats.clock(615, "en")) == ("10.15", "10:15")
    assert formats.clock(24 * 60, "da") == "24.00"
    assert formats.money(1234.5, "da") == "1.234 kr."
    assert formats.money(120, "en") == "DKK 120"
    assert formats.decimal(1.25, "da") == "1,2" and formats.decimal(1.35, "en") == "1.4"
    assert formats.percent(0.475, "en") == f"{0.475:.0%}"
    assert formats.percent(0.5, "da") == "50\xa0%"


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
