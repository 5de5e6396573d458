"""The checker of one table: every column's cells parsed by its type, every problem kept.

``Checker`` takes the trimmed text cells of each column of a file (as
``tables`` reads them) and the spreadsheet row of each row, parses every
column by the type its spec gives (with the cell parsers of ``cells``), and
collects a ``Problem`` for every wrong cell, missing column, CPR number in
free text and duplicate id, rather than stopping at the first one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..domain import WEEKDAYS, parse_clock
from ..errors import Problem
from ..privacy import looks_like_cpr, personal_column
from ..words.problems import problem
from .cells import (
    Dialect,
    Worded,
    by_unique,
    clock_cell,
    date_ranges_cell,
    formula_id_problem,
    language_problem,
    outside_limits,
    parse_date,
    parse_number,
    personal_id_problem,
    split_list,
    unquote_formula,
    windows_cell,
    within,
    worded,
    yes_no,
)
from .schema import Column, FileSpec

__all__ = ["Checker"]

#: Column types whose cells are free text, where a CPR number could be typed.
_FREE_TEXT = frozenset({"text", "tag_list", "id"})


class Checker:
    """Parses the columns of one table and collects its problems."""

    def __init__(
        self, spec: FileSpec, columns: dict[str, np.ndarray], rows: np.ndarray, dialect: Dialect
    ) -> None:
        self.spec = spec
        self.columns = columns
        self.rows = rows
        self.dialect = dialect
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, mask: np.ndarray, column: str, message: Worded | list[Worded]) -> None:
        """A problem in ``column`` of every row where ``mask`` is true."""
        rows = self.rows[np.flatnonzero(np.asarray(mask))]
        messages = message if isinstance(message, list) else [message] * len(rows)
        self.problems.extend(
            problem(self.spec.name, int(r), column, m.template, **m.values)
            for r, m in zip(rows, messages, strict=True)
        )

    def parse(self) -> pd.DataFrame | None:
        present = set(self.columns)
        if self.spec.no_personal_columns:
            for name in self.columns:
                if personal_column(name):
                    self.problems.append(
                        problem(
                            self.spec.name,
                            1,
                            name,
                            "a name, CPR number or contact detail must never be in this file; "
                            "remove the column (patients are known by their pseudonym only)",
                        )
                    )
        if self.spec.no_personal_columns:
            self._no_cpr_anywhere()
        missing = [c.name for c in self.spec.columns if c.required and c.name not in present]
        for name in missing:
            self.problems.append(problem(self.spec.name, 1, name, "required column is missing"))
        out: dict[str, Any] = {}
        for column in self.spec.columns:
            if column.name in present:
                cells = self.columns[column.name]
            elif column.required:
                continue  # named once above, not once per row
            else:
                cells = np.full(len(self.rows), "", dtype=object)
            out.update(self._column(column, cells))
        if missing:  # the cells of the other columns are still checked and listed
            return None
        known = {c.name for c in self.spec.columns}
        for name, cells in self.columns.items():  # unknown columns are kept as text
            if name not in known:
                out[name] = cells
        result = pd.DataFrame(out)
        if self.spec.key is not None:
            key = result[self.spec.key]
            dup = (key.duplicated(keep="first") & (key != "")).to_numpy()
            if self.spec.column(self.spec.key).pseudonym:
                # already refused, and never repeated in a message
                dup = dup & ~by_unique(key.to_numpy(dtype=object), looks_like_cpr).astype(bool)
            if dup.any():
                first_row = dict(zip(key[::-1], self.rows[::-1], strict=True))
                self.add(
                    dup,
                    self.spec.key,
                    [
                        worded(
                            "duplicate id '{value}' (first used in row {first_row})",
                            value=v,
                            first_row=first_row[v],
                        )
                        for v in key[dup]
                    ],
                )
            # ids that differ only in upper and lower case are one id to a person
            folded = pd.Series(by_unique(key.to_numpy(dtype=object), str.casefold))
            alike = (folded.duplicated(keep="first") & (key != "")).to_numpy() & ~dup
            if self.spec.column(self.spec.key).pseudonym:
                alike &= ~by_unique(key.to_numpy(dtype=object), looks_like_cpr).astype(bool)
            if alike.any():
                pairs = zip(key[::-1], self.rows[::-1], strict=True)
                first = dict(zip(folded[::-1], pairs, strict=True))
                self.add(
                    alike,
                    self.spec.key,
                    [
                        worded(
                            "id '{value}' differs from '{other}' (row {other_row}) only in "
                            "upper and lower case; give each its own id",
                            value=v,
                            other=first[f][0],
                            other_row=first[f][1],
                        )
                        for v, f in zip(key[alike], folded[alike], strict=True)
                    ],
                )
        return result

    def _no_cpr_anywhere(self) -> None:
        """A CPR number in any text cell of the file (an interest, a note, a prior
        offer) is refused as in the pseudonym; the number is never repeated."""
        types = {c.name: c.type for c in self.spec.columns}
        for name, cells in self.columns.items():
            column = next((c for c in self.spec.columns if c.name == name), None)
            if column is not None and (column.pseudonym or types[name] not in _FREE_TEXT):
                continue  # pseudonyms are checked with their own rule; numbers are no CPR
            cpr = by_unique(cells, looks_like_cpr).astype(bool)
            self.add(
                cpr, name, worded("holds what looks like a CPR number, which must never be here")
            )

    def _column(self, column: Column, cells: np.ndarray) -> dict[str, Any]:
        name = column.name
        empty = cells == ""
        if column.required:
            self.add(empty, name, worded("is empty; a value is required"))
        parse = getattr(self, f"_parse_{column.type}")
        values, bad, messages = parse(column, cells, empty)
        if bad is not None and bad.any():
            self.add(bad, name, list(np.asarray(messages, dtype=object)[bad]))
        if column.default is not None and empty.any():
            values = values.copy()
            default = column.default
            if column.type in ("windows", "date_ranges"):
                default = ()
            fill = np.empty(int(empty.sum()), dtype=object)
            fill[:] = [default] * len(fill)
            values[empty] = fill if values.dtype == object else default
        result = {name: values}
        if column.type == "clock":
            minutes = by_unique(values, lambda v: parse_clock(v, allow_24=True) if v else 0)
            result[f"{name}_min"] = minutes.astype(np.int64)
        if column.type == "enum" and name == "weekday":
            day = by_unique(values, lambda v: WEEKDAYS.index(v) if v in WEEKDAYS else -1)
            result["day"] = day.astype(np.int64)
        return result

    # -- one parser per column type: (values, bad mask, messages) ------------
    def _parse_id(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        def check(cell: str) -> Worded | None:
            formula = formula_id_problem(cell)
            if formula is not None:
                return formula
            return personal_id_problem(cell) if column.pseudonym else None

        messages = by_unique(cells, check)
        bad = (messages != None) & ~empty  # noqa: E711
        return cells, bad, messages

    def _parse_text(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        if column.name.endswith("_id"):  # a reference to an id of this or another file
            return self._parse_id(column, cells, empty)
        # the quote Brobygger (or a spreadsheet) puts before a text that starts
        # like a formula is not part of the text: '=Gåklub reads back as =Gåklub
        return by_unique(cells, unquote_formula), None, None

    def _parse_enum(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        values = by_unique(cells, str.lower)
        known = by_unique(values, lambda v: v in column.choices).astype(bool)
        bad = ~known & ~empty
        options = ", ".join(column.choices)
        messages = np.empty(len(cells), dtype=object)
        messages[bad] = [
            worded(
                "'{value}' is not a known {column} (expected one of: {options})",
                value=c,
                column=column.name,
                options=options,
            )
            for c in cells[bad]
        ]
        return values, bad, messages

    def _parse_list(self, column: Column, cells: np.ndarray, empty: np.ndarray, check: Any) -> Any:
        def parse(cell: str) -> tuple[tuple[str, ...], Worded | None]:
            items = split_list(cell)
            return items, check(items)

        parsed = by_unique(cells, parse)
        values = np.empty(len(cells), dtype=object)
        values[:] = [p[0] for p in parsed]
        messages = np.array([p[1] for p in parsed], dtype=object)
        return values, (messages != None) & ~empty, messages  # noqa: E711

    def _parse_enum_list(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        def check(items: tuple[str, ...]) -> Worded | None:
            if column.allow_all and "all" in items:
                return None if items == ("all",) else worded("'all' cannot be combined with others")
            unknown = [i for i in items if i not in column.choices]
            if unknown:
                return worded(
                    "unknown {column} '{value}' (expected: {options})",
                    column=column.name,
                    value=unknown[0],
                    options=", ".join(column.choices),
                )
            return None

        return self._parse_list(column, cells, empty, check)

    def _parse_tag_list(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return self._parse_list(column, cells, empty, lambda items: None)

    def _parse_lang_list(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return self._parse_list(column, cells, empty, language_problem)

    def _parse_windows(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        parsed = by_unique(cells, windows_cell)
        values = np.empty(len(cells), dtype=object)
        values[:] = [p[0] for p in parsed]
        messages = np.array([p[1] for p in parsed], dtype=object)
        return values, (messages != None) & ~empty, messages  # noqa: E711

    def _parse_date_ranges(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        parsed = by_unique(cells, lambda c: date_ranges_cell(c) if c else ((), None))
        values = np.empty(len(cells), dtype=object)
        values[:] = [p[0] for p in parsed]
        messages = np.array([p[1] for p in parsed], dtype=object)
        return values, (messages != None) & ~empty, messages  # noqa: E711

    def _numbers(self, cells: np.ndarray, empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The number in every cell (NaN where none) and the message for each
        non-empty cell that holds no number."""
        danish = self.dialect.danish
        parsed = by_unique(cells, lambda c: parse_number(c, danish) if c else (math.nan, None))
        numbers = np.array([p[0] for p in parsed], dtype=float)
        messages = np.empty(len(cells), dtype=object)
        messages[:] = [p[1] for p in parsed]
        messages[empty] = None
        return numbers, messages

    def _parse_float(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        numbers, messages = self._numbers(cells, empty)
        bad = messages != None  # noqa: E711
        number = ~np.isnan(numbers)
        if column.minimum is not None or column.maximum is not None:
            outside = number & ~within(column, numbers)
            messages[outside] = [outside_limits(column, c) for c in cells[outside]]
            bad |= outside
        default = column.default if column.default is not None else np.nan
        return np.where(bad | np.isnan(numbers), default, numbers), bad, messages

    def _parse_int(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        values, bad, messages = self._parse_float(column, cells, empty)
        fraction = ~bad & ~empty & (np.mod(values, 1) != 0)
        messages[fraction] = [
            worded("'{value}' is not a whole number", value=c) for c in cells[fraction]
        ]
        bad |= fraction
        return np.where(bad | np.isnan(values), 0, values).astype(np.int64), bad, messages

    def _parse_bool(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        parsed = by_unique(cells, yes_no)
        bad = (parsed == None) & ~empty  # noqa: E711
        messages = np.empty(len(cells), dtype=object)
        messages[bad] = [
            worded("'{value}' is not yes/no (true/false, 1/0, ja/nej)", value=c) for c in cells[bad]
        ]
        return np.where(empty, bool(column.default), parsed == True), bad, messages  # noqa: E712

    def _parse_date(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        parsed = by_unique(cells, lambda c: parse_date(c) if c else (None, None))
        messages = np.empty(len(cells), dtype=object)
        messages[:] = [p[1] for p in parsed]
        bad = (messages != None) & ~empty  # noqa: E711
        days = np.array(
            [p[0] if p[0] is not None else "NaT" for p in parsed], dtype="datetime64[D]"
        )
        return days.astype("datetime64[ns]"), bad, messages

    def _parse_clock(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        parsed = by_unique(cells, clock_cell)
        values = np.array([p[0] for p in parsed], dtype=object)
        messages = np.array([p[1] for p in parsed], dtype=object)
        return values, (messages != None) & ~empty, messages  # noqa: E711

    def _coordinate(
        self, cells: np.ndarray, empty: np.ndarray, limit: float, outside: Callable[[str], Worded]
    ) -> Any:
        numbers, messages = self._numbers(cells, empty)
        not_number = messages != None  # noqa: E711
        out_of_range = np.abs(numbers) > limit
        messages[out_of_range] = [outside(c) for c in cells[out_of_range]]
        return numbers, not_number | out_of_range, messages

    def _parse_lat(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return self._coordinate(
            cells,
            empty,
            90,
            lambda c: worded(
                "latitude {value} is outside -{limit:g}..{limit:g}", value=c, limit=90
            ),
        )

    def _parse_lon(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return self._coordinate(
            cells,
            empty,
            180,
            lambda c: worded(
                "longitude {value} is outside -{limit:g}..{limit:g}", value=c, limit=180
            ),
        )
