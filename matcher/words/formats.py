"""Dates, times, numbers, money and percentages in the reader's locale, by Babel.

The patterns that differ between the languages (the long date, the clock,
where ``kr.`` goes) are messages of the catalogue, so one file says how a
language writes them; Babel applies them with the locale's own names of
weekdays and months and its decimal and grouping signs. Floats are handed
to Babel as exact decimals, so rounding is the same as Python's own
formatting (half to even on the binary value).
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from functools import cache

import pandas as pd
from babel import Locale
from babel.dates import format_date, format_time, get_day_names, get_month_names, parse_date
from babel.numbers import format_currency, format_decimal, format_percent

from .catalog import catalogue

__all__ = [
    "clock",
    "date_cells",
    "day_month",
    "decimal",
    "language_name",
    "long_date",
    "money",
    "month_names",
    "percent",
    "short_date",
    "shown_date",
    "typed_date",
    "weekday_names",
]

#: The locale a date is typed and shown in, per page language (day first in both).
_DATE_LOCALES = {"da": "da", "en": "en_GB"}


def _pattern(context: str, key: str, lang: str) -> str:
    return catalogue(lang).text(context, key)


@cache
def weekday_names(lang: str) -> tuple[str, ...]:
    """The weekdays in words, Monday first (``mandag`` / ``Monday``)."""
    names = get_day_names("wide", locale=lang)
    return tuple(str(names[i]) for i in range(7))


@cache
def month_names(lang: str) -> tuple[str, ...]:
    """The months in words, January first (``januar`` / ``January``)."""
    names = get_month_names("wide", locale=lang)
    return tuple(str(names[i]) for i in range(1, 13))


def long_date(day: date, lang: str) -> str:
    """A date in words with its weekday: ``onsdag den 20. januar 2027``."""
    return str(format_date(day, _pattern("patient", "date_long", lang), locale=lang))


def short_date(day: date, lang: str) -> str:
    """A date in figures for staff: ``20-01-2027``."""
    return str(format_date(day, _pattern("staff", "date_short", lang), locale=lang))


def day_month(day: date, lang: str) -> str:
    """A near date in words, without the year: ``4. jan.`` / ``4 Jan``."""
    return str(format_date(day, _pattern("staff", "date_day_month", lang), locale=lang))


def date_cells(values: pd.Series, lang: str) -> pd.Series:
    """A column of dates in the tables' pattern (``2027-01-20``); missing stay missing."""
    stamps = pd.to_datetime(values)
    pattern = _pattern("staff", "date_table", lang)
    unique = pd.DatetimeIndex(stamps.dropna().unique())
    words = {d: str(format_date(d.date(), pattern, locale=lang)) for d in unique}
    return pd.Series(
        [words.get(d) if pd.notna(d) else None for d in stamps], index=values.index, dtype=object
    )


def clock(minutes: int, lang: str) -> str:
    """A time of day (minutes after midnight): ``10.00`` in Danish, ``10:00`` in English."""
    at = time(int(minutes) // 60 % 24, int(minutes) % 60)
    text = str(format_time(at, _pattern("patient", "clock", lang), locale=lang))
    if minutes >= 24 * 60:  # the end of a session at midnight reads 24.00
        text = f"{int(minutes) // 60:02d}" + text[2:]
    return text


def money(dkk: float, lang: str) -> str:
    """An amount of Danish kroner, whole: ``1.200 kr.`` or ``DKK 1,200``."""
    return str(
        format_currency(
            Decimal(float(dkk)),
            "DKK",
            format=_pattern("patient", "money", lang),
            locale=lang,
            currency_digits=False,
        )
    )


def decimal(value: float, lang: str, pattern: str = "0.0") -> str:
    """A number with the locale's decimal sign (``1,5`` / ``1.5``)."""
    return str(format_decimal(Decimal(float(value)), pattern, locale=lang))


def percent(share: float, lang: str) -> str:
    """A share (0..1) as a whole percentage: ``57 %`` / ``57%``.

    The share is scaled to per cent in floating point first, as Python's own
    ``{:.0%}`` does, so a share such as 0.475 reads 48 % in both."""
    return str(format_percent(Decimal(float(share) * 100) / 100, locale=lang))


def typed_date(typed: str, lang: str) -> date | None:
    """The date typed ("3.12.2026", "03/12/2026", "2026-12-03"), day first; ``None``
    when it cannot be read as a real date."""
    try:
        return parse_date(typed.strip(), locale=_DATE_LOCALES.get(lang, lang))
    except (ValueError, IndexError):  # Babel's ParseError is a ValueError
        return None


def shown_date(value: date, lang: str) -> str:
    """A date as the form shows it ("03.12.2026")."""
    return str(format_date(value, "short", locale=_DATE_LOCALES.get(lang, lang)))


def language_name(code: str, lang: str) -> str:
    """A language's name in ``lang`` ("arabisk"), from Babel; the code if unknown."""
    return str(Locale.parse(lang).languages.get(code, code))
