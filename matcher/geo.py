"""Geography: coordinate systems, districts, distances and travel-time estimates.

All geometry is in EPSG:25832 (ETRS89 / UTM 32N, metres). Travel time comes
from a ``TravelTimeSource``: the built-in ``EstimatedTravel`` turns
straight-line distance into minutes per mode with a detour factor, and
``MatrixTravel`` lays a router's ``travel_times.csv`` over it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import force_2d

from .domain import MODES
from .errors import InputError, Problem

__all__ = [
    "CRS",
    "EstimatedTravel",
    "MatrixTravel",
    "ModeSpeed",
    "TravelTimeSource",
    "distance_m",
    "read_districts",
]

CRS = "EPSG:25832"


def distance_m(ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray) -> np.ndarray:
    """Straight-line distance in metres between every a (rows) and every b (columns)."""
    return np.hypot(ax[:, None] - bx[None, :], ay[:, None] - by[None, :])


@dataclass(frozen=True)
class ModeSpeed:
    """How one mode turns straight-line distance into door-to-door minutes.

    minutes = fixed_min + distance_km * detour / speed_kmh * 60, and the mode
    is not offered for trips shorter than ``min_km`` (nobody takes a bus to
    the neighbour).
    """

    speed_kmh: float
    detour: float = 1.3
    fixed_min: float = 0.0
    min_km: float = 0.0

    def minutes(self, distance_m: np.ndarray) -> np.ndarray:
        """Minutes for distances in metres (``inf`` below ``min_km``)."""
        km = distance_m / 1000.0
        minutes = self.fixed_min + km * self.detour / self.speed_kmh * 60.0
        return np.where(km < self.min_km, np.inf, minutes)


class TravelTimeSource(Protocol):
    """Anything that gives one-way minutes per mode between origins and destinations."""

    def minutes(
        self,
        origins: np.ndarray,
        destinations: np.ndarray,
    ) -> np.ndarray:
        """Minutes as an array of shape (len(origins), len(destinations), len(MODES)).

        ``origins`` and ``destinations`` are integer positions into the
        source's own point tables (patients and offers of the dataset).
        """
        ...


class EstimatedTravel:
    """Built-in travel times from straight-line distance in EPSG:25832.

    Parameters
    ----------
    origin_xy, destination_xy
        Point coordinates in metres, shape (n, 2).
    speeds
        One ``ModeSpeed`` per mode name in ``matcher.domain.MODES``.
    """

    def __init__(
        self,
        origin_xy: np.ndarray,
        destination_xy: np.ndarray,
        speeds: Mapping[str, ModeSpeed],
    ) -> None:
        missing = [m for m in MODES if m not in speeds]
        if missing:
            raise ValueError(f"no travel speed for mode(s): {', '.join(missing)}")
        self.origin_xy = np.asarray(origin_xy, dtype=float)
        self.destination_xy = np.asarray(destination_xy, dtype=float)
        self.speeds = [speeds[m] for m in MODES]

    def minutes(self, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        a = self.origin_xy[origins]
        b = self.destination_xy[destinations]
        dist = distance_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
        return np.stack([s.minutes(dist) for s in self.speeds], axis=-1).astype(np.float32)


class MatrixTravel:
    """A router's travel times laid over another source where pairs are given.

    Parameters
    ----------
    base
        The source used for pairs the matrix does not give.
    table
        ``travel_times.csv`` rows: ``origin_id, destination_id, minutes[, mode]``.
        A row without a mode gives the time for every mode.
    origin_ids
        The id of every origin position (a patient id), in order.
    origin_groups
        For every origin position, another id a row may name instead (its
        district id), or ``""``.
    destination_ids
        The id of every destination position (an offer id), in order.
    """

    def __init__(
        self,
        base: TravelTimeSource,
        table: pd.DataFrame,
        origin_ids: np.ndarray,
        destination_ids: np.ndarray,
        origin_groups: np.ndarray | None = None,
    ) -> None:
        self.base = base
        dest_pos = pd.Series(np.arange(len(destination_ids)), index=destination_ids)
        direct = pd.Series(np.arange(len(origin_ids)), index=origin_ids)
        rows = []
        # district rows first, so a patient's own row (applied later) wins
        if origin_groups is not None:
            groups = pd.DataFrame({"group": origin_groups, "origin": np.arange(len(origin_ids))})
            by_group = table.merge(groups, left_on="origin_id", right_on="group")
            rows.append(by_group[["origin", "destination_id", "minutes", "mode"]])
        own = table[table["origin_id"].isin(direct.index)]
        rows.append(
            pd.DataFrame(
                {
                    "origin": direct[own["origin_id"]].to_numpy(),
                    "destination_id": own["destination_id"].to_numpy(),
                    "minutes": own["minutes"].to_numpy(),
                    "mode": own["mode"].to_numpy(),
                }
            )
        )
        pairs = pd.concat(rows, ignore_index=True)
        pairs = pairs[pairs["destination_id"].isin(dest_pos.index)]
        self.origin = pairs["origin"].to_numpy(dtype=np.int64)
        self.destination = dest_pos[pairs["destination_id"]].to_numpy(dtype=np.int64)
        self.value = pairs["minutes"].to_numpy(dtype=np.float32)
        mode_index = {m: i for i, m in enumerate(MODES)}
        self.mode = np.array([mode_index.get(m, -1) for m in pairs["mode"]], dtype=np.int64)

    def minutes(self, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        out = self.base.minutes(origins, destinations)
        if len(self.origin) == 0 or len(origins) == 0 or len(destinations) == 0:
            return out
        row_of = np.full(max(int(self.origin.max()), int(origins.max())) + 1, -1)
        row_of[origins] = np.arange(len(origins))
        col_of = np.full(max(int(self.destination.max()), int(destinations.max())) + 1, -1)
        col_of[destinations] = np.arange(len(destinations))
        rows = row_of[self.origin]
        cols = col_of[self.destination]
        hit = (rows >= 0) & (cols >= 0)
        rows, cols, mode, value = rows[hit], cols[hit], self.mode[hit], self.value[hit]
        every = mode < 0
        out[rows[every], cols[every], :] = value[every, None]
        out[rows[~every], cols[~every], mode[~every]] = value[~every]
        return out


def read_districts(path: str | Path) -> gpd.GeoDataFrame:
    """Districts from GeoJSON, GeoPackage or Shapefile, in EPSG:25832.

    Z values are dropped, parts that share a ``district_id`` are dissolved
    into one multipolygon, and a missing ``name`` falls back to the id. A file
    without a declared CRS is taken to be EPSG:4326.
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputError([Problem(name, None, None, "district file not found")])
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(
            [Problem(name, None, None, f"cannot be read as a map layer ({exc})")]
        ) from exc
    problems = []
    if "district_id" not in frame.columns:
        problems.append(Problem(name, None, "district_id", "required property is missing"))
    bad_geom = ~frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]) | frame.geometry.is_empty
    problems += [
        Problem(name, int(i) + 1, "geometry", "is not a polygon")
        for i in np.flatnonzero(bad_geom.to_numpy())
    ]
    if problems:
        raise InputError(problems)
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    frame = frame.to_crs(CRS)
    frame["geometry"] = force_2d(frame.geometry.make_valid())
    frame["district_id"] = frame["district_id"].astype(str)
    if "name" not in frame.columns:
        frame["name"] = frame["district_id"]
    frame["name"] = frame["name"].fillna(frame["district_id"]).astype(str)
    dissolved = frame[["district_id", "name", "geometry"]].dissolve(
        by="district_id", aggfunc="first", as_index=False
    )
    return dissolved.reset_index(drop=True)
