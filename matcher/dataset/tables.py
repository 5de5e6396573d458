"""Read one file of a dataset: its bytes, dialect, records and cells.

Accepts UTF-8 (with or without BOM) and Danish spreadsheet exports (``;``,
decimal comma, Windows-1252), detected from the bytes, and Excel workbooks
(``offers.xlsx`` instead of ``offers.csv``: the sheet named after the table,
else the first; ``workbook.read_sheet``), whose problems name the file and
the sheet (``offers.xlsx:Ark1:12:fee_dkk_month``). ``table_source`` finds a
table's file in a folder, either ending. Every problem is
collected as a ``Problem`` with the spreadsheet row and the column; nothing
stops at the first one. Rows are numbered as a spreadsheet shows them (the
header is row 1), also when the file holds blank rows, which are skipped.

This module reads the file into trimmed text cells; ``checker`` checks every
cell against the file's spec, with the cell parsers of ``cells``.

Cells are parsed once per distinct value, so a file of 100,000 rows, whose
columns repeat a few values each, loads in about a second.
"""

from __future__ import annotations

import csv
import dataclasses
import io as _io
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import LISTED as _LISTED
from ..errors import InputError, Problem
from ..words.problems import listed, problem
from .cells import Dialect, by_unique, formula_id_problem, has_control, language_codes, limits_text
from .checker import Checker
from .files import read_bytes
from .schema import MAX_CELL_CHARS, MAX_FILE_BYTES, FileSpec
from .workbook import read_sheet

# the cell rules are read from here as well as from ``cells``
__all__ = [
    "WORKBOOK",
    "TableRead",
    "formula_id_problem",
    "has_control",
    "language_codes",
    "limits_text",
    "read_table",
    "relabelled",
    "table_source",
]

#: The ending of a table given as an Excel workbook.
WORKBOOK = ".xlsx"
#: How the loader names a workbook's cells: the file, a colon and the sheet.
_LABEL = "{file}:{sheet}"

_LONE_CR = re.compile(r"\r(?!\n)")
#: Bytes that may appear in a text file: tab, line feed, carriage return and 32-255.
_TEXT_BYTES = bytes([9, 10, 13, *range(32, 256)])


# a long cell is named with its row and column by the length check of
# ``_read_columns``, not cut short by the CSV reader's own limit
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))


class TableRead(NamedTuple):
    """One file read against its spec.

    ``rows`` holds the spreadsheet row number of every row of ``frame``;
    ``label`` is how problems name the file (``offers.xlsx:Ark1`` for a sheet).
    """

    frame: pd.DataFrame | None
    problems: list[Problem]
    warnings: list[Problem]
    rows: np.ndarray
    label: str = ""


def table_source(root: Path, spec: FileSpec, problems: list[Problem]) -> Path | None:
    """The file of ``spec`` in ``root``: ``offers.csv`` or ``offers.xlsx``. None when
    there is none (a problem for a required file) or both (always a problem)."""
    csv_path = root / spec.name
    book = csv_path.with_suffix(WORKBOOK)
    found = [p for p in (csv_path, book) if p.exists()]
    if len(found) == 2:
        problems.append(
            problem(
                spec.name,
                None,
                None,
                "{csv} and {workbook} are both in the folder; keep one of them",
                csv=spec.name,
                workbook=book.name,
            )
        )
        return None
    if not found and spec.required:
        problems.append(problem(spec.name, None, None, "file not found in {folder}", folder=root))
    return found[0] if found else None


def relabelled(problems: list[Problem], labels: dict[str, str]) -> list[Problem]:
    """``problems`` with the file of each named by its label (``sessions.csv``, whose
    table came from a workbook, as ``sessions.xlsx:Ark1``)."""
    return [
        dataclasses.replace(p, file=labels[p.file]) if p.file in labels else p for p in problems
    ]


def _decode(path: Path, problems: list[Problem]) -> tuple[str, Dialect] | None:
    name = path.name
    try:
        raw = read_bytes(path, name)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if not raw.strip(b"\r\n\t \xef\xbb\xbf"):
        problems.append(problem(name, None, None, "the file is empty"))
        return None
    if b"\r" in raw.strip(b"\r\n\t ") and b"\n" not in raw:
        problems.append(
            problem(
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
        problems.append(problem(name, None, None, "is not a CSV text file (it holds binary data)"))
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.append(problem(name, None, None, "is neither UTF-8 nor Windows-1252 text"))
        return None
    if _LONE_CR.search(text):
        reader = csv.reader(_io.StringIO(text), delimiter=_separator(text))
        try:
            for _ in reader:
                pass
        except csv.Error:
            problems.append(
                problem(
                    name,
                    reader.line_num,
                    None,
                    "a carriage return stands alone inside a row (outside quotes); save the "
                    "file again as 'CSV UTF-8' or 'CSV (semikolonsepareret)'",
                )
            )
            return None
    return text, Dialect(encoding, _separator(text))


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
        problems.append(_csv_error(name, reader.line_num, str(exc)))
    if not records:
        return pd.DataFrame()
    header = records[0]
    width = len(header)
    body = []
    for row, record in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in record[width:]):
            problems.append(
                problem(
                    name,
                    row,
                    None,
                    "has {cells} cells but the header has {width} columns "
                    "(a stray '{sep}' or a missing column name?)",
                    cells=len(record),
                    width=width,
                    sep=sep,
                )
            )
        body.append((record + [""] * width)[:width])
    return pd.DataFrame(body, columns=header, dtype=object)


def _short_rows(name: str, text: str, sep: str, width: int) -> list[Problem]:
    """Rows with fewer cells than the header's named columns: a cell was lost (a
    separator missing), so the cells after it would silently take their defaults."""
    found = []
    for row, record in enumerate(csv.reader(_io.StringIO(text), delimiter=sep), start=1):
        if row > 1 and 0 < len(record) < width and any(cell.strip() for cell in record):
            found.append(
                problem(
                    name,
                    row,
                    None,
                    "has {cells} cells but the header has {width} columns "
                    "(a missing '{sep}'?); give every column of the row, empty if need be",
                    cells=len(record),
                    width=width,
                    sep=sep,
                )
            )
    return listed(found, name, None, "rows with too few cells")


def _csv_error(name: str, row: int | None, detail: str) -> Problem:
    """A plain problem for an error of Python's CSV reader (``detail``, its own words)."""
    if "field larger than field limit" in detail:
        return problem(
            name,
            row,
            None,
            "holds a cell longer than {limit:,} characters (a missing quote?)",
            limit=MAX_CELL_CHARS,
        )
    return problem(name, row, None, "cannot be read as CSV: {detail}", detail=detail)


def _read_columns(
    path: Path, problems: list[Problem]
) -> tuple[dict[str, np.ndarray], np.ndarray, Dialect] | None:
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
                problem(
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
            problems.append(
                problem(name, row, None, "cannot be read as CSV: {detail}", detail=detail)
            )
            return None
        overlong = True
    except pd.errors.EmptyDataError:
        problems.append(problem(name, None, None, "the file is empty"))
        return None
    if overlong:
        frame = _records(name, text, dialect.sep, problems)
        if frame.shape[1] == 0:
            return None
    names = next(csv.reader(_io.StringIO(text.lstrip("\r\n")), delimiter=dialect.sep))
    if len(names) != frame.shape[1]:  # pandas and csv disagree: use pandas' names
        names = [str(c) for c in frame.columns]
    cells = {
        i: by_unique(frame.iloc[:, i].to_numpy(dtype=object), str.strip) for i in range(len(names))
    }
    blank = np.ones(len(frame), dtype=bool)
    for values in cells.values():
        blank &= values == ""
    header = [c.strip().lower() for c in names]
    named = max((i + 1 for i, column in enumerate(header) if column), default=0)
    short: list[Problem] = []
    if not overlong and named and (cells[named - 1][~blank] == "").any():
        short = _short_rows(name, text.lstrip("\r\n"), dialect.sep, named)
    numbers = np.arange(len(frame), dtype=np.int64) + 2
    keep, rows = _checked_columns(name, names, cells, blank, numbers, problems, rows_first=short)
    return keep, rows, dialect


def _checked_columns(
    name: str,
    names: list[str],
    cells: dict[int, np.ndarray],
    blank: np.ndarray,
    numbers: np.ndarray,
    problems: list[Problem],
    *,
    header_row: int = 1,
    rows_first: list[Problem] | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The named columns' cells without blank rows, and each kept row's number;
    names, long cells and control characters checked. ``numbers`` holds the
    spreadsheet row number of every row of ``cells``, ``header_row`` the header's;
    ``rows_first`` are problems of whole rows, listed after those of the header."""
    header = [c.strip().lower() for c in names]
    problems.extend(
        problem(name, header_row, f"column {i + 1}", "the column name holds a control character")
        for i, column in enumerate(header)
        if has_control(column)
    )
    problems.extend(rows_first or ())
    for i, column in enumerate(header):
        long_cells = np.flatnonzero(by_unique(cells[i], len).astype(np.int64) > MAX_CELL_CHARS)
        problems.extend(
            problem(
                name,
                int(numbers[r]),
                column or f"column {i + 1}",
                "holds {length:,} characters, more than the {limit:,} a "
                "cell may hold (a missing quote?)",
                length=len(cells[i][r]),
                limit=MAX_CELL_CHARS,
            )
            for r in long_cells[:_LISTED]
        )
        controlled = np.flatnonzero(by_unique(cells[i], has_control).astype(bool))
        problems.extend(
            problem(
                name,
                int(numbers[r]),
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
            problems.append(problem(name, header_row, f"column {i + 1}", "has values but no name"))
            continue
        if column in keep:
            problems.append(
                problem(name, header_row, column, "appears more than once in the header")
            )
            continue
        keep[column] = cells[i][~blank]
    return keep, numbers[~blank]


def _read_sheet_columns(
    path: Path, table: str, problems: list[Problem]
) -> tuple[dict[str, np.ndarray], np.ndarray, str] | None:
    """The trimmed text cells of each named column of a workbook's sheet, without
    blank rows, each row's number in Excel, and the label naming the sheet."""
    try:
        sheet = read_sheet(read_bytes(path, path.name), path.name, table)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    label = _LABEL.format(file=path.name, sheet=sheet.sheet)
    if not sheet.header:
        problems.append(problem(label, None, None, "the sheet is empty"))
        return None
    cells = {i: by_unique(values, str.strip) for i, values in enumerate(sheet.columns)}
    blank = np.ones(len(sheet.rows), dtype=bool)
    for values in cells.values():
        blank &= values == ""
    keep, rows = _checked_columns(
        label, sheet.header, cells, blank, sheet.rows, problems, header_row=sheet.header_row
    )
    return keep, rows, label


def read_table(path: Path, spec: FileSpec) -> TableRead:
    """Read one file against its spec: the frame (or None), problems, warnings
    and the spreadsheet row number of every row of the frame."""
    problems: list[Problem] = []
    if path.suffix.lower() == WORKBOOK:
        sheet = _read_sheet_columns(path, Path(spec.name).stem, problems)
        if sheet is None:
            return TableRead(None, problems, [], np.empty(0, dtype=np.int64), path.name)
        columns, rows, label = sheet
        spec = dataclasses.replace(spec, name=label)
        dialect = Dialect("xlsx", ",")
    else:
        read = _read_columns(path, problems)
        if read is None:
            return TableRead(None, problems, [], np.empty(0, dtype=np.int64), spec.name)
        columns, rows, dialect = read
        label = spec.name
    checker = Checker(spec, columns, rows, dialect)
    table = checker.parse()
    problems.extend(checker.problems)
    return TableRead(table, problems, checker.warnings, rows, label)
