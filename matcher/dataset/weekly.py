"""When a person can come, as a physiotherapist types it and as the contract writes it.

``parse_weekly("man-fre 12-17")`` gives the contract's availability text
(``mon 12:00-17:00;tue 12:00-17:00;...``, the text the loader reads with
``cells.windows_cell``): days as Danish or English names, in full or in three
letters (``mandag``/``man`` ... ``søndag``/``søn``, from Babel), ranges
(``man-fre``), lists (``tir,tor``), ``hverdage``, ``weekend`` and ``alle
dage`` (words of the catalogue), times as ``12``, ``12:30``, ``12.30`` or
``kl. 12``; a time range without days takes the days before it (``man 9-12,
13-16``). Overlapping or touching windows of a day are joined. Text that is
already the contract's passes through unchanged.

The app's grid has three parts of a day (``PARTS``): morning 08:00-12:00,
afternoon 12:00-16:00, evening 16:00-21:30. The afternoon ends at 16, not 17:
people with an ordinary working day of 8-16 cannot come before
(seeds/002_732fe4d251356e68.txt:2270), the demo's patients who work are free
from 16, and the municipality tab counts a session from 16:00 as an evening
one (``municipality.gaps.EVENING_FROM``), so the grid's evening is the same
evening; the last sessions of the demo end at 21:30. ``grid_text`` and
``grid_cells`` turn ticked cells into contract text and back, and
``weekly_words`` writes contract text for a person (``man-fre 12-17``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from itertools import pairwise

from ..domain import WEEKDAY_WORDS, WEEKDAYS, Window
from ..errors import InputError
from ..privacy import looks_like_cpr
from ..words.catalog import LANGUAGES, catalogue
from ..words.formats import clock, weekday_names
from ..words.problems import problem
from .cells import Worded, has_control, windows_cell, worded

__all__ = [
    "MAX_WEEKLY_CHARS",
    "PARTS",
    "PART_WINDOWS",
    "grid_cells",
    "grid_text",
    "parse_weekly",
    "weekly_words",
]

#: The parts of a day in the app's grid, in the order of the day.
PARTS = ("morning", "afternoon", "evening")
#: Each part's window, minutes after midnight (08:00-12:00, 12:00-16:00, 16:00-21:30).
PART_WINDOWS: dict[str, tuple[int, int]] = {
    "morning": (8 * 60, 12 * 60),
    "afternoon": (12 * 60, 16 * 60),
    "evening": (16 * 60, 21 * 60 + 30),
}
#: The longest availability text read.
MAX_WEEKLY_CHARS = 500
_FILE, _COLUMN = "patient", "available"
#: Words of the catalogue (staff context) for groups of days and for joining.
_GROUPS = {"weekly_weekdays": range(5), "weekly_weekend": range(5, 7), "weekly_every_day": range(7)}
_TOKEN = re.compile(r"\d+(?:[:.]\d+)?|[^\W\d_]+(?:_[^\W\d_]+)*|\S")
_KL = re.compile(r"\bkl\b\.?", re.IGNORECASE)

_EMPTY_DAYS = worded(
    "the time '{times}' has no days before it; write the days first, e.g. 'man-fre 12-17'"
)
_NO_TIME = worded("'{days}' has no time after it; write one, e.g. 'man-fre 12-17'")
_UNKNOWN_DAY = worded(
    "'{word}' is not a day; write e.g. mandag or man, man-fre, hverdage, weekend or alle dage"
)
_NOT_A_TIME = worded("'{text}' is not a time; write e.g. 12, 12:30, 12.30 or kl. 12")
_HOURS = worded("'{text}' is not a time of day: hours go from 0 to 24 and minutes from 0 to 59")
_BACKWARDS = worded("'{window}' ends before it starts; write the earlier time first, e.g. 12-17")
_NO_END = worded("the time '{text}' has no end; write a start and an end, e.g. 12-17")
_STRAY = worded("'{text}' stands where a day or a time should be; write e.g. 'man 9-12, ons 13-16'")
_TOO_LONG = worded("is {length:,} characters long; write the times in at most {limit} characters")
_CONTROL = worded("holds a control character (such as an escape code); remove it")
_CPR = worded("holds what looks like a CPR number, which must never be here")


def _refused(said: Worded, /, **values: object) -> InputError:
    """What was typed is not a weekly availability, as a problem of ``available``."""
    return InputError([problem(_FILE, None, _COLUMN, said.template, **values)])


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


@cache
def _words() -> tuple[dict[str, tuple[int, ...]], frozenset[str], frozenset[str]]:
    """Every word for a day or a group of days (any language), the words that join
    ("og", "and") and the words for a range ("til", "to")."""
    days: dict[str, tuple[int, ...]] = {word: (day,) for word, day in WEEKDAY_WORDS.items()}
    joins, ranges = set(), {"-"}
    for lang in LANGUAGES:
        for day, name in enumerate(weekday_names(lang)):
            days[_fold(name)] = days[_fold(name[:3])] = (day,)
        words = catalogue(lang)
        for key, group in _GROUPS.items():
            days[_fold(words.text("staff", key)).replace(" ", "_")] = tuple(group)
        joins.add(_fold(words.text("staff", "weekly_and")))
        ranges.add(_fold(words.text("staff", "weekly_to")))
    return days, frozenset(joins), frozenset(ranges)


def _tokens(text: str) -> list[str]:
    """The words, numbers and signs of ``text``; a group name of two words is one token."""
    folded = _fold(_KL.sub(" ", text)).replace("–", "-").replace("—", "-")
    for word in _words()[0]:
        if "_" in word:  # "alle dage": one token
            folded = re.sub(r"\b" + word.replace("_", r"\s+") + r"\b", word, folded)
    return _TOKEN.findall(folded)


def _minutes(token: str, *, end: bool) -> int:
    """Minutes after midnight of ``12``, ``12:30`` or ``12.30``; 24 only as an end."""
    hours, _, minutes = token.replace(".", ":").partition(":")
    if len(hours) > 2 or (minutes and len(minutes) != 2):
        raise _refused(_NOT_A_TIME, text=token[:10])
    value = int(hours) * 60 + int(minutes or 0)
    if int(minutes or 0) > 59 or value > 24 * 60 or (value == 24 * 60 and not end):
        raise _refused(_HOURS, text=token[:10])
    return value


def _day_range(first: int, last: int) -> list[int]:
    """The days from ``first`` to ``last``, through Sunday when ``last`` comes before."""
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def _windows(text: str) -> list[Window]:
    """The windows that ``text`` names (see the module's docstring), or ``InputError``."""
    days_of, joins, ranges = _words()
    tokens = _tokens(text)
    windows: list[Window] = []
    days: list[int] = []
    named: list[str] = []  # the words of the current days, for a message
    timed = False  # the current days have been given a time
    i = 0
    while i < len(tokens):
        token = tokens[i]
        after = tokens[i + 1 : i + 3]
        if token in days_of:
            if timed:
                days, named, timed = [], [], False
            if len(after) == 2 and after[0] in ranges and after[1] in days_of:
                days += _day_range(days_of[token][0], days_of[after[1]][-1])
                named.append(f"{token}-{after[1]}")
                i += 3
                continue
            days += days_of[token]
            named.append(token)
        elif token[0].isdigit():
            if len(after) < 2 or after[0] not in ranges or not after[1][0].isdigit():
                raise _refused(_NO_END, text=token[:10])
            start, end = _minutes(token, end=False), _minutes(after[1], end=True)
            if not days:
                raise _refused(_EMPTY_DAYS, times=f"{token}-{after[1]}"[:20])
            if start >= end:
                raise _refused(_BACKWARDS, window=f"{token}-{after[1]}"[:20])
            windows += [Window(day, start, end) for day in days]
            timed = True
            i += 3
            continue
        elif token[0].isalpha() and token not in joins:
            raise _refused(_UNKNOWN_DAY, word=token.replace("_", " ")[:20])
        elif token not in joins and token not in {",", ";", "/", "&", "+"}:
            raise _refused(_STRAY, text=token[:10])
        i += 1
    if days and not timed:
        raise _refused(_NO_TIME, days=", ".join(named).replace("_", " ")[:30])
    return windows


def _joined(windows: Iterable[Window]) -> list[Window]:
    """The windows with those of a day that overlap or touch made one, sorted."""
    out: list[Window] = []
    for window in sorted(windows):
        last = out[-1] if out else None
        if last is not None and last.day == window.day and window.start <= last.end:
            out[-1] = Window(last.day, last.start, max(last.end, window.end))
        else:
            out.append(window)
    return out


def _contract(windows: Iterable[Window]) -> str:
    return ";".join(str(window) for window in _joined(windows))


def parse_weekly(text: str) -> str:
    """The contract's availability text for what a person typed (``man-fre 12-17``);
    ``""`` (any time) for an empty text; ``InputError`` (file ``patient``, column
    ``available``) saying what is wrong. Contract text is returned unchanged."""
    if not text.strip():
        return ""
    if len(text) > MAX_WEEKLY_CHARS:
        raise _refused(_TOO_LONG, length=len(text), limit=MAX_WEEKLY_CHARS)
    if has_control(text):
        raise _refused(_CONTROL)
    if looks_like_cpr(text):
        raise _refused(_CPR)
    if re.search(r"\d:\d\d", text):  # written like the contract: kept as it is when it is
        _, wrong = windows_cell(text)
        if wrong is None:
            return text
    windows = _windows(text)
    if not windows:
        raise _refused(_NO_TIME, days=text.strip()[:20])
    return _contract(windows)


def grid_text(cells: set[tuple[str, str]]) -> str:
    """The contract text of the grid's ticked cells, ``(day, part)`` such as
    ``("mon", "morning")``; a day's neighbouring parts make one window, and no
    cell at all gives ``""`` (any time, as the contract reads an empty cell)."""
    unknown = {c for c in cells if c[0] not in WEEKDAYS or c[1] not in PART_WINDOWS}
    if unknown:
        raise ValueError(f"not cells of the grid: {sorted(unknown)}")
    return _contract(Window(WEEKDAYS.index(d), *PART_WINDOWS[p]) for d, p in cells)


def grid_cells(text: str) -> set[tuple[str, str]] | None:
    """The grid's cells that ``text`` (contract text) ticks, or ``None`` when it is
    not made of whole parts of days (the app then shows it as typed). ``""`` (any
    time) is the grid without a tick."""
    windows, wrong = windows_cell(text)
    if wrong is not None:
        return None
    cells: set[tuple[str, str]] = set()
    for window in _joined(windows):
        parts = [
            p for p, (start, end) in PART_WINDOWS.items() if window.start <= start < window.end
        ]
        covered = [PART_WINDOWS[p] for p in parts]
        if not covered or covered[0][0] != window.start or covered[-1][1] != window.end:
            return None
        if any(a[1] != b[0] for a, b in pairwise(covered)):
            return None
        cells |= {(WEEKDAYS[window.day], p) for p in parts}
    return cells


def _clock(minutes: int, lang: str) -> str:
    """``12`` for a whole hour, else ``12.30`` (Danish) or ``12:30`` (English)."""
    if minutes % 60 == 0:
        return str(minutes // 60)
    written = clock(minutes, lang)
    return f"{minutes // 60}{written[2]}{written[3:5]}"


def _days_words(days: list[int], lang: str) -> str:
    """``man-fre`` for days in a row, ``tir, tor`` for days apart."""
    names = [name[:3] for name in weekday_names(lang)]
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 2:
            parts.append(f"{names[run[0]]}-{names[run[-1]]}")
        else:
            parts += [names[day] for day in run]
    return ", ".join(parts)


def weekly_words(text: str, lang: str) -> str:
    """Contract availability text written for a person: ``man-fre 12-17, lør 10-14``
    in Danish, ``Mon-Fri 12-17, Sat 10-14`` in English; ``InputError`` when ``text``
    is not the contract's."""
    lang = lang if lang in LANGUAGES else LANGUAGES[0]
    words = catalogue(lang)
    windows, wrong = windows_cell(text)
    if wrong is not None:
        raise InputError([problem(_FILE, None, _COLUMN, wrong.template, **wrong.values)])
    if not windows:
        return words.text("staff", "weekly_any_time")
    spans: dict[int, list[tuple[int, int]]] = {}
    for window in _joined(windows):
        spans.setdefault(window.day, []).append((window.start, window.end))
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for day in sorted(spans):
        groups.setdefault(tuple(spans[day]), []).append(day)
    joiner = f" {words.text('staff', 'weekly_and')} "
    return ", ".join(
        _days_words(days, lang)
        + " "
        + joiner.join(f"{_clock(a, lang)}-{_clock(b, lang)}" for a, b in times)
        for times, days in groups.items()
    )
