"""Places and people around the builders' centre, and gap analyses with exact
counts: shared by the gap, siting, privacy and CLI tests."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from builders import LAT, LON, patient
from pyproj import Transformer
from scipy.optimize import linprog
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


def pinned(shown_n: list[Any], shown_p: list[Any], total_n: int, total_p: int) -> list[str]:
    """Hidden values of one partition that follow from the shown ones and the totals.

    Unknowns n_i, p_i, u_i >= 0 per cell with n_i = p_i + u_i, sum n = total_n,
    sum p = total_p and every shown value fixed. A hidden n_i or p_i (or the
    u_i of a hidden p_i) is derivable when its smallest and largest feasible
    values coincide (two linear programmes each).
    """
    m = len(shown_n)
    rows: list[np.ndarray] = []
    rhs: list[float] = []
    for i in range(m):
        row = np.zeros(3 * m)
        row[i], row[m + i], row[2 * m + i] = 1, -1, -1
        rows.append(row)
        rhs.append(0)
    for offset, total in ((0, total_n), (m, total_p)):
        row = np.zeros(3 * m)
        row[offset : offset + m] = 1
        rows.append(row)
        rhs.append(total)
    unknown = []
    for offset, values, what in ((0, shown_n, "patients"), (m, shown_p, "placed")):
        for i, value in enumerate(values):
            if pd.isna(value):
                unknown.append((offset + i, f"{what}[{i}]"))
                if what == "placed":
                    unknown.append((2 * m + i, f"unplaced[{i}]"))
            else:
                row = np.zeros(3 * m)
                row[offset + i] = 1
                rows.append(row)
                rhs.append(float(value))
    a_eq, b_eq = np.array(rows), np.array(rhs, dtype=float)
    found = []
    for k, name in unknown:
        goal = np.zeros(3 * m)
        goal[k] = 1
        low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == high.status == 0, "the shown values must be consistent"
        if abs(low.fun + high.fun) < 0.5:  # min == max: the value is pinned
            found.append(name)
    return found
