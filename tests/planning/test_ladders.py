"""The ladders of pathways.csv: the packaged defaults, the order of kinds, bad files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.errors import InputError
from matcher.planning.ladders import Ladders, ready_kinds

HEADER = "from_kind,to_kind,min_gap_days,max_gap_days\n"


def _file(tmp_path: Path, body: str, name: str = "pathways.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_packaged_ladder_runs_from_home_visits_to_a_club() -> None:
    """The defaults lead from home visits to an exit team and on to a club, the club
    starting in the team's last two weeks; every kind comes after those leading to it."""
    ladders = Ladders.load()
    kinds = ladders.kinds
    assert kinds.index("home_visit") < kinds.index("exit_team") < kinds.index("association")
    club = next(g for g in ladders.into("association") if g.from_kind == "exit_team")
    assert (club.min_gap_days, club.max_gap_days) == (-14, 0)
    assert ladders.reachable("home_visit") == tuple(
        k for k in kinds if k in {"home_visit", "exit_team", "network_group", "association"}
    )
    assert ladders.reachable("association") == ("association",)


def test_a_file_of_ones_own_replaces_the_ladders(tmp_path: Path) -> None:
    """A planner's pathways.csv with one rung allows only that rung."""
    ladders = Ladders.load(_file(tmp_path, "home_visit,association,0,7\n"))
    assert [(g.from_kind, g.to_kind) for g in ladders.rungs] == [("home_visit", "association")]
    assert ladders.reachable("exit_team") == ("exit_team",)


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        ("home_visit,walking,0,7\n", "pathways.csv:2:to_kind", "walking"),
        ("home_visit,home_visit,0,7\n", "pathways.csv:2:to_kind", "its own kind"),
        ("home_visit,exit_team,9,3\n", "pathways.csv:2:min_gap_days", "above max_gap_days 3"),
        (
            "home_visit,exit_team,0,3\nhome_visit,exit_team,0,5\n",
            "pathways.csv:3:to_kind",
            "already",
        ),
        ("home_visit,exit_team,0,x\n", "pathways.csv:2:max_gap_days", "x"),
        ("exit_team,association,0,3\nassociation,exit_team,0,3\n", "pathways.csv", "circle"),
    ],
)
def test_a_bad_ladder_file_is_refused_naming_row_and_column(
    tmp_path: Path, body: str, where: str, words: str
) -> None:
    """An unknown kind, a rung to its own kind, a gap whose minimum is above its maximum,
    a rung twice, a cell that is no number and rungs in a circle are refused by place."""
    with pytest.raises(InputError) as raised:
        Ladders.load(_file(tmp_path, body))
    said = str(raised.value)
    assert where in said and words in said


def test_a_problem_names_the_planner_s_own_file(tmp_path: Path) -> None:
    """A ladder file under another name is named as it is called."""
    with pytest.raises(InputError) as raised:
        Ladders.load(_file(tmp_path, "home_visit,exit_team,9,3\n", name="vores_trapper.csv"))
    assert "vores_trapper.csv:2:min_gap_days" in str(raised.value)


def test_the_first_step_defaults_from_the_profile() -> None:
    """Home-bound or one-to-one people start with home visits, others with an exit team,
    unless ready_for says otherwise."""
    people = pd.DataFrame(
        {
            "home_bound": [True, False, False, False],
            "group_tolerance": ["large", "individual", "medium", "medium"],
            "ready_for": ["", "", "", "association"],
        }
    )
    assert list(ready_kinds(people)) == ["home_visit", "home_visit", "exit_team", "association"]
    assert list(ready_kinds(people.drop(columns="ready_for"))) == [
        "home_visit",
        "home_visit",
        "exit_team",
        "exit_team",
    ]
