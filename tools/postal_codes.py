"""Build Brobygger's table of Danish postal code areas from their boundaries.

Usage::

    python tools/postal_codes.py ../shared/data/dk/postal_codes.geojson \
        matcher/dataset/postal_codes.csv

The boundary file has one polygon per island of each area, ``postal_code``
written either as one code (``5230``) or as a range (``1000-1499``), the
Danish name in ``label_dk`` and a Z value of -999 on every vertex. The table
written has one row per area, sorted by code: ``code_from, code_to, name,
lat, lon``, where ``lat, lon`` (WGS84 degrees, 5 decimals, about a metre) is
the point that shapely's ``representative_point()`` gives for the union of
the area's polygons in EPSG:25832 (metres), so the point always lies inside
the area, on land of one of its islands.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import geopandas as gpd
import shapely

#: The coordinate system in which the areas are joined and their points taken.
METRIC_CRS = "EPSG:25832"
COLUMNS = ("code_from", "code_to", "name", "lat", "lon")


def postal_rows(source: Path) -> list[tuple[str, str, str, str, str]]:
    """One row per postal code area of ``source`` (see the module's docstring)."""
    areas = gpd.read_file(source)
    if areas.crs is None:
        areas = areas.set_crs("EPSG:4326")
    areas = areas.set_geometry(shapely.force_2d(areas.geometry.values))
    areas["postal_code"] = areas["postal_code"].astype(str).str.strip()
    areas["label_dk"] = areas["label_dk"].astype(str).str.strip()
    metric = areas.to_crs(METRIC_CRS)
    joined = metric.dissolve(by="postal_code", aggfunc={"label_dk": "first"}, sort=True)
    points = gpd.GeoSeries(
        [shapely.make_valid(g).representative_point() for g in joined.geometry],
        index=joined.index,
        crs=METRIC_CRS,
    ).to_crs("EPSG:4326")
    rows = []
    for code, name, point in zip(joined.index, joined["label_dk"], points, strict=True):
        low, _, high = code.partition("-")
        rows.append(
            (
                f"{int(low):04d}",
                f"{int(high or low):04d}",
                name,
                f"{point.y:.5f}",
                f"{point.x:.5f}",
            )
        )
    return sorted(rows)


def write_table(rows: list[tuple[str, str, str, str, str]], target: Path) -> None:
    """Write ``rows`` as UTF-8 CSV with a header and ``\\n`` line ends."""
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, target = Path(argv[0]), Path(argv[1])
    rows = postal_rows(source)
    write_table(rows, target)
    print(f"{len(rows)} postal code areas written to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
