"""Helper builders for tiny hand-made datasets in tests.

Each builder returns one row as a dict with sensible defaults that match
nearly everything; a test overrides only what its rule is about. ``build``
writes the rows as CSV files and loads them through ``load_dataset``, so
tests exercise the same path as users' files.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from matcher import Dataset, load_dataset

#: Odense centre; a point 1 km east is about (55.3959, 10.4042).
LAT, LON = 55.3959, 10.3883


def offer(**changes: Any) -> dict[str, Any]:
    """An open, free, low-intensity association walk at the centre."""
    row: dict[str, Any] = {
        "offer_id": "O1",
        "name": "Gåklub Centrum",
        "kind": "association",
        "provider": "Test",
        "lat": LAT,
        "lon": LON,
        "diagnoses": "all",
        "languages": "da",
        "gender": "any",
        "group_size": 8,
        "intensity": "low",
        "supervised": "false",
        "fee_dkk_month": 0,
        "tags": "walking",
    }
    row.update(changes)
    return row


def session(**changes: Any) -> dict[str, Any]:
    """Mondays 10:00-11:00 with 5 places from 2027-01-04 (a Monday)."""
    row: dict[str, Any] = {
        "session_id": "S1",
        "offer_id": "O1",
        "weekday": "mon",
        "start": "10:00",
        "end": "11:00",
        "capacity": 5,
        "first_date": "2027-01-04",
    }
    row.update(changes)
    return row


def patient(**changes: Any) -> dict[str, Any]:
    """A patient at the centre who can do nearly anything, discharged 2027-01-04."""
    row: dict[str, Any] = {
        "patient_id": "P1",
        "lat": LAT,
        "lon": LON,
        "discharge_date": "2027-01-04",
        "diagnoses": "heart",
        "gender": "woman",
        "gender_pref": "any",
        "modes": "walk",
        "max_travel_min": 30,
        "available": "",
        "group_tolerance": "large",
        "budget_dkk_month": 500,
        "languages": "da",
        "intensity_max": "high",
        "needs_supervision": "false",
        "home_bound": "false",
        "interests": "",
    }
    row.update(changes)
    return row


def _cell(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write(directory: Path, name: str, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write ``rows`` as ``directory/name`` (UTF-8 CSV); lists become ``a;b``."""
    rows = [{k: _cell(v) for k, v in r.items()} for r in rows]
    path = directory / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def build(
    offers: Iterable[Mapping[str, Any]] = (),
    sessions: Iterable[Mapping[str, Any]] = (),
    patients: Iterable[Mapping[str, Any]] = (),
    directory: Path | None = None,
    **extra: Iterable[Mapping[str, Any]],
) -> Dataset:
    """Load a dataset made of these rows (defaults: one offer, session, patient).

    ``extra`` names further files without ``.csv``: ``staff=[...]``.
    """
    offers, sessions, patients = list(offers), list(sessions), list(patients)
    root = Path(directory or tempfile.mkdtemp(prefix="brobygger-test-"))
    root.mkdir(parents=True, exist_ok=True)
    write(root, "offers.csv", offers or [offer()])
    write(root, "sessions.csv", sessions or [session()])
    if patients:
        write(root, "patients.csv", patients)
    else:
        (root / "patients.csv").write_text(",".join(patient()) + "\n", encoding="utf-8")
    for name, rows in extra.items():
        write(root, f"{name}.csv", rows)
    return load_dataset(root)
