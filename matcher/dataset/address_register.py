"""Reading the address register's CSV of access addresses (adgangsadresser).

Denmark's address register (DAR) publishes every access address with its
street, house number, postal code and a point, as a CSV file from Datafordeleren
or the older DAWA export. ``read_register`` reads the columns Brobygger uses,
in WGS84 degrees or in ETRS89 / UTM 32N metres, from a comma file or from a
Danish spreadsheet export (semicolons and decimal commas), and refuses a wrong
cell naming its file, row and column.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from ..errors import LISTED, InputError, Problem
from ..geo import CRS, DENMARK_BOX
from ..words.problems import problem
from .cells import by_unique, worded
from .files import file_problem

__all__ = ["CODE", "MAX_ADDRESS_FILE_BYTES", "NOT_A_CODE", "house", "read_register"]

#: The largest address file read (the whole country's access addresses, as CSV).
MAX_ADDRESS_FILE_BYTES = 1024 * 1024 * 1024
#: Four digits on their own: a postal code.
CODE = re.compile(r"(?<!\d)\d{4}(?!\d)")
_WGS84 = ("wgs84koordinat_bredde", "wgs84koordinat_længde")
_ETRS89 = ("etrs89koordinat_øst", "etrs89koordinat_nord")
_TEXT_COLUMNS = ("vejnavn", "husnr", "postnr", "postnrnavn")

NOT_A_CODE = worded(
    "'{number}' is not a postal code: Danish postal codes have 4 digits, from 0800 to 9990"
)
_NO_POINT = worded(
    "needs coordinates: wgs84koordinat_bredde and wgs84koordinat_længde, or "
    "etrs89koordinat_øst and etrs89koordinat_nord"
)
_NOT_UTF8 = worded("is not UTF-8 text; save the file as 'CSV UTF-8'")
_EMPTY_CELL = worded("is empty; a value is required")
_NOT_A_NUMBER = worded("'{text}' is not a number")
_OUTSIDE = worded(
    "the point {lat:.5f}, {lon:.5f} (latitude, longitude) lies outside Denmark; "
    "are the coordinates swapped or in another coordinate system?"
)


def house(text: str) -> str:
    """A house number as compared: ``12 b`` and ``012B`` are ``12B``."""
    return "".join(text.split()).upper().lstrip("0")


def _column_name(name: object) -> str:
    return unicodedata.normalize("NFC", str(name).strip().lower())


def _read_frame(path: Path, name: str) -> tuple[pd.DataFrame, tuple[str, str], str]:
    """The text cells of the columns used, the coordinate pair and the separator."""
    found = file_problem(path, name, MAX_ADDRESS_FILE_BYTES)
    if found is not None:
        raise InputError([found])
    with path.open("rb") as handle:
        first = handle.readline(1 << 16)
    sep = ";" if first.count(b";") > first.count(b",") else ","
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
            encoding_errors="replace",
            usecols=lambda c: _column_name(c) in {*_TEXT_COLUMNS, *_WGS84, *_ETRS89},
        )
    except pd.errors.EmptyDataError:
        raise InputError([problem(name, None, None, "the file is empty")]) from None
    except (pd.errors.ParserError, csv.Error) as exc:
        detail = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        raise InputError(
            [problem(name, None, None, "cannot be read as CSV: {detail}", detail=detail)]
        ) from None
    frame.columns = [_column_name(c) for c in frame.columns]
    missing = [problem(name, 1, c, "required column is missing") for c in _TEXT_COLUMNS]
    problems = [p for p in missing if p.column not in frame.columns]
    pair = next((p for p in (_WGS84, _ETRS89) if set(p) <= set(frame.columns)), None)
    if pair is None:
        problems.append(problem(name, 1, None, _NO_POINT.template))
    if problems or pair is None:
        raise InputError(problems)
    return frame, pair, sep


def _replaced(text: str) -> bool:
    """True where a byte that was not UTF-8 was replaced."""
    return "\ufffd" in text


def read_register(path: Path, name: str) -> pd.DataFrame:
    """``street, number, postnr, town, lat, lon`` of every access address with a point."""
    frame, pair, sep = _read_frame(path, name)
    cells = {c: frame[c].to_numpy(dtype=object) for c in (*_TEXT_COLUMNS, *pair)}
    for column in _TEXT_COLUMNS:
        cells[column] = by_unique(cells[column], str.strip)
    placed = (cells[pair[0]] != "") & (cells[pair[1]] != "")
    xy = []
    for column in pair:  # pandas reads numbers with spaces around them too
        text = pd.Series(cells[column], dtype=object)
        if sep == ";":
            text = text.str.replace(",", ".", regex=False)
        xy.append(pd.to_numeric(text, errors="coerce").to_numpy(np.float64))
    lat, lon = xy
    if pair == _ETRS89:
        to_wgs84 = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
        lon, lat = map(np.asarray, to_wgs84.transform(*xy))
    west, south, east, north = DENMARK_BOX
    with np.errstate(invalid="ignore"):
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    postnr = cells["postnr"]
    code_ok = by_unique(postnr, lambda c: bool(CODE.fullmatch(c)) and 800 <= int(c) <= 9990)
    checks = [
        *((by_unique(cells[c], _replaced), c, _NOT_UTF8, {}) for c in _TEXT_COLUMNS),
        (cells["vejnavn"] == "", "vejnavn", _EMPTY_CELL, {}),
        (postnr == "", "postnr", _EMPTY_CELL, {}),
        ((postnr != "") & ~code_ok.astype(bool), "postnr", NOT_A_CODE, {"number": postnr}),
        *(
            (~np.isfinite(v), c, _NOT_A_NUMBER, {"text": cells[c]})
            for v, c in zip(xy, pair, strict=True)
        ),
        (np.isfinite(lat + lon) & ~inside, pair[0], _OUTSIDE, {"lat": lat, "lon": lon}),
    ]
    problems: list[Problem] = []
    more = 0
    for mask, column, said, values in checks:
        rows, room = np.flatnonzero(placed & np.asarray(mask, dtype=bool)), LISTED - len(problems)
        more += max(len(rows) - room, 0)
        for r in rows[:room]:
            filled = {k: v[r] if k in ("lat", "lon") else str(v[r])[:40] for k, v in values.items()}
            problems.append(problem(name, int(r) + 2, column, said.template, **filled))
    if more:
        what = "problems in the address file"
        problems.append(problem(name, None, None, "and {n} more {what}", n=more, what=what))
    if problems:
        raise InputError(problems)
    keep = np.flatnonzero(placed)
    return pd.DataFrame(
        {
            "street": cells["vejnavn"][keep],
            "number": by_unique(cells["husnr"][keep], house),
            "postnr": postnr[keep].astype(np.int64),
            "town": cells["postnrnavn"][keep],
            "lat": lat[keep],
            "lon": lon[keep],
        }
    )
