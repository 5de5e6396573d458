"""The lists the store hands to people: CSV, Excel and a printable HTML page.

Every file is safe to open: a text cell that starts like a formula gets a
``'`` in front (``matcher.csvsafe``), Excel cells holding text are text cells
(never formulas), and the HTML page escapes every value. Files are written
atomically (``dataset.export.atomic_path``). CSV files keep the contract's
English: column names and codes as the store has them, dates as
``YYYY-MM-DD``; Excel and HTML are for reading, with headers and coded
values in the staff's words (``words.app.frame_in``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from ..csvsafe import neutralise
from ..dataset.export import atomic_path, write_csv, write_text
from ..words.app import frame_in, text
from ..words.formats import short_date

__all__ = ["csv_cells", "for_people", "page_html", "write_html", "write_table", "xlsx_bytes"]


def _iso(value: Any) -> Any:
    """A date or time as ISO text; anything else as it is (missing: empty)."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with dates as ``YYYY-MM-DD`` and missing values empty, for a CSV file."""
    out = frame.astype(object).copy()
    for column in out.columns:
        out[column] = [_iso(v) for v in out[column]]
    return out


def for_people(
    frame: pd.DataFrame, lang: str, codes: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """``frame`` for reading: coded values (``codes``: column to family) and headers in
    the staff's words of ``lang``; dates stay dates."""
    return frame_in(frame, lang, codes)


def _xlsx_value(value: Any) -> tuple[Any, str | None]:
    """A cell's value and number format: dates as dates, numbers as numbers, the rest
    as formula-safe text."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None, None
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).date(), "yyyy-mm-dd"
    if isinstance(value, date):
        return value, "yyyy-mm-dd"
    if isinstance(value, bool):
        return str(value), None
    if isinstance(value, int | float):
        return value, None
    return neutralise(str(value)), "text"


def xlsx_bytes(sheets: Sequence[tuple[str, pd.DataFrame]], caption: str = "") -> bytes:
    """A workbook with one sheet per ``(title, frame)``; ``caption`` on the first row of
    each. Text cells are stored as text, so a cell starting with ``=`` is never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    for title, frame in sheets:
        sheet = book.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Brobygger")

        def cell(value: Any, sheet: Any = sheet) -> Any:
            shown, number_format = _xlsx_value(value)
            if number_format == "text":
                made = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", shown))
                made.data_type = "s"
                return made
            made = WriteOnlyCell(sheet, value=shown)
            if number_format:
                made.number_format = number_format
            return made

        if caption:
            sheet.append([cell(caption)])
        sheet.append([cell(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_table(
    path: str | Path,
    frame: pd.DataFrame,
    *,
    lang: str = "da",
    codes: Mapping[str, str] | None = None,
    caption: str = "",
    more: Sequence[tuple[str, pd.DataFrame]] = (),
) -> Path:
    """Write ``frame`` to ``path``: CSV (the store's columns and codes) when it ends in
    ``.csv``, else an Excel workbook in the words of ``lang`` with ``more`` sheets
    after the first (titled ``caption``)."""
    target = Path(path)
    if target.suffix.lower() == ".csv":
        write_csv(csv_cells(frame), target)
        return target
    sheets = [(caption or "Brobygger", for_people(frame, lang, codes))]
    sheets += [(title, for_people(extra, lang, codes)) for title, extra in more]
    data = xlsx_bytes(sheets, caption)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def _html_cell(value: Any, lang: str) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return short_date(pd.Timestamp(value).date(), lang)
    if isinstance(value, date):
        return short_date(value, lang)
    return str(value)


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5cm;color:#111}"
    "h1{font-size:1.4em}table{border-collapse:collapse;width:100%;font-size:.95em}"
    "th,td{border:1px solid #888;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#eee}@page{size:A4 landscape;margin:1.2cm}"
    "@media print{body{margin:0}tr{break-inside:avoid}}"
)


def page_html(title: str, lines: Sequence[str], frame: pd.DataFrame, *, lang: str) -> str:
    """A printable page: ``title``, a paragraph per line of ``lines``, and ``frame`` (already
    in words) as a table, or the words for an empty list. Every value is escaped."""
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_html_cell(v, lang))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    table = (
        Markup(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if len(frame)
        else Markup(f"<p>{escape(text('list_empty', lang))}</p>")
    )
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{paragraphs}{table}</main></body></html>\n"
    )


def write_html(path: str | Path, page: str) -> Path:
    """Write a page made by ``page_html``, atomically."""
    write_text(path, page)
    return Path(path)
