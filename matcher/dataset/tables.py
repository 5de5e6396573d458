"""Read one CSV file of a dataset and check every cell against its spec.

Accepts UTF-8 (with or without BOM) and Danish spreadsheet exports (``;``,
decimal comma, Windows-1252), detected from the bytes. Every problem is
collected as a ``Problem`` with the spreadsheet row and the column; nothing
stops at the first one. Rows are numbered as a spreadsheet shows them (the
header is row 1), also when the file holds blank rows, which are skipped.

Cells are parsed once per distinct value, so a file of 100,000 rows, whose
columns repeat a few values each, loads in about a second.
"""

from __future__ import annotations

import csv
import datetime as dt
import io as _io
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..domain import WEEKDAYS, format_minutes, parse_clock, parse_window
from ..errors import LISTED as _LISTED
from ..errors import InputError, Problem, listed
from ..privacy import looks_like_cpr, looks_like_personal_id, personal_column
from .files import read_bytes
from .schema import (
    DATE_MAX,
    DATE_MIN,
    FORMULA_STARTS,
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    Column,
    FileSpec,
)

__all__ = ["TableRead", "read_table"]

_TRUE = frozenset({"true", "1", "ja", "yes", "y", "j", "sand"})
_FALSE = frozenset({"false", "0", "nej", "no", "n", "falsk"})
_LIST_SPLIT = re.compile(r"[;|]")
_LANG = re.compile(r"^[a-z]{2}$")
_DK_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$", re.ASCII)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_LONE_CR = re.compile(r"\r(?!\n)")
#: C0 and C1 control characters but tab and line breaks, the bidirectional
#: overrides (which reverse how a name reads) and the Unicode line separators.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
#: Bytes that may appear in a text file: tab, line feed, carriage return and 32-255.
_TEXT_BYTES = bytes([9, 10, 13, *range(32, 256)])


#: Country codes often written for a language, and the language meant.
_COUNTRY_NOT_LANGUAGE = {
    "dk": "Danish is 'da'",
    "se": "Swedish is 'sv'",
    "gr": "Greek is 'el'",
    "ua": "Ukrainian is 'uk'",
    "jp": "Japanese is 'ja'",
    "cn": "Chinese is 'zh'",
    "ir": "Persian (Farsi) is 'fa'",
    "pk": "Urdu is 'ur'",
}


@cache
def language_codes() -> frozenset[str]:
    """The two-letter language codes of ISO 639-1, as the Unicode CLDR (Babel) lists them."""
    from babel import Locale

    return frozenset(
        code for code in map(str, Locale("en").languages) if len(code) == 2 and code.isalpha()
    )


#: Column types whose cells are free text, where a CPR number could be typed.
_FREE_TEXT = frozenset({"text", "tag_list", "id"})


# a long cell is named with its row and column by the length check of
# ``_read_columns``, not cut short by the CSV reader's own limit
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))


class TableRead(NamedTuple):
    """One file read against its spec.

    ``rows`` holds the spreadsheet row number of every row of ``frame``.
    """

    frame: pd.DataFrame | None
    problems: list[Problem]
    warnings: list[Problem]
    rows: np.ndarray


@dataclass(frozen=True)
class _Dialect:
    encoding: str
    sep: str

    @property
    def danish(self) -> bool:
        return self.sep == ";"


def _by_unique(cells: np.ndarray, func: Callable[[str], Any]) -> np.ndarray:
    """``func`` applied to every cell, computed once per distinct value (object array)."""
    codes, uniques = pd.factorize(cells)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]
    return mapped[codes] if len(cells) else np.empty(0, dtype=object)


def _decode(path: Path, problems: list[Problem]) -> tuple[str, _Dialect] | None:
    name = path.name
    try:
        raw = read_bytes(path, name)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if not raw.strip(b"\r\n\t \xef\xbb\xbf"):
        problems.append(Problem(name, None, None, "the file is empty"))
        return None
    if b"\r" in raw.strip(b"\r\n\t ") and b"\n" not in raw:
        problems.append(
            Problem(
                name,
                None,
                None,
                "its lines end with a carriage return only (an old Mac format); save it "
                "again as 'CSV UTF-8' or 'CSV (semikolonsepareret)'",
            )
        )
        return None
    sample = raw[:65536]
    controls = len(sample.translate(None, _TEXT_BYTES))
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
    if _LONE_CR.search(text):
        reader = csv.reader(_io.StringIO(text), delimiter=_separator(text))
        try:
            for _ in reader:
                pass
        except csv.Error:
            problems.append(
                Problem(
                    name,
                    reader.line_num,
                    None,
                    "a carriage return stands alone inside a row (outside quotes); save the "
                    "file again as 'CSV UTF-8' or 'CSV (semikolonsepareret)'",
                )
            )
            return None
    return text, _Dialect(encoding, _separator(text))


def _separator(text: str) -> str:
    """``;`` for a Danish spreadsheet export, else ``,`` (from the header line)."""
    header = text.lstrip().split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _records(name: str, text: str, sep: str, problems: list[Problem]) -> pd.DataFrame:
    """The file read record by record, for files whose rows have more cells than
    the header: every such row with something in its extra cells is a problem,
    and the extra cells are dropped."""
    reader = csv.reader(_io.StringIO(text), delimiter=sep)
    records = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, None, _csv_error(str(exc))))
    if not records:
        return pd.DataFrame()
    header = records[0]
    width = len(header)
    body = []
    for row, record in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in record[width:]):
            problems.append(
                Problem(
                    name,
                    row,
                    None,
                    f"has {len(record)} cells but the header has {width} columns "
                    f"(a stray '{sep}' or a missing column name?)",
                )
            )
        body.append((record + [""] * width)[:width])
    return pd.DataFrame(body, columns=header, dtype=object)


def _unquote_formula(cell: str) -> str:
    """``cell`` without the ``'`` that keeps a spreadsheet from running it as a formula."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def has_control(cell: str) -> bool:
    """True when ``cell`` holds a control character other than tab and line breaks
    (an escape code would restyle a terminal that shows it)."""
    return _CONTROL.search(cell) is not None


def formula_id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an id because a spreadsheet would run it, or ``None``."""
    if value.startswith(FORMULA_STARTS):
        return (
            f"an id cannot start with '{value[0]}' (a spreadsheet would read it as a "
            "formula); use letters or digits first"
        )
    return None


def _short_rows(name: str, text: str, sep: str, width: int) -> list[Problem]:
    """Rows with fewer cells than the header's named columns: a cell was lost (a
    separator missing), so the cells after it would silently take their defaults."""
    found = []
    for row, record in enumerate(csv.reader(_io.StringIO(text), delimiter=sep), start=1):
        if row > 1 and 0 < len(record) < width and any(cell.strip() for cell in record):
            found.append(
                Problem(
                    name,
                    row,
                    None,
                    f"has {len(record)} cells but the header has {width} columns "
                    f"(a missing '{sep}'?); give every column of the row, empty if need be",
                )
            )
    return listed(found, name, None, "rows with too few cells")


def _csv_error(detail: str) -> str:
    """A plain message for an error of Python's CSV reader."""
    if "field larger than field limit" in detail:
        return f"holds a cell longer than {MAX_CELL_CHARS:,} characters (a missing quote?)"
    return f"cannot be read as CSV: {detail}"


def _read_columns(
    path: Path, problems: list[Problem]
) -> tuple[dict[str, np.ndarray], np.ndarray, _Dialect] | None:
    """The trimmed text cells of each named column, without blank rows, and the
    spreadsheet row number of each row kept."""
    decoded = _decode(path, problems)
    if decoded is None:
        return None
    text, dialect = decoded
    name = path.name
    overlong = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(
                _io.StringIO(text),
                sep=dialect.sep,
                dtype=object,
                na_filter=False,
                skip_blank_lines=False,
                index_col=False,
                quoting=csv.QUOTE_MINIMAL,
            )
        overlong = any(issubclass(w.category, pd.errors.ParserWarning) for w in caught)
    except pd.errors.ParserError as exc:
        if "new-line character" in str(exc):
            match = re.search(r"row (\d+)", str(exc))
            problems.append(
                Problem(
                    name,
                    int(match.group(1)) + 1 if match else None,
                    None,
                    "a line ends with a carriage return alone inside a row; save the file "
                    "again as 'CSV UTF-8' or 'CSV (semikolonsepareret)'",
                )
            )
            return None
        if "Expected" not in str(exc):
            match = re.search(r"row (\d+)", str(exc))
            row = int(match.group(1)) + 1 if match else None
            detail = re.sub(r"^Error tokenizing data\. C error: ", "", str(exc)).strip()
            problems.append(Problem(name, row, None, f"cannot be read as CSV: {detail}"))
            return None
        overlong = True
    except pd.errors.EmptyDataError:
        problems.append(Problem(name, None, None, "the file is empty"))
        return None
    if overlong:
        frame = _records(name, text, dialect.sep, problems)
        if frame.shape[1] == 0:
            return None
    names = next(csv.reader(_io.StringIO(text.lstrip("\r\n")), delimiter=dialect.sep))
    if len(names) != frame.shape[1]:  # pandas and csv disagree: use pandas' names
        names = [str(c) for c in frame.columns]
    header = [c.strip().lower() for c in names]
    problems.extend(
        Problem(name, 1, f"column {i + 1}", "the column name holds a control character")
        for i, column in enumerate(header)
        if has_control(column)
    )
    cells = {
        i: _by_unique(frame.iloc[:, i].to_numpy(dtype=object), str.strip)
        for i in range(len(header))
    }
    blank = np.ones(len(frame), dtype=bool)
    for values in cells.values():
        blank &= values == ""
    named = max((i + 1 for i, column in enumerate(header) if column), default=0)
    if not overlong and named and (cells[named - 1][~blank] == "").any():
        problems.extend(_short_rows(name, text.lstrip("\r\n"), dialect.sep, named))
    for i, column in enumerate(header):
        long_cells = np.flatnonzero(_by_unique(cells[i], len).astype(np.int64) > MAX_CELL_CHARS)
        problems.extend(
            Problem(
                name,
                int(r) + 2,
                column or f"column {i + 1}",
                f"holds {len(cells[i][r]):,} characters, more than the {MAX_CELL_CHARS:,} a "
                "cell may hold (a missing quote?)",
            )
            for r in long_cells[:_LISTED]
        )
        controlled = np.flatnonzero(_by_unique(cells[i], has_control).astype(bool))
        problems.extend(
            Problem(
                name,
                int(r) + 2,
                column or f"column {i + 1}",
                "holds a control character (such as an escape code); remove it",
            )
            for r in controlled[:_LISTED]
        )
    keep: dict[str, np.ndarray] = {}
    for i, column in enumerate(header):
        unnamed = not column
        if unnamed and not (cells[i] != "").any():
            continue  # a trailing separator in the header: an empty, nameless column
        if unnamed:
            problems.append(Problem(name, 1, f"column {i + 1}", "has values but no name"))
            continue
        if column in keep:
            problems.append(Problem(name, 1, column, "appears more than once in the header"))
            continue
        keep[column] = cells[i][~blank]
    rows = np.flatnonzero(~blank) + 2
    return keep, rows, dialect


def _split_list(text: str) -> tuple[str, ...]:
    items = [item.strip().lower() for item in _LIST_SPLIT.split(text)]
    return tuple(dict.fromkeys(item for item in items if item))


def _number(text: str, danish: bool) -> tuple[float, str | None]:
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
        return math.nan, (
            f"'{text}' has a comma in a comma-separated file, which could be a decimal or a "
            "thousands mark: write 1500 or 12.5, or save as a Danish spreadsheet export (;)"
        )
    if not _NUMBER.match(text):
        return math.nan, f"'{text}' is not a number"
    value = float(text)
    if not math.isfinite(value):
        return math.nan, f"'{text}' is not a finite number"
    return value, None


def _within(column: Column, numbers: np.ndarray) -> np.ndarray:
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


def _date(text: str) -> tuple[dt.date | None, str | None]:
    """A date from ``YYYY-MM-DD``, ``DD-MM-YYYY`` or ``DD.MM.YYYY`` within the
    window of the contract, or ``None`` and why not."""
    for fmt in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not DATE_MIN <= day <= DATE_MAX:
            return None, (
                f"'{text}' is outside the dates Brobygger accepts "
                f"({DATE_MIN:%Y-%m-%d} to {DATE_MAX:%Y-%m-%d})"
            )
        return day, None
    return None, f"'{text}' is not a date (YYYY-MM-DD)"


class _Checker:
    """Parses the columns of one table and collects its problems."""

    def __init__(
        self, spec: FileSpec, columns: dict[str, np.ndarray], rows: np.ndarray, dialect: _Dialect
    ) -> None:
        self.spec = spec
        self.columns = columns
        self.rows = rows
        self.dialect = dialect
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, mask: np.ndarray, column: str, message: str | list[str]) -> None:
        """A problem in ``column`` of every row where ``mask`` is true."""
        rows = self.rows[np.flatnonzero(np.asarray(mask))]
        messages = message if isinstance(message, list) else [message] * len(rows)
        self.problems.extend(
            Problem(self.spec.name, int(r), column, m) for r, m in zip(rows, messages, strict=True)
        )

    def parse(self) -> pd.DataFrame | None:
        present = set(self.columns)
        if self.spec.no_personal_columns:
            for name in self.columns:
                if personal_column(name):
                    self.problems.append(
                        Problem(
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
            self.problems.append(Problem(self.spec.name, 1, name, "required column is missing"))
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
                dup = dup & ~_by_unique(key.to_numpy(dtype=object), looks_like_cpr).astype(bool)
            if dup.any():
                first_row = dict(zip(key[::-1], self.rows[::-1], strict=True))
                self.add(
                    dup,
                    self.spec.key,
                    [f"duplicate id '{v}' (first used in row {first_row[v]})" for v in key[dup]],
                )
            # ids that differ only in upper and lower case are one id to a person
            folded = pd.Series(_by_unique(key.to_numpy(dtype=object), str.casefold))
            alike = (folded.duplicated(keep="first") & (key != "")).to_numpy() & ~dup
            if self.spec.column(self.spec.key).pseudonym:
                alike &= ~_by_unique(key.to_numpy(dtype=object), looks_like_cpr).astype(bool)
            if alike.any():
                pairs = zip(key[::-1], self.rows[::-1], strict=True)
                first = dict(zip(folded[::-1], pairs, strict=True))
                self.add(
                    alike,
                    self.spec.key,
                    [
                        f"id '{v}' differs from '{first[f][0]}' (row {first[f][1]}) only in "
                        "upper and lower case; give each its own id"
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
            cpr = _by_unique(cells, looks_like_cpr).astype(bool)
            self.add(cpr, name, "holds what looks like a CPR number, which must never be here")

    def _column(self, column: Column, cells: np.ndarray) -> dict[str, Any]:
        name = column.name
        empty = cells == ""
        if column.required:
            self.add(empty, name, "is empty; a value is required")
        parse = getattr(self, f"_parse_{column.type}")
        values, bad, messages = parse(column, cells, empty)
        if bad is not None and bad.any():
            self.add(bad, name, list(np.asarray(messages, dtype=object)[bad]))
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
            minutes = _by_unique(values, lambda v: parse_clock(v, allow_24=True) if v else 0)
            result[f"{name}_min"] = minutes.astype(np.int64)
        if column.type == "enum" and name == "weekday":
            day = _by_unique(values, lambda v: WEEKDAYS.index(v) if v in WEEKDAYS else -1)
            result["day"] = day.astype(np.int64)
        return result

    # -- one parser per column type: (values, bad mask, messages) ------------
    def _parse_id(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        def check(cell: str) -> str | None:
            formula = formula_id_problem(cell)
            if formula is not None:
                return formula
            return looks_like_personal_id(cell) if column.pseudonym else None

        messages = _by_unique(cells, check)
        bad = (messages != None) & ~empty  # noqa: E711
        return cells, bad, messages

    def _parse_text(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        if column.name.endswith("_id"):  # a reference to an id of this or another file
            return self._parse_id(column, cells, empty)
        # the quote Brobygger (or a spreadsheet) puts before a text that starts
        # like a formula is not part of the text: '=Gåklub reads back as =Gåklub
        return _by_unique(cells, _unquote_formula), None, None

    def _parse_enum(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        values = _by_unique(cells, str.lower)
        known = _by_unique(values, lambda v: v in column.choices).astype(bool)
        bad = ~known & ~empty
        options = ", ".join(column.choices)
        messages = np.empty(len(cells), dtype=object)
        messages[bad] = [
            f"'{c}' is not a known {column.name} (expected one of: {options})" for c in cells[bad]
        ]
        return values, bad, messages

    def _parse_list(self, column: Column, cells: np.ndarray, empty: np.ndarray, check: Any) -> Any:
        def parse(cell: str) -> tuple[tuple[str, ...], str | None]:
            items = _split_list(cell)
            return items, check(items)

        parsed = _by_unique(cells, parse)
        values = np.empty(len(cells), dtype=object)
        values[:] = [p[0] for p in parsed]
        messages = np.array([p[1] for p in parsed], dtype=object)
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
            unknown = [i for i in items if i not in language_codes()]
            if unknown:
                code = unknown[0]
                hint = _COUNTRY_NOT_LANGUAGE.get(code)
                if hint:
                    return f"'{code}' is a country code, not a language; {hint}"
                return f"'{code}' is not a language code of ISO 639-1 (e.g. da, en, ar)"
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

        parsed = _by_unique(cells, parse)
        values = np.empty(len(cells), dtype=object)
        values[:] = [p[0] for p in parsed]
        messages = np.array([p[1] for p in parsed], dtype=object)
        return values, (messages != None) & ~empty, messages  # noqa: E711

    def _numbers(self, cells: np.ndarray, empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The number in every cell (NaN where none) and the message for each
        non-empty cell that holds no number."""
        danish = self.dialect.danish
        parsed = _by_unique(cells, lambda c: _number(c, danish) if c else (math.nan, None))
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
            outside = number & ~_within(column, numbers)
            limits = limits_text(column)
            messages[outside] = [f"must be {limits}, not {c}" for c in cells[outside]]
            bad |= outside
        default = column.default if column.default is not None else np.nan
        return np.where(bad | np.isnan(numbers), default, numbers), bad, messages

    def _parse_int(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        values, bad, messages = self._parse_float(column, cells, empty)
        fraction = ~bad & ~empty & (np.mod(values, 1) != 0)
        messages[fraction] = [f"'{c}' is not a whole number" for c in cells[fraction]]
        bad |= fraction
        return np.where(bad | np.isnan(values), 0, values).astype(np.int64), bad, messages

    def _parse_bool(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        def parse(cell: str) -> bool | None:
            word = cell.lower()
            return True if word in _TRUE else False if word in _FALSE else None

        parsed = _by_unique(cells, parse)
        bad = (parsed == None) & ~empty  # noqa: E711
        messages = np.empty(len(cells), dtype=object)
        messages[bad] = [f"'{c}' is not yes/no (true/false, 1/0, ja/nej)" for c in cells[bad]]
        return np.where(empty, bool(column.default), parsed == True), bad, messages  # noqa: E712

    def _parse_date(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        parsed = _by_unique(cells, lambda c: _date(c) if c else (None, None))
        messages = np.empty(len(cells), dtype=object)
        messages[:] = [p[1] for p in parsed]
        bad = (messages != None) & ~empty  # noqa: E711
        days = np.array(
            [p[0] if p[0] is not None else "NaT" for p in parsed], dtype="datetime64[D]"
        )
        return days.astype("datetime64[ns]"), bad, messages

    def _parse_clock(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        def parse(cell: str) -> tuple[str, str | None]:
            try:
                return format_minutes(parse_clock(cell, allow_24=True)), None
            except ValueError as exc:
                return "", str(exc)

        parsed = _by_unique(cells, parse)
        values = np.array([p[0] for p in parsed], dtype=object)
        messages = np.array([p[1] for p in parsed], dtype=object)
        return values, (messages != None) & ~empty, messages  # noqa: E711

    def _coordinate(self, cells: np.ndarray, empty: np.ndarray, limit: float, word: str) -> Any:
        numbers, messages = self._numbers(cells, empty)
        not_number = messages != None  # noqa: E711
        out_of_range = np.abs(numbers) > limit
        messages[out_of_range] = [
            f"{word} {c} is outside -{limit:g}..{limit:g}" for c in cells[out_of_range]
        ]
        return numbers, not_number | out_of_range, messages

    def _parse_lat(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return self._coordinate(cells, empty, 90, "latitude")

    def _parse_lon(self, column: Column, cells: np.ndarray, empty: np.ndarray) -> Any:
        return self._coordinate(cells, empty, 180, "longitude")


def read_table(path: Path, spec: FileSpec) -> TableRead:
    """Read one file against its spec: the frame (or None), problems, warnings
    and the spreadsheet row number of every row of the frame."""
    problems: list[Problem] = []
    read = _read_columns(path, problems)
    if read is None:
        return TableRead(None, problems, [], np.empty(0, dtype=np.int64))
    columns, rows, dialect = read
    checker = _Checker(spec, columns, rows, dialect)
    table = checker.parse()
    problems.extend(checker.problems)
    return TableRead(table, problems, checker.warnings, rows)
