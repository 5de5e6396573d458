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

import numpy as np

from .demo_people import age_bands, demo_patients, demo_staff
from .demo_places import (
    CENTRE_LONLAT,
    DEMO_START,
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
EMBEDDED_DEMO = {"patients": 400, "offers": 150, "seed": 0}


def make_demo(patients: int = 400, offers: int = 120, seed: int = 0) -> Dataset:
    """The demo municipality as a ``Dataset`` (nothing is written)."""
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


def write_demo(out: str | Path, patients: int = 400, offers: int = 120, seed: int = 0) -> Path:
    """Generate the demo municipality and write it to ``out`` as UTF-8 CSV."""
    return save_dataset(make_demo(patients, offers, seed), out)


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
