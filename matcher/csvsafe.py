"""Cells a spreadsheet cannot run: the one rule for every CSV Brobygger writes.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) as a formula, so an offer named
``=HYPERLINK("http://x","y")`` would become a link, or worse, in the planner's
spreadsheet. Every text cell that starts with one of these characters is
written with a single quote ``'`` in front (the OWASP rule for CSV
injection); the spreadsheet shows the text, never runs it.

A carriage return inside a text cell becomes a line feed (and ``\\r\\n`` a single
line feed): a CSV file whose rows end in a line feed does not quote it, and a
reader would end the row there, so a cell could add a row of its own.

Only text is changed: numbers in numeric columns are written as numbers
(``-3.5`` stays ``-3.5``), and so is text that is exactly a plain number
(``-3.5`` or ``+45`` as text cannot hold a formula). A cell that is changed
reads back with its quote: a file written for people is not meant to be
loaded again as it is, and the dataset loader refuses ids that start with
these characters in any case.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["FORMULA_STARTS", "neutralise", "neutralise_frame"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Text that is a plain number in either dialect (``-3.5``, ``-3,5``, ``+45``, ``1e-3``).
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def neutralise(cell: Any) -> Any:
    """``cell`` as a spreadsheet may show it: a text starting a formula gets a ``'`` in
    front, and a carriage return in it becomes a line feed; anything else (numbers,
    missing values, plain text) is returned as it is."""
    if not isinstance(cell, str):
        return cell
    if cell.startswith(FORMULA_STARTS) and _PLAIN_NUMBER.fullmatch(cell) is None:
        cell = "'" + cell
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (numeric, boolean and date
    columns are left as they are), and the column names too."""
    out = frame.copy()
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out.isetitem(position, _neutralise_column(values))
    out.columns = [neutralise(name) for name in frame.columns]
    return out


def _neutralise_column(values: pd.Series) -> pd.Series:
    """``neutralise`` of every cell of a text column, calling it only on the few cells
    that can need it (a whole plan's column is checked at once)."""
    try:
        text = values.str
        suspect = text.startswith(FORMULA_STARTS, na=False) | text.contains("\r", regex=False)
        suspect = suspect.fillna(False).astype(bool)
    except (AttributeError, TypeError):  # not text throughout: every cell on its own
        return values.map(neutralise, na_action="ignore")
    if not suspect.any():
        return values
    values = values.astype(object)
    values[suspect] = [neutralise(cell) for cell in values[suspect]]
    return values
