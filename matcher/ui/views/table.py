"""Tables for people: sortable by a header's button, paged, and exported.

``PeopleTable`` shows a frame as an HTML table (every cell escaped) whose
column headers are real buttons: pressing one sorts by that column, pressing
it again sorts the other way, and the header says which way (``aria-sort``).
Long tables show a page at a time ("Viser 1-200 af 277") with previous and
next buttons. Two buttons hand the whole table (in the current order) to the
browser as a download: a CSV file whose cells cannot run as formulas
(``matcher.csvsafe``) and an Excel workbook whose text cells are written as
text, never as formulas. Each column says what kind of value it holds
(``Column``), so numbers sort as numbers, shares read ``70 %`` (Babel, via
``matcher.words.formats``) and a missing value reads as the column says:
empty, "–" or "skjult (under 5)", with a legend line under the table.

The widget is a small anywidget (its JavaScript is a string here, no build
step): the browser draws the HTML the kernel renders and sends back which
button was pressed; the kernel sorts, pages and builds the files.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anywidget
import pandas as pd
from traitlets import Unicode

from ...csvsafe import neutralise_frame
from ...words.app import text
from ...words.formats import date_cells, decimal, percent

__all__ = ["KINDS", "Column", "PeopleTable", "cell_words", "computed_caption"]

#: What a column can hold: words, a whole number, a number with decimals,
#: a share (0..1) and a date.
KINDS = ("text", "count", "number", "share", "date")

#: The MIME types of the two downloads.
_MIME = {
    "csv": "text/csv;charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_ESM = """
function render({ model, el }) {
  const draw = () => {
    const active = document.activeElement;
    const key = active && el.contains(active) ? active.dataset.key : null;
    el.innerHTML = model.get("value");
    if (key) {
      let again = el.querySelector(`[data-key="${key}"]`);
      if (!again || again.disabled) {
        again = el.querySelector("button[data-act='previous']:not([disabled]), "
          + "button[data-act='next']:not([disabled])");
      }
      if (again) { again.focus(); }
    }
  };
  draw();
  model.on("change:value", draw);
  el.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-act]");
    if (!button || !el.contains(button) || button.disabled) { return; }
    model.send({ act: button.dataset.act, column: button.dataset.column || "" });
  });
  model.on("msg:custom", (msg, buffers) => {
    if (msg.what !== "download") { return; }
    const blob = new Blob(buffers, { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.name;
    link.style.display = "none";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  });
}
export default { render };
"""


#: Up to this many other columns, a ``below`` column stays a column of its own.
INLINE_MOST = 5


@dataclass(frozen=True)
class Column:
    """One column of a table for people.

    ``name`` is the column of the frame, ``header`` what the person reads,
    ``kind`` one of ``KINDS``, ``digits`` the decimals of a ``number``, and
    ``missing`` what an empty cell reads ("" by default, "–" or
    "skjult (under 5)"); a ``wide`` column (a reason, a long name) may wrap
    its lines, the others keep each cell on one line. A ``below`` column (a long
    reason) is, in a table of more than ``INLINE_MOST`` other columns, not a
    column on the screen but a line under its row, spanning the table and
    starting with the header ("Årsag: ..."), so the table fits the screen and
    the reason is read whole; it is then sorted by no header, and exported as
    a column like the others.
    """

    name: str
    header: str
    kind: str = "text"
    digits: int = 0
    missing: str = ""
    wide: bool = False
    below: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a column holds one of {KINDS}, not {self.kind!r}")


def _missing(value: Any) -> bool:
    if isinstance(value, tuple | list):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_words(value: Any, column: Column, lang: str) -> str:
    """``value`` as the person reads it in ``column``: a share as ``70 %``, a
    number with the language's signs, a list joined by commas, and a missing
    value as the column's ``missing`` words."""
    if _missing(value) or (isinstance(value, str) and value == ""):
        return column.missing
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    if column.kind == "share":
        return percent(float(value), lang)
    if column.kind == "count":
        return decimal(float(value), lang, "#,##0")
    if column.kind == "number":
        return decimal(
            float(value), lang, "#,##0" + ("." + "0" * column.digits if column.digits else "")
        )
    if column.kind == "date":
        return str(date_cells(pd.Series([value]), lang).iloc[0] or column.missing)
    return str(value)


def _sort_key(values: pd.Series, kind: str) -> pd.Series:
    if kind == "text":
        return values.map(lambda v: v.casefold() if isinstance(v, str) else v).where(
            values.notna() & (values.astype(str) != ""), None
        )
    if kind == "date":
        return pd.to_datetime(values, errors="coerce")
    return pd.to_numeric(values, errors="coerce")


class PeopleTable(anywidget.AnyWidget):
    """A sortable, paged HTML table with CSV and Excel downloads.

    ``show(frame, columns, lang=...)`` puts a table in it; ``sort_by``,
    ``next_page`` and ``previous_page`` do what the header and pager buttons
    do; ``csv_bytes`` and ``xlsx_bytes`` are the files the download buttons
    hand the browser. ``value`` is the HTML shown.
    """

    _esm = _ESM
    value = Unicode("").tag(sync=True)

    def __init__(self, *, stem: str = "brobygger", page_size: int = 200, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stem = stem
        self.page_size = max(1, int(page_size))
        self.frame = pd.DataFrame()
        self.columns: tuple[Column, ...] = ()
        self.lang = "da"
        self.caption = ""
        self.legend: tuple[str, ...] = ()
        self.summary = ""
        self.sort_column: str | None = None
        self.descending = False
        self.page = 0
        self.on_msg(self._message)

    # -- what the view does ---------------------------------------------------
    def show(
        self,
        frame: pd.DataFrame,
        columns: Sequence[Column],
        *,
        lang: str,
        caption: str = "",
        legend: Sequence[str] = (),
        summary: str = "",
    ) -> None:
        """Show ``columns`` of ``frame``, with ``summary`` (a sentence above the
        table) and ``legend`` lines under it; the sort and page stay (a sort by a
        column not shown now applies again once it is)."""
        self.frame = frame.reset_index(drop=True)
        self.columns = tuple(columns)
        self.lang, self.caption, self.legend = lang, caption, tuple(legend)
        self.summary = summary
        self.page = min(self.page, self.pages - 1)
        self._render()

    def clear(self) -> None:
        """Show nothing (no table yet)."""
        self.frame, self.columns, self.caption, self.legend = pd.DataFrame(), (), "", ()
        self.summary = ""
        self.page = 0
        self.value = ""

    @property
    def total(self) -> int:
        """The number of rows of the table."""
        return len(self.frame)

    @property
    def pages(self) -> int:
        """The number of pages (at least one)."""
        return max(1, -(-self.total // self.page_size))

    def sort_by(self, name: str, descending: bool | None = None) -> None:
        """Sort by column ``name``: ascending first, the other way when it is
        already sorted by it (or as ``descending`` says); back to the first page.
        By a column not shown (yet), the order is kept for when it is."""
        if descending is None:
            descending = self.sort_column == name and not self.descending
        self.sort_column, self.descending = name, bool(descending)
        self.page = 0
        self._render()

    def next_page(self) -> None:
        """The next page of rows (none after the last)."""
        self.page = min(self.page + 1, self.pages - 1)
        self._render()

    def previous_page(self) -> None:
        """The previous page of rows (none before the first)."""
        self.page = max(self.page - 1, 0)
        self._render()

    def rows(self) -> pd.DataFrame:
        """Every row, in the order shown."""
        frame = self.frame
        column = next((c for c in self.columns if c.name == self.sort_column), None)
        if column is None or not len(frame):
            return frame
        return frame.sort_values(
            column.name,
            ascending=not self.descending,
            na_position="last",
            kind="stable",
            key=lambda values: _sort_key(values, column.kind),
        )

    def words(self, rows: pd.DataFrame | None = None) -> pd.DataFrame:
        """``rows`` (default: every row, in order) as the person reads them, headers in words."""
        rows = self.rows() if rows is None else rows
        out = pd.DataFrame(
            {c.header: [cell_words(v, c, self.lang) for v in rows[c.name]] for c in self.columns},
            index=rows.index,
            dtype=object,
        )
        return out.reset_index(drop=True)

    # -- the files --------------------------------------------------------------
    def csv_bytes(self) -> bytes:
        """The table as the person reads it, as CSV for a spreadsheet: UTF-8 with a
        byte order mark, ``;`` between cells in Danish (``,`` in English), and no
        cell that starts like a formula (``matcher.csvsafe``)."""
        words = neutralise_frame(self.words())
        sep = ";" if self.lang == "da" else ","
        return words.to_csv(index=False, sep=sep, lineterminator="\r\n").encode("utf-8-sig")

    def xlsx_bytes(self) -> bytes:
        """The table as an Excel workbook: numbers as numbers, shares as per cent,
        dates as dates, and every text as text (a cell starting with ``=``, ``+``,
        ``-`` or ``@`` is never a formula); a missing value as its column's words."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title="Brobygger")

        def text_cell(words: str) -> Any:
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", words))
            cell.data_type = "s"  # text, even when it starts with "="
            return cell

        if self.caption:
            sheet.append([text_cell(self.caption)])
        sheet.append([text_cell(c.header) for c in self.columns])
        rows = self.rows()
        for values in zip(*(rows[c.name] for c in self.columns), strict=True):
            sheet.append(
                [
                    self._xlsx_cell(sheet, v, c, text_cell)
                    for v, c in zip(values, self.columns, strict=True)
                ]
            )
        for line in self.legend:
            sheet.append([text_cell(line)])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def _xlsx_cell(self, sheet: Any, value: Any, column: Column, text_cell: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell

        if _missing(value) or (isinstance(value, str) and value == ""):
            return text_cell(column.missing) if column.missing else None
        if column.kind == "text" or isinstance(value, str | tuple | list):
            return text_cell(cell_words(value, column, self.lang))
        if column.kind == "date":
            stamp = pd.Timestamp(value)
            cell = WriteOnlyCell(sheet, value=stamp.date())
            cell.number_format = "yyyy-mm-dd"
            return cell
        number = float(value)
        cell = WriteOnlyCell(sheet, value=int(number) if column.kind == "count" else number)
        cell.number_format = {
            "share": "0%",
            "count": "#,##0",
            "number": "#,##0" + ("." + "0" * column.digits if column.digits else ""),
        }[column.kind]
        return cell

    def download(self, kind: str) -> None:
        """Hand the browser the table as ``csv`` or ``xlsx`` to save."""
        data = self.csv_bytes() if kind == "csv" else self.xlsx_bytes()
        name = f"{self.stem}.{kind}"
        self.send({"what": "download", "name": name, "mime": _MIME[kind]}, buffers=[data])

    # -- the browser's buttons ------------------------------------------------
    def _message(self, _: Any, content: Any, buffers: Any = None) -> None:
        if not isinstance(content, dict):
            return
        act = content.get("act")
        if act == "sort":
            names = [c.name for c in self.columns]
            column = str(content.get("column", ""))
            if column.isdigit() and int(column) < len(names):
                self.sort_by(names[int(column)])
        elif act == "next":
            self.next_page()
        elif act == "previous":
            self.previous_page()
        elif act in _MIME and self.total:
            self.download(act)

    # -- the HTML -------------------------------------------------------------
    def _render(self) -> None:
        lang = self.lang
        if not self.columns:
            self.value = ""
            return
        start = self.page * self.page_size
        shown = self.rows().iloc[start : start + self.page_size]
        words = self.words(shown)
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        head = "".join(self._header(i, c) for i, c in enumerate(self.columns) if not self._under(c))
        shown_columns = sum(not self._under(c) for c in self.columns)
        body = "".join(
            self._row(row, shown_columns) for row in words.itertuples(index=False, name=None)
        )
        if not len(words):
            body = (
                f"<tr><td colspan='{shown_columns}'>"
                f"{html.escape(text('table_empty', lang))}</td></tr>"
            )
        region = html.escape(self.caption or text("table_region", lang), quote=True)
        legend = "".join(f"<p class='bb-legend'>{html.escape(line)}</p>" for line in self.legend)
        summary = (
            f"<div class='bb-msg bb-info'>{html.escape(self.summary)}</div>" if self.summary else ""
        )
        self.value = (
            f"<div class='bb-people'>{summary}<div class='bb-scroll' role='region' tabindex='0' "
            f"aria-label='{region}'><table class='bb-table'>{caption}<thead><tr>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table></div>{legend}"
            f"<div class='bb-table-tools'>{self._pager(start, len(words))}{self._exports()}</div>"
            "</div>"
        )

    def _under(self, column: Column) -> bool:
        """Whether ``column`` is shown as a line under each row, not as a column."""
        return column.below and sum(not c.below for c in self.columns) > INLINE_MOST

    def _row(self, row: tuple[str, ...], width: int) -> str:
        """One row's cells, then a line under it for each ``below`` column it fills."""
        cells, under = [], []
        for value, column in zip(row, self.columns, strict=True):
            if self._under(column):
                if value:
                    label = f"<span class='bb-below-label'>{html.escape(column.header)}:</span>"
                    under.append(f"{label} {html.escape(value)}")
            elif column.kind in ("count", "number", "share"):
                cells.append(f"<td class='bb-num'>{html.escape(value)}</td>")
            elif column.wide or column.below:
                cells.append(f"<td class='bb-wide'>{html.escape(value)}</td>")
            else:
                cells.append(f"<td>{html.escape(value)}</td>")
        lines = "".join(
            f"<tr class='bb-below'><td colspan='{width}'><div>{line}</div></td></tr>"
            for line in under
        )
        opening = "<tr class='bb-above'>" if under else "<tr>"
        return f"{opening}{''.join(cells)}</tr>{lines}"

    def _header(self, index: int, column: Column) -> str:
        if column.name == self.sort_column:
            sort = "descending" if self.descending else "ascending"
            arrow = "▼" if self.descending else "▲"
        else:
            sort, arrow = "none", "↕"
        label = html.escape(column.header)
        hint = html.escape(text("table_sort_hint", self.lang), quote=True)
        cls = " class='bb-num'" if column.kind in ("count", "number", "share") else ""
        return (
            f"<th scope='col' aria-sort='{sort}'{cls}><button type='button' class='bb-sort' "
            f"data-act='sort' data-column='{index}' data-key='sort-{index}' title='{hint}'>"
            f"{label}<span class='bb-arrow' aria-hidden='true'>&nbsp;{arrow}</span></button></th>"
        )

    def _pager(self, start: int, count: int) -> str:
        lang = self.lang
        if self.total <= self.page_size:
            said = text("table_all", lang, total=self.total)
            return f"<span class='bb-count'>{html.escape(said)}</span>"
        said = text("table_showing", lang, first=start + 1, last=start + count, total=self.total)
        group = html.escape(text("table_pages", lang), quote=True)

        def button(act: str, key: str, disabled: bool) -> str:
            off = " disabled" if disabled else ""
            return (
                f"<button type='button' class='bb-page' data-act='{act}' data-key='{act}'{off}>"
                f"{html.escape(text(key, lang))}</button>"
            )

        return (
            f"<span class='bb-pager' role='group' aria-label='{group}'>"
            f"{button('previous', 'table_previous', self.page == 0)}"
            f"<span class='bb-count' role='status'>{html.escape(said)}</span>"
            f"{button('next', 'table_next', self.page >= self.pages - 1)}</span>"
        )

    def _exports(self) -> str:
        if not self.total:
            return ""
        lang = self.lang
        return "".join(
            f"<button type='button' class='bb-export' data-act='{kind}' data-key='{kind}'>"
            f"{html.escape(text(key, lang))}</button>"
            for kind, key in (("csv", "table_csv"), ("xlsx", "table_xlsx"))
        )


def computed_caption(what: str, at: datetime | None, lang: str) -> str:
    """``what`` with the time it was computed: ``Plan · beregnet kl. 14.32``."""
    if at is None:
        return what
    from ...words.formats import clock

    return text("computed_at", lang, what=what, time=clock(at.hour * 60 + at.minute, lang))
