"""A seeded, believable demo municipality around Odense.

``make_demo`` builds a complete dataset in memory: 16 districts (Voronoi
cells around real neighbourhood centres, clipped to a 17 x 17 km square of
about 290 km²), offers of all four kinds with the variety of the field, their
sessions, home-visit staff, candidate exit teams for what-if planning, and
patients in the proportions the reports describe. All names and people are
invented. The same seed always gives the same files, and 50,000 patients with
5,000 offers take a few seconds. The places are drawn in ``demo_places``, the
people in ``demo_people``; this module puts them together.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .demo_people import age_bands, demo_patients, demo_staff
from .demo_places import (
    CENTRE_LONLAT,
    DEMO_START,
    clock,
    demo_area,
    demo_candidates,
    demo_offers,
    demo_sessions,
)
from .export import save_dataset
from .load import Dataset, points

# the demo's centre and first day are read from here as well as from ``demo_places``
__all__ = [
    "CENTRE_LONLAT",
    "DEMO_START",
    "EMBEDDED_DEMO",
    "cached_demo",
    "default_data_dir",
    "make_demo",
    "write_demo",
]

#: The embedded demo: what ``make demo-data`` writes to ``data/activities``.
EMBEDDED_DEMO: dict[str, Any] = {"patients": 400, "offers": 150, "seed": 0}


#: With ``tight_staff``: the share of patients who are home-bound, the staff kept per
#: home-visit service, their weekdays on shift and the length of a shift (minutes).
TIGHT_HOME_BOUND = 0.25
TIGHT_STAFF = 1
TIGHT_DAYS = 2
TIGHT_SHIFT_MIN = 4 * 60


def make_demo(
    patients: int = 400, offers: int = 120, seed: int = 0, *, tight_staff: bool = False
) -> Dataset:
    """The demo municipality as a ``Dataset`` (nothing is written).

    With ``tight_staff`` the staff minutes of home visits bind hard: about
    ``TIGHT_HOME_BOUND`` of the patients are home-bound, and each home-visit
    service keeps ``TIGHT_STAFF`` staff member on ``TIGHT_DAYS`` weekdays with
    shifts of ``TIGHT_SHIFT_MIN`` minutes (drawn from their own stream, so
    every other figure is the ordinary demo's).
    """
    if patients < 0 or offers < 4:
        raise ValueError(
            "the demo needs at least 4 offers (one of each kind) and 0 or more patients"
        )
    rng = np.random.default_rng(seed)
    area = demo_area()
    offer_table = demo_offers(rng, area, offers)
    session_table = demo_sessions(rng, offer_table)
    patient_table = demo_patients(rng, area, patients, offer_table)
    # drawn from their own stream, so adding them left every other figure unchanged
    patient_table.insert(
        patient_table.columns.get_loc("gender_pref") + 1,
        "age_band",
        age_bands(np.random.default_rng([seed, 1]), patient_table),
    )
    staff = demo_staff(rng, offer_table)
    if tight_staff:
        patient_table, staff = _tight(np.random.default_rng([seed, 2]), patient_table, staff)
    candidates = demo_candidates(rng, area, max(4, min(40, offers // 10)))
    return Dataset(
        offers=points(offer_table),
        sessions=session_table,
        patients=points(patient_table),
        districts=area.districts,
        staff=staff,
        candidates=points(candidates),
        source=None,
    )


def _tight(
    rng: np.random.Generator, patients: pd.DataFrame, staff: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """More home-bound patients, and few short shifts for the home-visit staff."""
    patients = patients.copy()
    patients["home_bound"] = patients["home_bound"].to_numpy() | (
        rng.random(len(patients)) < TIGHT_HOME_BOUND
    )
    kept = []
    for _, shifts in staff.groupby("offer_id", sort=True):
        people = sorted(shifts["staff_id"].unique())[:TIGHT_STAFF]
        mine = shifts[shifts["staff_id"].isin(people)]
        days = sorted(mine["weekday"].unique())
        chosen = rng.choice(days, size=min(TIGHT_DAYS, len(days)), replace=False)
        kept.append(mine[mine["weekday"].isin(chosen)])
    few = pd.concat(kept, ignore_index=True) if kept else staff.iloc[:0].copy()
    few["shift_end_min"] = few["shift_start_min"] + TIGHT_SHIFT_MIN
    few["shift_end"] = clock(few["shift_end_min"].to_numpy())
    return patients, few


def write_demo(
    out: str | Path,
    patients: int = 400,
    offers: int = 120,
    seed: int = 0,
    *,
    tight_staff: bool = False,
) -> Path:
    """Generate the demo municipality and write it to ``out`` as UTF-8 CSV."""
    return save_dataset(make_demo(patients, offers, seed, tight_staff=tight_staff), out)


def default_data_dir() -> Path:
    """The embedded demo dataset: ``data/activities`` of a source checkout; for an
    installed Brobygger, the same demo written to the user's cache on first use
    (``cached_demo``)."""
    here = Path(__file__).resolve().parents[2] / "data" / "activities"
    if (here / "offers.csv").exists():
        return here
    return cached_demo()


def cached_demo(cache: Path | None = None) -> Path:
    """The embedded demo (``EMBEDDED_DEMO``) in ``cache`` (the user's cache folder), one
    folder per version of Brobygger, written the first time it is asked for.

    The demo is written to a hidden folder beside it and renamed into place whole, so
    a folder found there is complete, and two programs starting at once both get it.
    """
    from importlib.metadata import PackageNotFoundError, version

    import platformdirs

    cache = Path(cache or platformdirs.user_cache_dir("brobygger"))
    try:
        release = version("brobygger")
    except PackageNotFoundError:
        release = "source"
    folder = cache / f"demo-{release}"
    if (folder / "offers.csv").exists():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    written = Path(tempfile.mkdtemp(prefix=".demo-", dir=cache))
    try:
        write_demo(written, **EMBEDDED_DEMO)
        try:
            os.replace(written, folder)
        except OSError:
            if not (folder / "offers.csv").exists():  # not another program's demo
                raise
    finally:
        shutil.rmtree(written, ignore_errors=True)
    return folder
