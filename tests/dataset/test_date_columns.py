"""The optional date columns: a session's ``exceptions``, a patient's ``away`` and
``not_before``, read, checked, defaulted and written back."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import build, patient, session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import InputError, load_dataset
from matcher.dataset.cells import date_ranges_cell
from matcher.dataset.export import save_dataset


def _day(text: str) -> int:
    return (dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days


@pytest.mark.parametrize(
    ("cell", "periods"),
    [
        ("2027-07-05..2027-07-25", [("2027-07-05", "2027-07-25")]),
        ("2027-12-24", [("2027-12-24", "2027-12-24")]),
        (
            "24-12-2027; 2027-07-05 .. 2027-07-25|2027-12-24",
            [("2027-07-05", "2027-07-25"), ("2027-12-24", "2027-12-24")],
        ),
        ("01.07.2027..03.07.2027", [("2027-07-01", "2027-07-03")]),
    ],
)
def test_a_cell_of_dates_and_periods_is_read(cell: str, periods: list[tuple[str, str]]) -> None:
    """Dates and first..last periods, in any of the contract's date forms, become sorted
    distinct pairs of first and last day."""
    found, why = date_ranges_cell(cell)
    assert why is None
    assert found == tuple((_day(a), _day(b)) for a, b in periods)


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("2027-07-25..2027-07-05", "ends before it begins"),
        ("2027-07-05..2027-07-06..2027-07-07", "is not a date or a period"),
        ("summer", "is not a date"),
        ("1999-12-31", "outside the dates"),
    ],
)
def test_a_wrong_period_is_refused_naming_its_file_row_and_column(cell: str, words: str) -> None:
    """A period that ends before it begins, or a cell that is no date, is an input error
    at its file, row and column."""
    with pytest.raises(InputError) as caught:
        build(patients=[patient(away=cell)])
    found = caught.value.problems[0]
    assert (found.file, found.row, found.column) == ("patients.csv", 2, "away")
    assert words in found.message


def test_old_files_load_unchanged_with_nothing_away() -> None:
    """Files without the new columns load as before: no exceptions, nothing away, no
    not_before date."""
    ds = build(patients=[patient()])
    assert ds.sessions["exceptions"].tolist() == [()]
    assert ds.patients["away"].tolist() == [()]
    assert ds.patients["not_before"].isna().all()


def test_the_new_columns_are_written_back_as_read(tmp_path: Path) -> None:
    """save_dataset writes exceptions, away and not_before so that they read back the same."""
    ds = build(
        sessions=[session(exceptions="2027-12-24;2027-07-05..2027-08-01")],
        patients=[patient(away="2027-02-01..2027-02-14", not_before="2027-01-20")],
    )
    back = load_dataset(save_dataset(ds, tmp_path / "again"))
    assert back.sessions["exceptions"].tolist() == ds.sessions["exceptions"].tolist()
    assert back.patients["away"].tolist() == ds.patients["away"].tolist()
    assert pd.Timestamp(back.patients["not_before"].iloc[0]) == pd.Timestamp("2027-01-20")
    written = (tmp_path / "again" / "sessions.csv").read_text(encoding="utf-8")
    assert "2027-07-05..2027-08-01;2027-12-24" in written
    assert np.isnat(
        load_dataset(save_dataset(build(patients=[patient()]), tmp_path / "old")).patients[
            "not_before"
        ]
    )[0]


_CELL = st.text(alphabet="0123456789-.;| /x", max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cell=st.one_of(_CELL, st.builds("..".join, st.lists(_CELL, min_size=2, max_size=3))))
def test_any_cell_of_periods_is_read_or_refused(cell: str) -> None:
    """Whatever a period cell holds, it reads as sorted periods inside the contract's
    dates whose first day is not after the last, or as a problem: never a crash."""
    periods, why = date_ranges_cell(cell)
    if why is not None:
        assert periods == ()
        return
    low, high = (_day(d) for d in ("2000-01-01", "2100-12-31"))
    assert list(periods) == sorted(set(periods))
    assert all(low <= a <= b <= high for a, b in periods)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spans=st.lists(
        st.tuples(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 1)), st.integers(0, 30)),
        max_size=4,
    )
)
def test_periods_written_read_back_the_same(spans: list[tuple[dt.date, int]]) -> None:
    """Any periods away, written by save_dataset, load back as the same periods."""
    cell = ";".join(f"{a}..{a + dt.timedelta(days=n)}" for a, n in spans)
    ds = build(patients=[patient(away=cell)])
    with tempfile.TemporaryDirectory() as folder:
        back = load_dataset(save_dataset(ds, Path(folder) / "again"))
    assert back.patients["away"].tolist() == ds.patients["away"].tolist()
