"""Read one CSV file of a dataset and check every cell against its spec.

Accepts UTF-8 (with or without BOM) and Danish spreadsheet exports (``;``,
decimal comma, Windows-1252), detected from the bytes. Every problem is
collected as a ``Problem`` with the spreadsheet row and the column; nothing
stops at the first one.
"""

from __future__ import annotations

import csv
import io as _io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .domain import WEEKDAYS, format_minutes, parse_clock, parse_window
from .errors import Problem
from .schema import Column, FileSpec

__all__ = ["read_table"]

#: Coordinate system for all geometry: ETRS89 / UTM zone 32N, metres.
CRS = "EPSG:25832"
#: A generous box around Denmark (WGS84 degrees) for the "plainly outside" warning.
DENMARK_BOX = (7.5, 54.4, 15.4, 58.0)
_TRUE = frozenset({"true", "1", "ja", "yes", "y", "j", "sand"})
_FALSE = frozenset({"false", "0", "nej", "no", "n", "falsk"})
_LIST_SPLIT = re.compile(r"[;|]")
_LANG = re.compile(r"^[a-z]{2}$")
_DK_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_MAX_LISTED_WARNINGS = 10


@dataclass(frozen=True)
class _Dialect:
    encoding: str
    sep: str

    @property
    def danish(self) -> bool:
        return self.sep == ";"


def _decode(path: Path, problems: list[Problem]) -> tuple[str, _Dialect] | None:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, None, None, f"cannot be read ({exc.strerror})"))
        return None
    if not raw.strip(b"\r\n\t \xef\xbb\xbf"):
        problems.append(Problem(name, None, None, "the file is empty"))
        return None
    sample = raw[:65536]
    controls = sum(b < 32 and b not in (9, 10, 13) for b in sample)
    if b"\x00" in sample or controls > len(sample) // 100:
        problems.append(Problem(name, None, None, "is not a CSV text file (it holds binary data)"))
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.append(Problem(name, None, None, "is neither UTF-8 nor Windows-1252 text"))
        return None
    header = text.lstrip().split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    return text, _Dialect(encoding, sep)


def _read_frame(path: Path, problems: list[Problem]) -> tuple[pd.DataFrame, _Dialect] | None:
    decoded = _decode(path, problems)
    if decoded is None:
        return None
    text, dialect = decoded
    try:
        frame = pd.read_csv(
            _io.StringIO(text),
            sep=dialect.sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        row = int(match.group(1)) if match else None
        detail = re.sub(r"^Error tokenizing data\. C error: ", "", str(exc)).strip()
        problems.append(Problem(path.name, row, None, f"cannot be read as CSV: {detail}"))
        return None
    except pd.errors.EmptyDataError:
        problems.append(Problem(path.name, None, None, "the file is empty"))
        return None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame = frame.apply(lambda s: s.str.strip())
    return frame, dialect


def _rows(mask: np.ndarray | pd.Series) -> np.ndarray:
    """Spreadsheet row numbers (header = 1) of the true entries of ``mask``."""
    return np.flatnonzero(np.asarray(mask)) + 2


def _split_list(text: str) -> tuple[str, ...]:
    items = [item.strip().lower() for item in _LIST_SPLIT.split(text)]
    return tuple(dict.fromkeys(item for item in items if item))


class _Checker:
    """Parses the columns of one table and collects its problems."""

    def __init__(self, spec: FileSpec, frame: pd.DataFrame, dialect: _Dialect) -> None:
        self.spec = spec
        self.frame = frame
        self.dialect = dialect
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, rows: np.ndarray, column: str, message: str | list[str]) -> None:
        messages = message if isinstance(message, list) else [message] * len(rows)
        self.problems.extend(
            Problem(self.spec.name, int(r), column, m) for r, m in zip(rows, messages, strict=True)
        )

    def parse(self) -> pd.DataFrame | None:
        present = set(self.frame.columns)
        missing = [c.name for c in self.spec.columns if c.required and c.name not in present]
        for name in missing:
            self.problems.append(Problem(self.spec.name, 1, name, "required column is missing"))
        if missing:
            return None
        out: dict[str, Any] = {}
        for column in self.spec.columns:
            if column.name in present:
                cells = self.frame[column.name].astype(object).to_numpy()
            else:
                cells = np.full(len(self.frame), "", dtype=object)
            out.update(self._column(column, cells))
        extra = [c for c in self.frame.columns if c not in {c.name for c in self.spec.columns}]
        for name in extra:  # unknown columns are kept as text, untouched
            out[name] = self.frame[name].astype(object).to_numpy()
        result = pd.DataFrame(out)
        if self.spec.key is not None:
            key = result[self.spec.key]
            dup = key.duplicated(keep="first") & (key != "")
            first_row = {v: i + 2 for i, v in reversed(list(enumerate(key)))}
            self.add(
                _rows(dup),
                self.spec.key,
                [f"duplicate id '{v}' (first used in row {first_row[v]})" for v in key[dup]],
            )
        return result

    def _column(self, column: Column, cells: np.ndarray) -> dict[str, Any]:
        name = column.name
        empty = cells == ""
        if column.required:
            self.add(_rows(empty), name, "is empty; a value is required")
        parse = getattr(self, f"_parse_{column.type}")
        values, bad, messages = parse(column, cells, empty)
        if bad is not None and bad.any():
            self.add(_rows(bad), name, list(np.asarray(messages, dtype=object)[bad]))
        if column.default is not None and empty.any():
            values = values.copy()
            default = column.default
            if column.type == "windows":
                default = ()
            fill = np.empty(int(empty.sum()), dtype=object)
            fill[:] = [default] * len(fill)
            values[empty] = fill if values.dtype == object else default
        result = {name: values}
        if column.type == "clock":
            minutes = np.array([parse_clock(v, allow_24=True) if v else 0 for v in values])
            result[f"{name}_min"] = minutes
        if column.type == "enum" and name == "weekday":
            result["day"] = np.array([WEEKDAYS.index(v) if v in WEEKDAYS else -1 for v in values])
        return result

    # -- one parser per column type: (values, bad mask, messages) ------------
    def _parse_id(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return cells, None, None

    _parse_text = _parse_id

    def _parse_enum(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        values = np.array([c.lower() for c in cells], dtype=object)
        bad = ~np.isin(values, column.choices) & ~empty
        options = ", ".join(column.choices)
        messages = (
            np.array(
                [f"'{c}' is not a known {column.name} (expected one of: {options})" for c in cells],
                dtype=object,
            )
            if bad.any()
            else None
        )
        return values, bad, messages

    def _parse_list(self, column: Column, cells: np.ndarray, empty: np.ndarray, check: Any) -> Any:
        cache: dict[str, tuple[tuple[str, ...], str | None]] = {}
        for cell in set(cells):
            items = _split_list(cell)
            cache[cell] = (items, check(items))
        values = np.empty(len(cells), dtype=object)
        values[:] = [cache[c][0] for c in cells]
        messages = np.array([cache[c][1] for c in cells], dtype=object)
        return values, (messages != None) & ~empty, messages  # noqa: E711

    def _parse_enum_list(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        def check(items: tuple[str, ...]) -> str | None:
            if column.allow_all and "all" in items:
                return None if items == ("all",) else "'all' cannot be combined with others"
            unknown = [i for i in items if i not in column.choices]
            if unknown:
                return (
                    f"unknown {column.name} '{unknown[0]}' (expected: {', '.join(column.choices)})"
                )
            return None

        return self._parse_list(column, cells, empty, check)

    def _parse_tag_list(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return self._parse_list(column, cells, empty, lambda items: None)

    def _parse_lang_list(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        def check(items: tuple[str, ...]) -> str | None:
            wrong = [i for i in items if not _LANG.match(i)]
            if wrong:
                return f"'{wrong[0]}' is not a two-letter language code (ISO 639-1, e.g. da, en)"
            return None

        return self._parse_list(column, cells, empty, check)

    def _parse_windows(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        def parse(cell: str) -> tuple[tuple[Any, ...], str | None]:
            windows = []
            for item in _LIST_SPLIT.split(cell):
                if not item.strip():
                    continue
                try:
                    windows.append(parse_window(item))
                except ValueError as exc:
                    return (), str(exc)
            return tuple(sorted(set(windows))), None

        cache = {cell: parse(cell) for cell in set(cells)}
        values = np.empty(len(cells), dtype=object)
        values[:] = [cache[c][0] for c in cells]
        messages = np.array([cache[c][1] for c in cells], dtype=object)
        return values, (messages != None) & ~empty, messages  # noqa: E711

    def _numbers(self, cells: np.ndarray) -> np.ndarray:
        text = pd.Series(cells, dtype=object)
        if self.dialect.danish:
            thousands = text.str.match(_DK_THOUSANDS)
            text = text.where(~thousands, text.str.replace(".", "", regex=False))
        text = text.str.replace(",", ".", regex=False)
        return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)

    def _parse_float(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        numbers = self._numbers(cells)
        messages = np.empty(len(cells), dtype=object)
        not_number = np.isnan(numbers) & ~empty
        messages[not_number] = [f"'{c}' is not a number" for c in cells[not_number]]
        bad = not_number.copy()
        if column.minimum is not None:
            low = (
                numbers <= column.minimum if column.exclusive_minimum else numbers < column.minimum
            )
            low &= ~np.isnan(numbers)
            word = "greater than" if column.exclusive_minimum else "at least"
            messages[low] = f"must be {word} {column.minimum:g}, not " + cells[low]
            bad |= low
        default = column.default if column.default is not None else np.nan
        return np.where(np.isnan(numbers), default, numbers), bad, messages

    def _parse_int(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        values, bad, messages = self._parse_float(column, cells, empty)
        fraction = ~bad & ~empty & (np.mod(values, 1) != 0)
        messages[fraction] = [f"'{c}' is not a whole number" for c in cells[fraction]]
        bad |= fraction
        return np.where(bad | np.isnan(values), 0, values).astype(np.int64), bad, messages

    def _parse_bool(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        lower = np.array([c.lower() for c in cells], dtype=object)
        true = np.isin(lower, list(_TRUE))
        bad = ~true & ~np.isin(lower, list(_FALSE)) & ~empty
        messages = (
            np.array(
                [f"'{c}' is not yes/no (true/false, 1/0, ja/nej)" for c in cells], dtype=object
            )
            if bad.any()
            else None
        )
        return np.where(empty, bool(column.default), true), bad, messages

    def _parse_date(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        text = pd.Series(cells, dtype=object)
        dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        for fmt in ("%d-%m-%Y", "%d.%m.%Y"):
            missing = dates.isna() & ~pd.Series(empty)
            if missing.any():
                dates = dates.fillna(
                    pd.to_datetime(text.where(missing), format=fmt, errors="coerce")
                )
        bad = (dates.isna() & ~pd.Series(empty)).to_numpy()
        messages = np.empty(len(cells), dtype=object)
        messages[bad] = [f"'{c}' is not a date (YYYY-MM-DD)" for c in cells[bad]]
        return dates.to_numpy(dtype="datetime64[ns]"), bad, messages

    def _parse_clock(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        values = np.empty(len(cells), dtype=object)
        messages = np.empty(len(cells), dtype=object)
        cache: dict[str, tuple[str, str | None]] = {}
        for cell in set(cells):
            try:
                cache[cell] = (format_minutes(parse_clock(cell, allow_24=True)), None)
            except ValueError as exc:
                cache[cell] = ("", str(exc))
        values[:] = [cache[c][0] for c in cells]
        messages[:] = [cache[c][1] for c in cells]
        return values, (messages != None) & ~empty, messages  # noqa: E711

    def _coordinate(self, cells: np.ndarray, empty: np.ndarray, limit: float, word: str) -> Any:
        numbers = self._numbers(cells)
        messages = np.empty(len(cells), dtype=object)
        not_number = np.isnan(numbers) & ~empty
        messages[not_number] = [f"'{c}' is not a number" for c in cells[not_number]]
        out_of_range = np.abs(numbers) > limit
        messages[out_of_range] = [
            f"{word} {c} is outside -{limit:g}..{limit:g}" for c in cells[out_of_range]
        ]
        return numbers, not_number | out_of_range, messages

    def _parse_lat(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return self._coordinate(cells, empty, 90, "latitude")

    def _parse_lon(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return self._coordinate(cells, empty, 180, "longitude")


def read_table(
    path: Path, spec: FileSpec
) -> tuple[pd.DataFrame | None, list[Problem], list[Problem]]:
    """Read one file against its spec: (frame or None, problems, warnings)."""
    problems: list[Problem] = []
    read = _read_frame(path, problems)
    if read is None:
        return None, problems, []
    frame, dialect = read
    checker = _Checker(spec, frame, dialect)
    table = checker.parse()
    problems.extend(checker.problems)
    return table, problems, checker.warnings
