"""Write datasets and result tables, whole or not at all.

``save_dataset`` writes a ``Dataset`` back as the files of the contract, as
UTF-8 CSV or as a Danish spreadsheet export (``;``, decimal comma, lists
joined with ``|``, dates as DD-MM-YYYY, booleans as ja/nej, Windows-1252), so a
planner can open it in a spreadsheet and load it again unchanged. Text that
Windows-1252 cannot hold (Polish or Arabic letters, say) is never replaced:
such a file is written as UTF-8 with a byte-order mark instead, which
spreadsheets open as well. With ``excel=True`` it writes each file as an
Excel workbook instead (``offers.xlsx`` with one sheet, ``offers``, the
contract's column names as headers, numbers, dates and yes/no as Excel's
own), which the loader reads as it reads the CSV files.

Result tables (a plan, a schedule, the gaps) go through ``write_csv``. Inside
a ``table_outputs`` block every one of them is written in the block's
dialect (``danish``: ``;``, decimal comma, UTF-8 with a byte-order mark, so
Danish Excel opens it in columns with "Næsby" intact), and, with a
``workbook``, also becomes a sheet of that workbook (``workbook``), written
whole when the block ends. The command line opens the block for
``--dialect`` and ``--excel``, so every command shares this one writer.

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
import contextvars
import datetime as dt
import os
import re
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
from .workbook import workbook_bytes

__all__ = [
    "DIALECTS",
    "Dialect",
    "atomic_path",
    "csv_bytes",
    "save_dataset",
    "table_outputs",
    "write_csv",
    "write_text",
]

Dialect = Literal["utf8", "danish"]
#: The dialects a table can be written in.
DIALECTS: tuple[Dialect, ...] = ("utf8", "danish")


@dataclass
class _Outputs:
    """What a ``table_outputs`` block asks of the tables written inside it."""

    dialect: Dialect
    workbook: Path | None
    lang: str
    sheets: list[tuple[str, pd.DataFrame]] = field(default_factory=list)


_OUTPUTS: contextvars.ContextVar[_Outputs | None] = contextvars.ContextVar(
    "brobygger_table_outputs", default=None
)


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


@contextlib.contextmanager
def table_outputs(
    *, dialect: Dialect = "utf8", workbook: str | Path | None = None, lang: str = "en"
) -> Iterator[list[Path]]:
    """Write the tables of the block (``write_csv``, ``csv_bytes``) in ``dialect``, and,
    with ``workbook``, also as its sheets, one per table named after its file, with
    headers in ``lang`` (``workbook.workbook_bytes``). The workbook is written whole
    when the block ends without an error; the list yielded then holds its path (it
    stays empty without ``workbook``, or when no table was written)."""
    outputs = _Outputs(dialect, Path(workbook) if workbook is not None else None, lang)
    written: list[Path] = []
    token = _OUTPUTS.set(outputs)
    try:
        yield written
    finally:
        _OUTPUTS.reset(token)
    if outputs.workbook is not None and outputs.sheets:
        data = workbook_bytes(outputs.sheets, lang=lang)
        with atomic_path(outputs.workbook) as tmp:
            tmp.write_bytes(data)
        written.append(outputs.workbook)


def csv_bytes(frame: pd.DataFrame, path: str | Path, dialect: Dialect | None = None) -> bytes:
    """The bytes of ``frame`` as the CSV file ``path``: in ``dialect``, else the one of the
    ``table_outputs`` block around (UTF-8 without one). Text a spreadsheet would run as
    a formula gets a ``'`` in front (``matcher.csvsafe``). Inside a block with a
    workbook, the frame is also kept as a sheet named after the file."""
    outputs = _OUTPUTS.get()
    chosen: Dialect = dialect or (outputs.dialect if outputs is not None else "utf8")
    if outputs is not None and outputs.workbook is not None:
        outputs.sheets.append((Path(path).stem, frame.copy()))
    cells = neutralise_frame(frame)
    if chosen == "danish":
        text = cells.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        return text.encode("utf-8-sig")
    return cells.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_csv(frame: pd.DataFrame, path: str | Path, dialect: Dialect | None = None) -> None:
    """Write a frame of text and numbers as CSV (``csv_bytes``), atomically."""
    data = csv_bytes(frame, path, dialect)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


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


def _periods_writer(sep: str, dialect: Dialect) -> Callable[[Any], str]:
    """What writes pairs of first and last day (days since 1970-01-01) as a cell:
    ``first..last``, or one date for a period of one day."""
    fmt = "%d-%m-%Y" if dialect == "danish" else "%Y-%m-%d"

    def text(periods: Any) -> str:
        out = []
        for first, last in periods:
            a, b = (dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in (first, last))
            out.append(a.strftime(fmt) if a == b else f"{a.strftime(fmt)}..{b.strftime(fmt)}")
        return sep.join(out)

    return text


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
        elif column.type == "date_ranges":
            out[column.name] = _per_value(values, _periods_writer(sep, dialect))
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


def _workbook_cells(table: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """The table as the cells of its workbook: the file's text, with numbers, dates and
    yes/no as Excel's own."""
    cells = _cells(table, spec, "utf8")
    for column in spec.columns:
        if column.name not in cells.columns:
            continue
        if column.type in ("int", "float", "lat", "lon"):
            numbers = pd.to_numeric(cells[column.name].replace("", np.nan))
            if column.type == "int":
                numbers = numbers.astype("Int64")
            cells[column.name] = numbers.astype(object).where(numbers.notna(), None)
        elif column.type == "date":
            cells[column.name] = pd.to_datetime(table[column.name])
        elif column.type == "bool":
            cells[column.name] = table[column.name].astype(bool)
    return cells


def save_dataset(
    dataset: Dataset, directory: str | Path, dialect: Dialect = "utf8", *, excel: bool = False
) -> Path:
    """Write ``dataset`` as the files of the contract into ``directory``: CSV in
    ``dialect``, or with ``excel`` a workbook per file (``offers.xlsx``), which then
    replaces a CSV file of the same table left in the folder (and the other way round).

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
    replaced: list[Path] = []
    with contextlib.ExitStack() as stack:  # renames happen as the stack closes
        for table, spec in tables:
            if table is None:
                continue
            stem = Path(spec.name).stem
            if excel:
                data = workbook_bytes([(stem, _workbook_cells(table, spec))])
                target, other = root / f"{stem}.xlsx", root / spec.name
            else:
                cells = neutralise_frame(_cells(table, spec, dialect))
                if dialect == "danish":
                    text = cells.to_csv(index=False, sep=";", lineterminator="\r\n")
                else:
                    text = cells.to_csv(index=False, lineterminator="\n")
                data = _encode(text, dialect)
                target, other = root / spec.name, root / f"{stem}.xlsx"
            tmp = stack.enter_context(atomic_path(target))
            tmp.write_bytes(data)
            replaced.append(other)
        if dataset.districts is not None:
            tmp = stack.enter_context(atomic_path(root / "districts.geojson"))
            dataset.districts.to_crs("EPSG:4326").to_file(tmp, driver="GeoJSON", layer="districts")
    for other in replaced:  # the same table in the other format would make the folder ambiguous
        if other.is_file() and not other.is_symlink():
            other.unlink()
    return root
