"""The checker of one table: limits, vocabularies, required cells and columns, and ids
used twice, each problem named by file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from dataset_support import lines, one, read

from matcher.dataset.schema import OFFERS, PATIENTS, SESSIONS, FileSpec


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
