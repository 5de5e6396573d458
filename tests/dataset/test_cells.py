"""The cell parsers of ``cells``, seen through one CSV file: numbers in both dialects,
yes/no, dates, times of day, lists, language codes and the quote before a formula."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dataset_support import lines, one, read

from matcher.dataset.schema import Column, FileSpec


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
