"""Who gets a next step: placed share by group, with small counts suppressed.

For the municipality's equity view: the share of patients placed by gender,
language, age band, district and vulnerability flag. Every group with fewer
than ``MIN_COUNT`` patients, and every share computed from such a group, is
suppressed, and so is a share whose placed or unplaced count is below
``MIN_COUNT`` (it would reveal a small group's outcome).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .domain import VULNERABILITY_FLAGS

__all__ = ["EQUITY_COLUMNS", "MIN_COUNT", "equity_table", "suppress"]

#: Smallest count shown to a municipality.
MIN_COUNT = 5
EQUITY_COLUMNS = ("dimension", "group", "patients", "placed", "share_placed")


def suppress(counts: pd.Series, minimum: int = MIN_COUNT) -> pd.Series:
    """Counts with every value below ``minimum`` replaced by missing (<NA>)."""
    counts = counts.astype("Int64")
    return counts.where(counts >= minimum)


def _rows(dimension: str, groups: pd.Series, placed: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"group": groups.astype(str), "placed": placed.astype(int)})
    grouped = frame.groupby("group", sort=True)["placed"].agg(["size", "sum"])
    patients = grouped["size"].astype("Int64")
    done = grouped["sum"].astype("Int64")
    hidden = (patients < MIN_COUNT) | (done < MIN_COUNT) | ((patients - done) < MIN_COUNT)
    share = (done / patients).round(3).astype("Float64")
    return pd.DataFrame(
        {
            "dimension": dimension,
            "group": grouped.index,
            "patients": suppress(patients).array,
            "placed": done.where(~hidden).array,
            "share_placed": share.where(~hidden).array,
        }
    )


def equity_table(
    assignments: pd.DataFrame,
    patients: pd.DataFrame,
    district_of_patient: pd.Series | None = None,
) -> pd.DataFrame:
    """Placed share per group of patients, suppressed below ``MIN_COUNT``.

    Parameters
    ----------
    assignments
        PLAN.csv rows (``patient_id``, ``status``).
    patients
        The dataset's patients. ``age_band`` is used when the column exists.
    district_of_patient
        District name per patient id (index: patient_id), when districts
        are known.

    Escalated patients are left out: they are never matched automatically.
    """
    status = assignments.set_index("patient_id")["status"]
    people = patients.set_index("patient_id")
    people = people[status.reindex(people.index).fillna("unplaced") != "escalated"]
    placed = status.reindex(people.index).eq("placed")
    parts = [
        _rows("gender", people["gender"], placed),
        _rows(
            "language", people["languages"].map(lambda v: "da" if "da" in v else "not da"), placed
        ),
    ]
    if "age_band" in people.columns:
        parts.append(_rows("age band", people["age_band"].replace("", "unknown"), placed))
    if district_of_patient is not None:
        parts.append(
            _rows("district", district_of_patient.reindex(people.index).fillna("outside"), placed)
        )
    flags = people[list(VULNERABILITY_FLAGS)].astype(bool)
    for flag in VULNERABILITY_FLAGS:
        parts.append(
            _rows("vulnerability", flags[flag].map({True: flag, False: f"not {flag}"}), placed)
        )
    count = flags.sum(axis=1)
    parts.append(
        _rows(
            "vulnerability flags",
            np.minimum(count, 3).map({0: "0", 1: "1", 2: "2", 3: "3+"}),
            placed,
        )
    )
    return pd.concat(parts, ignore_index=True)[list(EQUITY_COLUMNS)]
