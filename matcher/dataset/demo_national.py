"""Many demo municipalities at once, for trying a national run on one machine.

``write_national_demo`` writes one dataset folder per municipality under a root
folder, each the demo of ``demo.make_demo`` with its own seed and a size drawn
from the seed (between half and one and a half times the mean). Given the
municipality boundaries of Denmark (a GeoJSON with ``lau_1`` codes and
``label_dk`` names, such as Geodatastyrelsen's), each folder is named after a
real municipality (``0461_odense``), chosen evenly over the code list so the
country is spread, and its demo is moved to that municipality's centre (the
districts are the demo's, moved with it). The boundaries hold no population,
so sizes are not in proportion to it. Without boundaries the folders are
``kommune_01``, ``kommune_02``, ... around Odense. The same arguments always
give the same files.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..geo import CRS
from .demo import CENTRE_LONLAT, make_demo
from .export import save_dataset
from .load import Dataset, points

__all__ = ["Municipality", "moved", "municipalities", "write_national_demo"]

#: Fewest patients and offers a demo municipality gets.
MIN_PATIENTS = 30
MIN_OFFERS = 8
#: Without boundaries, sizes are drawn between these shares of the mean.
SIZE_RANGE = (0.5, 1.5)


@dataclass(frozen=True, slots=True)
class Municipality:
    """One folder of the national demo: its name, its centre in EPSG:25832
    (``None``: the demo's own, around Odense), and its weight in the share-out."""

    folder: str
    centre: tuple[float, float] | None
    weight: float


def _slug(text: str) -> str:
    """A folder-safe ASCII name: 'Høje-Taastrup' → 'hoeje_taastrup'."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "kommune"


def municipalities(count: int, boundaries: Path | None, seed: int = 0) -> list[Municipality]:
    """The ``count`` municipalities of the demo, in code order: with ``boundaries``,
    real ones spread evenly over the codes; each weighs its share of the patients."""
    if count < 1:
        raise ValueError("the national demo needs at least one municipality")
    rng = np.random.default_rng([seed, 19])
    weights = rng.uniform(*SIZE_RANGE, size=count)
    if boundaries is None:
        return [Municipality(f"kommune_{i + 1:02d}", None, float(w)) for i, w in enumerate(weights)]
    shapes = gpd.read_file(boundaries)[["lau_1", "label_dk", "geometry"]]
    shapes["geometry"] = shapes.geometry.force_2d()
    whole = shapes.to_crs(CRS).dissolve(by="lau_1", aggfunc="first").reset_index()
    whole = whole.sort_values("lau_1", key=lambda codes: codes.astype(int), ignore_index=True)
    if count > len(whole):
        raise ValueError(f"the boundaries hold {len(whole)} municipalities, not {count}")
    picked = np.unique(np.linspace(0, len(whole) - 1, count).round().astype(int))
    out = []
    for row, weight in zip(whole.iloc[picked].itertuples(), weights, strict=True):
        point = row.geometry.representative_point()
        name = f"{int(row.lau_1):04d}_{_slug(str(row.label_dk))}"
        out.append(Municipality(name, (float(point.x), float(point.y)), float(weight)))
    return out


def _moved_points(frame: gpd.GeoDataFrame, dx: float, dy: float) -> gpd.GeoDataFrame:
    """Points moved by ``dx``, ``dy`` metres, their ``lat``/``lon`` with them."""
    where = gpd.GeoSeries(frame.geometry, crs=frame.crs).to_crs(CRS).translate(dx, dy)
    lonlat = where.to_crs("EPSG:4326")
    plain = pd.DataFrame(frame.drop(columns=["geometry", "x", "y"], errors="ignore"))
    plain["lat"] = lonlat.y.round(6).to_numpy()
    plain["lon"] = lonlat.x.round(6).to_numpy()
    return points(plain)


def moved(dataset: Dataset, centre: tuple[float, float]) -> Dataset:
    """The demo ``dataset`` moved so its centre lies at ``centre`` (EPSG:25832)."""
    here = gpd.GeoSeries(gpd.points_from_xy([CENTRE_LONLAT[0]], [CENTRE_LONLAT[1]]), crs=4326)
    origin = here.to_crs(CRS).iloc[0]
    dx, dy = centre[0] - origin.x, centre[1] - origin.y
    changes: dict[str, object] = {
        "offers": _moved_points(dataset.offers, dx, dy),
        "patients": _moved_points(dataset.patients, dx, dy),
    }
    if dataset.candidates is not None:
        changes["candidates"] = _moved_points(dataset.candidates, dx, dy)
    if dataset.districts is not None:
        districts = dataset.districts
        shifted = districts.geometry.to_crs(CRS).translate(dx, dy).to_crs(districts.crs)
        changes["districts"] = districts.set_geometry(shifted)
    return dataset.replace(**changes)


def write_national_demo(
    root: str | Path,
    count: int,
    *,
    patients: int = 200,
    offers: int = 60,
    seed: int = 0,
    boundaries: Path | None = None,
) -> list[Path]:
    """Write ``count`` demo municipalities under ``root``, ``patients`` and ``offers``
    per municipality on average; returns their folders. Each is written as
    ``demo.write_demo`` writes one (whole or not at all)."""
    places = municipalities(count, boundaries, seed)
    total = sum(p.weight for p in places)
    folders = []
    for i, place in enumerate(places):
        share = place.weight * len(places) / total
        size = max(MIN_PATIENTS, round(patients * share))
        choice = max(MIN_OFFERS, round(offers * share))
        dataset = make_demo(patients=size, offers=choice, seed=seed + i)
        if place.centre is not None:
            dataset = moved(dataset, place.centre)
        folders.append(save_dataset(dataset, Path(root) / place.folder))
    return folders
