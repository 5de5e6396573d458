"""Who gets a next step: placed share by group, with small counts suppressed.

For the municipality's equity view: the share of patients placed by gender,
language, age band, district and vulnerability flag. Every patient on the
list is counted; escalated patients count as not placed (a person handles
them before any match), so each district's patients are the same number as
in the gap analysis and no difference between the two tables reveals how
many were escalated. Every group with fewer than ``MIN_COUNT`` patients, and
every share computed from such a group, is suppressed, and so is a share
whose placed or unplaced count is below ``MIN_COUNT`` (it would reveal a
small group's outcome).

Hidden cells cannot be worked out by subtraction either (complementary
suppression). Each dimension splits the same patients (each vulnerability
flag splits them in two), so its totals are known from any other dimension:
within a dimension, for the group counts, the placed counts and the unplaced
counts alike, the hidden cells are always at least two and add up to at
least ``MIN_COUNT``; when they would not, the next-smallest shown cells are
hidden too (``complementary``; cells of equal value go together, so the
same counts are hidden whatever order the groups come in, as in the gap
analysis). A share is shown only when both its counts are
(``hidden_outcomes``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..domain import VULNERABILITY_FLAGS

__all__ = [
    "EQUITY_COLUMNS",
    "MIN_COUNT",
    "complementary",
    "equity_table",
    "hidden_outcomes",
    "suppress",
]

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
    is hidden as well, together with every shown value equal to it (so the
    result depends on the values only, not on the order of the cells: two
    tables that list the same groups in another order hide the same ones).
    When every value ends up hidden the total itself is below ``minimum`` or
    there is only one cell.

    Returns a new boolean array; ``hidden`` is not changed.
    """
    counts = np.asarray(values, dtype=np.int64)
    out = np.asarray(hidden, dtype=bool).copy()
    while out.any() and (out.sum() < 2 or counts[out].sum() < minimum):
        if out.all():
            break
        out |= ~out & (counts == counts[~out].min())
    return out


def hidden_outcomes(
    patients: np.ndarray, positive: np.ndarray, hidden_patients: np.ndarray | None = None
) -> np.ndarray:
    """Which outcome cells of one partition to hide: the ``positive`` counts
    (placed, served), the rest of each group and the shares computed from them.

    A cell's outcome is hidden when its group count is (``hidden_patients``,
    by default ``complementary`` on counts below ``MIN_COUNT``), or when its
    positive or negative count is below ``MIN_COUNT``; then, for the positive
    and the negative counts alike, the hidden cells are widened by
    ``complementary`` until neither follows from the shown ones and the
    totals. Returns a boolean array over the cells.
    """
    patients = np.asarray(patients, dtype=np.int64)
    positive = np.asarray(positive, dtype=np.int64)
    negative = patients - positive
    if hidden_patients is None:
        hidden_patients = complementary(patients, patients < MIN_COUNT)
    outcome = np.asarray(hidden_patients, dtype=bool) | (positive < MIN_COUNT)
    outcome |= negative < MIN_COUNT
    while True:  # each pass only hides more, so this ends
        wider = complementary(negative, complementary(positive, outcome))
        if (wider == outcome).all():
            return outcome
        outcome = wider


def _hidden(patients: np.ndarray, placed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which group counts and which placed counts (and shares) of one dimension to hide."""
    people = complementary(patients, patients < MIN_COUNT)
    return people, hidden_outcomes(patients, placed, people)


def _rows(
    dimension: str, groups: pd.Series, placed: pd.Series, listed: Sequence[str] = ()
) -> pd.DataFrame:
    frame = pd.DataFrame({"group": groups.astype(str), "placed": placed.astype(int)})
    grouped = frame.groupby("group", sort=True)["placed"].agg(["size", "sum"])
    if len(listed):  # groups nobody belongs to are listed too, with a count of 0 (hidden)
        names = sorted({*map(str, listed), *grouped.index})
        grouped = grouped.reindex(names, fill_value=0)
    patients = grouped["size"].astype("Int64")
    done = grouped["sum"].astype("Int64")
    hide_patients, hide_placed = _hidden(
        grouped["size"].to_numpy(dtype=np.int64), grouped["sum"].to_numpy(dtype=np.int64)
    )
    share = (done / patients.where(patients > 0)).round(3).astype("Float64")
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
    districts: Sequence[str] = (),
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
        are known; patients without one are in the group ``outside``.
    districts
        Every district's name: a district nobody lives in is listed too (its
        count of 0 hidden), as in the gap analysis, so both tables hide the
        same district counts.

    Every patient is counted; escalated patients (and patients the plan does
    not list) count as not placed: a person handles an escalated patient
    before any match. So a district's patients here are its patients in the
    gap analysis, and no difference between the two tables tells how many
    were escalated.
    """
    status = assignments.set_index("patient_id")["status"]
    people = patients.set_index("patient_id")
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
            _rows(
                "district",
                district_of_patient.reindex(people.index).fillna("outside"),
                placed,
                districts,
            )
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
