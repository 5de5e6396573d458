"""The command line's words: what ``brobygger`` prints, in its language.

The command line speaks English unless ``BROBYGGER_LANG`` (the variable that
also gives the app's page language) names another language of the
catalogues: ``BROBYGGER_LANG=da brobygger plan ...`` prints Danish. Its
words sit in the catalogues' ``cli`` context under symbolic keys
(``wrote_plan``), and the problems it prints are worded with
``problems.problem_text`` in the same language. An unknown value is refused
as bad input, in English, since no other language can be trusted then.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..errors import InputError
from .catalog import LANGUAGES, catalogue
from .problems import problem

__all__ = ["CONTEXT", "DEFAULT_LANG", "ENV_LANG", "cli_lang", "plural_words", "words"]

#: The catalogue context of the command line's words.
CONTEXT = "cli"
#: The environment variable naming the language (the app reads it too).
ENV_LANG = "BROBYGGER_LANG"
#: The command line's language when ``BROBYGGER_LANG`` is unset or empty.
DEFAULT_LANG = "en"


def cli_lang(environ: Mapping[str, str] | None = None) -> str:
    """The command line's language from ``environ`` (default ``os.environ``):
    ``BROBYGGER_LANG`` when set, English when unset or empty. A language
    without a catalogue is an ``InputError`` naming the variable."""
    value = (os.environ if environ is None else environ).get(ENV_LANG, "").strip()
    if not value:
        return DEFAULT_LANG
    if value not in LANGUAGES:
        raise InputError(
            [
                problem(
                    ENV_LANG,
                    None,
                    None,
                    "'{lang}' is not a known language ({known})",
                    lang=value,
                    known=", ".join(LANGUAGES),
                )
            ]
        )
    return value


def words(key: str, lang: str, /, **values: object) -> str:
    """The text of ``key`` in ``lang``, filled with ``values``."""
    return catalogue(lang).text(CONTEXT, key).format(**values)


def plural_words(key: str, n: int, lang: str, /, **values: object) -> str:
    """The form of plural message ``key`` that goes with ``n``, filled with ``values``
    (``n`` itself too, as ``{n}``, unless ``values`` gives it)."""
    template = catalogue(lang).plural_text(CONTEXT, key, n)
    return template.format(**{"n": n, **values})
