"""The two kinds of staff.csv row: those who make home visits, and companions.

A row with ``accompanies`` set is a companion (a member of staff or a volunteer,
``role``) who goes along to a person's first session of a step
(``matcher.planning.company``); its minutes are not home-visit minutes, so a
companion never counts towards a service's visits. Every other row makes the
home visits of its ``offer_id``, as before ``accompanies`` existed.
"""

from __future__ import annotations

import pandas as pd

from .load import Dataset

__all__ = ["companion_shifts", "visiting_staff"]


def _accompanies(staff: pd.DataFrame) -> pd.Series:
    if "accompanies" not in staff.columns:
        return pd.Series(False, index=staff.index)
    return staff["accompanies"].fillna(False).astype(bool)


def visiting_staff(dataset: Dataset) -> pd.DataFrame | None:
    """The staff.csv rows that make home visits, or ``None`` without any."""
    staff = dataset.staff
    if staff is None:
        return None
    visiting = staff[~_accompanies(staff)]
    return visiting if len(visiting) else None


def companion_shifts(dataset: Dataset) -> pd.DataFrame:
    """The staff.csv rows of companions (empty without any)."""
    staff = dataset.staff
    if staff is None:
        return pd.DataFrame(columns=["staff_id", "offer_id", "weekday"])
    return staff[_accompanies(staff)].reset_index(drop=True)
