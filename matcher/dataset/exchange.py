"""What the catalogue exchanges (``hsds``, ``openactive``) share.

An exchange writes the catalogue (offers and their sessions) in another
standard's files, or reads such files back into the text cells of
``offers.csv`` and ``sessions.csv``. This module holds the pieces both
standards use:

- ``stable_id``: the same UUID for the same offer, provider or session in every
  export, so a reader can follow a record from one export to the next;
- ``Imported``: what an import found (the two tables as text cells, where each
  row came from, and every field of the source that has no place in
  Brobygger's files, named so that nothing is dropped silently);
- ``checked``: the imported cells checked by the dataset's own checker, every
  problem named by the source file and record;
- ``write_folder`` and ``write_catalogue``: whole or not at all. An export is
  written into a hidden folder beside its target and renamed into place; an
  import's two files are renamed only once both are written.

Every CSV file written here goes through ``matcher.csvsafe``: a cell that
starts like a formula gets a ``'`` in front.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..csvsafe import neutralise_frame
from ..errors import InputError, Problem
from ..words.problems import problem
from .cells import Dialect
from .checker import Checker
from .export import atomic_path
from .files import read_bytes
from .schema import OFFERS, SESSIONS, FileSpec

__all__ = [
    "SCHEMAS",
    "Imported",
    "Source",
    "checked",
    "csv_bytes_safe",
    "joined",
    "read_csv_records",
    "read_json",
    "stable_id",
    "write_catalogue",
    "write_folder",
]

#: The published schemas Brobygger checks exchanged files against (see their README).
SCHEMAS = Path(__file__).parent / "schemas"
#: The namespace of the UUIDs an export gives Brobygger's records.
_NAMESPACE = uuid.UUID("6f1d7a34-5c1e-4b8e-9a57-0b7b1c5e2a10")


def stable_id(kind: str, key: object) -> str:
    """The UUID of record ``key`` of ``kind`` (``service``, ``organization``, ...): the
    same in every export of the same catalogue."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


@dataclass(frozen=True)
class Source:
    """Where an imported row came from: the file (as the user named it) and the row
    or record number there."""

    file: str
    row: int


@dataclass
class Imported:
    """An import's result: the rows of ``offers.csv`` and ``sessions.csv`` as text
    cells (one dict per row), where each came from, and what could not be mapped."""

    offers: list[dict[str, str]] = field(default_factory=list)
    offer_sources: list[Source] = field(default_factory=list)
    sessions: list[dict[str, str]] = field(default_factory=list)
    session_sources: list[Source] = field(default_factory=list)
    #: every source field without a place in Brobygger's files, one line each
    unmapped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add_offer(self, cells: dict[str, str], source: Source) -> None:
        """One row of ``offers.csv``, read from ``source``."""
        self.offers.append(cells)
        self.offer_sources.append(source)

    def add_session(self, cells: dict[str, str], source: Source) -> None:
        """One row of ``sessions.csv``, read from ``source``."""
        self.sessions.append(cells)
        self.session_sources.append(source)

    def unmapped_fields(self, file: str, fields: Mapping[str, int]) -> None:
        """Name each field of ``file`` that holds values Brobygger has no column for,
        with the number of records that hold one."""
        self.unmapped.extend(f"{file}: {name} ({n})" for name, n in sorted(fields.items()) if n)

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The two tables as text frames, columns in the contract's order."""
        return _frame(self.offers, OFFERS), _frame(self.sessions, SESSIONS)


def _frame(rows: list[dict[str, str]], spec: FileSpec) -> pd.DataFrame:
    names = [c.name for c in spec.columns if any(c.name in row for row in rows)]
    if not rows:
        names = [c.name for c in spec.columns if c.required]
    return pd.DataFrame([[row.get(n, "") for n in names] for row in rows], columns=names)


def _check(
    spec: FileSpec, rows: list[dict[str, str]], sources: list[Source], problems: list[Problem]
) -> pd.DataFrame | None:
    """``rows`` parsed by the dataset's checker; a problem names the source record."""
    frame = _frame(rows, spec)
    columns = {name: frame[name].to_numpy(dtype=object) for name in frame.columns}
    numbers = np.arange(len(rows), dtype=np.int64) + 2  # row 1 would be a header
    checker = Checker(spec, columns, numbers, Dialect("utf-8", ","))
    table = checker.parse()
    for found in checker.problems:
        index = -1 if found.row is None else found.row - 2
        at = sources[index] if 0 <= index < len(sources) else None
        values = dict(found.values)
        problems.append(
            problem(
                at.file if at else spec.name,
                at.row if at else None,
                found.column,
                found.template or found.message,
                **values,
            )
        )
    return table


def checked(imported: Imported) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The imported tables, typed as the dataset loader types them, or ``InputError``
    naming every problem by the source file, record and Brobygger column."""
    problems = list(imported.problems)
    offers = _check(OFFERS, imported.offers, imported.offer_sources, problems)
    sessions = _check(SESSIONS, imported.sessions, imported.session_sources, problems)
    if offers is not None and sessions is not None and not problems:
        known = set(offers["offer_id"])
        for i, offer_id in enumerate(sessions["offer_id"]):
            if offer_id not in known:
                at = imported.session_sources[i]
                problems.append(
                    problem(
                        at.file,
                        at.row,
                        "offer_id",
                        "offer '{offer}' is not in offers.csv",
                        offer=offer_id,
                    )
                )
    if problems or offers is None or sessions is None:
        raise InputError(problems)
    return offers, sessions


def csv_bytes_safe(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV, every text cell safe to open in a spreadsheet."""
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_catalogue(imported: Imported, directory: Path) -> list[Path]:
    """Write ``offers.csv`` and ``sessions.csv`` into ``directory`` (other files there
    are left alone), both or neither. Returns the paths written."""
    checked(imported)
    offers, sessions = imported.frames()
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / OFFERS.name, directory / SESSIONS.name]
    with contextlib.ExitStack() as stack:  # renamed as the stack closes, once both are written
        for frame, target in zip((offers, sessions), written, strict=True):
            stack.enter_context(atomic_path(target)).write_bytes(csv_bytes_safe(frame))
    return written


def write_folder(files: Mapping[str, bytes], out: Path) -> None:
    """Write ``files`` (name: bytes) as the folder ``out``, whole or not at all: into a
    hidden folder beside it, renamed into place. An existing ``out`` is replaced only
    when it holds nothing but files of these names (an earlier export)."""
    if out.exists():
        if not out.is_dir() or out.is_symlink():
            raise InputError([problem(str(out), None, None, "exists and is not a folder")])
        foreign = sorted(p.name for p in out.iterdir() if p.name not in files)
        if foreign:
            raise InputError(
                [
                    problem(
                        str(out),
                        None,
                        None,
                        "holds other files ({names}) and is never replaced; "
                        "give a new or empty folder",
                        names=", ".join(foreign[:5]),
                    )
                ]
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.brobygger-", dir=out.parent))
    old: Path | None = None
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, old / out.name)
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _text(path: Path, label: str) -> str:
    data = read_bytes(path, label)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                problem(
                    label,
                    None,
                    None,
                    "is not UTF-8 text (byte {position})",
                    position=exc.start + 1,
                )
            ]
        ) from None


def read_json(path: Path, label: str) -> Any:
    """The JSON document in ``path``, or ``InputError`` naming its line."""
    try:
        return json.loads(_text(path, label))
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                problem(
                    label,
                    exc.lineno,
                    None,
                    "is not JSON: {detail} (line {line}, column {column})",
                    detail=exc.msg,
                    line=exc.lineno,
                    column=exc.colno,
                )
            ]
        ) from None


def read_csv_records(path: Path, label: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file as (spreadsheet row number, trimmed cells by lower-cased
    column name); blank rows are skipped. A row with more or fewer cells than the
    header is refused, naming its row."""
    reader = csv.reader(io.StringIO(_text(path, label), newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        rows: list[tuple[int, dict[str, str]]] = []
        problems: list[Problem] = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    problem(
                        label,
                        number,
                        None,
                        "has {found} cells where the header names {expected}",
                        found=len(cells),
                        expected=len(header),
                    )
                )
                continue
            rows.append((number, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    except csv.Error as exc:
        raise InputError(
            [problem(label, reader.line_num, None, "cannot be read as CSV: {detail}", detail=exc)]
        ) from None
    if problems:
        raise InputError(problems)
    return rows


def joined(values: Iterable[object]) -> str:
    """A list cell of ``offers.csv``: the items joined with ``;``."""
    return ";".join(str(v) for v in values)
