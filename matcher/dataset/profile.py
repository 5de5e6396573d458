"""A patient given as a mapping, checked exactly as the loader checks ``patients.csv``.

At the closing conversation a profile may be typed in rather than read from
a file. ``check_patient`` turns a mapping of ``patients.csv`` columns (Python
values or cell text) into the same typed row ``load_dataset`` would give, or
raises ``InputError`` naming every column with a problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from ..domain import Window
from ..errors import InputError
from ..words.problems import problem
from .cells import Dialect
from .checker import Checker
from .load import project
from .schema import PATIENTS

__all__ = ["PATIENT_SOURCE", "check_patient", "check_patient_rows", "patient_cells"]

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
    cells = patient_cells(patient)
    cells.setdefault("patient_id", "new")
    return check_patient_rows([cells], PATIENT_SOURCE)
