"""Districts without a map: a regular grid over the points, and population centres.

When a dataset has no district file, ``grid_districts`` lays square cells
named like a map grid (``B3``) over patients' homes and venues;
``population_centres`` gives each district the mean home of its patients.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from ..geo import CRS

__all__ = ["grid_districts", "population_centres"]


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
