"""Reading one CSV file: encodings, separators, rows and headers, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from dataset_support import lines, read

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
