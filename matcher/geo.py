"""Geography: the coordinate system, distances and travel-time estimates.

All geometry is in EPSG:25832 (ETRS89 / UTM 32N, metres). Travel time comes
from a ``TravelTimeSource``: the built-in ``EstimatedTravel`` turns
straight-line distance into minutes per mode with a detour factor, and
``MatrixTravel`` lays a router's ``travel_times.csv`` over it. Points are
placed in districts with a spatial join (``locate``, ``assign_districts``);
a point in no district goes to the visible ``OUTSIDE`` group, so nobody is
lost. This module knows no dataset: district files are read by
``matcher.dataset.districts``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from .domain import MODES

__all__ = [
    "CRS",
    "DENMARK_BOX",
    "OUTSIDE",
    "OUTSIDE_NAME",
    "EstimatedTravel",
    "MatrixTravel",
    "ModeSpeed",
    "TravelTimeSource",
    "assign_districts",
    "distance_m",
    "locate",
]

CRS = "EPSG:25832"
#: District id of the points that lie in no district: a group reported beside
#: the districts (without a shape on the map), so nobody is lost.
OUTSIDE = "outside"
OUTSIDE_NAME = "outside every district"
#: A generous box around Denmark (WGS84 lon/lat), as for offers and patients.
DENMARK_BOX = (7.5, 54.4, 15.4, 58.0)


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
        per_metre = self.detour / self.speed_kmh * 60.0 / 1000.0
        minutes = self.fixed_min + distance_m * per_metre
        if self.min_km > 0:
            return np.where(distance_m < self.min_km * 1000.0, np.inf, minutes)
        return minutes


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

    def best_minutes(
        self, origins: np.ndarray, destinations: np.ndarray, allowed: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Minutes by the fastest allowed mode, without the table of every mode.

        ``allowed`` is (len(origins), len(MODES)) bool. Returns the minutes
        (float32, ``inf`` where no allowed mode applies) and that mode's index
        into ``MODES`` (int8, -2 where none), both of shape
        (len(origins), len(destinations)); the values of ``minutes`` up to
        float32 rounding (well under a second).
        """
        a = self.origin_xy[origins]
        b = self.destination_xy[destinations]
        dx = a[:, 0, None] - b[None, :, 0]
        dy = a[:, 1, None] - b[None, :, 1]
        dist = np.sqrt(dx * dx + dy * dy).astype(np.float32)
        best = np.full(dist.shape, np.inf, dtype=np.float32)
        mode = np.full(dist.shape, -2, dtype=np.int8)
        for k, speed in enumerate(self.speeds):
            rows = np.asarray(allowed[:, k], dtype=bool)
            if not rows.any():
                continue
            per_metre = np.float32(speed.detour / speed.speed_kmh * 60.0 / 1000.0)
            minutes = np.float32(speed.fixed_min) + dist * per_metre
            better = minutes < best
            if speed.min_km > 0:
                better &= dist >= np.float32(speed.min_km * 1000.0)
            if not rows.all():
                better &= rows[:, None]
            np.copyto(best, minutes, where=better)
            np.copyto(mode, np.int8(k), where=better)
        return best, mode


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


def locate(points: gpd.GeoSeries, districts: gpd.GeoDataFrame) -> np.ndarray:
    """Position (row) of the district that holds each point, -1 for none.

    Points in any CRS are compared in EPSG:25832. A point on a border shared
    by several districts goes to the first of them in table order.
    """
    where = gpd.GeoDataFrame(geometry=np.asarray(points.to_crs(CRS)), crs=CRS)
    areas = gpd.GeoDataFrame(geometry=np.asarray(districts.geometry.to_crs(CRS)), crs=CRS)
    hits = gpd.sjoin(where, areas, how="inner", predicate="intersects")
    first = hits["index_right"].groupby(level=0).min()
    out = np.full(len(where), -1, dtype=np.int64)
    out[first.index.to_numpy(dtype=np.int64)] = first.to_numpy(dtype=np.int64)
    return out


def assign_districts(points: gpd.GeoSeries, districts: gpd.GeoDataFrame) -> np.ndarray:
    """District id of each point, ``OUTSIDE`` for a point in no district.

    Every point gets exactly one label, so nobody is lost: the ``OUTSIDE``
    group is reported beside the districts.
    """
    pos = locate(points, districts)
    ids = districts["district_id"].to_numpy(dtype=object)
    return np.where(pos >= 0, ids[np.maximum(pos, 0)], OUTSIDE).astype(object)
