"""Where to add something: maximal covering location with CP-SAT on the rules of a match."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pytest
from builders import build, offer, session
from test_gaps import at, people, two_districts

from matcher import Dataset, InputError
from matcher.siting import NewActivity, best_sites, candidate_sites, site_coverage, solve_mclp

_RNG = np.random.default_rng(0)
#: Random covering instances: (patients x sites) coverage and whole-number weights.
INSTANCES = [(_RNG.random((14, 7)) < 0.3, _RNG.integers(1, 4, size=14)) for _ in range(6)]


def brute_force(cover: np.ndarray, weight: np.ndarray, k: int) -> tuple[tuple[int, int], set]:
    """The best (covered weight, -sum of site ranks) over every set of at most k
    sites, and every set reaching the best covered weight."""
    best, optimal, top = (-1, 0), set(), -1
    values = {}
    for size in range(k + 1):
        for chosen in combinations(range(cover.shape[1]), size):
            value = int(weight[cover[:, list(chosen)].any(axis=1)].sum()) if chosen else 0
            values[chosen] = value
            key = (value, -sum(c + 1 for c in chosen))
            best = max(best, key)
            top = max(top, value)
    optimal = {c for c, v in values.items() if v == top}
    return best, optimal


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("index", range(len(INSTANCES)))
def test_mclp_equals_brute_force(index: int, k: int) -> None:
    """On tiny instances the chosen sites are a brute-force optimum (ties: earliest sites)."""
    cover, weight = INSTANCES[index]
    got = solve_mclp(cover, k, weight, workers=1, seed=0)
    best, optimal = brute_force(cover, weight, k)
    assert got.optimal
    assert tuple(got.chosen.tolist()) in optimal
    assert (got.value, -int((got.chosen + 1).sum())) == best
    assert got.covered.tolist() == cover[:, got.chosen].any(axis=1).tolist()


def test_mclp_beats_greedy_where_greedy_fails() -> None:
    """Two medium sites beat the biggest site plus one: the model is exact, not greedy."""
    cover = np.zeros((6, 3), dtype=bool)
    cover[[0, 1, 2, 3], 0] = True  # the biggest site
    cover[[0, 1, 4], 1] = True
    cover[[2, 3, 5], 2] = True
    got = solve_mclp(cover, 2, workers=1, seed=0)
    assert got.chosen.tolist() == [1, 2]
    assert got.value == 6


def test_mclp_never_opens_a_site_that_serves_nobody() -> None:
    """With k above the useful sites, only sites that serve someone are chosen."""
    cover = np.array([[True, False, False], [True, False, False], [False, False, True]])
    got = solve_mclp(cover, 3, workers=1, seed=0)
    assert got.chosen.tolist() == [0, 2]
    assert solve_mclp(np.zeros((3, 2), dtype=bool), 2).chosen.tolist() == []


def scenario(**east: Any) -> Dataset:
    """Two venues with association walks, 6 patients at the west one and 8 at the east one.

    Patients walk at most 15 minutes (about 770 m), so each venue reaches only
    its own cluster; nobody has an exit team today.
    """
    return build(
        offers=[
            offer(offer_id="OW", **at(-1000)),
            offer(offer_id="OE", fee_dkk_month=1000, **at(1500)),
        ],
        sessions=[session(session_id="SW", offer_id="OW"), session(session_id="SE", offer_id="OE")],
        patients=people(6, "W", -1000, max_travel_min=15)
        + people(8, "E", 1500, max_travel_min=15, **east),
    )


TEAM = NewActivity(kind="exit_team", weekday="tue", start="17:00", end="18:30", group_size=8)


@pytest.mark.parametrize(
    ("k", "sites", "serves", "covered"),
    [
        (1, ["venue:OE"], [8], 8),
        (2, ["venue:OW", "venue:OE"], [6, 8], 14),
        (4, ["venue:OW", "venue:OE"], [6, 8], 14),  # a third site would add nobody
    ],
)
def test_best_sites_serve_most_unserved(k: int, sites: list, serves: list, covered: int) -> None:
    """The chosen venues serve the most patients with no exit team now, and say how many."""
    choice = best_sites(scenario(), TEAM, k, districts=two_districts(), seed=0)
    assert choice.sites["candidate_id"].tolist() == sites
    assert choice.sites["serves"].tolist() == serves
    assert choice.sites["only_here"].tolist() == serves
    assert (choice.unserved, choice.covered, choice.optimal) == (14, covered, True)


def test_only_currently_unserved_count_with_among_any() -> None:
    """With among='any', patients served by another kind today are not counted."""
    choice = best_sites(scenario(), TEAM, 1, districts=two_districts(), among="any")
    # the west walk fits its patients; the east walk is too dear for the east cluster
    assert choice.unserved == 8
    assert choice.sites["candidate_id"].tolist() == ["venue:OE"]


@pytest.mark.parametrize(
    ("east", "activity", "expected"),
    [
        ({"budget_dkk_month": 100}, {"fee_dkk_month": 200}, ["venue:OW"]),  # fee rule
        ({"languages": "ar"}, {}, ["venue:OW"]),  # language rule
        ({"available": "tue 08:00-12:00"}, {}, ["venue:OW"]),  # time rule
        ({"group_tolerance": "medium"}, {"group_size": 13}, ["venue:OW"]),  # group size
    ],
)
def test_a_site_serves_only_whom_every_rule_allows(
    east: dict, activity: dict, expected: list
) -> None:
    """A site serves a patient only if the new session obeys every rule for them."""
    dataset = scenario(**east)
    chosen = NewActivity(**{**TEAM.__dict__, **activity})
    choice = best_sites(dataset, chosen, 2, districts=two_districts())
    assert choice.sites["candidate_id"].tolist() == expected


def test_no_site_when_nobody_would_fit() -> None:
    """When the new activity fits nobody unserved, no site is chosen and a note says why."""
    activity = NewActivity(**{**TEAM.__dict__, "languages": ("fr",)})
    choice = best_sites(scenario(), activity, 2, districts=two_districts())
    assert choice.sites.empty
    assert choice.covered == 0
    assert "more sites would add nobody" in choice.notes[0]


def test_candidates_are_venues_then_district_centres() -> None:
    """Candidates are every distinct venue, then each district's population centre."""
    sites = candidate_sites(scenario(), two_districts())
    assert sites["candidate_id"].tolist() == ["venue:OW", "venue:OE", "district:D1", "district:D2"]
    assert sites["source"].tolist() == ["venue", "venue", "district", "district"]
    assert sites.loc[2, "name"] == "Vest (district centre)"


def test_coverage_matrix_shape_and_travel() -> None:
    """site_coverage gives patients x sites; each cluster is reached by its own venue."""
    dataset = scenario()
    sites = candidate_sites(dataset, two_districts())
    cover = site_coverage(dataset, TEAM, sites.iloc[:2], np.arange(14))
    assert cover.shape == (14, 2)
    assert cover[:6].tolist() == [[True, False]] * 6
    assert cover[6:].tolist() == [[False, True]] * 8


def test_table_suppresses_counts_below_five() -> None:
    """The municipality's table leaves counts below 5 empty."""
    dataset = build(
        offers=[offer(offer_id="O1", **at(-1000)), offer(offer_id="O2", **at(1500))],
        patients=people(6, "W", -1000, max_travel_min=15) + people(3, "E", 1500, max_travel_min=15),
    )
    table = best_sites(dataset, TEAM, 2, districts=two_districts()).table()
    assert table["serves"].tolist()[0] == 6
    assert table["serves"].isna().tolist() == [False, True]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "club"}, "--kind:-:-: 'club' is not one of"),
        ({"weekday": "monday"}, "--weekday:-:-: 'monday' is not one of"),
        ({"start": "25:00"}, "--start:-:-: '25:00' is not a time of day"),
        ({"end": "16:00"}, "--end:-:-: 16:00 is not after 17:00"),
        ({"group_size": 0}, "--group-size:-:-: must be at least 1"),
        ({"fee_dkk_month": -1}, "--fee:-:-: must be at least 0 DKK"),
        ({"intensity": "extreme"}, "--intensity:-:-: 'extreme' is not one of"),
        ({"languages": ()}, "--languages:-:-: give at least one language"),
    ],
)
def test_bad_activity_is_an_input_error(change: dict, message: str) -> None:
    """A wrong description of the new activity names the option, nothing is solved."""
    activity = NewActivity(**{**TEAM.__dict__, **change})
    with pytest.raises(InputError) as caught:
        best_sites(scenario(), activity, 1, districts=two_districts())
    assert any(str(p).startswith(message) for p in caught.value.problems)
