"""The lists the store writes for people: formula-safe CSV and Excel, escaped HTML."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from matcher.store.sheets import csv_cells, page_html, write_table
from matcher.words.formats import short_date

FRAME = pd.DataFrame(
    {
        "patient_id": ["P001", "P002"],
        "status": ["booked", "stopped"],
        "since": [date(2027, 1, 4), datetime(2027, 2, 1, 10, tzinfo=UTC)],
        "reason": ["", '=HYPERLINK("http://x","y")'],
        "total": [1, 2],
    }
)


def test_a_csv_keeps_codes_iso_dates_and_no_formula(tmp_path: Path) -> None:
    """CSV cells: codes as they are, dates as YYYY-MM-DD, a formula-like text with a quote."""
    path = write_table(tmp_path / "list.csv", FRAME)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert table["since"].tolist() == ["2027-01-04", "2027-02-01"]
    assert table["status"].tolist() == ["booked", "stopped"]
    assert table.loc[1, "reason"].startswith("'=")
    assert csv_cells(FRAME)["reason"].iloc[0] == ""


def test_an_excel_sheet_is_in_words_and_never_runs_a_formula(tmp_path: Path) -> None:
    """Excel: the caption, headers and codes in the staff's words, dates as dates, numbers
    as numbers, and formula-like text stored as text with a quote in front."""
    path = write_table(
        tmp_path / "list.xlsx", FRAME, lang="da", codes={"status": "referral"}, caption="Liste"
    )
    sheet = load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Liste"
    assert rows[1][:2] == ["Borger", "Status"]
    assert rows[2][1] == "booket" and rows[3][1] == "stoppet"
    assert isinstance(rows[2][2], datetime) and rows[2][2].date() == date(2027, 1, 4)
    assert rows[3][4] == 2
    cell = sheet.cell(4, 4)
    assert cell.data_type == "s" and str(cell.value).startswith("'=")


def test_a_page_escapes_every_value() -> None:
    """The printable page escapes titles, lines and cells, and says so when the list is
    empty."""
    page = page_html("<b>Liste</b>", ["a < b"], FRAME.assign(reason="<script>"), lang="da")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;Liste&lt;/b&gt;" in page and "a &lt; b" in page
    assert short_date(date(2027, 1, 4), "da") in page
    empty = page_html("Liste", [], FRAME.iloc[:0], lang="en")
    assert "No patients on the list." in empty and "<table>" not in empty
