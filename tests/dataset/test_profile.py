"""A patient typed in rather than read from patients.csv: its cells as the file would
hold them, and checked exactly as the loader checks the file."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from builders import patient

from matcher import Dataset, InputError
from matcher.dataset.profile import check_patient, check_patient_rows, patient_cells
from matcher.domain import Window


def test_patient_cells_writes_values_as_csv_text() -> None:
    """Lists become a;b, dates YYYY-MM-DD, booleans true/false, windows 'mon 08:00-12:00',
    whole floats lose '.0', missing values are empty, and names are trimmed lower case."""
    cells = patient_cells(
        {
            " Patient_ID ": "P7",
            "modes": ("walk", "bus"),
            "discharge_date": dt.date(2027, 1, 4),
            "home_bound": True,
            "available": (Window(0, 8 * 60, 12 * 60),),
            "max_travel_min": 30.0,
            "budget_dkk_month": float("nan"),
            "interests": None,
        }
    )
    assert cells == {
        "patient_id": "P7",
        "modes": "walk;bus",
        "discharge_date": "2027-01-04",
        "home_bound": "true",
        "available": "mon 08:00-12:00",
        "max_travel_min": "30",
        "budget_dkk_month": "",
        "interests": "",
    }


def test_patient_cells_leaves_out_computed_columns() -> None:
    """x, y and geometry are computed by the loader, never given as cells."""
    assert patient_cells({"patient_id": "P1", "x": 1.0, "Y": 2.0, "geometry": None}) == {
        "patient_id": "P1"
    }


def test_a_loaded_patient_checked_again_is_the_same_row(demo: Dataset) -> None:
    """A row of the loaded patients, typed in again, gives the values the loader gave."""
    loaded = demo.patients.iloc[3]
    row = check_patient(loaded.to_dict()).iloc[0]
    for column in ("patient_id", "discharge_date", "modes", "available", "languages"):
        assert row[column] == loaded[column], column
    assert row["max_travel_min"] == loaded["max_travel_min"]
    assert row[["x", "y"]].tolist() == pytest.approx(loaded[["x", "y"]].tolist(), abs=0.01)


def test_a_profile_without_an_id_is_called_new() -> None:
    """patient_id may be left out of a typed-in profile; the row is then 'new'."""
    profile = patient()
    del profile["patient_id"]
    row = check_patient(profile)
    assert len(row) == 1
    assert row["patient_id"].iloc[0] == "new"
    assert row["discharge_date"].iloc[0] == pd.Timestamp("2027-01-04")


def test_an_unknown_column_is_named_before_any_cell_is_checked() -> None:
    """A key that is no column of patients.csv is refused on its own, with no row."""
    with pytest.raises(InputError) as caught:
        check_patient({**patient(), "max_travel": 20, "lat": 123})
    assert [str(p) for p in caught.value.problems] == [
        "patient:-:max_travel: is not a column of patients.csv"
    ]


def test_one_profile_names_no_row_but_several_rows_keep_their_numbers() -> None:
    """Problems of a single profile have no row; of several rows, the spreadsheet row
    (the first row is 2) and the source asked for."""
    with pytest.raises(InputError) as single:
        check_patient(patient(modes="walk;boat"))
    assert [(p.file, p.row, p.column) for p in single.value.problems] == [
        ("patient", None, "modes")
    ]
    good = patient_cells(patient(patient_id="P1"))
    bad = patient_cells(patient(patient_id="P2", max_travel_min=0))
    with pytest.raises(InputError) as several:
        check_patient_rows([good, bad], "bookings.csv")
    assert [(p.file, p.row, p.column) for p in several.value.problems] == [
        ("bookings.csv", 3, "max_travel_min")
    ]


def test_rows_that_pass_gain_metres_in_the_loaders_crs() -> None:
    """Checked rows carry x and y in EPSG:25832: a point east of another has the larger x."""
    west = patient_cells(patient(patient_id="W"))
    east = patient_cells(patient(patient_id="E", lon=float(patient()["lon"]) + 0.1))
    rows = check_patient_rows([west, east])
    assert list(rows["patient_id"]) == ["W", "E"]
    assert np.all(np.isfinite(rows[["x", "y"]].to_numpy()))
    assert rows["x"].iloc[1] - rows["x"].iloc[0] == pytest.approx(6_300, rel=0.05)
