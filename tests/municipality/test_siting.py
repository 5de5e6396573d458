"""Where to add something: maximal covering location with CP-SAT on the rules of a match."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import build, offer, session
from gaps_support import at, people, two_districts
from scipy.optimize import linprog

from matcher import Dataset, InputError
from matcher.municipality.siting import (
    NewActivity,
    SiteChoice,
    best_sites,
    candidate_sites,
    site_coverage,
)
from matcher.words.notes import note_text


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
    danish = note_text(choice.notes[0], "da")
    assert danish != choice.notes[0] and "more sites" not in danish


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
    """The municipality's table leaves counts below 5 empty, and with them the counts
    that would give one away: here site 2's 3 would be the total served less site 1's 6."""
    dataset = build(
        offers=[offer(offer_id="O1", **at(-1000)), offer(offer_id="O2", **at(1500))],
        patients=people(6, "W", -1000, max_travel_min=15)
        + people(3, "E", 1500, max_travel_min=15)
        + people(5, "F", -1000, languages="fr"),  # no option now, none with the new team
    )
    choice = best_sites(dataset, TEAM, 2, districts=two_districts())
    assert (choice.unserved, choice.covered) == (14, 9)
    table = choice.table()
    assert table["serves"].tolist()[0] == 6
    assert table["serves"].isna().tolist() == [False, True]
    assert table["only_here"].isna().all()
    assert choice.shown_covered() is None


def choice_of(serves: list[int], only: list[int], covered: int, unserved: int) -> SiteChoice:
    """A SiteChoice with these exact counts (sites at made-up places)."""
    n = len(serves)
    sites = pd.DataFrame(
        {
            "candidate_id": [f"venue:O{i}" for i in range(n)],
            "name": [f"site {i}" for i in range(n)],
            "source": "venue",
            "x": 0.0,
            "y": 0.0,
            "lat": 55.4,
            "lon": 10.4,
            "serves": serves,
            "only_here": only,
        }
    )
    return SiteChoice(TEAM, sites, unserved, covered, candidates=5, optimal=True, status="OPTIMAL")


def ranges(serves: list[Any], only: list[Any], covered: Any, unserved: int) -> list[float]:
    """How far each figure can move given what is shown (two sites): min and max of site 1
    and 2's serves and only_here and of the total, over the patients each site serves
    alone (at least 1: a chosen site adds someone), both, or neither."""
    # unknowns: only 1, only 2, both, neither
    figures = {
        "serves 1": [1, 0, 1, 0],
        "serves 2": [0, 1, 1, 0],
        "only 1": [1, 0, 0, 0],
        "only 2": [0, 1, 0, 0],
        "covered": [1, 1, 1, 0],
    }
    values = dict(zip(figures, [*serves, *only, covered], strict=True))
    a_eq = [[1, 1, 1, 1]] + [figures[k] for k, v in values.items() if not pd.isna(v)]
    b_eq = [unserved] + [float(v) for v in values.values() if not pd.isna(v)]
    bounds = [(1, None), (1, None), (0, None), (0, None)]
    width = []
    for key, value in values.items():
        if pd.isna(value):
            goal = np.array(figures[key], dtype=float)
            low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            high = linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            assert low.status == high.status == 0
            width.append(-high.fun - low.fun)
    return width


@pytest.mark.parametrize(
    ("serves", "only", "covered", "unserved", "shown"),
    [
        # the demo's association: site 2's 4 alone would be 15 served less site 1's 11
        ([11, 8], [7, 4], 15, 149, ([True, True], [False, False], False)),
        ([20, 10], [15, 5], 25, 40, ([True, True], [True, True], True)),
        # 2 patients served by both sites would be 20 - 18 (and 10 - 8)
        ([20, 10], [18, 8], 26, 40, ([True, True], [False, False], False)),
        ([6, 8], [6, 8], 14, 30, ([True, True], [False, False], False)),  # nobody by both
        ([6, 3], [6, 3], 9, 14, ([True, False], [False, False], False)),
        # 36 of 40 served: the 4 left over are a count below 5
        ([30, 28], [8, 6], 36, 40, ([True, True], [False, False], False)),
        ([6], [6], 6, 9, ([False], [False], False)),  # one site: all three are one number
        ([6], [6], 6, 20, ([True], [True], True)),
    ],
)
def test_no_hidden_site_count_follows_from_the_others(
    serves: list[int], only: list[int], covered: int, unserved: int, shown: tuple
) -> None:
    """What sites shows: counts of 5 or more, and none that lets a hidden one be worked out."""
    choice = choice_of(serves, only, covered, unserved)
    table = choice.table()
    got = (
        table["serves"].notna().tolist(),
        table["only_here"].notna().tolist(),
        choice.shown_covered() is not None,
    )
    assert got == shown
    if all(got[0]) and all(got[1]) and got[2] and len(serves) == 2:
        # everything shown: the patients each site alone, both or neither would serve
        # (all that the figures add up from) are 5 or more each
        atoms = [only[0], only[1], serves[0] - only[0], unserved - covered]
        assert min(atoms) >= 5
    if len(serves) == 2:
        widths = ranges(
            list(table["serves"]),
            list(table["only_here"]),
            choice.shown_covered() or pd.NA,
            unserved,
        )
        assert all(w > 0.5 for w in widths), widths


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


# -- the choice as a result -----------------------------------------------------
def test_summary_and_write_show_only_what_the_table_shows(tmp_path: Path) -> None:
    """Result: summary() is plain data with the suppressed counts of table() (a hidden
    one as None) and shown_covered(); write() is the CSV of ``sites --out``."""
    shown = choice_of([12, 10], [7, 5], 17, 30).summary()
    assert shown["activity"]["kind"] == TEAM.kind
    assert shown["activity"]["languages"] == list(TEAM.languages)
    assert [s["serves"] for s in shown["sites"]] == [12, 10]
    assert [s["only_here"] for s in shown["sites"]] == [7, 5]
    assert (shown["unserved"], shown["covered"], shown["candidates"]) == (30, 17, 5)
    assert (shown["optimal"], shown["status"], shown["notes"]) == (True, "OPTIMAL", [])
    assert "x" not in shown["sites"][0]
    json.dumps(shown)
    hidden = choice_of([6, 3], [6, 3], 9, 14)
    summary = hidden.summary()
    assert [s["serves"] for s in summary["sites"]] == [
        None if pd.isna(v) else v for v in hidden.table()["serves"]
    ]
    assert summary["covered"] is None
    assert choice_of([3], [3], 3, 4).summary()["unserved"] is None
    path = hidden.write(tmp_path / "sites.csv")
    read = pd.read_csv(path)
    assert list(read.columns) == list(hidden.table().columns)
    assert read["serves"].isna().tolist() == hidden.table()["serves"].isna().tolist()
