"""Places and people around the builders' centre, and gap analyses with exact
counts: shared by the gap, siting, privacy and CLI tests."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
from builders import LAT, LON, patient
from pyproj import Transformer
from shapely.geometry import box

from matcher.geo import CRS, OUTSIDE
from matcher.municipality.gaps import GapAnalysis

_TO_UTM = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
#: The builders' centre (Odense) in EPSG:25832 metres.
CX, CY = _TO_UTM.transform(LON, LAT)


def at(dx: float, dy: float = 0.0) -> dict[str, float]:
    """lat/lon of the point ``dx``, ``dy`` metres east and north of the centre."""
    lon, lat = _TO_UTM.transform(CX + dx, CY + dy, direction="INVERSE")
    return {"lat": lat, "lon": lon}


def two_districts() -> gpd.GeoDataFrame:
    """Vest (D1) west of the centre and Øst (D2) east of it, each 3 x 3 km."""
    return gpd.GeoDataFrame(
        {"district_id": ["D1", "D2"], "name": ["Vest", "Øst"]},
        geometry=[
            box(CX - 3000, CY - 1500, CX, CY + 1500),
            box(CX, CY - 1500, CX + 3000, CY + 1500),
        ],
        crs=CRS,
    )


def people(n: int, prefix: str, dx: float, **changes: Any) -> list[dict[str, Any]]:
    """``n`` patients living ``dx`` metres east of the centre."""
    return [patient(patient_id=f"{prefix}{i}", **at(dx), **changes) for i in range(n)]


def analysis_of(patients: list[int], served: list[int]) -> GapAnalysis:
    """An analysis of districts D1, D2, ... with these exact counts (association,
    every band) and nobody outside; every unserved patient shares one reason."""
    n = len(patients)
    counts = np.array([*patients, 0])
    done = np.repeat(np.array([*served, 0])[:, None, None], 3, axis=2)
    shapes = gpd.GeoDataFrame(
        {"district_id": [f"D{i + 1}" for i in range(n)], "name": [f"N{i + 1}" for i in range(n)]},
        geometry=[box(CX + 1000 * i, CY, CX + 1000 * (i + 1), CY + 1000) for i in range(n)],
        crs=CRS,
    ).assign(centre_x=CX, centre_y=CY)
    return GapAnalysis(
        districts=shapes,
        kinds=("association",),
        band="any",
        group_ids=np.array([*shapes["district_id"], OUTSIDE], dtype=object),
        group_names=np.array([*shapes["name"], "outside every district"], dtype=object),
        patients=counts,
        offers=np.array([1] * n + [0]),
        served=done,
        reason=np.full((n + 1, 1, 3), "travel", dtype=object),
        score=np.full((n + 1, 1, 3), 12.5),
        reason_count=(counts[:, None, None] - done),
    )
