"""Reading one CSV file or workbook: encodings, separators, sheets, rows and headers, and what
is refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dataset_support import lines, read, valid_dataset
from openpyxl import Workbook

from matcher import load_dataset
from matcher.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\r\n\r\n  \n", "the file is empty"),
        (b"\xef\xbb\xbf", "the file is empty"),
        (b"id,number\x00\x00\x01\x02\n\x00A,1\n", "is not a CSV text file (it holds binary data)"),
        (bytes(range(256)) * 8, "is not a CSV text file (it holds binary data)"),
        ((DATA / "patients.csv.gz").read_bytes(), "is not a CSV text file (it holds binary data)"),
        (b'id,number\nA,1\nB,"2\n', "cannot be read as CSV: EOF inside string starting at row 2"),
    ],
    ids=["empty", "blank_lines", "bom_only", "nul_bytes", "all_bytes", "gzip", "open_quote"],
)
def test_unreadable_files_are_one_problem_for_the_whole_file(
    tmp_path: Path, data: bytes, message: str
) -> None:
    """Empty, binary and broken files give one clear problem and no frame."""
    result = read(tmp_path, data)
    assert result.frame is None
    assert len(result.problems) == 1
    assert result.problems[0].message == message
    assert str(result.problems[0]).startswith("cells.csv:")


def test_an_open_quote_names_the_row_where_it_starts(tmp_path: Path) -> None:
    """A quote that is never closed points at the spreadsheet row it opens in."""
    result = read(tmp_path, 'id,number\nA,1\nB,"2\nC,3\n')
    assert result.problems[0].row == 3


def test_bom_and_windows_1252_are_read(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark is not part of the first column name; Windows-1252 letters
    such as æ, ø and å are read as such."""
    bom = read(tmp_path, "\ufeffid,items\nÆblegård,x\n".encode())
    assert bom.problems == []
    assert bom.frame is not None and bom.frame["id"].iloc[0] == "Æblegård"
    cp1252 = read(tmp_path, "id;items\r\nSøhøj;x|å\r\n".encode("cp1252"))
    assert cp1252.problems == []
    assert cp1252.frame is not None
    assert cp1252.frame["id"].iloc[0] == "Søhøj"
    assert cp1252.frame["items"].iloc[0] == ("x", "å")


def test_rows_with_extra_cells_are_named(tmp_path: Path) -> None:
    """A row with more cells than the header (a stray separator) is a problem, not a shift."""
    result = read(tmp_path, "id,number\nA,1\nB,2,3\nC,4\n")
    assert lines(result) == [
        "cells.csv:3:-: has 3 cells but the header has 2 columns "
        "(a stray ',' or a missing column name?)"
    ]
    assert result.frame is not None
    assert list(result.frame["id"]) == ["A", "B", "C"]


def test_trailing_separators_of_spreadsheet_exports_are_harmless(tmp_path: Path) -> None:
    """'a;b;' headers and rows with empty trailing cells load without problems."""
    result = read(tmp_path, "id;number;\r\nA;1;\r\nB;2;;\r\n;;\r\n")
    assert result.problems == []
    assert result.frame is not None
    assert list(result.frame.columns[:2]) == ["id", "number"]
    assert list(result.frame["number"]) == [1.0, 2.0]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("id,number,Number", "cells.csv:1:number: appears more than once in the header"),
        ("id,number,number", "cells.csv:1:number: appears more than once in the header"),
        ("id,number,", "cells.csv:1:column 3: has values but no name"),
    ],
)
def test_repeated_or_nameless_columns_are_named(tmp_path: Path, header: str, expected: str) -> None:
    """A column given twice, or values under an empty header cell, are problems of row 1."""
    assert lines(read(tmp_path, f"{header}\nA,1,2\n")) == [expected]


def test_rows_of_the_frame_carry_their_spreadsheet_numbers(tmp_path: Path) -> None:
    """Blank rows are dropped from the frame, and ``rows`` keeps each row's number."""
    result = read(tmp_path, "id,number\nA,1\n\n,\nB,2\n")
    assert result.frame is not None
    assert list(result.frame["id"]) == ["A", "B"]
    assert list(result.rows) == [2, 5]


def test_a_header_without_rows_is_an_empty_table(tmp_path: Path) -> None:
    """A file with only its header is valid and has no rows."""
    result = read(tmp_path, "id,number\n")
    assert result.problems == []
    assert result.frame is not None
    assert len(result.frame) == 0


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x7f", "\x9b"])
def test_a_control_character_in_a_cell_is_refused(tmp_path: Path, char: str) -> None:
    """Control characters (escape codes, bell, delete) are bad input named by row and
    column; a file holding a few of them among much text is still read as text."""
    text = "id,note\n" + "".join(f"R{i},text {i}\n" for i in range(200)) + f"X,red{char}[31m\n"
    assert lines(read(tmp_path, text)) == [
        "cells.csv:202:note: holds a control character (such as an escape code); remove it"
    ]


def test_a_row_with_a_cell_missing_is_refused_not_filled_with_defaults(tmp_path: Path) -> None:
    """A row with fewer cells than the header (a lost separator) is bad input: its last
    columns would otherwise silently take their defaults (an escalated patient planned)."""
    text = "id,number,flag\nA,1,true\nB,2\n"
    assert lines(read(tmp_path, text)) == [
        "cells.csv:3:-: has 2 cells but the header has 3 columns (a missing ','?); give every "
        "column of the row, empty if need be"
    ]


def test_a_trailing_separator_in_the_header_only_is_no_missing_cell(tmp_path: Path) -> None:
    """A spreadsheet's empty, nameless last header column does not make rows short."""
    assert lines(read(tmp_path, "id;number;flag;\nA;1;ja\nB;2;nej\n")) == []


def _as_workbook(csv_path: Path, bad: dict[int, tuple[str, object]] | None = None) -> Path:
    """``csv_path`` saved as a workbook beside it (sheet Ark1, numbers as numbers), with
    the cells of ``bad`` (Excel row: column, value) set; the CSV file is removed."""
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ark1"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([_number_or_text(v) for v in row])
    for number, (column, value) in (bad or {}).items():
        sheet.cell(row=number, column=list(frame.columns).index(column) + 1, value=value)
        sheet.cell(row=number, column=1, value=f"O{number}")
    target = csv_path.with_suffix(".xlsx")
    book.save(target)
    csv_path.unlink()
    return target


def _number_or_text(value: str) -> object:
    try:
        return float(value) if value.strip() else None
    except ValueError:
        return value


def test_a_workbook_s_problems_name_its_file_sheet_row_and_column(tmp_path: Path) -> None:
    """offers.xlsx is read like offers.csv, each problem as file:sheet:row:column (exit 2)."""
    root = valid_dataset(tmp_path / "data")
    _as_workbook(root / "offers.csv", {12: ("fee_dkk_month", "gratis")})
    _as_workbook(root / "sessions.csv")
    with pytest.raises(InputError) as caught:
        load_dataset(root)
    said = [str(p) for p in caught.value.problems]
    assert any(s.startswith("offers.xlsx:Ark1:12:fee_dkk_month: 'gratis'") for s in said), said
    assert all(s.startswith("offers.xlsx:Ark1:12:") for s in said), said


def test_a_folder_of_workbooks_loads_as_its_csv_files_do(tmp_path: Path) -> None:
    """The same rows as offers.xlsx and sessions.xlsx load to the frames of the CSV files."""
    csv_root = valid_dataset(tmp_path / "csv")
    book_root = valid_dataset(tmp_path / "xlsx")
    _as_workbook(book_root / "offers.csv")
    _as_workbook(book_root / "sessions.csv")
    plain, booked = load_dataset(csv_root), load_dataset(book_root)
    pd.testing.assert_frame_equal(plain.offers, booked.offers)
    pd.testing.assert_frame_equal(plain.sessions, booked.sessions)


def test_a_table_given_both_as_csv_and_as_workbook_is_refused(tmp_path: Path) -> None:
    """offers.csv beside offers.xlsx is one problem naming both: neither is guessed."""
    root = valid_dataset(tmp_path / "data")
    (root / "offers.xlsx").write_bytes((root / "offers.csv").read_bytes())
    with pytest.raises(InputError) as caught:
        load_dataset(root)
    assert [p.message for p in caught.value.problems] == [
        "offers.csv and offers.xlsx are both in the folder; keep one of them"
    ]
