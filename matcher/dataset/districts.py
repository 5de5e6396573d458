"""District maps: read, check and repair a district file, or lay a grid.

Districts come from a map file (``read_districts``), the dataset's own file,
or a regular grid (``districts_for``). Every shape is checked (polygons, a
known coordinate system, inside Denmark, no formula or control characters in
ids) and every problem is listed with the feature it is in.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from pyproj.exceptions import ProjError
from shapely import force_2d
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from ..errors import LISTED, InputError, Problem, listed
from ..geo import CRS, DENMARK_BOX, OUTSIDE

_POLYGONAL = ("Polygon", "MultiPolygon")
_NO_CRS = (
    "declares no coordinate system and its coordinates are not longitude/latitude; "
    "declare one (a .prj file beside a Shapefile, or a GeoPackage)"
)
_NO_GEOMETRY = "has no geometry; give GeoJSON, GeoPackage or Shapefile"
_ASSUMED_WGS84 = (
    "declares no coordinate system; its coordinates are taken as longitude/latitude (EPSG:4326)"
)
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
    if geometry.geom_type in _POLYGONAL:
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in _POLYGONAL]
    return shapely.union_all(parts) if parts else None


def _feature_problems(
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
        elif kinds[i] not in _POLYGONAL:
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


def _listed(problems: list[Problem], name: str, what: str) -> list[Problem]:
    """The first problems of the features and one line counting the rest."""
    return listed(problems, name, "geometry", f"features {what}")


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


def _coordinate_problems(
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
    problems = _listed(problems, name, "with a coordinate that is not a number")
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
        return [*problems, *_listed(found, name, what)], lonlat
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
        problems += _listed(found, name, "far outside the area of their coordinate system")
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


def _name_problems(
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
            problems.append(Problem(name, i + 1, "geometry", f"cannot be repaired ({exc})"))
            shapes.append(None)
            continue
        shapes.append(shape)
        if shape is None or shape.area <= 0:
            problems.append(
                Problem(name, i + 1, "geometry", "has no area left once its rings are repaired")
            )

        elif not valid[i]:
            reason = shapely.is_valid_reason(source.iloc[i] if not valid_there[i] else geometry)
            label = f"'{ids.iloc[i]}'" + (
                f" ({names.iloc[i]})" if names.iloc[i] not in (None, "", ids.iloc[i]) else ""
            )
            warned.append(
                Problem(
                    name,
                    i + 1,
                    "geometry",
                    f"district {label}: the shape is not valid ({reason}) and was repaired; "
                    f"{shape.area / 1e6:.3g} km² kept, check the district's border",
                )
            )
    return shapes, problems, warned


def read_districts(
    path: str | Path,
    *,
    id_column: str = "district_id",
    name_column: str = "name",
    layer: str | None = None,
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
        raise InputError([Problem(name, None, None, "district file not found")])
    if not path.is_file():
        raise InputError(
            [Problem(name, None, None, "is not a file; give GeoJSON, GeoPackage or Shapefile")]
        )
    if path.stat().st_size == 0:
        raise InputError([Problem(name, None, None, "is empty (0 bytes)")])
    try:
        with warnings.catch_warnings():
            # a GeoPackage with several layers: the first is used, as documented;
            # GDAL's notes on odd files become problems below or do not matter
            warnings.simplefilter("ignore")
            frame = gpd.read_file(path, layer=layer)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(
            [Problem(name, None, None, f"cannot be read as a map layer ({exc})")]
        ) from exc
    if not isinstance(frame, gpd.GeoDataFrame) or not _has_geometry(frame):
        raise InputError([Problem(name, None, "geometry", _NO_GEOMETRY)])
    if len(frame) == 0:
        raise InputError([Problem(name, None, None, "holds no district (no features)")])
    properties = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name) or "none"
    problems = []
    warned = []
    found_id = _find_column(frame, id_column)
    if found_id is None:
        problems.append(
            Problem(name, None, id_column, f"required property is missing (found: {properties})")
        )
    found_name = _find_column(frame, name_column)
    if found_name is None and name_column != "name":
        problems.append(
            Problem(name, None, name_column, f"name property is missing (found: {properties})")
        )
    ids = _as_text(frame[found_id]) if found_id is not None else None
    names = _as_text(frame[found_name]) if found_name is not None else None
    problems += _feature_problems(name, frame, ids, id_column)
    if ids is not None:
        problems += _name_problems(name, ids, names, name_column)
    problems += _declared_crs_problems(path, name)
    try:
        crs = ProjCRS.from_user_input(frame.crs) if frame.crs is not None else None
    except ProjError as exc:
        raise InputError(
            [
                Problem(
                    name, None, "geometry", f"declares a coordinate system that is unknown ({exc})"
                )
            ]
        ) from exc
    polygons = frame.geometry.geom_type.isin(_POLYGONAL).to_numpy()
    found, lonlat = _coordinate_problems(name, frame.geometry[polygons], crs)
    rows = np.flatnonzero(polygons)
    for problem in found:
        if problem.row is not None:
            row = int(rows[problem.row - 1])
            label = f"district '{ids.iloc[row]}' " if ids is not None and ids.iloc[row] else ""
            problem = Problem(name, row + 1, "geometry", label + problem.message)
        problems.append(problem)
    if problems or ids is None:
        raise InputError(problems)
    if crs is None and lonlat:
        frame = frame.set_crs("EPSG:4326")
        warned.append(Problem(name, None, "geometry", _ASSUMED_WGS84))
    source = frame.geometry
    try:
        projected = force_2d(source.to_crs(CRS))
    except ProjError as exc:
        raise InputError(
            [Problem(name, None, "geometry", f"cannot be converted to {CRS} ({exc})")]
        ) from exc
    coords, owner = shapely.get_coordinates(np.asarray(projected), return_index=True)
    lost = np.unique(owner[~np.isfinite(coords).all(axis=1)])
    if len(lost):
        raise InputError(
            _listed(
                [
                    Problem(name, int(i) + 1, "geometry", f"cannot be placed in {CRS} (metres)")
                    for i in lost
                ],
                name,
                f"that cannot be placed in {CRS}",
            )
        )
    names = names.where(names.notna() & (names != ""), ids) if names is not None else ids
    shapes, problems, repaired = _repaired(name, source, projected, ids, names)
    problems += _text_problems(name, ids, names, id_column, name_column)
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
                Problem(
                    name,
                    None,
                    "geometry",
                    f"district '{out['district_id'].iat[i]}' has an area of "
                    f"{out.geometry.iat[i].area:.2g} m², no district's: are its coordinates "
                    "in the coordinate system the file declares, and its corners not on a line?",
                )
                for i in np.flatnonzero(tiny)
            ][:LISTED]
        )
    out.attrs[WARNINGS] = (*warned, *repaired, *_outside_denmark(name, out))
    return out


_GEOJSON_CRS = re.compile(rb'"crs"\s*:\s*\{[^{}]*"properties"\s*:\s*\{[^{}]*"name"\s*:\s*"([^"]+)"')


def _declared_crs_problems(path: Path, name: str) -> list[Problem]:
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


def _text_problems(
    name: str, ids: pd.Series, names: pd.Series, id_column: str, name_column: str
) -> list[Problem]:
    """Ids that start like a spreadsheet formula, and ids or names holding control
    characters (an escape code would restyle the terminal showing it)."""
    from .cells import formula_id_problem, has_control

    found = []
    for i, (ident, label) in enumerate(zip(ids.astype(str), names.astype(str), strict=True)):
        formula = formula_id_problem(ident)
        if formula is not None:
            found.append(Problem(name, i + 1, id_column, formula))
        for column, value in ((id_column, ident), (name_column, label)):
            if has_control(value):
                found.append(Problem(name, i + 1, column, "holds a control character"))
    return _listed(found, name, "with an id or name that cannot be shown safely")


def _outside_denmark(name: str, districts: gpd.GeoDataFrame) -> list[Problem]:
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
    return _listed(
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


def _column_label(i: int) -> str:
    """Spreadsheet-style column letters: A, B, ..., Z, AA, AB, ..."""
    label = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def grid_districts(
    xy: np.ndarray, cell_m: float | None = None, *, cells_across: int = 8
) -> gpd.GeoDataFrame:
    """A regular grid of square districts over the extent of some points.

    Parameters
    ----------
    xy
        Points in EPSG:25832 metres, shape (n, 2): patients' homes and venues.
    cell_m
        Side of a cell in metres; by default the longer side of the extent
        divided by ``cells_across``, rounded up to whole 100 m (at least 500 m).

    Returns the cells that hold at least one point, in EPSG:25832, named like
    a map grid: letters west to east, numbers north to south (``B3``, ``grid B3``).
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(xy) == 0:
        return gpd.GeoDataFrame({"district_id": [], "name": []}, geometry=[], crs=CRS)
    low, high = xy.min(axis=0), xy.max(axis=0)
    if cell_m is None:
        span = float((high - low).max()) / max(1, cells_across)
        cell_m = max(500.0, float(np.ceil(span / 100.0)) * 100.0)
    west = np.floor(low[0] / cell_m) * cell_m
    north = (np.floor(high[1] / cell_m) + 1) * cell_m
    col = np.floor((xy[:, 0] - west) / cell_m).astype(np.int64)
    row = np.floor((north - xy[:, 1]) / cell_m).astype(np.int64)
    cells = np.unique(np.column_stack([row, col]), axis=0)
    cells = cells[np.lexsort((cells[:, 0], cells[:, 1]))]  # column by column, north first
    labels = [f"{_column_label(int(c))}{int(r) + 1}" for r, c in cells]
    x0 = west + cells[:, 1] * cell_m
    y1 = north - cells[:, 0] * cell_m
    boxes = shapely.box(x0, y1 - cell_m, x0 + cell_m, y1)
    return gpd.GeoDataFrame(
        {"district_id": labels, "name": [f"grid {label}" for label in labels]},
        geometry=boxes,
        crs=CRS,
    )


def population_centres(
    districts: gpd.GeoDataFrame, xy: np.ndarray, district_pos: np.ndarray
) -> np.ndarray:
    """Mean home of each district's patients, shape (districts, 2), EPSG:25832 metres.

    ``xy`` are homes, ``district_pos`` their districts' rows (-1: outside,
    ignored). A district without patients gets ``representative_point()``.
    """
    n = len(districts)
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    pos = np.asarray(district_pos, dtype=np.int64)
    inside = pos >= 0
    counts = np.bincount(pos[inside], minlength=n)
    sums = np.column_stack(
        [np.bincount(pos[inside], weights=xy[inside, k], minlength=n) for k in (0, 1)]
    )
    inner = districts.geometry.to_crs(CRS).representative_point()
    out = np.column_stack([inner.x.to_numpy(float), inner.y.to_numpy(float)])
    has = counts > 0
    out[has] = sums[has] / counts[has, None]
    return out
