"""District maps: read a district file, check it and repair its shapes.

Districts come from a map file (``read_districts``), the dataset's own file,
or a regular grid (``districts_for``). Every shape is checked (polygons, a
known coordinate system, inside Denmark, no formula or control characters in
ids) and every problem is listed with the feature it is in. The checks live in
``district_checks``; the grid and the population centres in ``district_grids``.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS as ProjCRS
from pyproj.exceptions import ProjError
from shapely import force_2d
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from ..errors import LISTED, InputError, Problem
from ..geo import CRS
from ..words.problems import listed, problem
from .district_checks import (
    POLYGONAL,
    coordinate_problems,
    declared_crs_problems,
    feature_problems,
    name_problems,
    outside_denmark,
    text_problems,
)
from .district_grids import grid_districts, population_centres

# the grid and the centres are read from here as well as from ``district_grids``
__all__ = ["WARNINGS", "grid_districts", "population_centres", "read_districts"]

#: Key of ``GeoDataFrame.attrs`` where ``read_districts`` leaves its warnings
#: (a tuple of ``Problem``): shapes it had to repair, an assumed CRS.
WARNINGS = "warnings"
#: A district smaller than this (m², a third of a football pitch) is no district:
#: coordinates in another unit than the file declares, or corners on one line.
_MIN_AREA_M2 = 1_000.0


def _has_geometry(frame: gpd.GeoDataFrame) -> bool:
    """Whether a frame read as a map layer has an active geometry column."""
    try:
        frame.geometry  # noqa: B018 - raises when there is none
    except AttributeError:
        return False
    return True


def _find_column(frame: pd.DataFrame, wanted: str) -> str | None:
    """The column ``wanted``, ignoring case and Shapefile's 10-character cut (district_i)."""
    if wanted in frame.columns:
        return wanted
    folded = {str(c).lower(): str(c) for c in frame.columns if c != frame.geometry.name}
    for key in (wanted.lower(), wanted.lower()[:10]):
        if key in folded:
            return folded[key]
    return None


def _as_text(values: pd.Series) -> pd.Series:
    """Stripped text, missing kept; whole numbers stored as floats (5000.0) lose ``.0``."""
    present = values.notna().to_numpy()
    floats = pd.api.types.is_float_dtype(values)

    def text(value: object) -> str:
        if floats and float(value).is_integer() and abs(float(value)) < 2**53:  # type: ignore[arg-type]
            return str(int(value))  # type: ignore[call-overload]
        return str(value).strip()

    out = [text(v) if keep else None for v, keep in zip(values, present, strict=True)]
    return pd.Series(out, index=values.index, dtype=object)


def _polygonal(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """The polygon parts of ``geometry`` (repairing a ring can add stray lines), or None."""
    if geometry is None or geometry.is_empty:
        return None
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else None


def _repaired(
    name: str,
    source: gpd.GeoSeries,
    projected: gpd.GeoSeries,
    ids: pd.Series,
    names: pd.Series,
) -> tuple[list[BaseGeometry | None], list[Problem], list[Problem]]:
    """Each feature's polygon parts after ``make_valid``, the problems (nothing
    or no area left, shapes that cannot be repaired) and one warning per
    repaired shape naming its feature and district."""
    shapes: list[BaseGeometry | None] = []
    problems: list[Problem] = []
    warned: list[Problem] = []
    valid = projected.is_valid.to_numpy()
    valid_there = source.is_valid.to_numpy()
    for i, geometry in enumerate(projected):
        try:
            shape = _polygonal(geometry if valid[i] else shapely.make_valid(geometry))
        except GEOSException as exc:
            problems.append(
                problem(name, i + 1, "geometry", "cannot be repaired ({reason})", reason=exc)
            )
            shapes.append(None)
            continue
        shapes.append(shape)
        if shape is None or shape.area <= 0:
            problems.append(
                problem(name, i + 1, "geometry", "has no area left once its rings are repaired")
            )

        elif not valid[i]:
            reason = shapely.is_valid_reason(source.iloc[i] if not valid_there[i] else geometry)
            warned.append(
                _repaired_warning(name, i + 1, (ids.iloc[i], names.iloc[i]), reason, shape)
            )
    return shapes, problems, warned


def _repaired_warning(
    name: str, feature: int, district: tuple[str, str | None], reason: str, shape: BaseGeometry
) -> Problem:
    """The warning for a shape that was not valid and was repaired, naming the
    district by its id and (where it differs) its name."""
    ident, label = district
    values = {"district": ident, "reason": reason, "km2": shape.area / 1e6}
    if label not in (None, "", ident):
        return problem(
            name,
            feature,
            "geometry",
            "district '{district}' ({name}): the shape is not valid ({reason}) and was "
            "repaired; {km2:.3g} km² kept, check the district's border",
            name=label,
            **values,
        )
    return problem(
        name,
        feature,
        "geometry",
        "district '{district}': the shape is not valid ({reason}) and was repaired; "
        "{km2:.3g} km² kept, check the district's border",
        **values,
    )


def read_districts(
    path: str | Path,
    *,
    id_column: str = "district_id",
    name_column: str = "name",
    layer: str | None = None,
    where: str | None = None,
) -> gpd.GeoDataFrame:
    """Districts from a GeoJSON, GeoPackage or Shapefile, in EPSG:25832.

    Parameters
    ----------
    path
        The map file. Its declared CRS is used; a file that declares none is
        taken to be EPSG:4326 (longitude, latitude), with a warning.
    id_column, name_column
        The properties that hold each district's id and name, e.g.
        ``id_column="lau_1", name_column="label_dk"`` for a file of Danish
        municipalities or ``id_column="postal_code"`` for postal-code areas.
        Case does not matter, nor does the 10-character cut of Shapefile
        attribute names. Without a ``name`` property the id is the name.
    layer
        The layer of a GeoPackage that holds several (default: the first).
    where
        Only the features this SQL condition on the file's properties keeps, as
        GDAL reads it (``"kommunekode='0461'"``: one municipality of a national file).

    Returns
    -------
    GeoDataFrame
        ``district_id``, ``name`` (text) and ``geometry`` in EPSG:25832 (metres):
        one row per district in the order of first appearance, Z values
        dropped, broken rings repaired (``shapely.make_valid``), and every part
        that shares an id (islands, a district split into many features)
        dissolved into one polygon or multipolygon. ``attrs[WARNINGS]`` holds
        a tuple of ``Problem``: one per repaired shape (file, feature,
        district) and one for a file without a CRS.

    Raises
    ------
    InputError
        Listing every problem as ``file:feature:column: message``: a missing,
        empty or unreadable file, a missing property, empty ids, one id under
        two names, features that are not polygons or have no area once
        repaired, and coordinates that are impossible (not finite, longitude
        beyond ±180, latitude beyond ±90) or far outside the declared CRS's area.
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputError([problem(name, None, None, "district file not found")])
    if not path.is_file():
        raise InputError(
            [problem(name, None, None, "is not a file; give GeoJSON, GeoPackage or Shapefile")]
        )
    if path.stat().st_size == 0:
        raise InputError([problem(name, None, None, "is empty (0 bytes)")])
    try:
        with warnings.catch_warnings():
            # a GeoPackage with several layers: the first is used, as documented;
            # GDAL's notes on odd files become problems below or do not matter
            warnings.simplefilter("ignore")
            frame = gpd.read_file(path, layer=layer, **({"where": where} if where else {}))
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(
            [problem(name, None, None, "cannot be read as a map layer ({reason})", reason=exc)]
        ) from exc
    if not isinstance(frame, gpd.GeoDataFrame) or not _has_geometry(frame):
        raise InputError(
            [
                problem(
                    name,
                    None,
                    "geometry",
                    "has no geometry; give GeoJSON, GeoPackage or Shapefile",
                )
            ]
        )
    if len(frame) == 0:
        raise InputError([problem(name, None, None, "holds no district (no features)")])
    properties = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name) or "none"
    problems = []
    warned = []
    found_id = _find_column(frame, id_column)
    if found_id is None:
        problems.append(
            problem(
                name,
                None,
                id_column,
                "required property is missing (found: {properties})",
                properties=properties,
            )
        )
    found_name = _find_column(frame, name_column)
    if found_name is None and name_column != "name":
        problems.append(
            problem(
                name,
                None,
                name_column,
                "name property is missing (found: {properties})",
                properties=properties,
            )
        )
    ids = _as_text(frame[found_id]) if found_id is not None else None
    names = _as_text(frame[found_name]) if found_name is not None else None
    problems += feature_problems(name, frame, ids, id_column)
    if ids is not None:
        problems += name_problems(name, ids, names, name_column)
    problems += declared_crs_problems(path, name)
    try:
        crs = ProjCRS.from_user_input(frame.crs) if frame.crs is not None else None
    except ProjError as exc:
        raise InputError(
            [
                problem(
                    name,
                    None,
                    "geometry",
                    "declares a coordinate system that is unknown ({reason})",
                    reason=exc,
                )
            ]
        ) from exc
    polygons = frame.geometry.geom_type.isin(POLYGONAL).to_numpy()
    rows = np.flatnonzero(polygons)
    found, lonlat = coordinate_problems(
        name, frame.geometry[polygons], crs, ids.iloc[rows] if ids is not None else None
    )
    for coordinate in found:  # numbered by polygon; the file numbers every feature
        if coordinate.row is not None:
            coordinate = replace(coordinate, row=int(rows[coordinate.row - 1]) + 1)
        problems.append(coordinate)
    if problems or ids is None:
        raise InputError(problems)
    if crs is None and lonlat:
        frame = frame.set_crs("EPSG:4326")
        warned.append(
            problem(
                name,
                None,
                "geometry",
                "declares no coordinate system; its coordinates are taken as "
                "longitude/latitude (EPSG:4326)",
            )
        )
    source = frame.geometry
    try:
        projected = force_2d(source.to_crs(CRS))
    except ProjError as exc:
        raise InputError(
            [
                problem(
                    name,
                    None,
                    "geometry",
                    "cannot be converted to {crs} ({reason})",
                    crs=CRS,
                    reason=exc,
                )
            ]
        ) from exc
    coords, owner = shapely.get_coordinates(np.asarray(projected), return_index=True)
    lost = np.unique(owner[~np.isfinite(coords).all(axis=1)])
    if len(lost):
        raise InputError(
            listed(
                [
                    problem(
                        name, int(i) + 1, "geometry", "cannot be placed in {crs} (metres)", crs=CRS
                    )
                    for i in lost
                ],
                name,
                "geometry",
                "features that cannot be placed in EPSG:25832",
            )
        )
    names = names.where(names.notna() & (names != ""), ids) if names is not None else ids
    shapes, problems, repaired = _repaired(name, source, projected, ids, names)
    problems += text_problems(name, ids, names, id_column, name_column)
    if problems:
        raise InputError(problems)
    table = gpd.GeoDataFrame(
        {"district_id": ids.astype(str).to_numpy(), "name": names.astype(str).to_numpy()},
        geometry=gpd.GeoSeries(shapes, crs=CRS).to_numpy(),
        crs=CRS,
    )
    dissolved = table.dissolve(by="district_id", aggfunc="first", as_index=False, sort=False)
    out = dissolved[["district_id", "name", "geometry"]].reset_index(drop=True)
    tiny = out.geometry.area.to_numpy() < _MIN_AREA_M2
    if tiny.any():
        raise InputError(
            [
                problem(
                    name,
                    None,
                    "geometry",
                    "district '{district}' has an area of {m2:.2g} m², no district's: are its "
                    "coordinates in the coordinate system the file declares, and its corners "
                    "not on a line?",
                    district=out["district_id"].iat[i],
                    m2=out.geometry.iat[i].area,
                )
                for i in np.flatnonzero(tiny)
            ][:LISTED]
        )
    out.attrs[WARNINGS] = (*warned, *repaired, *outside_denmark(name, out))
    return out
