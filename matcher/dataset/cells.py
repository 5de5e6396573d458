"""What one cell of a CSV file means: numbers, dates, yes/no, lists and languages.

The parsers here take the text of one cell and give its value and, where the
text is wrong, the message a user reads; the checker of a table
(``checker``) applies them once per distinct value of a column. The rules
for control characters and for ids a spreadsheet would run as a formula live
here too, as the district reader applies them to its own files.

A parser's message is a ``Worded``: the English template of the catalogue's
``problem`` context and the values that fill it, so the checker builds each
problem with ``problem()`` and the app can word it in the page's language.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..domain import format_minutes, parse_clock, parse_window
from ..privacy import looks_like_personal_id
from .schema import DATE_MAX, DATE_MIN, FORMULA_STARTS, Column

__all__ = [
    "DOMAIN_TEMPLATES",
    "LIST_SPLIT",
    "Dialect",
    "Worded",
    "by_unique",
    "clock_cell",
    "date_ranges_cell",
    "formula_id_problem",
    "has_control",
    "language_codes",
    "language_problem",
    "limits_text",
    "outside_limits",
    "parse_date",
    "parse_number",
    "personal_id_problem",
    "split_list",
    "unquote_formula",
    "windows_cell",
    "within",
    "worded",
    "yes_no",
]

_TRUE = frozenset({"true", "1", "ja", "yes", "y", "j", "sand"})
_FALSE = frozenset({"false", "0", "nej", "no", "n", "falsk"})
#: What separates the items of a list cell: ``;`` or ``|``.
LIST_SPLIT = re.compile(r"[;|]")
_LANG = re.compile(r"^[a-z]{2}$")
_DK_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$", re.ASCII)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
#: C0 and C1 control characters but tab and line breaks, the bidirectional
#: overrides (which reverse how a name reads) and the Unicode line separators.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class Worded:
    """A message of the catalogue's ``problem`` context and the values that fill it."""

    template: str
    values: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The message in English, as the command line prints it."""
        return self.template.format(**self.values)


def worded(template: str, /, **values: object) -> Worded:
    """The message ``template`` (an English id of the catalogue) with its ``values``."""
    return Worded(template, values)


def _verbatim(text: str) -> Worded:
    """A message from outside the catalogue, kept as it is (its braces escaped)."""
    return Worded(text.replace("{", "{{").replace("}", "}}"))


#: Country codes often written for a language, and the language meant.
_COUNTRY_NOT_LANGUAGE = {
    "dk": worded("'dk' is a country code, not a language; Danish is 'da'"),
    "se": worded("'se' is a country code, not a language; Swedish is 'sv'"),
    "gr": worded("'gr' is a country code, not a language; Greek is 'el'"),
    "ua": worded("'ua' is a country code, not a language; Ukrainian is 'uk'"),
    "jp": worded("'jp' is a country code, not a language; Japanese is 'ja'"),
    "cn": worded("'cn' is a country code, not a language; Chinese is 'zh'"),
    "ir": worded("'ir' is a country code, not a language; Persian (Farsi) is 'fa'"),
    "pk": worded("'pk' is a country code, not a language; Urdu is 'ur'"),
}

#: What ``domain.parse_clock`` and ``domain.parse_window`` say of a wrong cell,
#: as templates of the catalogue (their ``ValueError`` is read back into one).
DOMAIN_TEMPLATES = (
    "'{text}' is not a time of day (HH:MM)",
    "'{text}' is not a time of day (HH:MM, 00:00-23:59)",
    "'{text}' is not a window like 'mon 08:00-12:00'",
    "'{day}' is not a weekday (mon, tue, ... sun)",
    "window '{window}' ends before it starts",
)


def _pattern(template: str) -> re.Pattern[str]:
    """A pattern matching ``template`` filled with any text, one group per field."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>.*)")
    return re.compile("".join(parts), re.DOTALL)


_DOMAIN_PATTERNS = tuple((t, _pattern(t)) for t in DOMAIN_TEMPLATES)


def _from_domain(text: str) -> Worded:
    """The domain's message ``text`` as the template it was filled from."""
    for template, pattern in _DOMAIN_PATTERNS:
        match = pattern.fullmatch(text)
        if match and template.format(**match.groupdict()) == text:
            return Worded(template, match.groupdict())
    return _verbatim(text)


#: What ``privacy.looks_like_personal_id`` says, each a message of the catalogue.
_PERSONAL_ID = {
    said.template: said
    for said in (
        worded("looks like a CPR number; use the patient's pseudonym instead"),
        worded("looks like a person's name; use the patient's pseudonym instead"),
        worded("must be a pseudonym of 1-64 letters, digits, '.', ':', '_' or '-' (not first)"),
        worded(
            "holds look-alike characters (such as full-width letters); type it in plain letters"
        ),
    )
}


@cache
def language_codes() -> frozenset[str]:
    """The two-letter language codes of ISO 639-1, as the Unicode CLDR (Babel) lists them."""
    from babel import Locale

    return frozenset(
        code for code in map(str, Locale("en").languages) if len(code) == 2 and code.isalpha()
    )


@dataclass(frozen=True)
class Dialect:
    """How a file was written: its text encoding and its separator."""

    encoding: str
    sep: str

    @property
    def danish(self) -> bool:
        """A Danish spreadsheet export (``;``), whose decimal mark is the comma."""
        return self.sep == ";"


def by_unique(cells: np.ndarray, func: Callable[[str], Any]) -> np.ndarray:
    """``func`` applied to every cell, computed once per distinct value (object array)."""
    codes, uniques = pd.factorize(cells)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]
    return mapped[codes] if len(cells) else np.empty(0, dtype=object)


def unquote_formula(cell: str) -> str:
    """``cell`` without the ``'`` that keeps a spreadsheet from running it as a formula."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def has_control(cell: str) -> bool:
    """True when ``cell`` holds a control character other than tab and line breaks
    (an escape code would restyle a terminal that shows it)."""
    return _CONTROL.search(cell) is not None


def formula_id_problem(value: str) -> Worded | None:
    """Why ``value`` cannot be an id because a spreadsheet would run it, or ``None``."""
    if value.startswith(FORMULA_STARTS):
        return worded(
            "an id cannot start with '{first}' (a spreadsheet would read it as a "
            "formula); use letters or digits first",
            first=value[0],
        )
    return None


def personal_id_problem(value: str) -> Worded | None:
    """Why ``value`` cannot be a pseudonym (``privacy.looks_like_personal_id``), or ``None``."""
    text = looks_like_personal_id(value)
    if text is None:
        return None
    return _PERSONAL_ID.get(text) or _verbatim(text)


def split_list(text: str) -> tuple[str, ...]:
    """The distinct, lower-cased items of a list cell (``a; b|c``), blanks dropped."""
    items = [item.strip().lower() for item in LIST_SPLIT.split(text)]
    return tuple(dict.fromkeys(item for item in items if item))


def parse_number(text: str, danish: bool) -> tuple[float, Worded | None]:
    """A finite number from a cell, or NaN and why not.

    In a Danish export (``;``) the comma is the decimal mark and a point may
    mark thousands (``1.500,50``); in a comma-separated file a comma inside a
    number could be either, so it is refused rather than guessed.
    """
    if danish:
        if _DK_THOUSANDS.match(text):
            text = text.replace(".", "")
        text = text.replace(",", ".")
    elif "," in text:
        return math.nan, worded(
            "'{text}' has a comma in a comma-separated file, which could be a decimal or a "
            "thousands mark: write 1500 or 12.5, or save as a Danish spreadsheet export (;)",
            text=text,
        )
    if not _NUMBER.match(text):
        return math.nan, worded("'{text}' is not a number", text=text)
    value = float(text)
    if not math.isfinite(value):
        return math.nan, worded("'{text}' is not a finite number", text=text)
    return value, None


def within(column: Column, numbers: np.ndarray) -> np.ndarray:
    """True where a number lies within the column's limits."""
    ok = np.ones(len(numbers), dtype=bool)
    if column.minimum is not None:
        ok &= numbers > column.minimum if column.exclusive_minimum else numbers >= column.minimum
    if column.maximum is not None:
        ok &= numbers <= column.maximum
    return ok


def limits_text(column: Column) -> str:
    """The limits of a numeric column in words: ``from 0 to 10,000``."""
    low = column.minimum
    high = column.maximum
    if low is not None and high is not None:
        if column.exclusive_minimum:
            return f"more than {low:g} and at most {high:,g}"
        return f"from {low:g} to {high:,g}"
    if low is not None:
        return f"greater than {low:g}" if column.exclusive_minimum else f"at least {low:g}"
    return f"at most {high:,g}" if high is not None else "a number"


def outside_limits(column: Column, value: str) -> Worded:
    """``must be from 0 to 10,000, not 12000``: a number of ``column`` outside its
    limits (``value`` as the cell gives it), worded as ``limits_text`` words them."""
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        if column.exclusive_minimum:
            return worded(
                "must be more than {low:g} and at most {high:,g}, not {value}",
                low=low,
                high=high,
                value=value,
            )
        return worded(
            "must be from {low:g} to {high:,g}, not {value}", low=low, high=high, value=value
        )
    if low is not None:
        if column.exclusive_minimum:
            return worded("must be greater than {low:g}, not {value}", low=low, value=value)
        return worded("must be at least {low:g}, not {value}", low=low, value=value)
    if high is not None:
        return worded("must be at most {high:,g}, not {value}", high=high, value=value)
    return worded("must be a number, not {value}", value=value)


def parse_date(text: str) -> tuple[dt.date | None, Worded | None]:
    """A date from ``YYYY-MM-DD``, ``DD-MM-YYYY`` or ``DD.MM.YYYY`` within the
    window of the contract, or ``None`` and why not."""
    for fmt in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not DATE_MIN <= day <= DATE_MAX:
            return None, worded(
                "'{text}' is outside the dates Brobygger accepts "
                "({first:%Y-%m-%d} to {last:%Y-%m-%d})",
                text=text,
                first=DATE_MIN,
                last=DATE_MAX,
            )
        return day, None
    return None, worded("'{text}' is not a date (YYYY-MM-DD)", text=text)


def date_ranges_cell(cell: str) -> tuple[tuple[tuple[int, int], ...], Worded | None]:
    """The dates and periods of a cell (``2027-07-05..2027-07-25;2027-12-24``), as
    sorted pairs of first and last day (days since 1970-01-01), or ``()`` and why not."""
    spans = []
    for item in LIST_SPLIT.split(cell):
        text = item.strip()
        if not text:
            continue
        ends = [part.strip() for part in text.split("..")]
        if len(ends) > 2:
            return (), worded(
                "'{text}' is not a date or a period (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)",
                text=text,
            )
        days = []
        for end in ends:
            day, why = parse_date(end)
            if day is None:
                return (), why
            days.append((day - dt.date(1970, 1, 1)).days)
        if days[-1] < days[0]:
            return (), worded("the period '{text}' ends before it begins", text=text)
        spans.append((days[0], days[-1]))
    return tuple(sorted(set(spans))), None


def yes_no(cell: str) -> bool | None:
    """``True`` or ``False`` from a yes/no word (Danish or English, 1/0), else ``None``."""
    word = cell.lower()
    return True if word in _TRUE else False if word in _FALSE else None


def language_problem(items: tuple[str, ...]) -> Worded | None:
    """Why a list of language codes is wrong (the first wrong code), or ``None``."""
    wrong = [i for i in items if not _LANG.match(i)]
    if wrong:
        return worded(
            "'{code}' is not a two-letter language code (ISO 639-1, e.g. da, en)", code=wrong[0]
        )
    unknown = [i for i in items if i not in language_codes()]
    if unknown:
        code = unknown[0]
        country = _COUNTRY_NOT_LANGUAGE.get(code)
        if country is not None:
            return country
        return worded("'{code}' is not a language code of ISO 639-1 (e.g. da, en, ar)", code=code)
    return None


def windows_cell(cell: str) -> tuple[tuple[Any, ...], Worded | None]:
    """The distinct time windows of a cell, sorted, or ``()`` and why not."""
    windows = []
    for item in LIST_SPLIT.split(cell):
        if not item.strip():
            continue
        try:
            windows.append(parse_window(item))
        except ValueError as exc:
            return (), _from_domain(str(exc))
    return tuple(sorted(set(windows))), None


def clock_cell(cell: str) -> tuple[str, Worded | None]:
    """A clock time written ``HH:MM``, or ``""`` and why not."""
    try:
        return format_minutes(parse_clock(cell, allow_24=True)), None
    except ValueError as exc:
        return "", _from_domain(str(exc))
