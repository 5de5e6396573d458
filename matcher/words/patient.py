"""Every word a patient sees, from the ``patient`` context of the catalogues.

Recommendations, "when nothing fits" suggestions, the printed hand-out, the
calendar invitation and the reminders take their text from here: Danish
(``da``, the default), English (``en``), Arabic (``ar``), Turkish (``tr``),
Urdu (``ur``), Somali (``so``), Polish (``pl``) and Farsi (``fa``); the
last six hold only these words, not the app's or the command line's, and
Arabic, Urdu and Farsi are written right to left (``Wording.rtl``). The
words are the ones people use; none mentions vulnerability
flags, priority or rehabilitation jargon. They live in the message
catalogues (``matcher.words.catalog``): a phrase under its key
(``travel``), a named group under ``group.name`` (``modes.walk``) and an
ordered group under ``group.index`` (``compass.0``). Weekdays, months,
dates, times, money and decimals come from Babel in the language's locale.
Add a language by adding one more catalogue with the same keys (a test
checks that they agree).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any

from babel import Locale
from babel.lists import format_list

from ..errors import InputError
from . import formats
from .catalog import PATIENT_LANGUAGES as _CODES
from .catalog import RIGHT_TO_LEFT, catalogue
from .problems import problem

__all__ = ["LANGUAGES", "Wording", "wording"]

_CONTEXT = "patient"
#: Phrases the code asks for by a number's form: key -> (plural message, number).
_FORMS = {
    "one_time": ("times", 1),
    "many_times": ("times", 2),
    "one_place": ("places", 1),
    "many_places": ("places", 2),
}
#: Catalogue keys that are Babel patterns or plural messages, not phrases.
_PATTERNS = frozenset({"date_long", "clock", "money", "km", *(p for p, _ in _FORMS.values())})


def _table(lang: str) -> Mapping[str, Any]:
    """The words of ``lang`` as groups: ``phrases`` and each ``group.name`` group.

    An ordered group (every name a number) is a tuple; ``weekdays`` and
    ``months`` are Babel's names in the language.
    """
    found = catalogue(lang)
    phrases: dict[str, str] = {}
    groups: dict[str, dict[str, str]] = {}
    for key in found.keys(_CONTEXT):
        group, dot, name = key.partition(".")
        if dot:
            groups.setdefault(group, {})[name] = found.text(_CONTEXT, key)
        elif key not in _PATTERNS:
            phrases[key] = found.text(_CONTEXT, key)
    for key, (plural, n) in _FORMS.items():
        phrases[key] = found.plural_text(_CONTEXT, plural, n)
    table: dict[str, Any] = {
        "weekdays": formats.weekday_names(lang),
        "months": formats.month_names(lang),
    }
    for group, names in groups.items():
        ordered = all(name.isdigit() for name in names)
        table[group] = (
            tuple(names[str(i)] for i in range(len(names))) if ordered else MappingProxyType(names)
        )
    table["phrases"] = MappingProxyType(phrases)
    return MappingProxyType(table)


@cache
def _table_of(lang: str) -> Mapping[str, Any]:
    return _table(lang)


class _Languages(Mapping[str, Mapping[str, Any]]):
    """The languages patient-facing text is available in, each read on first use."""

    def __getitem__(self, lang: str) -> Mapping[str, Any]:
        if lang not in _CODES:
            raise KeyError(lang)
        return _table_of(lang)

    def __iter__(self) -> Any:
        return iter(_CODES)

    def __len__(self) -> int:
        return len(_CODES)


#: The languages patient-facing text is available in: ``da``, ``en``, ``ar``, ``tr``,
#: ``ur``, ``so``, ``pl`` and ``fa``.
LANGUAGES: Mapping[str, Mapping[str, Any]] = _Languages()


@dataclass(frozen=True)
class Wording:
    """The words of one language, with helpers for dates, times and money."""

    lang: str
    table: Mapping[str, Any]

    def __call__(self, key: str, **values: Any) -> str:
        """The phrase ``key`` with ``values`` filled in."""
        text: str = self.table["phrases"][key]
        return text.format(**values)

    @property
    def rtl(self) -> bool:
        """Whether the language is written from right to left (Arabic, Urdu, Farsi)."""
        return self.lang in RIGHT_TO_LEFT

    def names(self, group: str) -> Any:
        """A group of names: ``modes``, ``kinds``, ``tags``, ``bring``, ..."""
        return self.table[group]

    def weekday(self, day: int) -> str:
        """The weekday (0 = Monday) in words."""
        name: str = self.table["weekdays"][day]
        return name

    def clock(self, minutes: int) -> str:
        """A time of day (minutes after midnight): ``10.00`` in Danish, ``10:00`` in English."""
        return formats.clock(minutes, self.lang)

    def date(self, day: date) -> str:
        """A date in words with its weekday: ``onsdag den 20. januar 2027``."""
        return formats.long_date(day, self.lang)

    def money(self, dkk: float) -> str:
        """An amount of Danish kroner: ``120 kr.`` or ``DKK 120``."""
        return formats.money(dkk, self.lang)

    def km(self, metres: float) -> str:
        """Kilometres with one decimal (decimal comma in Danish)."""
        return formats.decimal(metres / 1000, self.lang, catalogue(self.lang).text(_CONTEXT, "km"))

    def tags(self, tags: tuple[str, ...] | list[str]) -> str:
        """Interest tags in words, joined."""
        names = self.table["tags"]
        return ", ".join(names.get(t, t) for t in tags)

    def languages(self, codes: tuple[str, ...] | list[str]) -> str:
        """Language codes in words, joined."""
        names = self.table["languages"]
        return ", ".join(names.get(c, c) for c in codes)

    def spoken(self, codes: tuple[str, ...] | list[str]) -> str:
        """Language codes as Babel names them in this language, as a list:
        ``dansk og arabisk``, ``Danish and Arabic``, ``الدانمركية والعربية``."""
        names = Locale.parse(self.lang).languages
        english = Locale.parse("en").languages
        ours = self.table["languages"]
        known = []
        for code in codes:
            name = names.get(code)
            if not name or (self.lang != "en" and name == english.get(code) and code in ours):
                name = ours.get(code, code)  # Babel has no name of its own in this language
            known.append(str(name))
        return str(format_list(known, locale=self.lang)) if known else ""

    def found(self, options: int, places: int) -> str:
        """``3 tider hos 2 steder`` / ``3 sessions at 2 places``, each word in the
        plural form its number takes in the language."""
        words = catalogue(self.lang)
        return self(
            "options",
            options=options,
            places=places,
            tider=words.plural_text(_CONTEXT, "times", options),
            steder=words.plural_text(_CONTEXT, "places", places),
        )


def wording(lang: str) -> Wording:
    """The words of ``lang`` (one of ``LANGUAGES``); an unknown language is an input error."""
    key = str(lang).strip().lower()
    if key not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        raise InputError(
            [
                problem(
                    "--lang",
                    None,
                    None,
                    "'{lang}' is not a known language ({known})",
                    lang=lang,
                    known=known,
                )
            ]
        )
    return Wording(key, LANGUAGES[key])
