"""Excel workbooks of Brobygger's tables: one writer for every command.

``workbook_bytes`` turns tables into an ``.xlsx`` workbook with one sheet per
table: the header row in bold and frozen (it stays in view while scrolling),
columns wide enough for their text, numbers stored as numbers with a number
format (whole numbers ``#,##0``, shares ``0.0%``, coordinates to six
decimals, other decimals ``#,##0.0#``), dates as dates (``yyyy-mm-dd``), and
missing values as empty cells. Excel shows the numbers in the reader's own
locale, so a Danish Excel shows ``12,5`` and ``1.500``.

Headers are the tables' column names, which are the contract's (and the
CSV's); in another language than English they are the app's words for the
column (``words.app.column_text``: ``patient_id`` reads ``Borger`` in
Danish), the column name where there are none, and the codes of a status,
kind, travel mode or time band are the app's words too (``placed`` reads
``placeret``).

Every text cell is stored as text, never as a formula, and starts with a
``'`` where a spreadsheet would otherwise run it (``matcher.csvsafe``), as
in the CSV files, so a workbook saved again as CSV stays safe.

``read_sheet`` reads one sheet of a user's workbook back as text cells for
the loader (``dataset.tables``): the sheet named after the table
(``offers``) or else the first, its first row holding anything as the
header, each cell as the text a CSV file would hold (numbers with a decimal
point, dates ``YYYY-MM-DD``, times ``HH:MM``, yes/no ``true``/``false``; a
formula as its last computed value), and each row's number as Excel shows
it.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..csvsafe import neutralise
from ..errors import InputError
from ..words.app import code_text, column_text
from ..words.problems import problem

__all__ = ["SheetCells", "number_format", "read_sheet", "sheet_title", "workbook_bytes"]

#: The most bytes a workbook may unpack to (its sheets are compressed XML).
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024

#: Characters a sheet title may not hold, and its longest length.
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
_TITLE_MAX = 31
#: Column widths, in characters, and the rows looked at to size them.
_WIDTH_MIN, _WIDTH_MAX, _WIDTH_ROWS = 6, 60, 500
#: Columns of codes shown in the app's words outside English, and the family of their codes.
_CODES = {"status": "status", "kind": "kind", "travel_mode": "mode", "band": "band"}
#: Columns whose decimals are coordinates, shown to about 0.1 m.
_COORDINATES = frozenset({"lat", "lon", "latitude", "longitude"})


def sheet_title(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A sheet title Excel accepts for ``name`` (no ``[]:*?/\\``, at most 31 characters),
    made unique among ``taken`` (compared as Excel does, ignoring case)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    base = ILLEGAL_CHARACTERS_RE.sub("", _TITLE_BAD.sub("_", name)).strip("' ")[:_TITLE_MAX]
    base = base or "Brobygger"
    lower = {t.lower() for t in taken}
    title, n = base, 1
    while title.lower() in lower:
        n += 1
        title = f"{base[: _TITLE_MAX - len(str(n)) - 1]}-{n}"
    return title


def number_format(column: str, values: pd.Series) -> str | None:
    """The number format of a column of ``values`` named ``column``: ``None`` for text."""
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_datetime64_any_dtype(values):
        return "yyyy-mm-dd"
    if pd.api.types.is_integer_dtype(values):
        return "0" if column.endswith(("_id", "order", "week")) else "#,##0"
    if pd.api.types.is_float_dtype(values):
        if "share" in column:
            return "0.0%"
        if column in _COORDINATES:
            return "0.000000"
        return "#,##0.0#"
    return None


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _value(value: Any) -> tuple[Any, str | None]:
    """A cell's value as openpyxl stores it, and whether it is ``"text"`` or a ``"date"``."""
    if isinstance(value, np.generic):
        value = value.item()
    if _missing(value):
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float):
        return (value, None) if math.isfinite(value) else (None, None)
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        if stamp == stamp.normalize():
            return stamp.date(), "date"
        return stamp.to_pydatetime(), "datetime"
    if isinstance(value, date | time):
        return value, "date" if isinstance(value, date) else None
    if isinstance(value, tuple | list | set | frozenset):
        value = ";".join(str(v) for v in value)
    return neutralise(str(value)), "text"


def _width(header: str, values: pd.Series) -> float:
    sample = [len(str(v)) for v in values.iloc[:_WIDTH_ROWS] if not _missing(v)]
    longest = max([len(header), *sample])
    return float(min(_WIDTH_MAX, max(_WIDTH_MIN, longest + 2)))


#: Text that is an ISO date, as result tables hold their dates (``2027-01-04``).
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _dated(values: pd.Series) -> pd.Series:
    """A column of ISO dates as text (``start_date``) as dates, so Excel sorts and
    filters them as dates; any other column as it is."""
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return values
    given = values[values.notna() & (values.astype(str) != "")]
    if not len(given) or not given.astype(str).str.fullmatch(_ISO_DATE).all():
        return values
    days = pd.to_datetime(values.where(values.astype(str) != ""), errors="coerce")
    return values if days[given.index].isna().any() else days


def _in_words(values: pd.Series, family: str, lang: str) -> pd.Series:
    """A column of codes in the words of ``lang`` (a missing or empty code stays so)."""
    words = [code_text(family, v, lang) if isinstance(v, str) and v else v for v in values]
    return pd.Series(words, index=values.index, dtype=object)


def _header(column: object, lang: str) -> str:
    name = str(column)
    return name if lang == "en" else column_text(name, lang)


def workbook_bytes(sheets: Sequence[tuple[str, pd.DataFrame]], *, lang: str = "en") -> bytes:
    """An ``.xlsx`` workbook with one sheet per ``(title, frame)``, headers in ``lang``
    (the column names in English), the header row frozen, widths, and number formats."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for title, frame in sheets:
        name = sheet_title(title, taken)
        taken.add(name)
        sheet = book.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        columns = {i: _dated(frame.iloc[:, i]) for i in range(frame.shape[1])}
        if lang != "en":
            for i, name in enumerate(frame.columns):
                if str(name) in _CODES:
                    columns[i] = _in_words(columns[i], _CODES[str(name)], lang)
        frame = pd.DataFrame(columns).set_axis(list(frame.columns), axis=1)
        headers = [_header(c, lang) for c in frame.columns]
        formats = [number_format(str(c), frame.iloc[:, i]) for i, c in enumerate(frame.columns)]
        for i, header in enumerate(headers):
            width = _width(header, frame.iloc[:, i])
            sheet.column_dimensions[get_column_letter(i + 1)].width = width

        def text_cell(words: str, sheet: Any = sheet) -> Any:
            made = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", words))
            made.data_type = "s"  # text, even when it starts with "="
            return made

        def cell(value: Any, fmt: str | None, sheet: Any = sheet) -> Any:
            shown, kind = _value(value)
            if kind == "text":
                return text_cell(shown)
            made = WriteOnlyCell(sheet, value=shown)
            if kind == "date":
                made.number_format = "yyyy-mm-dd"
            elif kind == "datetime":
                made.number_format = "yyyy-mm-dd hh:mm"
            elif fmt is not None and isinstance(shown, int | float) and not isinstance(shown, bool):
                made.number_format = fmt
            return made

        heads = []
        for header in headers:
            made = text_cell(neutralise(header))
            made.font = bold
            heads.append(made)
        sheet.append(heads)
        for row in frame.itertuples(index=False, name=None):
            sheet.append([cell(v, f) for v, f in zip(row, formats, strict=True)])
    if not taken:
        book.create_sheet(title="Brobygger")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class SheetCells(NamedTuple):
    """One sheet of a workbook as text: the header's cells, each column's cells (one
    per row below the header, blank rows included) and each row's number in Excel."""

    sheet: str
    header: list[str]
    columns: list[np.ndarray]
    rows: np.ndarray
    header_row: int = 1


def _text(value: Any) -> str:
    """A workbook cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        if value.date() in (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1)):
            return f"{value:%H:%M}"  # a time of day Excel keeps as a day and a fraction
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value:%H:%M}" if value.second == 0 else f"{value:%H:%M:%S}"
    if isinstance(value, timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return str(value)


def _not_a_workbook(name: str) -> InputError:
    return InputError(
        [
            problem(
                name,
                None,
                None,
                "is not an Excel workbook (.xlsx); save it again as 'Excel-projektmappe "
                "(.xlsx)' or as CSV",
            )
        ]
    )


def read_sheet(data: bytes, name: str, table: str) -> SheetCells:
    """The sheet of the workbook ``data`` (the file ``name``) that holds ``table``: the
    sheet of that title (in any case), else the first. Raises ``InputError`` for a
    file that is not a workbook, unpacks to too much, or has no sheet."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_a_workbook(name) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError(
            [
                problem(
                    name,
                    None,
                    None,
                    "unpacks to more than {limit} MB; save it as CSV instead",
                    limit=MAX_UNPACKED_BYTES // (1024 * 1024),
                )
            ]
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _not_a_workbook(name) from None
    try:
        sheets = list(book.worksheets)
        if not sheets:
            raise InputError([problem(name, None, None, "the workbook has no sheet")])
        sheet = next((s for s in sheets if s.title.lower() == table.lower()), sheets[0])
        sheet.reset_dimensions()  # a writer's stated size may be wrong: read every row
        records: list[tuple[int, list[str]]] = []
        number = 0
        for cells in sheet.iter_rows():
            known = next((c.row for c in cells if getattr(c, "row", None)), None)
            number = known if known is not None else number + 1
            records.append((number, [_text(c.value) for c in cells]))
    except InputError:
        raise
    except Exception:
        raise _not_a_workbook(name) from None
    finally:
        book.close()
    first = next((i for i, (_, r) in enumerate(records) if any(c.strip() for c in r)), None)
    if first is None:
        return SheetCells(sheet.title, [], [], np.empty(0, dtype=np.int64))
    body = records[first + 1 :]
    width = max(len(r) for _, r in records[first:])
    header = (records[first][1] + [""] * width)[:width]
    grid = [(r + [""] * width)[:width] for _, r in body]
    columns = [np.array([row[i] for row in grid], dtype=object) for i in range(width)]
    rows = np.array([n for n, _ in body], dtype=np.int64)
    return SheetCells(sheet.title, header, columns, rows, records[first][0])
