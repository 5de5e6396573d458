"""Counts a municipality may see: which district counts the gap analysis hides.

Every count below ``MIN_COUNT`` (5) is hidden, and so is every count that
would let a hidden one be worked out by subtracting the shown ones from the
total number of patients (complementary suppression,
``matcher.municipality.equity.complementary``). E2SFCA demand is the
published one (``published_demand``), so no score gives a hidden count back.

The groups are the districts and, last, ``OUTSIDE`` (patients and offers
outside every district); an empty outside group is listed only for its
offers.
"""

from __future__ import annotations

import numpy as np

from ..geo import OUTSIDE
from .equity import complementary

__all__ = ["MIN_COUNT", "hidden_counts", "listed_groups", "published_demand", "split_groups"]

#: Smallest count shown to a municipality.
MIN_COUNT = 5


def listed_groups(group_ids: np.ndarray, patients: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """Groups listed: every district, and the outside group when it has anyone."""
    return (np.asarray(group_ids) != OUTSIDE) | (np.asarray(patients) + np.asarray(offers) > 0)


def split_groups(group_ids: np.ndarray, patients: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """The groups that split the total number of patients: every listed group,
    except an empty outside group (listed only for its offers; the map says
    nobody lives outside)."""
    empty_outside = (np.asarray(group_ids) == OUTSIDE) & (np.asarray(patients) == 0)
    return listed_groups(group_ids, patients, offers) & ~empty_outside


def hidden_counts(group_ids: np.ndarray, patients: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """Groups whose patient count is hidden: fewer than 5 patients, or needed to
    keep a smaller hidden count from being worked out by subtracting the shown
    ones from the total (complementary suppression, ``matcher.municipality.equity.complementary``).

    ``group_ids`` are the districts and, last, ``OUTSIDE``; ``offers`` the
    offers per group (an empty outside group is listed only for its offers).
    """
    counts = np.asarray(patients, dtype=np.int64)
    hidden = counts < MIN_COUNT
    cells = split_groups(group_ids, counts, offers)
    hidden[cells] = complementary(counts[cells], hidden[cells])
    return hidden


def published_demand(group_ids: np.ndarray, patients: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """Patients per group as E2SFCA demand: the count where it is shown; where it
    is hidden, the hidden groups' patients spread evenly over them.

    So no score depends on a hidden count: the hidden groups' total follows from
    the municipality's number of patients less the shown counts anyway, and how
    it splits among them changes no score (with the exact counts, 4 places for
    12 patients alone at them score 333.33, and 4000 / 333.33 gives the 12 back;
    a neighbour's score would give it back as well).
    """
    counts = np.asarray(patients, dtype=float)
    # an empty outside group is no cell of the total: nobody lives there, as the map says
    hidden = hidden_counts(group_ids, patients, offers) & split_groups(group_ids, patients, offers)
    demand = counts.copy()
    if hidden.any():
        demand[hidden] = counts[hidden].sum() / hidden.sum()
    return demand
