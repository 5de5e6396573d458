"""The command line's words: English by default, the language of BROBYGGER_LANG
otherwise, every key it prints in the catalogue of each language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import matcher
from matcher import InputError
from matcher.words.catalog import LANGUAGES, catalogue
from matcher.words.cli import CONTEXT, ENV_LANG, cli_lang, plural_words, words
from matcher.words.problems import problem_text

CLI = Path(matcher.__file__).resolve().parent / "cli"


def _keys(name: str) -> list[tuple[str, str]]:
    """(place, key) of every literal key given to ``name`` (``say`` or ``say_n``) in
    the command line's modules."""
    found = []
    for path in sorted(CLI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == name
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append((f"{path.name}:{node.lineno}", str(node.args[0].value)))
    return found


def test_the_language_is_english_unless_brobygger_lang_says_otherwise() -> None:
    """Unset or empty BROBYGGER_LANG is English; a language of the catalogues is itself."""
    assert cli_lang({}) == "en"
    assert cli_lang({ENV_LANG: "  "}) == "en"
    for lang in LANGUAGES:
        assert cli_lang({ENV_LANG: lang}) == lang


def test_an_unknown_language_is_bad_input_naming_the_variable() -> None:
    """BROBYGGER_LANG=xx is an InputError on BROBYGGER_LANG, worded from the catalogue."""
    with pytest.raises(InputError) as caught:
        cli_lang({ENV_LANG: "xx"})
    (found,) = caught.value.problems
    assert found.file == ENV_LANG
    assert "'xx'" in found.message and "da" in found.message and "en" in found.message
    assert found.template and catalogue("da").has("problem", found.template)
    assert problem_text(found, "da") != found.message


def test_the_variable_is_the_one_the_app_reads() -> None:
    """The command line and the app take their language from the same variable."""
    from matcher.ui.launch import ENV_LANG as APP_ENV_LANG

    assert ENV_LANG == APP_ENV_LANG


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_the_command_line_says_is_in_the_catalogue(lang: str) -> None:
    """Each literal key given to ``say`` is a plain message and each given to ``say_n`` a
    plural one, in the ``cli`` context of every language."""
    found = catalogue(lang)
    said, counted = _keys("say"), _keys("say_n")
    assert len(said) > 40 and counted
    assert [w for w, k in said + counted if not found.has(CONTEXT, k)] == []
    assert [w for w, k in said if isinstance(found.messages[(CONTEXT, k)], tuple)] == []
    assert [w for w, k in counted if not isinstance(found.messages[(CONTEXT, k)], tuple)] == []


def test_words_are_filled_in_the_language_asked_for() -> None:
    """``words`` fills a message's fields; Danish and English differ, the values do not."""
    english = words("wrote", "en", path="out/PLAN.csv")
    danish = words("wrote", "da", path="out/PLAN.csv")
    assert english == "wrote out/PLAN.csv"
    assert danish != english and danish.endswith("out/PLAN.csv")


def test_plural_words_follow_the_number() -> None:
    """``plural_words`` picks the form for ``n`` and fills ``{n}`` with it."""
    assert plural_words("problems_header", 1, "en") == (
        "1 problem in the input; nothing was written:"
    )
    assert plural_words("problems_header", 3, "en") == (
        "3 problems in the input; nothing was written:"
    )
    assert plural_words("in_days", 1, "da") != plural_words("in_days", 2, "da").replace("2", "1")
