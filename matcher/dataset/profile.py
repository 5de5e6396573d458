"""A patient given as a mapping, checked exactly as the loader checks ``patients.csv``.

At the closing conversation a profile may be typed in rather than read from
a file. ``check_patient`` turns a mapping of ``patients.csv`` columns (Python
values or cell text) into the same typed row ``load_dataset`` would give, or
raises ``InputError`` naming every column with a problem.

A cell's typed value depends on its column and its text alone, so
``check_patient`` keeps what the loader's checks made of each (column, text)
it has seen and runs the checks only on the cells it has not: one profile
after another at the conversation shares most of its cells (modes, times,
languages, yes and no). A profile with any problem is checked whole, as the
file would be, so its problems are exactly the loader's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..domain import Window
from ..errors import InputError
from ..words.problems import problem
from .cells import Dialect
from .checker import Checker
from .load import project
from .schema import PATIENTS, Column

__all__ = [
    "CELLS_KEPT",
    "PATIENT_SOURCE",
    "check_patient",
    "check_patient_rows",
    "checked_columns",
    "forget_cells",
    "patient_cells",
]

#: Where the patient is given as a mapping, the problems name this "file".
PATIENT_SOURCE = "patient"
#: Columns a patient row may carry that are computed, not given.
_DERIVED = frozenset({"x", "y", "geometry"})


def _cell(value: Any) -> str:
    """One value as the text of a ``patients.csv`` cell."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp | datetime | date | np.datetime64):
        stamp = pd.Timestamp(value)
        return "" if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")
    if isinstance(value, Window):
        return str(value)
    if isinstance(value, tuple | list | set | frozenset | np.ndarray):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else repr(float(value)).removesuffix(".0")
    return str(value).strip()


def patient_cells(patient: Mapping[str, Any]) -> dict[str, str]:
    """A patient (a mapping or a row of ``Dataset.patients``) as ``patients.csv`` text cells.

    Lists become ``a;b``, dates ``YYYY-MM-DD``, booleans ``true``/``false``
    and availability windows ``mon 08:00-12:00``; computed columns (``x``,
    ``y``, ``geometry``) are left out.
    """
    return {
        str(k).strip().lower(): _cell(v)
        for k, v in patient.items()
        if str(k).strip().lower() not in _DERIVED
    }


def check_patient_rows(
    rows: Sequence[Mapping[str, str]], source: str = PATIENT_SOURCE
) -> pd.DataFrame:
    """Check ``patients.csv`` text rows with the loader's own checks.

    Returns the typed rows with ``x`` and ``y`` in EPSG:25832 metres, or
    raises ``InputError`` naming every column with a problem (and the row,
    numbered as a spreadsheet shows it, when there are several rows).
    """
    known = {c.name for c in PATIENTS.columns}
    problems = [
        problem(source, None, key, "is not a column of patients.csv")
        for key in dict.fromkeys(k for row in rows for k in row)
        if key not in known
    ]
    if problems:
        raise InputError(problems)
    names = [c.name for c in PATIENTS.columns if any(c.name in row for row in rows)]
    cells: dict[str, np.ndarray] = {}
    for name in names:
        column = np.empty(len(rows), dtype=object)
        column[:] = [row.get(name, "") for row in rows]
        cells[name] = column
    # the loader's own cell checks, run on the rows in memory (no file in between)
    checker = Checker(PATIENTS, cells, np.arange(2, len(rows) + 2), Dialect("utf-8", ","))
    table = checker.parse()
    found = checker.problems
    if found or table is None:
        single = len(rows) == 1
        raise InputError([replace(p, file=source, row=None if single else p.row) for p in found])
    # geometry as the loader makes it (EPSG:25832), on the coordinates alone
    x, y = project(table["lon"].to_numpy(), table["lat"].to_numpy())
    return table.assign(x=x, y=y)


def check_patient(patient: Mapping[str, Any]) -> pd.DataFrame:
    """A patient profile checked exactly as ``load_dataset`` checks ``patients.csv``.

    ``patient`` holds ``patients.csv`` columns (Python values or cell text);
    ``patient_id`` may be left out. Returns one typed row with ``x`` and
    ``y`` in EPSG:25832 metres.

    Raises
    ------
    InputError
        Naming every column with a problem (``patient:-:max_travel_min: ...``).
    """
    return pd.DataFrame(checked_columns(patient))


def checked_columns(patient: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """``check_patient``'s row as its columns, each a one-value array (read-only),
    without building the frame; raises ``InputError`` as ``check_patient`` does."""
    cells = patient_cells(patient)
    cells.setdefault("patient_id", "new")
    typed = _typed_cells(cells)
    if typed is None:  # a problem, or a column the file does not have: the whole check
        row = check_patient_rows([cells], PATIENT_SOURCE)
        return {str(c): row[c].to_numpy() for c in row.columns}
    typed["x"], typed["y"] = _metres(float(typed["lon"][0]), float(typed["lat"][0]))
    return typed


# -- what the checks made of each cell, kept ----------------------------------
#: How many (column, text) cells are kept at most; all are dropped when more come.
CELLS_KEPT = 20_000
#: (column, cell text) -> the typed one-row arrays that column gives (a clock column
#: also gives its minutes, ``weekday`` its day number).
_KEPT: dict[tuple[str, str], dict[str, np.ndarray]] = {}


def forget_cells() -> None:
    """Drop the kept typed cells (``check_patient`` then checks every cell again)."""
    _KEPT.clear()


@cache
def _known() -> frozenset[str]:
    return frozenset(c.name for c in PATIENTS.columns)


def _typed_cells(cells: Mapping[str, str]) -> dict[str, np.ndarray] | None:
    """The typed arrays of a one-row table of ``cells``, in the loader's column order,
    or None when a cell has a problem (or a column is unknown or a required one missing)."""
    known = _known()
    if any(k not in known for k in cells) or any(n not in cells for n in _required()):
        return None
    wanted = [(c, cells.get(c.name, "")) for c in PATIENTS.columns]
    typed = {c.name: _KEPT.get((c.name, text)) for c, text in wanted}
    new = [(c, text) for c, text in wanted if typed[c.name] is None]
    if new:
        spec = replace(PATIENTS, columns=tuple(c for c, _ in new), key=None)
        arrays = {c.name: np.array([text], dtype=object) for c, text in new}
        checker = Checker(spec, arrays, np.arange(2, 3), Dialect("utf-8", ","))
        table = checker.parse()
        if checker.problems or table is None:
            return None
        if len(_KEPT) + len(new) > CELLS_KEPT:
            _KEPT.clear()
        for c, text in new:
            made = {n: table[n].to_numpy() for n in (c.name, *_derived(c))}
            for value in made.values():
                value.flags.writeable = False
            _KEPT[(c.name, text)] = typed[c.name] = made
    out: dict[str, np.ndarray] = {}
    for kept in typed.values():
        assert kept is not None
        out.update(kept)
    return out


@cache
def _required() -> tuple[str, ...]:
    return tuple(c.name for c in PATIENTS.columns if c.required)


def _derived(column: Column) -> tuple[str, ...]:
    """The columns the checker derives from ``column`` (a clock's minutes, a weekday's
    number), after it."""
    if column.type == "clock":
        return (f"{column.name}_min",)
    if column.type == "enum" and column.name == "weekday":
        return ("day",)
    return ()


@cache
def _metres_of(lon: float, lat: float) -> tuple[float, float]:
    x, y = project(np.array([lon]), np.array([lat]))
    return float(x[0]), float(y[0])


def _metres(lon: float, lat: float) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:25832 metres of one point, as arrays (as ``check_patient_rows`` gives them)."""
    if _metres_of.cache_info().currsize > CELLS_KEPT:
        _metres_of.cache_clear()
    x, y = _metres_of(lon, lat)
    return np.array([x]), np.array([y])
