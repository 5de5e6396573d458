"""Access addresses of an invented town, written as the address register's CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from pyproj import Transformer

TO_ETRS89 = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)

#: Access addresses of a small invented town: (vejnavn, husnr, postnr, postnrnavn, lat, lon).
ADDRESSES = [
    ("Vestergade", "12", "5000", "Odense C", 55.3959, 10.3831),
    ("Vestergade", "12B", "5000", "Odense C", 55.3960, 10.3829),
    ("Vestergade", "14", "5000", "Odense C", 55.3961, 10.3825),
    ("Vestergade", "3", "5000", "Odense C", 55.3957, 10.3840),
    ("Vestergade", "5", "5000", "Odense C", 55.3956, 10.3836),
    ("Skovvej", "1", "5200", "Odense V", 55.3950, 10.3300),
    ("Skovvej", "1", "5230", "Odense M", 55.3780, 10.4020),
    ("Skovvej", "2", "5230", "Odense M", 55.3781, 10.4022),
    ("Åbyvej", "7", "5210", "Odense NV", 55.4200, 10.2800),
]
HEADER = ["id", "vejnavn", "husnr", "supplerendebynavn", "postnr", "postnrnavn"]


def write_addresses(path: Path, rows: list[tuple], *, etrs89: bool = False, sep: str = ",") -> Path:
    """Write ``rows`` as the address register's CSV, in WGS84 or in ETRS89 / UTM 32N."""
    coordinates = (
        ["etrs89koordinat_øst", "etrs89koordinat_nord"]
        if etrs89
        else ["wgs84koordinat_bredde", "wgs84koordinat_længde"]
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=sep)
        writer.writerow([*HEADER, *coordinates, "nøjagtighed"])
        for i, (street, number, code, town, lat, lon) in enumerate(rows):
            if etrs89:
                x, y = TO_ETRS89.transform(lon, lat)
                point = [f"{x:.2f}", f"{y:.2f}"]
            else:
                point = [str(lat), str(lon)]
            if sep == ";":
                point = [p.replace(".", ",") for p in point]
            writer.writerow([f"id{i}", street, number, "", code, town, *point, "A"])
    return path
