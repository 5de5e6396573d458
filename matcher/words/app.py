"""Every text the app shows, in Danish (default) and English.

The words live in the message catalogues (``matcher.words.catalog``: the
``staff`` and ``municipality`` contexts); this module looks them up. Views
look words up with ``text(key, lang)``; nothing user-facing is written
inline in view code, and dates go through Babel (``short_date``,
``date_cells``). Tables go through ``frame_in``: column headers
(``col_<column>``) and coded values (``status_``, ``kind_``, ``mode_``,
``rule_``, ``band_``, ``diag_``, ``tol_``, ``dim_``/``group_`` for equity)
in words. Patient-facing words never name vulnerability flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

import pandas as pd

from .catalog import LANGUAGES, catalogue
from .formats import date_cells, short_date

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "code_key",
    "code_text",
    "column_text",
    "date_cells",
    "equity_in",
    "frame_in",
    "has_text",
    "plural_text",
    "short_date",
    "text",
    "text_keys",
]

#: The switch shows each language in its own words.
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}

#: The registers of the app's words, searched in this order.
_CONTEXTS = ("staff", "municipality")


@cache
def _index() -> Mapping[str, str]:
    """Each key of the app's words and the context it sits in (keys are unique)."""
    first = catalogue(LANGUAGES[0])
    return MappingProxyType({key: ctx for ctx in _CONTEXTS for key in first.keys(ctx)})


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else LANGUAGES[0]


def text(key: str, lang: str = "da", **values: object) -> str:
    """The text for ``key`` in ``lang`` (``da`` or ``en``), formatted with ``values``."""
    template = catalogue(_lang(lang)).text(_index()[key], key)
    return template.format(**values) if values else template


def plural_text(key: str, n: int, lang: str = "da", **values: object) -> str:
    """The form of plural message ``key`` for the number ``n``, formatted with ``values``."""
    template = catalogue(_lang(lang)).plural_text(_index()[key], key, n)
    return template.format(**values) if values else template


def has_text(key: str) -> bool:
    """Whether ``key`` has a text (in both languages)."""
    return key in _index()


def text_keys() -> tuple[str, ...]:
    """Every key with a text."""
    return tuple(_index())


def code_key(family: str, code: object) -> str:
    """The key of a coded value: ``code_key("dim", "age band")`` is ``dim_age_band``."""
    return f"{family}_{str(code).strip().lower().replace(' ', '_').replace('-', '_')}"


def code_text(family: str, code: object, lang: str = "da") -> str:
    """A coded value in words: ``code_text("status", "placed", "da")`` is
    ``placeret``. Codes without a text are shown as they are (e.g. a
    district name), and missing values stay empty."""
    if code is None or (isinstance(code, float) and code != code):
        return ""
    key = code_key(family, code)
    return text(key, lang) if key in _index() else str(code)


def column_text(column: str, lang: str = "da") -> str:
    """The header of a table column; the column name itself if it has none."""
    key = f"col_{column}"
    return text(key, lang) if key in _index() else column


def frame_in(
    frame: pd.DataFrame, lang: str = "da", codes: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """``frame`` for people: coded values in words and headers in ``lang``.

    ``codes`` maps a column to the family of its codes (``status``,
    ``kind``, ``mode``, ``rule``, ``band``, ``diag``, ``tol``, ...); a column
    of tuples (e.g. travel modes) is shown as the words joined by commas.
    Missing values (suppressed counts) stay missing.
    """
    out = frame.copy()
    for column, family in (codes or {}).items():
        if column not in out.columns:
            continue
        original = out[column]
        words = [
            ", ".join(code_text(family, c, lang) for c in v)
            if isinstance(v, tuple | list)
            else code_text(family, v, lang)
            for v in original
        ]
        out[column] = pd.Series(words, index=out.index, dtype=object).where(original.notna())
    return out.rename(columns={c: column_text(str(c), lang) for c in out.columns})


def equity_in(frame: pd.DataFrame, lang: str = "da") -> pd.DataFrame:
    """The equity table for people: dimension and group names and headers in
    ``lang``; district names stay as they are and suppressed cells stay empty."""
    out = frame.copy()
    if {"dimension", "group"} <= set(out.columns):
        groups = [
            str(g) if d == "district" and g != "outside" else code_text("group", g, lang)
            for d, g in zip(out["dimension"], out["group"], strict=True)
        ]
        out["group"] = groups
        out["dimension"] = [code_text("dim", d, lang) for d in out["dimension"]]
    return frame_in(out, lang)
