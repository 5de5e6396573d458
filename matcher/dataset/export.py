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
once all of them are written. The temporary file is hidden beside its target
and named after it, this machine and the writing process
(``.PLAN.csv.brobygger-HOST-PID-RANDOM.tmp``); one left by a writer that was
killed before it could clean up is removed by the next write of the same file
(its process is gone; a file of another machine once it is a day old).

Every text cell of every CSV written here is made safe for spreadsheets by
``matcher.csvsafe`` (a cell starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return gets a ``'`` in front; numbers stay numbers). This includes
``save_dataset``, whose files a planner opens in a spreadsheet: ids never need
it (the loader refuses ids starting with these characters), and a name or
other free text starting with one of them, such as ``=Gåklub``, is written as
``'=Gåklub`` and reads back with that quote.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..csvsafe import neutralise_frame
from ..domain import format_minutes
from ..errors import InputError
from ..words.problems import problem
from .load import Dataset
from .schema import CANDIDATES, OFFERS, PATIENTS, SESSIONS, STAFF, TRAVEL_TIMES, FileSpec

__all__ = ["Dialect", "atomic_path", "save_dataset", "write_csv", "write_text"]

Dialect = Literal["utf8", "danish"]


#: Marks Brobygger's temporary files: ``.NAME.brobygger-HOST-PID-RANDOM.tmp``.
_TMP_TAG = "brobygger"
#: A temporary file of another machine is stale once this old (its writer cannot be asked).
_FOREIGN_STALE_SECONDS = 24 * 3600
#: Temporary files of earlier versions (``.NAME.`` and 8 random characters) this old are stale.
_LEGACY_STALE_SECONDS = 3600


def _host() -> str:
    """This machine's name, as letters, digits and '-' only."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:20] or "host"


def _process_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (True when it cannot be told)."""
    if sys.platform == "win32":  # os.kill would stop it; age decides there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of ``target`` left by writers that were killed:
    those of a process of this machine that no longer runs, those of another
    machine a day old, and those of earlier versions an hour old. A file being
    written by a running process is never touched. Returns the files removed."""
    ours = re.compile(
        rf"\.{re.escape(target.name)}\.{_TMP_TAG}-(?P<host>[A-Za-z0-9-]+)-(?P<pid>\d+)-"
        r"[A-Za-z0-9_]+\.tmp"
    )
    legacy = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}")
    host, me, now = _host(), os.getpid(), time.time()
    removed: list[Path] = []
    try:
        candidates = [p for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")]
    except OSError:
        return removed
    for candidate in candidates:
        try:
            age = now - candidate.lstat().st_mtime
            match = ours.fullmatch(candidate.name)
            if match is not None:
                pid = int(match["pid"])
                if match["host"] == host:
                    stale = pid != me and (not _process_alive(pid) or age > _FOREIGN_STALE_SECONDS)
                else:
                    stale = age > _FOREIGN_STALE_SECONDS
            else:
                stale = legacy.fullmatch(candidate.name) is not None and age > _LEGACY_STALE_SECONDS
            if stale and candidate.is_file() and not candidate.is_symlink():
                candidate.unlink()
                removed.append(candidate)
        except OSError:  # gone already, or not ours to remove
            continue
    return removed


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the block succeeds.

    Temporary files of the same target left by a killed writer are removed first.
    """
    target = Path(path)
    if target.exists() and not target.is_file():
        raise InputError(
            [
                problem(
                    str(target),
                    None,
                    None,
                    "is not a regular file (a folder, device or pipe) and is never replaced; "
                    "give a file name to write",
                )
            ]
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{_TMP_TAG}-{_host()}-{os.getpid()}-",
        suffix=".tmp",
        dir=target.parent,
    )
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
    """Write a frame of text and numbers as CSV in ``dialect``, atomically; text that
    a spreadsheet would run as a formula gets a ``'`` in front (``matcher.csvsafe``)."""
    frame = neutralise_frame(frame)
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
            cells = neutralise_frame(_cells(table, spec, dialect))
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
