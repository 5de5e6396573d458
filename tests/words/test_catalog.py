"""The message catalogues: every message in every language, read once per language."""

from __future__ import annotations

import string
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import matcher
from matcher.match.explain import taken_reason
from matcher.words.app import plural_text
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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_holds_what_the_file_says(lang: str) -> None:
    """Each message of the file is the catalogue's text under its context and key."""
    found = catalogue(lang)
    for context, key, texts in _read(lang):
        assert found.has(context or "", key), (context, key)
        assert found.text(context or "", key) == texts[0]
    assert not found.has("patient", "no_such_key")


def test_keys_come_in_the_order_of_the_file() -> None:
    """``keys`` lists one context's keys in the file's order and no other context's."""
    read = _read("da")
    for context in CONTEXTS:
        assert catalogue("da").keys(context) == tuple(k for c, k, _ in read if c == context)


def test_a_missing_message_is_a_key_error() -> None:
    """Asking for a key the context does not hold raises KeyError, even if another has it."""
    found = catalogue("da")
    staff_key = found.keys("staff")[0]
    assert not found.has("patient", staff_key)
    with pytest.raises(KeyError):
        found.text("patient", staff_key)


def test_plural_forms_are_picked_by_the_rule_and_clamped() -> None:
    """``plural_text`` takes form ``plural(n)``, the last form past the end, and a
    message without plural forms is the same text for every number."""
    found = catalogue("en")
    forms = found.messages[("patient", "times")]
    assert isinstance(forms, tuple) and len(forms) == 2
    assert found.plural_text("patient", "times", 1) == forms[found.plural(1)] == forms[0]
    assert found.plural_text("patient", "times", 5) == forms[found.plural(5)] == forms[1]
    assert found.text("patient", "times") == forms[0]
    single = type(found)("en", {("x", "k"): ("one",)}, lambda n: 3)
    assert single.plural_text("x", "k", 7) == "one"
    assert found.plural_text("patient", "travel", 3) == found.text("patient", "travel")


def test_each_language_is_read_once_and_others_are_refused() -> None:
    """The same catalogue object comes back for a language; an unknown one is a KeyError."""
    assert catalogue("da") is catalogue("da")
    assert catalogue("da").lang == "da" and catalogue("en").lang == "en"
    with pytest.raises(KeyError, match="fr"):
        catalogue("fr")
    assert po_path("en").name == "brobygger.po" and po_path("en").parent.parent.name == "en"
