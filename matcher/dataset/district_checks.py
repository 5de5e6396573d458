"""The checks of a district file: shapes, coordinates, ids and names, declared CRS.

Each check takes what ``districts.read_districts`` has read and gives a list
of ``Problem``, one per feature (numbered from 1) with its column, the first
few of a kind and one line counting the rest: features that are no polygon or
have no id, coordinates that cannot be right in the file's coordinate system,
one id under two names, a GeoJSON naming an unknown CRS, ids a spreadsheet
would run and control characters, and districts wholly outside Denmark.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from pyproj.exceptions import ProjError

from ..errors import Problem, listed
from ..geo import DENMARK_BOX, OUTSIDE
from .cells import formula_id_problem, has_control

__all__ = [
    "POLYGONAL",
    "coordinate_problems",
    "declared_crs_problems",
    "feature_problems",
    "listed_features",
    "name_problems",
    "outside_denmark",
    "text_problems",
]

#: The geometry types a district may have.
POLYGONAL = ("Polygon", "MultiPolygon")
_NO_CRS = (
    "declares no coordinate system and its coordinates are not longitude/latitude; "
    "declare one (a .prj file beside a Shapefile, or a GeoPackage)"
)
_GEOJSON_CRS = re.compile(rb'"crs"\s*:\s*\{[^{}]*"properties"\s*:\s*\{[^{}]*"name"\s*:\s*"([^"]+)"')


def listed_features(problems: list[Problem], name: str, what: str) -> list[Problem]:
    """The first problems of the features and one line counting the rest."""
    return listed(problems, name, "geometry", f"features {what}")


def feature_problems(
    name: str, frame: gpd.GeoDataFrame, ids: pd.Series | None, id_column: str
) -> list[Problem]:
    """Features without a polygon or without an id, numbered from 1."""
    problems = []
    geometry = frame.geometry
    missing = (geometry.isna() | geometry.is_empty).to_numpy()
    kinds = geometry.geom_type.to_numpy()
    for i in range(len(frame)):
        if missing[i]:
            problems.append(Problem(name, i + 1, "geometry", "feature has no geometry"))
        elif kinds[i] not in POLYGONAL:
            problems.append(Problem(name, i + 1, "geometry", f"is a {kinds[i]}, not a polygon"))
    if ids is not None:
        empty = ids.isna().to_numpy() | (ids == "").to_numpy()
        problems += [
            Problem(name, int(r) + 1, id_column, "district id is empty")
            for r in np.flatnonzero(empty)
        ]
        problems += [
            Problem(name, int(r) + 1, id_column, f"'{OUTSIDE}' is kept for points in no district")
            for r in np.flatnonzero((ids == OUTSIDE).to_numpy())
        ]
    return problems


def _crs_label(crs: ProjCRS) -> str:
    """``EPSG:25832 (ETRS89 / UTM zone 32N)``, or the name alone without an authority code."""
    try:
        code = crs.to_authority(min_confidence=70)
    except ProjError:
        code = None
    return f"{code[0]}:{code[1]} ({crs.name})" if code else crs.name


def _area_box(crs: ProjCRS) -> tuple[float, float, float, float] | None:
    """The CRS's area of use in its own units, widened on every side by its size."""
    area = crs.area_of_use
    if area is None:
        return None
    try:
        to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        west, south, east, north = to_crs.transform_bounds(*area.bounds)
    except ProjError:
        return None
    if not np.isfinite([west, south, east, north]).all():
        return None
    margin = max(east - west, north - south)
    return west - margin, south - margin, east + margin, north + margin


def coordinate_problems(
    name: str, geometry: gpd.GeoSeries, crs: ProjCRS | None
) -> tuple[list[Problem], bool]:
    """Features whose coordinates cannot be right, and whether the file (without a
    CRS) is in longitude/latitude.

    Every coordinate must be a finite number; in a geographic CRS (or a file
    without one taken as EPSG:4326) a longitude within -180..180 and a latitude
    within -90..90; in a projected CRS inside its area of use widened by the
    area's own size on every side (a typo of a few digits is far outside it).
    """
    coords, owner = shapely.get_coordinates(np.asarray(geometry), return_index=True)
    finite = np.isfinite(coords).all(axis=1)
    problems = [
        Problem(
            name, int(i) + 1, "geometry", "has a coordinate that is not a number (NaN or infinite)"
        )
        for i in np.unique(owner[~finite])
    ]
    problems = listed_features(problems, name, "with a coordinate that is not a number")
    coords, owner = coords[finite], owner[finite]
    x, y = coords[:, 0], coords[:, 1]
    lonlat = bool(((np.abs(x) <= 180) & (np.abs(y) <= 90)).all())
    if crs is None and not lonlat:
        return [*problems, Problem(name, None, "geometry", _NO_CRS)], False
    if crs is None or crs.is_geographic:
        unit = "EPSG:4326" if crs is None else _crs_label(crs)
        bad = (np.abs(x) > 180) | (np.abs(y) > 90)
        what = "with a longitude beyond ±180 or a latitude beyond ±90"
        found = _per_feature(
            name,
            owner,
            bad,
            lambda k: (
                f"has longitude {x[k]:.10g}, latitude {y[k]:.10g}: impossible in {unit}"
                "; longitude must be within -180..180 and latitude within -90..90"
            ),
        )
        return [*problems, *listed_features(found, name, what)], lonlat
    box = _area_box(crs)
    if box is not None:
        west, south, east, north = box
        bad = (x < west) | (x > east) | (y < south) | (y > north)
        found = _per_feature(
            name,
            owner,
            bad,
            lambda k: (
                f"has x {x[k]:.10g}, y {y[k]:.10g}: far outside the area of "
                f"{_crs_label(crs)}, so a coordinate is wrong "
                "or the file declares the wrong coordinate system"
            ),
        )
        problems += listed_features(found, name, "far outside the area of their coordinate system")
    return problems, lonlat


def _per_feature(
    name: str, owner: np.ndarray, bad: np.ndarray, message: Callable[[int], str]
) -> list[Problem]:
    """One problem per feature with a bad coordinate, worded from its first bad one
    (``owner`` gives the feature of every coordinate)."""
    found = []
    for i in np.unique(owner[bad]):
        k = int(np.flatnonzero(bad & (owner == i))[0])
        found.append(Problem(name, int(i) + 1, "geometry", message(k)))
    return found


def name_problems(
    name: str, ids: pd.Series, names: pd.Series | None, name_column: str
) -> list[Problem]:
    """Features that share a district id but give it another name: two districts
    under one id, not parts (islands) of one district."""
    if names is None:
        return []
    problems = []
    first: dict[str, tuple[int, str]] = {}
    for row, (key, label) in enumerate(zip(ids, names, strict=True), start=1):
        if key is None or label is None or label == "":
            continue
        seen = first.setdefault(key, (row, label))
        if seen[1] != label:
            problems.append(
                Problem(
                    name,
                    row,
                    name_column,
                    f"district id '{key}' is named '{seen[1]}' in feature {seen[0]} and "
                    f"'{label}' here; features that share an id are parts of one district "
                    "(islands) and need one name, so give each district its own id",
                )
            )
    return problems


def declared_crs_problems(path: Path, name: str) -> list[Problem]:
    """A GeoJSON file naming a coordinate system nobody knows: GDAL would quietly
    read it as longitude/latitude, so the districts would land anywhere."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return []
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return []
    match = _GEOJSON_CRS.search(head)
    if match is None:
        return []
    declared = match.group(1).decode("utf-8", "replace")
    try:
        ProjCRS.from_user_input(declared)
    except ProjError:
        return [
            Problem(
                name,
                None,
                "crs",
                f"declares the coordinate system '{declared}', which is unknown; give an "
                "EPSG code such as EPSG:25832 or EPSG:4326",
            )
        ]
    return []


def text_problems(
    name: str, ids: pd.Series, names: pd.Series, id_column: str, name_column: str
) -> list[Problem]:
    """Ids that start like a spreadsheet formula, and ids or names holding control
    characters (an escape code would restyle the terminal showing it)."""
    found = []
    for i, (ident, label) in enumerate(zip(ids.astype(str), names.astype(str), strict=True)):
        formula = formula_id_problem(ident)
        if formula is not None:
            found.append(Problem(name, i + 1, id_column, formula))
        for column, value in ((id_column, ident), (name_column, label)):
            if has_control(value):
                found.append(Problem(name, i + 1, column, "holds a control character"))
    return listed_features(found, name, "with an id or name that cannot be shown safely")


def outside_denmark(name: str, districts: gpd.GeoDataFrame) -> list[Problem]:
    """A warning for each district that lies wholly outside a generous box around
    Denmark: most likely a wrong coordinate system or another country's file."""
    west, south, east, north = DENMARK_BOX
    bounds = districts.to_crs("EPSG:4326").bounds
    outside = (
        (bounds["maxx"] < west)
        | (bounds["minx"] > east)
        | (bounds["maxy"] < south)
        | (bounds["miny"] > north)
    ).to_numpy()
    return listed_features(
        [
            Problem(
                name,
                None,
                "geometry",
                f"district '{districts['district_id'].iat[i]}' lies plainly outside Denmark",
            )
            for i in np.flatnonzero(outside)
        ],
        name,
        "outside Denmark",
    )
