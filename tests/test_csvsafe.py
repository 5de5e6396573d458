"""Cells a spreadsheet cannot run: text that starts a formula gets a quote in front."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.csvsafe import FORMULA_STARTS, neutralise, neutralise_frame


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://x","y")', "+SUM(A1)", "-1-1", "@cmd", "\t=1", "\r=1", "=1+1"],
)
def test_a_text_starting_a_formula_gets_a_quote(cell: str) -> None:
    """Every text starting with a formula character is written with ``'`` in front."""
    assert cell.startswith(FORMULA_STARTS)
    safe = neutralise(cell)
    assert safe.startswith("'")
    assert safe[1:] == cell.replace("\r", "\n")


@pytest.mark.parametrize("cell", ["-3.5", "+45", "-3,5", "1e-3", "-.5", "-2E+4"])
def test_a_plain_number_written_as_text_is_left_alone(cell: str) -> None:
    """Text that is exactly a plain number cannot hold a formula and stays as it is."""
    assert neutralise(cell) == cell


@pytest.mark.parametrize("cell", [-3.5, 7, None, np.nan, True, "Gåklub", "a=b", ""])
def test_numbers_missing_values_and_plain_text_are_returned_as_they_are(cell: object) -> None:
    """Only text starting a formula (or holding a carriage return) is changed."""
    assert neutralise(cell) is cell


def test_a_carriage_return_becomes_a_line_feed() -> None:
    """``\\r\\n`` and a lone ``\\r`` in a text cell become one line feed each."""
    assert neutralise("a\r\nb\rc") == "a\nb\nc"
    assert neutralise("\r\n") == "'\n"


def test_a_frame_has_its_text_columns_and_headers_neutralised() -> None:
    """Text, categorical and string columns and the headers are neutralised; numeric,
    boolean and date columns and the given frame are left as they are."""
    frame = pd.DataFrame(
        {
            "name": ["=1+1", "Gåklub", None],
            "=header": ["ok", "@x", "-2"],
            "fee": [-3.5, 0.0, 12.0],
            "kind": pd.Categorical(["-a", "b", "-a"]),
            "text": pd.array(["+x", "y\rz", None], dtype="string"),
            "supervised": [True, False, True],
            "day": pd.to_datetime(["2027-01-04", "2027-01-05", "2027-01-06"]),
        }
    )
    before = frame.copy()
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["name", "'=header", "fee", "kind", "text", "supervised", "day"]
    assert safe["name"].tolist()[:2] == ["'=1+1", "Gåklub"] and pd.isna(safe["name"].iloc[2])
    assert safe["'=header"].tolist() == ["ok", "'@x", "-2"]
    assert safe["kind"].tolist() == ["'-a", "b", "'-a"]
    assert safe["text"].tolist()[:2] == ["'+x", "y\nz"] and pd.isna(safe["text"].iloc[2])
    pd.testing.assert_series_equal(safe["fee"], frame["fee"])
    pd.testing.assert_series_equal(safe["supervised"], frame["supervised"])
    pd.testing.assert_series_equal(safe["day"], frame["day"])
    pd.testing.assert_frame_equal(frame, before)


def test_a_column_of_mixed_cells_is_checked_cell_by_cell() -> None:
    """An object column holding numbers and text has only its formula texts changed."""
    frame = pd.DataFrame({"mixed": pd.Series([-1, "=A1", 2.5, None, "plain"], dtype=object)})
    safe = neutralise_frame(frame)
    assert safe["mixed"].tolist()[:3] == [-1, "'=A1", 2.5]
    assert pd.isna(safe["mixed"].iloc[3]) and safe["mixed"].iloc[4] == "plain"


def test_duplicate_headers_are_kept_apart() -> None:
    """Columns are neutralised by position, so two columns of one name both are."""
    frame = pd.DataFrame([["=a", "=b"]], columns=["x", "x"])
    safe = neutralise_frame(frame)
    assert safe.iloc[0].tolist() == ["'=a", "'=b"]
