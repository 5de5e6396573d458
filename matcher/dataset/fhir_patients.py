"""Referrals read from FHIR (``fhir_referrals``) merged into a folder's patients.csv.

``write_patients(found, directory)`` checks the rows with the checker of a
hand-written ``patients.csv`` (a problem names the file, entry and resource
the row came from, and the column), reads the folder's ``patients.csv`` when
there is one (it must pass the same checks), refuses a pseudonym already in it
unless ``replace``, and writes the whole file at once (UTF-8, every column of
the contract): it is replaced whole or not at all.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..csvsafe import neutralise_frame
from ..errors import InputError
from ..words.problems import problem
from .export import _cells, atomic_path
from .fhir_referrals import ReferralImport
from .schema import PATIENTS
from .tables import read_table

__all__ = ["Merged", "write_patients"]


@dataclass(frozen=True)
class Merged:
    """What ``write_patients`` wrote: the file, and the pseudonyms added and replaced."""

    path: Path
    added: tuple[str, ...]
    replaced: tuple[str, ...]


def _checked(found: ReferralImport) -> pd.DataFrame:
    """The rows read as patients.csv, by the checker of a hand-written file."""
    columns = [c.name for c in PATIENTS.columns if any(c.name in r for r in found.rows)]
    frame = pd.DataFrame([[r.get(c, "") for c in columns] for r in found.rows], columns=columns)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / PATIENTS.name
        path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        read = read_table(path, PATIENTS)
    if read.problems or read.frame is None:
        relabelled = []
        for p in read.problems:
            source = found.sources[p.row - 2] if p.row is not None and p.row >= 2 else None
            if source is None:
                relabelled.append(p)
            else:
                where = f"{source.label[0]}/{source.label[1]} {p.column}"
                relabelled.append(
                    dataclasses.replace(p, file=source.file, row=source.index, column=where)
                )
        raise InputError(relabelled)
    return read.frame


def write_patients(
    found: ReferralImport, directory: str | Path, *, replace: bool = False
) -> Merged:
    """Merge the rows into ``directory/patients.csv`` (created when missing), written
    whole or not at all. A pseudonym already in the file is refused unless ``replace``."""
    if Path(directory).exists() and not Path(directory).is_dir():
        raise InputError(
            [problem(str(directory), None, None, "is not a folder; give a dataset folder")]
        )
    new = _checked(found)
    path = Path(directory) / PATIENTS.name
    old = None
    if path.exists():
        read = read_table(path, PATIENTS)
        if read.problems or read.frame is None:
            raise InputError(read.problems)
        old = read.frame
    ids = [str(p) for p in new["patient_id"]]
    there = set() if old is None else {str(p) for p in old["patient_id"]}
    clashes = [p for p in ids if p in there]
    if clashes and not replace:
        template = "patient {patient} is already in {file}; give --replace to replace the row"
        raise InputError(
            [
                problem(source.file, source.index, "subject", template, patient=p, file=str(path))
                for p, source in zip(ids, found.sources, strict=True)
                if p in there
            ]
        )
    frames = [new] if old is None else [old[~old["patient_id"].isin(ids)], new]
    table = pd.concat(frames, ignore_index=True)
    cells = neutralise_frame(_cells(table, PATIENTS, "utf8"))
    with atomic_path(path) as tmp:
        tmp.write_text(cells.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    added = tuple(p for p in ids if p not in there)
    return Merged(path, added, tuple(clashes))
