"""Reading one CSV file against its spec: dialects, cell types, and what is refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.dataset.schema import OFFERS, PATIENTS, SESSIONS, Column, FileSpec
from matcher.dataset.tables import TableRead, read_table

DATA = Path(__file__).resolve().parents[1] / "data"

#: A tiny spec with one column of each kind the tests need.
CELLS = FileSpec(
    "cells.csv",
    (
        Column("id", "id"),
        Column("number", "float", minimum=0, default=0.0),
        Column("count", "int", minimum=1, default=0),
        Column("minutes", "int", minimum=0, exclusive_minimum=True, default=30),
        Column("flag", "bool", default=False),
        Column("day", "date", default=np.datetime64("NaT")),
        Column("clock", "clock", default=""),
        Column("items", "tag_list", default=()),
        Column("langs", "lang_list", default=("da",)),
    ),
    key="id",
)


def read(tmp_path: Path, text: str | bytes, spec: FileSpec = CELLS) -> TableRead:
    """Read ``text`` as the file of ``spec``."""
    path = tmp_path / spec.name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return read_table(path, spec)


def lines(result: TableRead) -> list[str]:
    """The problems as a user reads them."""
    return [str(p) for p in result.problems]


def one(tmp_path: Path, column: str, cell: str, sep: str = ",") -> TableRead:
    """A file with an id column and one other column holding ``cell``."""
    return read(tmp_path, f"id{sep}{column}\nA{sep}{cell}\n")


@pytest.mark.parametrize(
    ("sep", "cell", "value"),
    [
        (",", "12.5", 12.5),
        (",", "0", 0.0),
        (",", "1e3", 1000.0),
        (";", "12,5", 12.5),
        (";", "12.5", 12.5),
        (";", "1.500", 1500.0),
        (";", "1.500,50", 1500.5),
        (";", "+7", 7.0),
    ],
)
def test_numbers_accept_decimal_point_comma_and_danish_thousands(
    tmp_path: Path, sep: str, cell: str, value: float
) -> None:
    """12.5 (and 12,5 in a Danish export) are one number; in a Danish file 1.500,50 is 1500.5."""
    result = one(tmp_path, "number", cell, sep)
    assert result.problems == []
    assert result.frame is not None
    assert result.frame["number"].iloc[0] == value


@pytest.mark.parametrize("cell", ["abc", "inf", "-inf", "nan", "1_000", "12 kr"])
def test_what_is_not_a_finite_number_is_refused(tmp_path: Path, cell: str) -> None:
    """Text, infinity and NaN are not numbers a fee or a distance can have."""
    result = one(tmp_path, "number", f'"{cell}"')
    assert lines(result) == [f"cells.csv:2:number: '{cell}' is not a number"]


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("number", "-0.5", "must be at least 0, not -0.5"),
        ("count", "0", "must be at least 1, not 0"),
        ("count", "2.5", "'2.5' is not a whole number"),
        ("minutes", "0", "must be greater than 0, not 0"),
        ("minutes", "-10", "must be greater than 0, not -10"),
    ],
)
def test_numbers_below_their_minimum_are_refused(
    tmp_path: Path, column: str, cell: str, message: str
) -> None:
    """Counts, minutes and amounts below their documented minimum are named with the cell."""
    assert lines(one(tmp_path, column, cell)) == [f"cells.csv:2:{column}: {message}"]


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        *((c, True) for c in ["true", "TRUE", "True", "1", "ja", "Ja", "JA", "yes", "Yes", "j"]),
        *((c, False) for c in ["false", "FALSE", "0", "nej", "Nej", "no", "NO", "n"]),
        ("", False),
    ],
)
def test_booleans_accept_english_danish_and_digits_in_any_case(
    tmp_path: Path, cell: str, value: bool
) -> None:
    """true/false, 1/0, ja/nej and yes/no mean yes and no; an empty cell takes the default."""
    result = one(tmp_path, "flag", cell)
    assert result.problems == []
    assert result.frame is not None
    assert bool(result.frame["flag"].iloc[0]) is value


@pytest.mark.parametrize("cell", ["maybe", "x", "2", "ok"])
def test_other_words_are_not_booleans(tmp_path: Path, cell: str) -> None:
    """Anything else in a yes/no column is a problem naming the accepted words."""
    assert lines(one(tmp_path, "flag", cell)) == [
        f"cells.csv:2:flag: '{cell}' is not yes/no (true/false, 1/0, ja/nej)"
    ]


@pytest.mark.parametrize("cell", ["2027-01-04", "04-01-2027", "04.01.2027", "2027-1-4"])
def test_dates_accept_iso_and_danish_day_month_year(tmp_path: Path, cell: str) -> None:
    """YYYY-MM-DD, DD-MM-YYYY and DD.MM.YYYY all give the same day."""
    result = one(tmp_path, "day", cell)
    assert result.problems == []
    assert result.frame is not None
    assert result.frame["day"].iloc[0] == np.datetime64("2027-01-04")


@pytest.mark.parametrize("cell", ["2026-13-01", "2027-02-29", "31.04.2027", "04/01/2027", "soon"])
def test_impossible_dates_are_refused(tmp_path: Path, cell: str) -> None:
    """Month 13, 29 February of a common year and other non-dates are named with the cell."""
    assert lines(one(tmp_path, "day", cell)) == [
        f"cells.csv:2:day: '{cell}' is not a date (YYYY-MM-DD)"
    ]


@pytest.mark.parametrize(
    ("cell", "text", "minutes"),
    [("08:30", "08:30", 510), ("8:30", "08:30", 510), ("17.45", "17:45", 1065)],
)
def test_clock_cells_keep_hh_mm_and_gain_minutes(
    tmp_path: Path, cell: str, text: str, minutes: int
) -> None:
    """A time of day is kept as HH:MM and also given as minutes after midnight."""
    result = one(tmp_path, "clock", cell)
    assert result.frame is not None
    assert result.frame["clock"].iloc[0] == text
    assert result.frame["clock_min"].iloc[0] == minutes


@pytest.mark.parametrize(
    ("sep", "cell", "items"),
    [
        (",", "walking;social", ("walking", "social")),
        (",", "walking|social", ("walking", "social")),
        (",", '"walking, social"', ("walking, social",)),
        (";", "walking|social", ("walking", "social")),
        (";", '"walking;social"', ("walking", "social")),
        (",", " Walking ; SOCIAL;walking ", ("walking", "social")),
        (",", "", ()),
    ],
)
def test_lists_split_on_semicolon_or_bar_in_either_dialect(
    tmp_path: Path, sep: str, cell: str, items: tuple[str, ...]
) -> None:
    """'|' inside a ',' file and a quoted ';' inside a ';' file both split a list;
    items are trimmed, lower-cased and not repeated."""
    result = one(tmp_path, "items", cell, sep)
    assert result.problems == []
    assert result.frame is not None
    assert result.frame["items"].iloc[0] == items


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("danish", "'danish' is not a two-letter language code (ISO 639-1, e.g. da, en)"),
        ("da;eng", "'eng' is not a two-letter language code (ISO 639-1, e.g. da, en)"),
    ],
)
def test_languages_are_two_letter_codes(tmp_path: Path, cell: str, message: str) -> None:
    """Languages are ISO 639-1 codes such as da, en, ar; anything else is named."""
    assert lines(one(tmp_path, "langs", cell)) == [f"cells.csv:2:langs: {message}"]


@pytest.mark.parametrize(
    ("spec", "header", "row", "expected"),
    [
        (
            OFFERS,
            "offer_id,name,kind,lat,lon,group_size,diagnoses",
            "O1,x,association,55.4,10.4,8,heart;all",
            "offers.csv:2:diagnoses: 'all' cannot be combined with others",
        ),
        (
            OFFERS,
            "offer_id,name,kind,lat,lon,group_size,intensity",
            "O1,x,association,55.4,10.4,8,extreme",
            "offers.csv:2:intensity: 'extreme' is not a known intensity (expected one of: low, "
            "moderate, high)",
        ),
        (
            PATIENTS,
            "patient_id,lat,lon,discharge_date,diagnoses",
            "P1,55.4,10.4,2027-01-04,all",
            "patients.csv:2:diagnoses: unknown diagnoses 'all' (expected: heart, copd, diabetes, "
            "cancer, musculoskeletal, mental, other)",
        ),
        (
            PATIENTS,
            "patient_id,lat,lon,discharge_date,available",
            "P1,55.4,10.4,2027-01-04,mon 18:00-16:00",
            "patients.csv:2:available: window 'mon 18:00-16:00' ends before it starts",
        ),
        (
            PATIENTS,
            "patient_id,lat,lon,discharge_date,group_tolerance",
            "P1,55.4,10.4,2027-01-04,tiny",
            "patients.csv:2:group_tolerance: 'tiny' is not a known group_tolerance",
        ),
        (
            SESSIONS,
            "session_id,offer_id,weekday,start,end,capacity,first_date",
            "S1,O1,mon,10:00,11:00,,2027-01-04",
            "sessions.csv:2:capacity: is empty; a value is required",
        ),
        (
            OFFERS,
            "offer_id,name,kind,lat,lon,group_size",
            "O1,x,association,55.4,ten,8",
            "offers.csv:2:lon: 'ten' is not a number",
        ),
    ],
    ids=["all_combined", "intensity", "patient_all", "window", "tolerance", "empty", "lon_text"],
)
def test_contract_columns_refuse_values_outside_their_vocabulary(
    tmp_path: Path, spec: FileSpec, header: str, row: str, expected: str
) -> None:
    """Each column of the contract refuses what its documentation does not allow."""
    result = read(tmp_path, f"{header}\n{row}\n", spec)
    assert any(line.startswith(expected) for line in lines(result)), lines(result)


def test_enum_cells_are_matched_without_regard_to_case(tmp_path: Path) -> None:
    """'Association' and ' MON ' are read as association and mon."""
    result = read(
        tmp_path,
        "session_id,offer_id,weekday,start,end,capacity,first_date\n"
        "S1,O1, MON ,10:00,11:00,3,2027-01-04\n",
        SESSIONS,
    )
    assert result.problems == []
    assert result.frame is not None
    assert result.frame["weekday"].iloc[0] == "mon"
    assert result.frame["day"].iloc[0] == 0


def test_duplicate_ids_name_the_row_of_the_first_use(tmp_path: Path) -> None:
    """A repeated id is reported on each repeat with the row where it was first used."""
    result = read(tmp_path, "id,number\nA,1\nB,2\nA,3\nA,4\n")
    assert lines(result) == [
        "cells.csv:4:id: duplicate id 'A' (first used in row 2)",
        "cells.csv:5:id: duplicate id 'A' (first used in row 2)",
    ]


def test_empty_required_cells_are_named(tmp_path: Path) -> None:
    """A required cell left empty is a problem in its own row and column."""
    assert lines(read(tmp_path, "id,number\nA,1\n,2\n")) == [
        "cells.csv:3:id: is empty; a value is required"
    ]


def test_missing_required_column_is_named_in_row_one(tmp_path: Path) -> None:
    """A missing required column is reported against the header row."""
    result = read(tmp_path, "number\n1\n")
    assert result.frame is None
    assert lines(result) == ["cells.csv:1:id: required column is missing"]


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


def test_the_quote_before_a_formula_like_text_is_not_part_of_the_text(tmp_path: Path) -> None:
    """A text cell written as '=Gåklub (a spreadsheet's or Brobygger's guard against a
    formula) reads back as =Gåklub; a quote before ordinary text is kept."""
    result = read(
        tmp_path,
        "offer_id,name\nA,'=Gåklub\nB,'Kor'\n",
        FileSpec("offers.csv", (Column("offer_id", "id"), Column("name", "text")), key="offer_id"),
    )
    assert result.problems == []
    assert result.frame is not None
    assert result.frame["name"].tolist() == ["=Gåklub", "'Kor'"]


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
