"""Read, check and write a dataset directory.

``load_dataset(DIR)`` reads the files of the contract (UTF-8 CSV or a Danish
spreadsheet export: ``;``, decimal comma, Windows-1252), checks every cell and
the links between files, and returns a ``Dataset`` of typed frames, or raises
``InputError`` listing every problem found in every file, each as
``file:row:column: message``. ``save_dataset`` writes one back, in either
dialect, without ever leaving a half-written directory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from ..errors import InputError, Problem
from ..geo import CRS, DENMARK_BOX
from ..privacy import looks_like_cpr
from ..words.problems import listed, problem
from .districts import grid_districts, read_districts
from .files import require_regular_file
from .freshness import stale_warnings
from .schema import (
    CANDIDATES,
    DISCHARGE_SPREAD_DAYS,
    OFFERS,
    PATIENTS,
    SESSIONS,
    STAFF,
    TRAVEL_TIMES,
    FileSpec,
)
from .tables import read_table, relabelled, table_source

__all__ = ["CRS", "DISTRICT_FILES", "Dataset", "districts_for", "load_dataset", "points", "project"]

#: Coordinate system for all geometry: ETRS89 / UTM zone 32N, metres.

#: District files looked for in a dataset directory, in this order.
DISTRICT_FILES = ("districts.geojson", "districts.gpkg", "districts.shp")


@dataclass(frozen=True)
class Dataset:
    """A checked dataset: the tables of the contract as typed frames.

    ``offers``, ``patients`` and ``candidates`` are GeoDataFrames of points in
    EPSG:25832 (metres) with ``x`` and ``y`` columns beside ``lat``/``lon``.
    List cells are tuples of strings, ``available`` is a tuple of
    ``matcher.domain.Window`` (empty: any time), clock columns keep their
    ``HH:MM`` text and gain ``<name>_min`` (minutes after midnight), and
    ``weekday`` gains ``day`` (0 = Monday).
    """

    offers: gpd.GeoDataFrame
    sessions: pd.DataFrame
    patients: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame | None = None
    staff: pd.DataFrame | None = None
    candidates: gpd.GeoDataFrame | None = None
    travel_times: pd.DataFrame | None = None
    source: Path | None = None
    warnings: tuple[Problem, ...] = field(default=())

    def replace(self, **changes: Any) -> Dataset:
        """A copy with some tables replaced (the dataset itself never changes)."""
        return replace(self, **changes)

    def less_capacity(self, taken: Mapping[str, int]) -> Dataset:
        """A copy with each session's ``capacity`` reduced by the places ``taken``
        per session id (never below 0 places)."""
        if not taken:
            return self
        sessions = self.sessions.copy()
        used = sessions["session_id"].map(taken).fillna(0).astype("int64")
        sessions["capacity"] = (sessions["capacity"] - used).clip(lower=0)
        return self.replace(sessions=sessions)

    def summary(self) -> dict[str, int]:
        """Row counts per table."""
        counts = {
            "offers": len(self.offers),
            "sessions": len(self.sessions),
            "patients": len(self.patients),
            "places": int(self.sessions["capacity"].sum()),
        }
        for name in ("districts", "staff", "candidates", "travel_times"):
            table = getattr(self, name)
            if table is not None:
                counts[name] = len(table)
        return counts


@cache
def _to_metres() -> Transformer:
    return Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


def project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees to EPSG:25832 metres (x, y), as ``points`` computes them."""
    x, y = _to_metres().transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, float), np.asarray(y, float)


def points(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """``frame`` with points from ``lon``/``lat`` in EPSG:25832, and ``x``, ``y`` in metres."""
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326").to_crs(CRS)
    out = gpd.GeoDataFrame(frame.copy(), geometry=geometry, crs=CRS)
    out["x"] = geometry.x
    out["y"] = geometry.y
    return out


def _outside_denmark(name: str, table: pd.DataFrame, rows: np.ndarray) -> list[Problem]:
    west, south, east, north = DENMARK_BOX
    lat, lon = table["lat"].to_numpy(), table["lon"].to_numpy()
    outside = np.flatnonzero((lat < south) | (lat > north) | (lon < west) | (lon > east))
    found = [
        problem(
            name,
            int(rows[i]),
            "lat",
            "{lat:g}, {lon:g} is plainly outside Denmark",
            lat=lat[i],
            lon=lon[i],
        )
        for i in outside
    ]
    return listed(found, name, "lat", "rows outside Denmark")


def _links(tables: dict[str, pd.DataFrame], rows: dict[str, np.ndarray]) -> list[Problem]:
    """Problems between files: unknown ids, times that end before they start.

    ``rows`` gives the spreadsheet row number of every row of each table.
    """
    problems: list[Problem] = []

    def _rows_where(mask: pd.Series | np.ndarray, name: str) -> np.ndarray:
        return rows[name][np.flatnonzero(np.asarray(mask))]

    offers = tables.get("offers.csv")
    offer_ids = set(offers["offer_id"]) if offers is not None else set()
    sessions = tables.get("sessions.csv")
    if sessions is not None and offers is not None:
        unknown = ~sessions["offer_id"].isin(offer_ids) & (sessions["offer_id"] != "")
        problems += [
            problem(
                "sessions.csv", int(r), "offer_id", "offer '{offer}' is not in offers.csv", offer=v
            )
            for r, v in zip(
                _rows_where(unknown, "sessions.csv"), sessions["offer_id"][unknown], strict=True
            )
        ]
    for name, start, end in (
        ("sessions.csv", "start", "end"),
        ("staff.csv", "shift_start", "shift_end"),
        ("candidates.csv", "start", "end"),
    ):
        table = tables.get(name)
        if table is None:
            continue
        bad = (
            (table[f"{start}_min"] >= table[f"{end}_min"])
            & (table[start] != "")
            & (table[end] != "")
        )
        problems += [
            problem(
                name,
                int(r),
                start,
                "starts at {start}, not before it ends at {end}",
                start=s,
                end=e,
            )
            for r, s, e in zip(
                _rows_where(bad, name), table[start][bad], table[end][bad], strict=True
            )
        ]
    staff = tables.get("staff.csv")
    if staff is not None and offers is not None:
        home = set(offers.loc[offers["kind"] == "home_visit", "offer_id"])
        wrong = ~staff["offer_id"].isin(home)
        problems += [
            problem(
                "staff.csv",
                int(r),
                "offer_id",
                "'{offer}' is not a home_visit offer in offers.csv",
                offer=v,
            )
            for r, v in zip(_rows_where(wrong, "staff.csv"), staff["offer_id"][wrong], strict=True)
        ]
    travel = tables.get("travel_times.csv")
    if travel is not None and offers is not None:
        wrong = ~travel["destination_id"].isin(offer_ids)
        problems += [
            problem(
                "travel_times.csv",
                int(r),
                "destination_id",
                "offer '{offer}' is not in offers.csv",
                offer=v,
            )
            for r, v in zip(
                _rows_where(wrong, "travel_times.csv"), travel["destination_id"][wrong], strict=True
            )
        ]
    if travel is not None:
        problems += duplicate_travel_pairs(travel, rows["travel_times.csv"])
    if staff is not None:
        problems += _overlapping_shifts(staff, rows["staff.csv"])
    return problems


def _overlapping_shifts(staff: pd.DataFrame, rows: np.ndarray) -> list[Problem]:
    """A person's two shifts on one weekday that overlap (or repeat) would count
    the same minutes twice, so the visits planned could not all be made."""
    order = staff.assign(_row=rows).sort_values(["staff_id", "day", "shift_start_min", "_row"])
    # the latest end of the person's earlier shifts that day
    keys = [order["staff_id"], order["day"]]
    latest = order.groupby(keys)["shift_end_min"].cummax().groupby(keys).shift()
    overlap = (order["shift_start_min"] < latest).to_numpy()
    return [
        problem(
            "staff.csv",
            int(r),
            "shift_start",
            "{staff}'s shift on {weekday} overlaps an earlier shift of theirs that day; "
            "give each person's time once",
            staff=who,
            weekday=day,
        )
        for r, who, day in zip(
            order["_row"][overlap],
            order["staff_id"][overlap],
            order["weekday"][overlap],
            strict=True,
        )
    ]


def duplicate_travel_pairs(
    travel: pd.DataFrame, rows: np.ndarray, name: str = "travel_times.csv"
) -> list[Problem]:
    """A pair of origin, destination and mode given twice is bad input: which
    of two minutes holds cannot be guessed."""
    key = ["origin_id", "destination_id", "mode"]
    repeated = travel.duplicated(key, keep="first").to_numpy()
    if not repeated.any():
        return []
    first = pd.Series(rows, index=pd.MultiIndex.from_frame(travel[key]))
    first = first[~first.index.duplicated(keep="first")]
    found = []
    for i in np.flatnonzero(repeated):
        origin, destination, mode = (travel[k].iat[i] for k in key)
        where = (name, int(rows[i]), "origin_id")
        first_row = first[(origin, destination, mode)]
        if mode:
            found.append(
                problem(
                    *where,
                    "the pair {origin} to {destination} by {mode} is given twice "
                    "(first in row {first_row}); keep one row",
                    origin=origin,
                    destination=destination,
                    mode=mode,
                    first_row=first_row,
                )
            )
        else:
            found.append(
                problem(
                    *where,
                    "the pair {origin} to {destination} for every mode is given twice "
                    "(first in row {first_row}); keep one row",
                    origin=origin,
                    destination=destination,
                    first_row=first_row,
                )
            )
    return found


def _unknown_origins(
    travel: pd.DataFrame, rows: np.ndarray, patients: pd.DataFrame, districts: Any
) -> list[Problem]:
    """A warning for each travel_times.csv origin that is neither a patient nor
    a district: its rows are not used."""
    known = set(patients["patient_id"])
    if districts is not None and "district_id" in districts.columns:
        known |= set(districts["district_id"].astype(str))
    unknown = ~travel["origin_id"].isin(known).to_numpy()
    found = [
        problem(
            "travel_times.csv",
            int(rows[i]),
            "origin_id",
            "an origin that looks like a CPR number is neither a patient_id nor a "
            "district_id; the row is not used",
        )
        if looks_like_cpr(travel["origin_id"].iat[i])
        else problem(
            "travel_times.csv",
            int(rows[i]),
            "origin_id",
            "'{origin}' is neither a patient_id nor a district_id; the row is not used",
            origin=travel["origin_id"].iat[i],
        )
        for i in np.flatnonzero(unknown)
    ]
    return listed(found, "travel_times.csv", "origin_id", "rows with an unknown origin")


def _discharge_outliers(patients: pd.DataFrame, rows: np.ndarray) -> list[Problem]:
    """A warning for each discharge date more than a year from the median of
    all of them: most likely a typing error in the year."""
    dates = patients["discharge_date"]
    if len(dates) < 2:
        return []
    median = dates.median()
    far = (dates - median).abs() > pd.Timedelta(days=DISCHARGE_SPREAD_DAYS)
    found = [
        problem(
            "patients.csv",
            int(rows[i]),
            "discharge_date",
            "{date:%Y-%m-%d} is more than a year from the other patients' "
            "discharge dates (middle date {median:%Y-%m-%d}); check the year",
            date=dates.iat[i],
            median=median,
        )
        for i in np.flatnonzero(far.to_numpy())
    ]
    return listed(found, "patients.csv", "discharge_date", "discharge dates more than a year away")


def _unstaffed_services(
    offers: pd.DataFrame, rows: np.ndarray, staff: pd.DataFrame | None
) -> list[Problem]:
    """With staff.csv given, a warning for each home-visit service it does not
    list: that service's visits have no staff limit and are not routed."""
    if staff is None:
        return []
    unlisted = (offers["kind"] == "home_visit") & ~offers["offer_id"].isin(staff["offer_id"])
    return [
        problem(
            "offers.csv",
            int(rows[i]),
            "offer_id",
            "home-visit service '{offer}' has no shifts in staff.csv: "
            "its visits are planned without a staff limit and not routed",
            offer=offers["offer_id"].iat[i],
        )
        for i in np.flatnonzero(unlisted.to_numpy())
    ]


def load_dataset(
    directory: str | Path,
    *,
    districts: str | Path | None = None,
    stale_months: int | None = None,
) -> Dataset:
    """Read and check the dataset in ``directory``.

    Parameters
    ----------
    directory
        A folder with ``offers.csv``, ``sessions.csv`` and ``patients.csv``,
        and optionally ``districts.geojson``, ``staff.csv``,
        ``candidates.csv`` and ``travel_times.csv``.
    districts
        A district file (GeoJSON, GeoPackage or Shapefile) to use instead of
        the one in ``directory``.
    stale_months
        Warn about each offer whose ``verified_date`` is more than this many
        months before today (``matcher.dataset.freshness``); no such warning
        when ``None``.

    Raises
    ------
    InputError
        Listing every problem in every file as ``file:row:column: message``.
    """
    root = Path(directory)
    if not root.is_dir():
        raise InputError([problem(str(root), None, None, "dataset folder not found")])
    problems: list[Problem] = []
    warned: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    rows: dict[str, np.ndarray] = {}
    spec: FileSpec
    labels: dict[str, str] = {}  # a table read from a workbook: how problems name it
    for spec in (OFFERS, SESSIONS, PATIENTS, STAFF, CANDIDATES, TRAVEL_TIMES):
        path = table_source(root, spec, problems)  # offers.csv or offers.xlsx
        if path is None:
            continue
        read = read_table(path, spec)
        problems += read.problems
        warned += read.warnings
        if read.label != spec.name:
            labels[spec.name] = read.label
        if read.frame is not None:
            tables[spec.name] = read.frame
            rows[spec.name] = read.rows
    problems += relabelled(_links(tables, rows), labels)
    for name in ("offers.csv", "patients.csv", "candidates.csv"):
        if name in tables:
            warned += _outside_denmark(name, tables[name], rows[name])
    district_table = None
    district_path = Path(districts) if districts is not None else _district_file(root)
    if district_path is not None:
        try:
            if district_path.exists():  # a missing file is named by read_districts
                require_regular_file(district_path)
            district_table = read_districts(district_path)
        except InputError as exc:
            problems += exc.problems
        else:
            warned += list(district_table.attrs.get("warnings", ()))
    if problems:
        raise InputError(problems)
    warned += _discharge_outliers(tables["patients.csv"], rows["patients.csv"])
    warned += _unstaffed_services(tables["offers.csv"], rows["offers.csv"], tables.get("staff.csv"))
    if stale_months is not None:
        warned += stale_warnings(tables["offers.csv"], rows["offers.csv"], stale_months)
    if "travel_times.csv" in tables:
        warned += _unknown_origins(
            tables["travel_times.csv"],
            rows["travel_times.csv"],
            tables["patients.csv"],
            district_table,
        )
    candidates = tables.get("candidates.csv")
    return Dataset(
        offers=points(tables["offers.csv"]),
        sessions=tables["sessions.csv"],
        patients=points(tables["patients.csv"]),
        districts=district_table,
        staff=tables.get("staff.csv"),
        candidates=points(candidates) if candidates is not None else None,
        travel_times=tables.get("travel_times.csv"),
        source=root.resolve(),
        warnings=tuple(relabelled(warned, labels)),
    )


def _district_file(root: Path) -> Path | None:
    return next((root / n for n in DISTRICT_FILES if (root / n).exists()), None)


def districts_for(
    dataset: Dataset, districts: gpd.GeoDataFrame | None = None, *, cell_m: float | None = None
) -> gpd.GeoDataFrame:
    """The districts to report on: ``districts`` if given, else the dataset's
    own district file, else a regular grid over its patients and venues
    (see ``grid_districts``). Always in EPSG:25832."""
    if districts is not None:
        return districts.to_crs(CRS)
    if dataset.districts is not None and len(dataset.districts):
        return dataset.districts.to_crs(CRS)
    xy = np.concatenate(
        [dataset.patients[["x", "y"]].to_numpy(float), dataset.offers[["x", "y"]].to_numpy(float)]
    )
    return grid_districts(xy, cell_m)
