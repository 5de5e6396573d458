"""What one patient is offered at the closing conversation: the ranked options,
and when nothing fits, what would open more.

A ``Recommendation`` is what ``Recommender.recommend`` (and ``ranked`` and
``option``) return: ``table()`` is the options as a DataFrame with the columns
of ``options.OPTION_COLUMNS``, ``summary()`` the same as plain data for JSON,
and ``write(path)`` saves either, by the file's suffix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.export import write_csv, write_text
from ..errors import InputError
from ..words.problems import problem
from .suggest import NothingFits

__all__ = ["REASON_SEPARATOR", "Recommendation", "option_records"]

#: Joins the reasons of one option (``fits``, ``less_good``) into one CSV cell.
REASON_SEPARATOR = "; "


@dataclass(frozen=True)
class Recommendation:
    """The ranked next steps for one patient.

    ``options`` has one row per option, best first, with the columns of
    ``OPTION_COLUMNS`` (empty when nothing fits); ``nothing_fits`` is set only
    when nothing fits and it was asked for: the rules that removed the options
    and what would open the most. ``len()`` is the number of options.
    """

    patient_id: str
    options: pd.DataFrame
    nothing_fits: NothingFits | None = None

    def __len__(self) -> int:
        return len(self.options)

    def table(self) -> pd.DataFrame:
        """The options, one row per option in rank order (``OPTION_COLUMNS``)."""
        return self.options

    def summary(self) -> dict[str, Any]:
        """Plain data for JSON: ``patient_id``, ``options`` (one object per row,
        dates as ``YYYY-MM-DD``, reasons as lists) and ``nothing_fits``
        (``None``, or the rules and suggestions)."""
        nothing = self.nothing_fits
        return {
            "patient_id": self.patient_id,
            "options": option_records(self.options),
            "nothing_fits": None if nothing is None else nothing.as_dict(),
        }

    def write(self, path: str | Path) -> Path:
        """Write the recommendation to ``path``, whole or not at all: ``.json``
        gives ``summary()``; ``.csv`` gives ``table()`` with a ``patient_id``
        column first, dates as ``YYYY-MM-DD`` and each option's reasons joined
        by ``"; "``, every text cell made safe for spreadsheets
        (``matcher.csvsafe``). Any other suffix is an input error."""
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix == ".json":
            text = json.dumps(self.summary(), ensure_ascii=False, indent=2) + "\n"
            write_text(target, text)
        elif suffix == ".csv":
            write_csv(self._cells(), target)
        else:
            raise InputError(
                [problem(str(target), None, None, "give a file name ending in .csv or .json")]
            )
        return target

    def _cells(self) -> pd.DataFrame:
        """The options as the text and numbers of the CSV file."""
        cells = self.options.copy()
        cells.insert(0, "patient_id", self.patient_id)
        cells["first_date"] = pd.to_datetime(cells["first_date"]).dt.strftime("%Y-%m-%d")
        for column in ("fits", "less_good"):
            cells[column] = [REASON_SEPARATOR.join(r) for r in cells[column]]
        return cells


def option_records(options: pd.DataFrame) -> list[dict[str, Any]]:
    """Options as plain objects: dates as ``YYYY-MM-DD``, reasons as lists and
    numbers as Python numbers."""
    records = []
    for record in options.to_dict(orient="records"):
        item: dict[str, Any] = {}
        for key, value in record.items():
            if key == "first_date":
                item[str(key)] = pd.Timestamp(value).strftime("%Y-%m-%d")
            elif isinstance(value, tuple):
                item[str(key)] = list(value)
            elif isinstance(value, np.generic):
                item[str(key)] = value.item()
            else:
                item[str(key)] = value
        records.append(item)
    return records
