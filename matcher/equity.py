"""Who gets a next step: placed share by group, with small counts suppressed.

For the municipality's equity view: the share of patients placed by gender,
language, age band, district and vulnerability flag. Every group with fewer
than ``MIN_COUNT`` patients, and every share computed from such a group, is
suppressed, and so is a share whose placed or unplaced count is below
``MIN_COUNT`` (it would reveal a small group's outcome).

Hidden cells cannot be worked out by subtraction either (complementary
suppression). Each dimension splits the same patients (each vulnerability
flag splits them in two), so its totals are known from any other dimension:
within a dimension, for the group counts, the placed counts and the unplaced
counts alike, the hidden cells are always at least two and add up to at
least ``MIN_COUNT``; when they would not, the next-smallest shown cells are
hidden too (``complementary``). A share is shown only when both its counts
are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .domain import VULNERABILITY_FLAGS

__all__ = ["EQUITY_COLUMNS", "MIN_COUNT", "complementary", "equity_table", "suppress"]

#: Smallest count shown to a municipality.
MIN_COUNT = 5
EQUITY_COLUMNS = ("dimension", "group", "patients", "placed", "share_placed")


def suppress(counts: pd.Series, minimum: int = MIN_COUNT) -> pd.Series:
    """Counts with every value below ``minimum`` replaced by missing (<NA>)."""
    counts = counts.astype("Int64")
    return counts.where(counts >= minimum)


def complementary(values: np.ndarray, hidden: np.ndarray, minimum: int = MIN_COUNT) -> np.ndarray:
    """``hidden`` widened so that no hidden value follows from the others and the total.

    ``values`` are counts that split one known total (the groups of one
    dimension). When any is hidden, the hidden ones must be at least two and
    add up to at least ``minimum``: until they do, the smallest shown value
    (the first of equals) is hidden as well. When every value ends up hidden
    the total itself is below ``minimum`` or there is only one cell.

    Returns a new boolean array; ``hidden`` is not changed.
    """
    counts = np.asarray(values, dtype=np.int64)
    out = np.asarray(hidden, dtype=bool).copy()
    while out.any() and (out.sum() < 2 or counts[out].sum() < minimum):
        shown = np.flatnonzero(~out)
        if not len(shown):
            break
        out[shown[np.argmin(counts[shown])]] = True
    return out


def _hidden(patients: np.ndarray, placed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which group counts and which placed counts (and shares) of one dimension to hide."""
    unplaced = patients - placed
    people = complementary(patients, patients < MIN_COUNT)
    outcome = people | (placed < MIN_COUNT) | (unplaced < MIN_COUNT)
    while True:  # each pass only hides more, so this ends
        wider = complementary(unplaced, complementary(placed, outcome))
        if (wider == outcome).all():
            return people, outcome
        outcome = wider


def _rows(dimension: str, groups: pd.Series, placed: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"group": groups.astype(str), "placed": placed.astype(int)})
    grouped = frame.groupby("group", sort=True)["placed"].agg(["size", "sum"])
    patients = grouped["size"].astype("Int64")
    done = grouped["sum"].astype("Int64")
    hide_patients, hide_placed = _hidden(
        grouped["size"].to_numpy(dtype=np.int64), grouped["sum"].to_numpy(dtype=np.int64)
    )
    share = (done / patients).round(3).astype("Float64")
    return pd.DataFrame(
        {
            "dimension": dimension,
            "group": grouped.index,
            "patients": patients.where(~hide_patients).array,
            "placed": done.where(~hide_placed).array,
            "share_placed": share.where(~hide_placed).array,
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
