"""Which district counts the gap analysis hides (matcher.municipality.suppression)."""

from __future__ import annotations

import numpy as np

from matcher.geo import OUTSIDE
from matcher.municipality.suppression import (
    MIN_COUNT,
    hidden_counts,
    listed_groups,
    published_demand,
    split_groups,
)

GROUPS = np.array(["D1", "D2", "D3", OUTSIDE], dtype=object)


def test_every_district_is_listed_and_the_outside_group_only_with_someone() -> None:
    """Districts are always listed; the outside group only with patients or offers."""
    nobody = listed_groups(GROUPS, np.array([0, 0, 0, 0]), np.array([0, 0, 0, 0]))
    assert nobody.tolist() == [True, True, True, False]
    assert listed_groups(GROUPS, np.array([0, 0, 0, 3]), np.array([0, 0, 0, 0]))[-1]
    assert listed_groups(GROUPS, np.array([0, 0, 0, 0]), np.array([0, 0, 0, 1]))[-1]


def test_an_outside_group_with_offers_only_does_not_split_the_total() -> None:
    """An outside group listed only for its offers is no share of the patients."""
    offers_only = split_groups(GROUPS, np.array([9, 9, 9, 0]), np.array([1, 1, 1, 2]))
    assert offers_only.tolist() == [True, True, True, False]
    lived_in = split_groups(GROUPS, np.array([9, 9, 9, 6]), np.array([1, 1, 1, 0]))
    assert lived_in.tolist() == [True, True, True, True]


def test_counts_of_five_or_more_are_shown_when_nothing_is_small() -> None:
    """Without a count below 5 nothing is hidden."""
    patients = np.array([MIN_COUNT, 12, 30, 7])
    assert not hidden_counts(GROUPS, patients, np.ones(4)).any()


def test_a_small_count_is_hidden_and_never_alone() -> None:
    """A count below 5 is hidden, and another share of the total is hidden with it,
    so the small one cannot be worked out by subtraction."""
    patients = np.array([12, MIN_COUNT - 1, 30, 7])
    hidden = hidden_counts(GROUPS, patients, np.ones(4))
    assert hidden[1]
    assert hidden.sum() >= 2
    assert not hidden[patients >= MIN_COUNT].all()


def test_published_demand_spreads_the_hidden_patients_evenly() -> None:
    """E2SFCA demand is the count where shown and the hidden groups' mean where hidden."""
    patients = np.array([12, 2, 30, 9])
    offers = np.ones(4)
    hidden = hidden_counts(GROUPS, patients, offers)
    demand = published_demand(GROUPS, patients, offers)
    np.testing.assert_array_equal(demand[~hidden], patients[~hidden])
    assert np.allclose(demand[hidden], patients[hidden].mean())
    assert demand.sum() == patients.sum()


def test_published_demand_does_not_change_with_how_hidden_patients_split() -> None:
    """Two splits of the same hidden total publish the same demand."""
    offers = np.ones(4)
    first = published_demand(GROUPS, np.array([30, 1, 4, 20]), offers)
    second = published_demand(GROUPS, np.array([30, 3, 2, 20]), offers)
    np.testing.assert_array_equal(first, second)
