"""What the dataset tests share: the bad inputs of the data contract, each a change
to a small valid dataset and the problem line it must give (loaded by the loader's
tests and run through the command line by the CLI's), a tiny spec and its reader
for the tests of one table's cells, and small district layers with their reader."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from builders import offer, patient, session, write
from shapely.geometry import box

from matcher import InputError
from matcher.dataset.districts import read_districts
from matcher.dataset.schema import Column, FileSpec
from matcher.dataset.tables import TableRead, read_table
from matcher.geo import CRS

DATA = Path(__file__).resolve().parent / "data"

Change = Callable[[Path], None]


def valid_dataset(root: Path) -> Path:
    """Three offers (one a home-visit service), four sessions and three patients that load."""
    root.mkdir(parents=True, exist_ok=True)
    write(
        root,
        "offers.csv",
        [
            offer(offer_id="O1"),
            offer(offer_id="O2", name="Hjertecafé", kind="network_group", fee_dkk_month=25),
            offer(offer_id="O3", name="Hjemmetræning", kind="home_visit", group_size=1),
        ],
    )
    write(
        root,
        "sessions.csv",
        [
            session(session_id="S1", offer_id="O1"),
            session(session_id="S2", offer_id="O2", weekday="wed", start="17:00", end="19:00"),
            session(session_id="S3", offer_id="O3", weekday="thu", start="09:00", end="10:00"),
            session(session_id="S4", offer_id="O1", weekday="sat"),
        ],
    )
    write(
        root,
        "patients.csv",
        [
            patient(patient_id="P1"),
            patient(patient_id="P2", modes="walk;bus", available="mon 16:00-21:00"),
            patient(patient_id="P3", home_bound="true", group_tolerance="individual"),
        ],
    )
    return root


def edit(name: str, row: int, column: str, value: str) -> Change:
    """Set one cell (spreadsheet row numbering: the first data row is 2)."""

    def change(root: Path) -> None:
        frame = pd.read_csv(root / name, dtype=str, keep_default_na=False)
        frame.loc[row - 2, column] = value
        frame.to_csv(root / name, index=False)

    return change


def drop_column(name: str, column: str) -> Change:
    def change(root: Path) -> None:
        frame = pd.read_csv(root / name, dtype=str, keep_default_na=False)
        frame.drop(columns=column).to_csv(root / name, index=False)

    return change


def remove_change(name: str) -> Change:
    def change(root: Path) -> None:
        (root / name).unlink()

    return change


def replace_change(name: str, data: bytes) -> Change:
    def change(root: Path) -> None:
        (root / name).write_bytes(data)

    return change


def transform(name: str, func: Callable[[bytes], bytes]) -> Change:
    """Replace a file by ``func`` of its bytes."""

    def change(root: Path) -> None:
        (root / name).write_bytes(func((root / name).read_bytes()))

    return change


def special(name: str, what: str) -> Change:
    """Put a named pipe, a link to /dev/zero or a 300 MB sparse file in place of a file."""

    def change(root: Path) -> None:
        path = root / name
        path.unlink()
        if what == "fifo":
            os.mkfifo(path)
        elif what == "zero":
            path.symlink_to("/dev/zero")
        else:
            with path.open("wb") as handle:
                handle.truncate(300 * 1024 * 1024)

    return change


def travel_change(rows: list[tuple[str, str, str, str]]) -> Change:
    """Write travel_times.csv with the given (origin, destination, minutes, mode) rows."""

    def change(root: Path) -> None:
        lines = ["origin_id,destination_id,minutes,mode", *(",".join(r) for r in rows)]
        (root / "travel_times.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    return change


def add_column(name: str, column: str, value: str) -> Change:
    """Add a column with ``value`` in every row."""

    def change(root: Path) -> None:
        frame = pd.read_csv(root / name, dtype=str, keep_default_na=False)
        frame[column] = value
        frame.to_csv(root / name, index=False)

    return change


def binary(name: str) -> Change:
    """A gzip-compressed CSV saved under the plain name, as happens with e-mailed files."""

    def change(root: Path) -> None:
        shutil.copy(DATA / "patients.csv.gz", root / name)

    return change


#: (case, change to a valid dataset, the problem line it gives)
BAD_INPUTS: list[tuple[str, Change, str]] = [
    ("missing_file", remove_change("sessions.csv"), "sessions.csv:-:-: file not found in "),
    (
        "missing_column",
        drop_column("offers.csv", "kind"),
        "offers.csv:1:kind: required column is missing",
    ),
    (
        "unknown_kind",
        edit("offers.csv", 3, "kind", "club"),
        "offers.csv:3:kind: 'club' is not a known kind (expected one of: exit_team, "
        "network_group, association, home_visit)",
    ),
    (
        "duplicate_id",
        edit("patients.csv", 4, "patient_id", "P1"),
        "patients.csv:4:patient_id: duplicate id 'P1' (first used in row 2)",
    ),
    (
        "session_to_missing_offer",
        edit("sessions.csv", 4, "offer_id", "O9"),
        "sessions.csv:4:offer_id: offer 'O9' is not in offers.csv",
    ),
    (
        "start_after_end",
        edit("sessions.csv", 3, "start", "19:30"),
        "sessions.csv:3:start: starts at 19:30, not before it ends at 19:00",
    ),
    (
        "hour_25",
        edit("sessions.csv", 2, "end", "25:00"),
        "sessions.csv:2:end: '25:00' is not a time of day (HH:MM, 00:00-23:59)",
    ),
    (
        "negative_capacity",
        edit("sessions.csv", 5, "capacity", "-3"),
        "sessions.csv:5:capacity: must be from 0 to 10,000, not -3",
    ),
    (
        "negative_fee",
        edit("offers.csv", 3, "fee_dkk_month", "-50"),
        "offers.csv:3:fee_dkk_month: must be from 0 to 100,000, not -50",
    ),
    (
        "latitude_outside_range",
        edit("patients.csv", 3, "lat", "95.2"),
        "patients.csv:3:lat: latitude 95.2 is outside -90..90",
    ),
    (
        "longitude_outside_range",
        edit("offers.csv", 2, "lon", "-190"),
        "offers.csv:2:lon: longitude -190 is outside -180..180",
    ),
    (
        "month_13",
        edit("sessions.csv", 3, "first_date", "2026-13-01"),
        "sessions.csv:3:first_date: '2026-13-01' is not a date (YYYY-MM-DD)",
    ),
    (
        "unknown_weekday",
        edit("sessions.csv", 2, "weekday", "mandag"),
        "sessions.csv:2:weekday: 'mandag' is not a known weekday (expected one of: mon, tue, "
        "wed, thu, fri, sat, sun)",
    ),
    (
        "unknown_weekday_in_window",
        edit("patients.csv", 3, "available", "fre 10:00-12:00"),
        "patients.csv:3:available: 'fre' is not a weekday (mon, tue, ... sun)",
    ),
    (
        "unknown_mode",
        edit("patients.csv", 2, "modes", "walk;taxi"),
        "patients.csv:2:modes: unknown modes 'taxi' (expected: walk, bike, bus, car, flextrafik)",
    ),
    (
        "cpr_number_as_patient_id",
        edit("patients.csv", 3, "patient_id", "0101901234"),
        "patients.csv:3:patient_id: looks like a CPR number; use the patient's pseudonym",
    ),
    (
        "cpr_number_with_dash_as_patient_id",
        edit("patients.csv", 4, "patient_id", "010190-1234"),
        "patients.csv:4:patient_id: looks like a CPR number; use the patient's pseudonym",
    ),
    *(
        (
            f"personal_column_{column}",
            add_column("patients.csv", column, "x"),
            f"patients.csv:1:{column.lower()}: a name, CPR number or contact detail must "
            "never be in this file",
        )
        for column in (
            "name",
            "Navn",
            "fornavn",
            "efternavn",
            "cpr",
            "cpr_nr",
            "cprnr",
            "address",
            "adresse",
            "phone",
            "telefon",
            "email",
            "e-mail",
            "Patient Name",
            "patient_name",
            "PatientName",
            "fulde_navn",
            "personnr",
            "telefonnummer",
            "mobilnummer",
        )
    ),
    *(
        (
            f"number_outside_its_plausible_range_{case}",
            edit(name, 3, column, value),
            f"{name}:3:{column}: must be {limits}, not {value}",
        )
        for case, name, column, value, limits in (
            (
                "capacity_beyond_int64",
                "sessions.csv",
                "capacity",
                "99999999999999999999",
                "from 0 to 10,000",
            ),
            ("group_size_1e19", "offers.csv", "group_size", "1e19", "from 1 to 200"),
            ("group_size_201", "offers.csv", "group_size", "201", "from 1 to 200"),
            (
                "travel_601_minutes",
                "patients.csv",
                "max_travel_min",
                "601",
                "more than 0 and at most 600",
            ),
            (
                "weeks_beyond_int64",
                "sessions.csv",
                "weeks",
                "99999999999999999999",
                "from 1 to 520",
            ),
            ("fee_above_100000", "offers.csv", "fee_dkk_month", "100001", "from 0 to 100,000"),
            ("budget_1e300", "patients.csv", "budget_dkk_month", "1e300", "from 0 to 100,000"),
        )
    ),
    *(
        (
            f"date_outside_the_window_{value}",
            edit("sessions.csv", 3, "first_date", value),
            f"sessions.csv:3:first_date: '{value}' is outside the dates Brobygger accepts "
            "(2000-01-01 to 2100-12-31)",
        )
        for value in ("0001-01-01", "9999-12-31", "2262-04-11", "1999-12-31", "31-12-2101")
    ),
    (
        "comma_inside_a_number_of_a_comma_file",
        edit("offers.csv", 3, "fee_dkk_month", "1,500"),
        "offers.csv:3:fee_dkk_month: '1,500' has a comma in a comma-separated file",
    ),
    (
        "window_word_that_only_starts_like_a_weekday",
        edit("patients.csv", 3, "available", "Monkey 10:00-12:00"),
        "patients.csv:3:available: 'Monkey' is not a weekday (mon, tue, ... sun)",
    ),
    *(
        (
            f"cpr_number_written_otherwise_{case}",
            edit("patients.csv", 3, "patient_id", value),
            "patients.csv:3:patient_id: looks like a CPR number; use the patient's pseudonym",
        )
        for case, value in (
            ("space", "010190 1234"),
            ("hyphen_u2010", "010190\u20101234"),
            ("en_dash_u2013", "010190\u20131234"),
            ("dots", "01.01.90-1234"),
            ("prefixed", "P0101901234"),
            ("full_width_digits", "\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14"),
        )
    ),
    (
        "personal_name_as_patient_id",
        edit("patients.csv", 3, "patient_id", "Jens Hansen"),
        "patients.csv:3:patient_id: looks like a person's name; use the patient's pseudonym",
    ),
    *(
        (
            f"formula_as_id_{case}",
            edit(name, 3, column, value),
            f"{name}:3:{column}: an id cannot start with '{value[0]}'",
        )
        for case, name, column, value in (
            ("equals", "offers.csv", "offer_id", '=HYPERLINK("http://x","y")'),
            ("plus", "sessions.csv", "session_id", "+1"),
            ("at", "patients.csv", "patient_id", "@SUM(A1)"),
            ("minus", "sessions.csv", "offer_id", "-2+3"),
        )
    ),
    (
        "lines_ending_in_carriage_return_only",
        transform("patients.csv", lambda data: data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")),
        "patients.csv:-:-: its lines end with a carriage return only",
    ),
    (
        "cell_larger_than_the_field_limit",
        edit("offers.csv", 3, "description", "x" * 200_000),
        "offers.csv:3:description: holds 200,000 characters, more than the 10,000",
    ),
    (
        "cell_larger_than_the_field_limit_in_a_row_too_long",
        transform(
            "offers.csv", lambda data: data + b"O9," + b"y" * 200_000 + b",,,,,,,,,,,,,,,,,,,,,\n"
        ),
        "offers.csv:5:name: holds 200,000 characters",
    ),
    ("named_pipe", special("patients.csv", "fifo"), "patients.csv:-:-: is not a regular file"),
    (
        "link_to_an_endless_device",
        special("patients.csv", "zero"),
        "patients.csv:-:-: is not a regular file",
    ),
    (
        "file_over_the_size_limit",
        special("patients.csv", "huge"),
        "patients.csv:-:-: is 300 MB, more than the 256 MB Brobygger reads",
    ),
    (
        "duplicate_travel_time_pair",
        travel_change([("P1", "O1", "3", "bus"), ("P1", "O1", "300", "bus")]),
        "travel_times.csv:3:origin_id: the pair P1 to O1 by bus is given twice (first in row 2)",
    ),
    *(
        (
            f"number_in_other_than_ascii_digits_{case}",
            edit("offers.csv", 3, "group_size", value),
            f"offers.csv:3:group_size: '{value}' is not a number",
        )
        for case, value in (("full_width", "\uff11\uff12"), ("arabic_indic", "\u0663"))
    ),
    (
        "country_code_as_language",
        edit("patients.csv", 3, "languages", "dk"),
        "patients.csv:3:languages: 'dk' is a country code, not a language; Danish is 'da'",
    ),
    (
        "unknown_language_code",
        edit("offers.csv", 3, "languages", "da;zz"),
        "offers.csv:3:languages: 'zz' is not a language code of ISO 639-1",
    ),
    *(
        (
            f"name_joined_otherwise_as_patient_id_{case}",
            edit("patients.csv", 3, "patient_id", value),
            "patients.csv:3:patient_id: looks like a person's name",
        )
        for case, value in (
            ("underscore", "Jens_Hansen"),
            ("dot", "Jens.Hansen"),
            ("camel_case", "JensHansen"),
        )
    ),
    (
        "full_width_letters_in_a_pseudonym",
        edit("patients.csv", 3, "patient_id", "\uff30\uff10\uff10\uff12"),
        "patients.csv:3:patient_id: holds look-alike characters",
    ),
    (
        "cpr_number_in_another_cell_of_patients",
        edit("patients.csv", 3, "prior_offer_id", "010190-1234"),
        "patients.csv:3:prior_offer_id: holds what looks like a CPR number",
    ),
    (
        "cpr_number_in_interests",
        edit("patients.csv", 3, "interests", "walking;0101901234"),
        "patients.csv:3:interests: holds what looks like a CPR number",
    ),
    (
        "bidirectional_override_in_a_name",
        edit("offers.csv", 3, "name", "Gåklub \u202eevil"),
        "offers.csv:3:name: holds a control character",
    ),
    (
        "control_character_in_a_column_name",
        transform("offers.csv", lambda data: data.replace(b"name", b"na\x1bme", 1)),
        "offers.csv:1:column 2: the column name holds a control character",
    ),
    (
        "ids_that_differ_only_in_case",
        edit("patients.csv", 4, "patient_id", "p1"),
        "patients.csv:4:patient_id: id 'p1' differs from 'P1' (row 2) only in upper and lower",
    ),
    (
        "birth_date_column",
        add_column("patients.csv", "fødselsdato", "1950-01-01"),
        "patients.csv:1:fødselsdato: a name, CPR number or contact detail must never be",
    ),
    (
        "unknown_contact_channel",
        edit("patients.csv", 3, "contact_channel", "fax"),
        "patients.csv:3:contact_channel: 'fax' is not a known contact_channel (expected one "
        "of: phone, letter, sms, in_person, relative)",
    ),
    (
        "unknown_call_time",
        edit("patients.csv", 2, "call_time", "night"),
        "patients.csv:2:call_time: 'night' is not a known call_time (expected one of: "
        "morning, afternoon, evening)",
    ),
    ("empty_file", replace_change("patients.csv", b""), "patients.csv:-:-: the file is empty"),
    (
        "binary_file",
        binary("patients.csv"),
        "patients.csv:-:-: is not a CSV text file (it holds binary data)",
    ),
]
BAD_IDS = [case for case, _, _ in BAD_INPUTS]


# -- one table's cells ------------------------------------------------------

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


# -- district layers ---------------------------------------------------------

#: Two squares of 2 km side by side in Odense (EPSG:25832 metres), and an island.
X0, Y0 = 584_000.0, 6_138_000.0
WEST = box(X0, Y0, X0 + 2000, Y0 + 2000)
EAST = box(X0 + 2000, Y0, X0 + 4000, Y0 + 2000)
ISLAND = box(X0 + 6000, Y0 + 6000, X0 + 6500, Y0 + 6500)
DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shp": "ESRI Shapefile"}


def layer(
    geometries: list, ids: list, names: list | None = None, crs: str = CRS
) -> gpd.GeoDataFrame:
    """A district layer in EPSG:25832, reprojected to ``crs``."""
    frame = gpd.GeoDataFrame(
        {"district_id": ids, "name": names or [f"Area {i}" for i in ids]},
        geometry=geometries,
        crs=CRS,
    )
    return frame.to_crs(crs)


def save(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write ``frame`` in the format its suffix names (Shapefile cuts long names)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(path, driver=DRIVERS[path.suffix[1:]])
    return path


def problems_of(path: Path, **options: str) -> list[str]:
    """The problems ``read_districts`` reports, as text."""
    with pytest.raises(InputError) as caught:
        read_districts(path, **options)
    return [str(p) for p in caught.value.problems]


DISTRICTS = layer([WEST, EAST], ["D1", "D2"])


def geojson_with(tmp_path: Path, demo_dir: Path, feature: int, vertex: int, xy: tuple) -> Path:
    """The demo district file with one vertex of one feature replaced by raw text."""
    import json

    data = json.loads((demo_dir / "districts.geojson").read_text(encoding="utf-8"))
    ring = data["features"][feature]["geometry"]["coordinates"][0]
    ring[vertex] = ["@X@", "@Y@"]
    text = json.dumps(data).replace('"@X@"', xy[0]).replace('"@Y@"', xy[1])
    path = tmp_path / "districts.geojson"
    path.write_text(text, encoding="utf-8")
    return path
