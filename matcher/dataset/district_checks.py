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
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from pyproj.exceptions import ProjError

from ..errors import Problem
from ..geo import DENMARK_BOX, OUTSIDE
from ..words.problems import listed, problem
from .cells import Worded, formula_id_problem, has_control, worded

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
_GEOJSON_CRS = re.compile(rb'"crs"\s*:\s*\{[^{}]*"properties"\s*:\s*\{[^{}]*"name"\s*:\s*"([^"]+)"')


def listed_features(problems: list[Problem], name: str, what: str) -> list[Problem]:
    """The first problems of the features and one line counting the rest
    (``what``, a message id of the catalogue, names the features)."""
    return listed(problems, name, "geometry", what)


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
            problems.append(problem(name, i + 1, "geometry", "feature has no geometry"))
        elif kinds[i] not in POLYGONAL:
            problems.append(
                problem(name, i + 1, "geometry", "is a {kind}, not a polygon", kind=kinds[i])
            )
    if ids is not None:
        empty = ids.isna().to_numpy() | (ids == "").to_numpy()
        problems += [
            problem(name, int(r) + 1, id_column, "district id is empty")
            for r in np.flatnonzero(empty)
        ]
        problems += [
            problem(
                name,
                int(r) + 1,
                id_column,
                "'{outside}' is kept for points in no district",
                outside=OUTSIDE,
            )
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
    name: str, geometry: gpd.GeoSeries, crs: ProjCRS | None, ids: pd.Series | None = None
) -> tuple[list[Problem], bool]:
    """Features whose coordinates cannot be right, and whether the file (without a
    CRS) is in longitude/latitude.

    Every coordinate must be a finite number; in a geographic CRS (or a file
    without one taken as EPSG:4326) a longitude within -180..180 and a latitude
    within -90..90; in a projected CRS inside its area of use widened by the
    area's own size on every side (a typo of a few digits is far outside it).
    ``ids`` (one per feature of ``geometry``) names each feature's district in
    its problem where it has an id.
    """
    named = _district_names(geometry, ids)
    coords, owner = shapely.get_coordinates(np.asarray(geometry), return_index=True)
    finite = np.isfinite(coords).all(axis=1)
    problems = [
        problem(
            name,
            int(i) + 1,
            "geometry",
            "district '{district}' has a coordinate that is not a number (NaN or infinite)",
            district=named[i],
        )
        if named[i]
        else problem(
            name, int(i) + 1, "geometry", "has a coordinate that is not a number (NaN or infinite)"
        )
        for i in np.unique(owner[~finite])
    ]
    problems = listed(problems, name, "geometry", "features with a coordinate that is not a number")
    coords, owner = coords[finite], owner[finite]
    x, y = coords[:, 0], coords[:, 1]
    lonlat = bool(((np.abs(x) <= 180) & (np.abs(y) <= 90)).all())
    if crs is None and not lonlat:
        no_crs = problem(
            name,
            None,
            "geometry",
            "declares no coordinate system and its coordinates are not longitude/latitude; "
            "declare one (a .prj file beside a Shapefile, or a GeoPackage)",
        )
        return [*problems, no_crs], False
    if crs is None or crs.is_geographic:
        unit = "EPSG:4326" if crs is None else _crs_label(crs)
        bad = (np.abs(x) > 180) | (np.abs(y) > 90)
        found = _per_feature(
            name,
            (owner, bad, named),
            worded(
                "has longitude {lon:.10g}, latitude {lat:.10g}: impossible in {crs}"
                "; longitude must be within -180..180 and latitude within -90..90",
                lon=x,
                lat=y,
                crs=unit,
            ),
            worded(
                "district '{district}' has longitude {lon:.10g}, latitude {lat:.10g}: impossible "
                "in {crs}; longitude must be within -180..180 and latitude within -90..90",
                lon=x,
                lat=y,
                crs=unit,
            ),
        )
        found = listed(
            found,
            name,
            "geometry",
            "features with a longitude beyond ±180 or a latitude beyond ±90",
        )
        return [*problems, *found], lonlat
    box = _area_box(crs)
    if box is not None:
        west, south, east, north = box
        bad = (x < west) | (x > east) | (y < south) | (y > north)
        label = _crs_label(crs)
        found = _per_feature(
            name,
            (owner, bad, named),
            worded(
                "has x {x:.10g}, y {y:.10g}: far outside the area of {crs}, so a coordinate is "
                "wrong or the file declares the wrong coordinate system",
                x=x,
                y=y,
                crs=label,
            ),
            worded(
                "district '{district}' has x {x:.10g}, y {y:.10g}: far outside the area of "
                "{crs}, so a coordinate is wrong or the file declares the wrong coordinate system",
                x=x,
                y=y,
                crs=label,
            ),
        )
        problems += listed(
            found, name, "geometry", "features far outside the area of their coordinate system"
        )
    return problems, lonlat


def _district_names(geometry: gpd.GeoSeries, ids: pd.Series | None) -> list[str]:
    """The district id of each feature of ``geometry``, ``""`` where it has none."""
    if ids is None:
        return [""] * len(geometry)
    return [str(v) if v else "" for v in ids]


def _per_feature(
    name: str, where: tuple[np.ndarray, np.ndarray, list[str]], plain: Worded, named: Worded
) -> list[Problem]:
    """One problem per feature with a bad coordinate, worded from its first bad one.

    ``where`` holds the feature of every coordinate, whether it is bad, and the
    district id of every feature; a feature with an id is worded as ``named``,
    one without as ``plain``. A value of theirs that is an array holds one value
    per coordinate.
    """
    owner, bad, districts = where
    found = []
    for i in np.unique(owner[bad]):
        k = int(np.flatnonzero(bad & (owner == i))[0])
        said = named if districts[i] else plain
        values = {key: v[k] if isinstance(v, np.ndarray) else v for key, v in said.values.items()}
        if districts[i]:
            values["district"] = districts[i]
        found.append(problem(name, int(i) + 1, "geometry", said.template, **values))
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
                problem(
                    name,
                    row,
                    name_column,
                    "district id '{district}' is named '{first_name}' in feature {first_feature} "
                    "and '{name}' here; features that share an id are parts of one district "
                    "(islands) and need one name, so give each district its own id",
                    district=key,
                    first_name=seen[1],
                    first_feature=seen[0],
                    name=label,
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
            problem(
                name,
                None,
                "crs",
                "declares the coordinate system '{crs}', which is unknown; give an "
                "EPSG code such as EPSG:25832 or EPSG:4326",
                crs=declared,
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
            found.append(problem(name, i + 1, id_column, formula.template, **formula.values))
        for column, value in ((id_column, ident), (name_column, label)):
            if has_control(value):
                found.append(problem(name, i + 1, column, "holds a control character"))
    return listed(
        found, name, "geometry", "features with an id or name that cannot be shown safely"
    )


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
    found = [
        problem(
            name,
            None,
            "geometry",
            "district '{district}' lies plainly outside Denmark",
            district=districts["district_id"].iat[i],
        )
        for i in np.flatnonzero(outside)
    ]
    return listed(found, name, "geometry", "features outside Denmark")
