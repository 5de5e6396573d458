"""Write datasets and result tables, whole or not at all.

``save_dataset`` writes a ``Dataset`` back as the files of the contract, as
UTF-8 CSV or as a Danish spreadsheet export (``;``, decimal comma, lists
joined with ``|``, dates as DD-MM-YYYY, booleans as ja/nej, Windows-1252), so a
planner can open it in a spreadsheet and load it again unchanged. Text that
Windows-1252 cannot hold (Polish or Arabic letters, say) is never replaced:
such a file is written as UTF-8 with a byte-order mark instead, which
spreadsheets open as well.

Every writer here goes through a temporary file and a rename: a crash never
leaves a half-written file behind, and ``save_dataset`` renames its files only
once all of them are written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .domain import format_minutes
from .io import Dataset
from .schema import CANDIDATES, OFFERS, PATIENTS, SESSIONS, STAFF, TRAVEL_TIMES, FileSpec

__all__ = ["Dialect", "atomic_path", "save_dataset", "write_csv", "write_text"]

Dialect = Literal["utf8", "danish"]


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)


def _encode(text: str, dialect: Dialect) -> bytes:
    """The bytes of a CSV file: Windows-1252 for the Danish dialect when every
    character fits, otherwise UTF-8 (with a byte-order mark in the Danish
    dialect, so spreadsheets detect it)."""
    if dialect == "danish":
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            return text.encode("utf-8-sig")
    return text.encode("utf-8")


def write_csv(frame: pd.DataFrame, path: str | Path, dialect: Dialect = "utf8") -> None:
    """Write a frame of text and numbers as CSV in ``dialect``, atomically."""
    if dialect == "danish":
        text = frame.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    else:
        text = frame.to_csv(index=False, lineterminator="\n")
    with atomic_path(path) as tmp:
        tmp.write_bytes(_encode(text, dialect))


def _per_value(values: pd.Series, func: Callable[[Any], str]) -> np.ndarray:
    """``func`` of every value, computed once per distinct value (lists and windows
    repeat a few patterns over many rows)."""
    cells = values.to_numpy(dtype=object)
    try:
        codes, uniques = pd.factorize(cells)
    except TypeError:  # unhashable cells (lists made by hand): one call per row
        return np.array([func(v) for v in cells], dtype=object)
    text = np.array([func(u) for u in uniques] + [""], dtype=object)
    return text[codes]  # code -1 (a missing value) takes the last entry, ""


def _cells(table: pd.DataFrame, spec: FileSpec, dialect: Dialect) -> pd.DataFrame:
    """The table as the text cells of its file."""
    sep = "|" if dialect == "danish" else ";"
    out: dict[str, Any] = {}
    for column in spec.columns:
        if column.name not in table.columns:
            continue
        values = table[column.name]
        if column.type in ("enum_list", "tag_list", "lang_list"):
            out[column.name] = _per_value(values, sep.join)
        elif column.type == "windows":
            out[column.name] = _per_value(values, lambda v: sep.join(str(w) for w in v))
        elif column.type == "date":
            fmt = "%d-%m-%Y" if dialect == "danish" else "%Y-%m-%d"
            out[column.name] = pd.to_datetime(values).dt.strftime(fmt)
        elif column.type == "bool":
            yes, no = ("ja", "nej") if dialect == "danish" else ("true", "false")
            out[column.name] = np.where(values.astype(bool), yes, no)
        elif column.type == "clock":
            out[column.name] = _per_value(table[f"{column.name}_min"], format_minutes)
        elif column.type == "int" and column.minimum is not None:
            # an optional count below its minimum (weeks = 0) means "not given"
            out[column.name] = np.where(values < column.minimum, "", values.astype(str))
        elif column.type in ("float", "lat", "lon"):
            text = [repr(float(v)).removesuffix(".0") for v in values]
            out[column.name] = [t.replace(".", ",") for t in text] if dialect == "danish" else text
        else:
            out[column.name] = values.astype(str)
    return pd.DataFrame(out)


def save_dataset(dataset: Dataset, directory: str | Path, dialect: Dialect = "utf8") -> Path:
    """Write ``dataset`` as the files of the contract into ``directory``.

    Districts are written as ``districts.geojson`` in EPSG:4326. Every file is
    first written beside its target under a temporary name, and the files are
    renamed into place only when all of them are written: a failure leaves the
    folder as it was (apart from the folder itself, which is created).
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    tables = (
        (dataset.offers, OFFERS),
        (dataset.sessions, SESSIONS),
        (dataset.patients, PATIENTS),
        (dataset.staff, STAFF),
        (dataset.candidates, CANDIDATES),
        (dataset.travel_times, TRAVEL_TIMES),
    )
    with contextlib.ExitStack() as stack:  # renames happen as the stack closes
        for table, spec in tables:
            if table is None:
                continue
            cells = _cells(table, spec, dialect)
            if dialect == "danish":
                text = cells.to_csv(index=False, sep=";", lineterminator="\r\n")
            else:
                text = cells.to_csv(index=False, lineterminator="\n")
            tmp = stack.enter_context(atomic_path(root / spec.name))
            tmp.write_bytes(_encode(text, dialect))
        if dataset.districts is not None:
            tmp = stack.enter_context(atomic_path(root / "districts.geojson"))
            dataset.districts.to_crs("EPSG:4326").to_file(tmp, driver="GeoJSON", layer="districts")
    return root
