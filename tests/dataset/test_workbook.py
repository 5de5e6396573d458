"""Excel workbooks: the one writer's sheets, headers, formats and safety, and the sheet reader."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from matcher.dataset.workbook import read_sheet, sheet_title, workbook_bytes
from matcher.errors import InputError
from matcher.words.app import code_text, column_text


def _plan() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": ["P1", "P2"],
            "start_date": ["2027-01-04", ""],
            "wait_days": np.array([3, 0], dtype=np.int64),
            "travel_min": [12.5, np.nan],
            "served_share_exit_team": [0.25, 0.5],
            "reason": ['=HYPERLINK("http://x","y")', "Næsby"],
        }
    )


def _book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def test_one_sheet_per_table_with_a_frozen_bold_header_and_widths() -> None:
    """Each table is a sheet of its own name; its header row is bold and frozen, columns sized."""
    data = workbook_bytes([("schedule", _plan()), ("tradeoff", pd.DataFrame({"budget": [0, 40]}))])
    book = _book(data)
    assert book.sheetnames == ["schedule", "tradeoff"]
    sheet = book["schedule"]
    assert sheet.freeze_panes == "A2"
    assert all(c.font.bold for c in sheet[1])
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["A"].width


def test_headers_are_the_columns_in_english_and_the_app_s_words_in_danish() -> None:
    """English keeps the contract's column names; Danish shows the app's words for them."""
    english = _book(workbook_bytes([("plan", _plan())]))["plan"]
    danish = _book(workbook_bytes([("plan", _plan())], lang="da"))["plan"]
    assert [c.value for c in english[1]] == list(_plan().columns)
    assert danish["A1"].value == column_text("patient_id", "da") != "patient_id"


def test_numbers_dates_and_shares_keep_their_kind_and_a_format() -> None:
    """Numbers are numbers, ISO dates are dates, shares per cent; a missing value is empty."""
    sheet = _book(workbook_bytes([("plan", _plan())]))["plan"]
    assert sheet["B2"].value == datetime(2027, 1, 4)
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["B3"].value is None
    assert (sheet["C2"].value, sheet["C2"].number_format) == (3, "#,##0")
    assert (sheet["D2"].value, sheet["D2"].number_format) == (12.5, "#,##0.0#")
    assert sheet["D3"].value is None
    assert (sheet["E2"].value, sheet["E2"].number_format) == (0.25, "0.0%")


def test_a_cell_that_starts_like_a_formula_is_quoted_text() -> None:
    """Text a spreadsheet would run is stored as text with a quote in front, never a formula."""
    sheet = _book(workbook_bytes([("plan", _plan())]))["plan"]
    assert sheet["F2"].data_type == "s"
    assert sheet["F2"].value == """'=HYPERLINK("http://x","y")"""
    assert sheet["F3"].value == "Næsby"


def test_sheet_titles_are_what_excel_accepts_and_unique() -> None:
    """Characters Excel refuses are replaced, titles are cut to 31 and made unique."""
    assert sheet_title("a/b:c") == "a_b_c"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("plan", {"PLAN"}) == "plan-2"


def _workbook(rows: list[list[object]], title: str = "Ark1", first: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if first is not None:
        sheet.title = first
        sheet["A1"] = "notes"
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_cells_read_as_the_text_a_csv_file_would_hold() -> None:
    """Numbers, dates, times and yes/no read as CSV text; rows keep Excel's numbers."""
    rows: list[list[object]] = [
        ["id", "fee", "count", "day", "start", "yes"],
        [None],
        ["A", 12.5, 3.0, date(2027, 1, 4), time(8, 30), True],
    ]
    sheet = read_sheet(_workbook(rows), "offers.xlsx", "offers")
    assert sheet.sheet == "Ark1"
    assert sheet.header == ["id", "fee", "count", "day", "start", "yes"]
    assert [c[1] for c in sheet.columns] == ["A", "12.5", "3", "2027-01-04", "08:30", "true"]
    assert list(sheet.rows) == [2, 3]


def test_the_sheet_named_after_the_table_is_read_before_the_first() -> None:
    """A workbook with a notes sheet first is read from its 'offers' sheet."""
    data = _workbook([["offer_id"], ["O1"]], title="Offers", first="Noter")
    assert read_sheet(data, "offers.xlsx", "offers").sheet == "Offers"


def test_a_file_that_is_not_a_workbook_is_one_problem() -> None:
    """An old .xls, a CSV renamed .xlsx or random bytes are refused with what to do."""
    with pytest.raises(InputError) as caught:
        read_sheet(b"offer_id,name\nO1,x\n", "offers.xlsx", "offers")
    (only,) = caught.value.problems
    assert only.file == "offers.xlsx" and "not an Excel workbook" in only.message


def test_codes_are_the_app_s_words_in_danish_and_kept_in_english() -> None:
    """A status or kind reads as the app's Danish words in a Danish workbook, as codes in
    English."""
    frame = pd.DataFrame({"status": ["placed", "unplaced"], "kind": ["exit_team", None]})
    danish = _book(workbook_bytes([("plan", frame)], lang="da"))["plan"]
    english = _book(workbook_bytes([("plan", frame)]))["plan"]
    assert [danish["A2"].value, danish["B2"].value] == [
        code_text("status", "placed", "da"),
        code_text("kind", "exit_team", "da"),
    ]
    assert danish["A2"].value != "placed" and danish["B3"].value is None
    assert [english["A2"].value, english["B2"].value] == ["placed", "exit_team"]
