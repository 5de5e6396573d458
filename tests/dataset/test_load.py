"""Loading a dataset folder: typed frames, or every problem as file:row:column: message.

``BAD_INPUTS`` lists the bad inputs of the data contract, each as a change to a
small valid dataset and the problem line it must give; ``test_cli_data.py``
runs the same table through the command line (both from ``dataset_support``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import write
from dataset_support import (
    BAD_IDS,
    BAD_INPUTS,
    Change,
    drop_column,
    edit,
    travel_change,
    valid_dataset,
)

from matcher import Dataset, InputError, load_dataset
from matcher.domain import Window

DATA = Path(__file__).resolve().parents[1] / "data"


def problem_lines(error: InputError) -> list[str]:
    """The problems of an InputError as the lines a user reads."""
    return [str(p) for p in error.problems]


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    """A small valid dataset in a fresh folder."""
    return valid_dataset(tmp_path / "data")


def test_small_valid_dataset_loads(dataset_dir: Path) -> None:
    """The base of every bad-input case is itself valid, so each case changes one thing."""
    ds = load_dataset(dataset_dir)
    assert ds.summary() == {"offers": 3, "sessions": 4, "patients": 3, "places": 20}
    assert ds.warnings == ()


@pytest.mark.parametrize(("case", "change", "expected"), BAD_INPUTS, ids=BAD_IDS)
def test_bad_input_is_named_by_file_row_and_column(
    dataset_dir: Path, case: str, change: Change, expected: str
) -> None:
    """Each bad input of the contract raises InputError with its file:row:column: message."""
    change(dataset_dir)
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    lines = problem_lines(caught.value)
    assert any(line.startswith(expected) for line in lines), lines
    assert expected in str(caught.value)


def test_a_cpr_number_is_never_repeated_in_a_message(dataset_dir: Path) -> None:
    """Pseudonyms only: a CPR-like patient_id given twice is named once per row, by
    row and column only, never by its digits (not even as a duplicate id)."""
    edit("patients.csv", 2, "patient_id", "0101901234")(dataset_dir)
    edit("patients.csv", 3, "patient_id", "0101901234")(dataset_dir)
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "patient_id"),
        (3, "patient_id"),
    ]
    assert "0101901234" not in str(caught.value)


def test_pseudonyms_with_digits_still_load(dataset_dir: Path) -> None:
    """Pseudonyms of digits that could not be a CPR number (12345, 123456789, ten digits
    that do not start with a day and month) load."""
    for row, pid in ((2, "12345"), (3, "123456789"), (4, "P0000000001")):
        edit("patients.csv", row, "patient_id", pid)(dataset_dir)
    ds = load_dataset(dataset_dir)
    assert list(ds.patients["patient_id"]) == ["12345", "123456789", "P0000000001"]


def test_problems_in_several_files_are_listed_together(dataset_dir: Path) -> None:
    """Every problem in every file is listed, in file order, not just the first one."""
    edit("offers.csv", 2, "kind", "club")(dataset_dir)
    edit("offers.csv", 4, "group_size", "0")(dataset_dir)
    edit("sessions.csv", 3, "start", "25:00")(dataset_dir)
    edit("sessions.csv", 5, "capacity", "-1")(dataset_dir)
    edit("patients.csv", 2, "lat", "91")(dataset_dir)
    edit("patients.csv", 4, "discharge_date", "2026-13-01")(dataset_dir)
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    assert [p.file for p in caught.value.problems] == [
        "offers.csv",
        "offers.csv",
        "sessions.csv",
        "sessions.csv",
        "patients.csv",
        "patients.csv",
    ]
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "kind"),
        (4, "group_size"),
        (3, "start"),
        (5, "capacity"),
        (2, "lat"),
        (4, "discharge_date"),
    ]
    assert str(caught.value).startswith("6 problems in the input:")


def test_missing_files_and_cell_problems_are_listed_together(dataset_dir: Path) -> None:
    """A missing required file does not hide the problems of the files that are there."""
    (dataset_dir / "offers.csv").unlink()
    (dataset_dir / "sessions.csv").write_bytes(b"")
    edit("patients.csv", 3, "gender", "female")(dataset_dir)
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    lines = problem_lines(caught.value)
    assert lines[0].startswith("offers.csv:-:-: file not found in ")
    assert lines[1] == "sessions.csv:-:-: the file is empty"
    assert lines[2].startswith("patients.csv:3:gender: 'female' is not a known gender")
    assert len(lines) == 3


def test_coordinates_outside_denmark_warn_but_load(dataset_dir: Path) -> None:
    """A point plainly outside Denmark (here Paris) is a warning with its row, not a failure."""
    edit("patients.csv", 3, "lat", "48.8566")(dataset_dir)
    edit("patients.csv", 3, "lon", "2.3522")(dataset_dir)
    ds = load_dataset(dataset_dir)
    assert [str(w) for w in ds.warnings] == [
        "patients.csv:3:lat: 48.8566, 2.3522 is plainly outside Denmark"
    ]
    assert len(ds.patients) == 3


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(55.68, 12.57), (57.72, 10.58), (54.57, 11.93), (55.10, 14.70), (56.46, 8.12)],
    ids=["copenhagen", "skagen", "gedser", "bornholm", "west_coast"],
)
def test_places_in_denmark_give_no_warning(dataset_dir: Path, lat: float, lon: float) -> None:
    """Points from Skagen to Gedser and Bornholm are inside Denmark: no warning."""
    edit("offers.csv", 2, "lat", str(lat))(dataset_dir)
    edit("offers.csv", 2, "lon", str(lon))(dataset_dir)
    assert load_dataset(dataset_dir).warnings == ()


def test_folder_not_found_is_an_input_error(tmp_path: Path) -> None:
    """A dataset folder that does not exist is a user's mistake with its own message."""
    with pytest.raises(InputError, match="dataset folder not found"):
        load_dataset(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("name", "rows", "expected"),
    [
        (
            "staff.csv",
            [
                {
                    "staff_id": "T1",
                    "offer_id": "O3",
                    "weekday": "mon",
                    "shift_start": "08:00",
                    "shift_end": "15:30",
                },
                {
                    "staff_id": "T1",
                    "offer_id": "O1",
                    "weekday": "tue",
                    "shift_start": "08:00",
                    "shift_end": "15:30",
                },
            ],
            "staff.csv:3:offer_id: 'O1' is not a home_visit offer in offers.csv",
        ),
        (
            "staff.csv",
            [
                {
                    "staff_id": "T1",
                    "offer_id": "O3",
                    "weekday": "mon",
                    "shift_start": "15:30",
                    "shift_end": "08:00",
                }
            ],
            "staff.csv:2:shift_start: starts at 15:30, not before it ends at 08:00",
        ),
        (
            "travel_times.csv",
            [
                {"origin_id": "P1", "destination_id": "O1", "minutes": 12, "mode": "bus"},
                {"origin_id": "P1", "destination_id": "O7", "minutes": 5, "mode": ""},
            ],
            "travel_times.csv:3:destination_id: offer 'O7' is not in offers.csv",
        ),
        (
            "travel_times.csv",
            [{"origin_id": "P1", "destination_id": "O1", "minutes": 12, "mode": "tram"}],
            "travel_times.csv:2:mode: 'tram' is not a known mode",
        ),
        (
            "candidates.csv",
            [
                {
                    "candidate_id": "C1",
                    "name": "Nyt hold",
                    "lat": 55.39,
                    "lon": 10.38,
                    "weekday": "tue",
                    "start": "17:00",
                    "end": "18:30",
                    "size": 0,
                    "cohort_every_weeks": 4,
                    "first_date": "2027-01-19",
                    "staff_hours_week": 6,
                }
            ],
            "candidates.csv:2:size: must be from 1 to 200, not 0",
        ),
    ],
    ids=["staff_not_home_visit", "shift_ends_first", "travel_unknown_offer", "travel_mode", "size"],
)
def test_optional_files_are_checked_against_the_others(
    dataset_dir: Path, name: str, rows: list[dict[str, object]], expected: str
) -> None:
    """staff, travel_times and candidates point only at offers that exist and fit."""
    write(dataset_dir, name, rows)
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    assert any(line.startswith(expected) for line in problem_lines(caught.value))


def test_a_broken_district_file_is_listed_with_the_table_problems(dataset_dir: Path) -> None:
    """An unreadable districts.geojson is one more problem in the same list."""
    (dataset_dir / "districts.geojson").write_text("{ not json", encoding="utf-8")
    edit("offers.csv", 2, "kind", "club")(dataset_dir)
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    files = [p.file for p in caught.value.problems]
    assert files == ["offers.csv", "districts.geojson"]


def test_loaded_tables_are_typed(demo: Dataset) -> None:
    """Points are GeoDataFrames in EPSG:25832 (metres), lists are tuples, dates are dates."""
    assert demo.offers.crs == "EPSG:25832"
    assert demo.patients.crs == "EPSG:25832"
    assert demo.districts is not None and demo.districts.crs == "EPSG:25832"
    assert demo.candidates is not None and demo.candidates.crs == "EPSG:25832"
    # Odense lies around 585 km east, 6,140 km north in UTM 32N
    assert demo.offers["x"].between(570_000, 600_000).all()
    assert demo.offers["y"].between(6_125_000, 6_155_000).all()
    assert demo.sessions["first_date"].dtype == "datetime64[ns]"
    assert demo.patients["discharge_date"].dtype == "datetime64[ns]"
    assert demo.sessions["capacity"].dtype == np.int64
    assert demo.offers["fee_dkk_month"].dtype == np.float64
    assert demo.patients["home_bound"].dtype == bool
    assert all(isinstance(v, tuple) for v in demo.offers["languages"])
    assert all(isinstance(w, Window) for v in demo.patients["available"] for w in v)
    assert (demo.sessions["start_min"] < demo.sessions["end_min"]).all()
    assert set(demo.sessions["day"]) <= set(range(7))


def test_empty_optional_cells_take_the_documented_defaults(tmp_path: Path) -> None:
    """A patients.csv with only the four required columns gets every documented default."""
    root = valid_dataset(tmp_path / "d")
    (root / "patients.csv").write_text(
        "patient_id,lat,lon,discharge_date\nP1,55.4,10.39,2027-02-10\n", encoding="utf-8"
    )
    row = load_dataset(root).patients.iloc[0]
    assert row["diagnoses"] == ()
    assert row["gender"] == "other"
    assert row["gender_pref"] == "any"
    assert row["modes"] == ("walk",)
    assert row["max_travel_min"] == 30
    assert row["available"] == ()
    assert row["group_tolerance"] == "large"
    assert row["budget_dkk_month"] == 0.0
    assert row["languages"] == ("da",)
    assert row["intensity_max"] == "moderate"
    assert not row["needs_supervision"] and not row["home_bound"] and not row["escalate"]
    assert not any(row[f] for f in ("lives_alone", "short_education", "low_income"))
    assert not row["multimorbidity"] and not row["mental_health"]
    assert row["prior_offer_id"] == ""


def test_danish_spreadsheet_export_loads_like_utf8() -> None:
    """The same rows as Windows-1252 with ';', decimal comma, DD-MM-YYYY, ja/nej and '|'
    lists load to exactly the frames of the UTF-8 file with a BOM."""
    utf8 = load_dataset(DATA / "utf8_export")
    danish = load_dataset(DATA / "danish_export")
    for name in ("offers", "sessions", "patients"):
        pd.testing.assert_frame_equal(getattr(utf8, name), getattr(danish, name))


def test_fixture_cells_mean_what_they_say() -> None:
    """BOM, Windows-1252 letters, quoted ';' inside a ';' file and '|' inside a ',' file."""
    ds = load_dataset(DATA / "danish_export")
    offers = ds.offers.set_index("offer_id")
    assert offers.loc["O1", "name"] == "Gåklub Ærø-kvarteret"
    assert offers.loc["O1", "tags"] == ("walking", "social")
    assert offers.loc["O1", "description"] == "Vi går 5 km; kaffe bagefter"
    assert offers.loc["O2", "fee_dkk_month"] == 120.5
    patients = ds.patients.set_index("patient_id")
    assert patients.loc["P2", "diagnoses"] == ("heart", "copd")
    assert patients.loc["P2", "budget_dkk_month"] == 1000.0
    assert patients.loc["P1", "available"] == (Window(0, 480, 720), Window(2, 1020, 1260))
    utf8 = load_dataset(DATA / "utf8_export")
    assert utf8.offers.set_index("offer_id").loc["O1", "tags"] == ("walking", "social")
    assert list(utf8.offers.columns[:2]) == ["offer_id", "name"]  # the BOM is not in a name


def test_blank_spreadsheet_rows_are_skipped_and_rows_keep_their_numbers(
    dataset_dir: Path,
) -> None:
    """Empty rows (';;;' or blank lines) are ignored; a later problem keeps its spreadsheet row."""
    lines = (dataset_dir / "sessions.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")  # a blank line as row 3
    lines.insert(3, ",,,,,,")  # an emptied row as row 4
    lines[4] = lines[4].replace("17:00", "25:00")  # session S2, now row 5
    (dataset_dir / "sessions.csv").write_text("\n".join(lines) + "\n,,,,,,\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    assert problem_lines(caught.value) == [
        "sessions.csv:5:start: '25:00' is not a time of day (HH:MM, 00:00-23:59)"
    ]


def test_column_names_ignore_case_spaces_and_order(dataset_dir: Path) -> None:
    """'  Offer_ID ' is offer_id; columns may come in any order; unknown columns are kept."""
    frame = pd.read_csv(dataset_dir / "offers.csv", dtype=str, keep_default_na=False)
    frame = frame[list(reversed(frame.columns))]
    frame.columns = [f"  {c.upper()} " for c in frame.columns]
    frame["Note"] = "x"
    frame.to_csv(dataset_dir / "offers.csv", index=False)
    ds = load_dataset(dataset_dir)
    assert list(ds.offers["offer_id"]) == ["O1", "O2", "O3"]
    assert list(ds.offers["note"]) == ["x", "x", "x"]


@pytest.mark.slow
def test_a_file_of_100000_rows_loads(tmp_path: Path) -> None:
    """100,000 patients load, every row checked (timing: benchmarks/bench_load.py)."""
    root = valid_dataset(tmp_path / "big")
    n = 100_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "patient_id": [f"P{i:06d}" for i in range(n)],
            "lat": np.round(55.33 + 0.14 * rng.random(n), 6),
            "lon": np.round(10.25 + 0.27 * rng.random(n), 6),
            "discharge_date": pd.Timestamp("2027-01-04")
            + pd.to_timedelta(rng.integers(0, 56, n), unit="D"),
            "diagnoses": rng.choice(["heart", "copd", "heart;diabetes", "cancer"], n),
            "modes": rng.choice(["walk", "walk;bus", "walk;bike;car"], n),
            "available": rng.choice(["", "mon 16:00-21:00;wed 16:00-21:00", "tue 09:00-12:00"], n),
            "budget_dkk_month": rng.choice([0, 50, 150, 300], n),
            "lives_alone": rng.choice(["true", "false"], n),
        }
    )
    frame.loc[n - 1, "lat"] = 123.0  # the last row, spreadsheet row 100,001
    frame.to_csv(root / "patients.csv", index=False, date_format="%Y-%m-%d")
    with pytest.raises(InputError) as caught:
        load_dataset(root)
    assert problem_lines(caught.value) == [
        "patients.csv:100001:lat: latitude 123.0 is outside -90..90"
    ]
    frame.loc[n - 1, "lat"] = 55.4
    frame.to_csv(root / "patients.csv", index=False, date_format="%Y-%m-%d")
    ds = load_dataset(root)
    assert len(ds.patients) == n
    assert ds.patients["patient_id"].is_unique
    assert ds.patients["modes"].map(len).max() == 3
    assert ds.patients["lives_alone"].dtype == bool


def test_a_missing_required_column_does_not_hide_the_problems_of_the_other_columns(
    dataset_dir: Path,
) -> None:
    """validate lists every problem: with a required column missing, the other
    columns' cells are still checked and their rows named."""
    drop_column("offers.csv", "kind")(dataset_dir)
    edit("offers.csv", 3, "group_size", "0")(dataset_dir)
    edit("sessions.csv", 2, "weekday", "someday")(dataset_dir)
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    lines = problem_lines(caught.value)
    assert "offers.csv:1:kind: required column is missing" in lines
    assert any(line.startswith("offers.csv:3:group_size: must be from 1 to 200") for line in lines)
    assert any(line.startswith("sessions.csv:2:weekday: 'someday'") for line in lines)


def test_a_travel_time_origin_that_is_no_patient_or_district_is_a_warning(
    dataset_dir: Path,
) -> None:
    """An unknown origin in travel_times.csv is named in a warning (its row is not used)."""
    travel_change([("P1", "O1", "12", "bus"), ("P77", "O1", "5", "")])(dataset_dir)
    ds = load_dataset(dataset_dir)
    assert [str(w) for w in ds.warnings] == [
        "travel_times.csv:3:origin_id: 'P77' is neither a patient_id nor a district_id; "
        "the row is not used"
    ]


def test_the_same_pair_by_another_mode_is_no_duplicate(dataset_dir: Path) -> None:
    """Travel times for one pair by two modes, or for every mode and by one mode, are allowed."""
    travel_change([("P1", "O1", "12", "bus"), ("P1", "O1", "30", "walk"), ("P1", "O1", "20", "")])(
        dataset_dir
    )
    assert len(load_dataset(dataset_dir).travel_times) == 3


def test_a_discharge_date_a_year_from_the_others_is_a_warning(dataset_dir: Path) -> None:
    """A discharge date more than a year from the middle of the others is warned about
    (a typing error in the year is likely), and the dataset still loads."""
    edit("patients.csv", 3, "discharge_date", "2029-02-10")(dataset_dir)
    ds = load_dataset(dataset_dir)
    assert [str(w) for w in ds.warnings] == [
        "patients.csv:3:discharge_date: 2029-02-10 is more than a year from the other patients' "
        f"discharge dates (middle date {ds.patients['discharge_date'].median():%Y-%m-%d}); "
        "check the year"
    ]


@pytest.mark.parametrize("word", ["mon", "Mon", "MONDAY", "monday"])
def test_windows_accept_only_the_documented_weekday_words(dataset_dir: Path, word: str) -> None:
    """A window starts with mon ... sun or the whole English weekday name, in any case."""
    edit("patients.csv", 3, "available", f"{word} 10:00-12:00")(dataset_dir)
    ds = load_dataset(dataset_dir)
    assert ds.patients["available"].iloc[1] == (Window(0, 600, 720),)


def test_the_store_is_reachable_from_the_package() -> None:
    """``import matcher; matcher.store`` gives the store package the README names."""
    import matcher

    assert matcher.store.Store.__name__ == "Store"


def test_a_repaired_district_shape_is_a_warning_of_the_dataset(dataset_dir: Path) -> None:
    """A self-crossing district (a bow-tie) is repaired, and the dataset says so in its
    warnings, naming the file."""
    bow_tie = [[10.35, 55.37], [10.43, 55.41], [10.43, 55.37], [10.35, 55.41], [10.35, 55.37]]
    feature = {
        "type": "Feature",
        "properties": {"district_id": "D1", "name": "Centrum"},
        "geometry": {"type": "Polygon", "coordinates": [bow_tie]},
    }
    (dataset_dir / "districts.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )
    ds = load_dataset(dataset_dir)
    assert ds.districts is not None and ds.districts.geometry.area.iloc[0] > 0
    assert any(str(w).startswith("districts.geojson:") for w in ds.warnings), ds.warnings


def test_a_district_file_that_is_a_named_pipe_is_refused(dataset_dir: Path) -> None:
    """Only regular files are read: a named pipe as the district file is bad input,
    never a command that waits for ever."""
    os.mkfifo(dataset_dir / "districts.geojson")
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    assert problem_lines(caught.value) == [
        "districts.geojson:-:-: is not a regular file (a pipe, device or socket); give a file"
    ]


def test_a_home_visit_service_without_shifts_in_staff_csv_is_a_warning(
    dataset_dir: Path,
) -> None:
    """With staff.csv given, a home-visit service it does not list is named in a warning:
    its visits are planned without a staff limit."""
    write(
        dataset_dir,
        "staff.csv",
        [
            {
                "staff_id": "T1",
                "offer_id": "O3",
                "weekday": "thu",
                "shift_start": "08:00",
                "shift_end": "15:00",
            }
        ],
    )
    assert load_dataset(dataset_dir).warnings == ()
    (dataset_dir / "staff.csv").write_text(
        "staff_id,offer_id,weekday,shift_start,shift_end\n", encoding="utf-8"
    )
    assert [str(w) for w in load_dataset(dataset_dir).warnings] == [
        "offers.csv:4:offer_id: home-visit service 'O3' has no shifts in staff.csv: its visits "
        "are planned without a staff limit and not routed"
    ]


@pytest.mark.parametrize(
    ("second", "refused"),
    [
        (("thu", "08:00", "15:00"), True),  # the same shift twice
        (("thu", "14:00", "16:00"), True),  # overlapping
        (("thu", "15:00", "17:00"), False),  # right after
        (("fri", "08:00", "15:00"), False),  # another day
    ],
)
def test_a_persons_overlapping_shifts_are_bad_input(
    dataset_dir: Path, second: tuple[str, str, str], refused: bool
) -> None:
    """One person's shifts on a weekday may not overlap or repeat: the staff minutes
    would count twice and the visits planned could not all be made."""
    day, start, end = second
    shift = {"staff_id": "T1", "offer_id": "O3"}
    write(
        dataset_dir,
        "staff.csv",
        [
            {**shift, "weekday": "thu", "shift_start": "08:00", "shift_end": "15:00"},
            {**shift, "weekday": day, "shift_start": start, "shift_end": end},
        ],
    )
    if not refused:
        load_dataset(dataset_dir)
        return
    with pytest.raises(InputError) as caught:
        load_dataset(dataset_dir)
    assert problem_lines(caught.value) == [
        "staff.csv:3:shift_start: T1's shift on thu overlaps an earlier shift of theirs that "
        "day; give each person's time once"
    ]


def test_places_taken_reduce_capacity_but_never_below_zero(dataset_dir: Path) -> None:
    """less_capacity takes the places taken off each session, never below 0, and
    leaves the dataset it came from as it was."""
    ds = load_dataset(dataset_dir)
    before = dict(zip(ds.sessions["session_id"], ds.sessions["capacity"], strict=True))
    less = ds.less_capacity({"S1": 1, "S2": before["S2"] + 5, "S9": 3})
    after = dict(zip(less.sessions["session_id"], less.sessions["capacity"], strict=True))
    assert after == {**before, "S1": before["S1"] - 1, "S2": 0}
    assert dict(zip(ds.sessions["session_id"], ds.sessions["capacity"], strict=True)) == before
    assert ds.less_capacity({}) is ds
