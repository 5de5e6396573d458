"""Pathways planned whole: a ladder of three steps, places freed when a step ends, the
one-step comparison, and every rule at every step on random instances (checked by
``pathway_support``, written apart from the planner)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import build, offer, patient, session
from pathway_support import check_pathways

from matcher import Dataset
from matcher.dataset.demo import make_demo
from matcher.planning.pathway_plan import PATHWAY_COLUMNS, plan_pathways

START = date(2027, 1, 4)  # a Monday


def _ladder_town(people: int = 1, **changes: object) -> Dataset:
    """Home visits from 4 January, an exit team from 1 February (eight weeks) and a
    walking club, both small groups; ``people`` who manage only one-to-one (a small
    group after their first step)."""
    offers = [
        offer(offer_id="H", name="Hjemmetræning", kind="home_visit", group_size=1),
        offer(offer_id="E", name="Udslusningshold", kind="exit_team", group_size=6),
        offer(offer_id="A", name="Gåklub", kind="association", group_size=6),
    ]
    sessions = [
        session(session_id="SH", offer_id="H", capacity=changes.get("home_places", 5)),
        session(session_id="SE", offer_id="E", first_date="2027-02-01", weeks=8, capacity=5),
        session(session_id="SA", offer_id="A", capacity=5),
    ]
    patients = [
        patient(patient_id=f"P{i}", group_tolerance="individual") for i in range(1, people + 1)
    ]
    return build(offers, sessions, patients)


def _steps(plan_table: pd.DataFrame, pid: str) -> list[tuple[str, str, str]]:
    rows = plan_table[(plan_table["patient_id"] == pid) & plan_table["step"].notna()]
    return list(zip(rows["kind"], rows["start_date"], rows["last_date"], strict=True))


def test_a_person_climbs_the_whole_ladder_within_its_gaps() -> None:
    """Four home visits, the exit team a week after the last visit, and the club in the
    team's last two weeks: three steps, the plan proven best, every rule kept."""
    ds = _ladder_town()
    plan = plan_pathways(ds, weeks=16, time_limit=30)
    assert _steps(plan.table, "P1") == [
        ("home_visit", "2027-01-04", "2027-01-25"),
        ("exit_team", "2027-02-01", "2027-03-22"),
        ("association", "2027-03-08", ""),
    ]
    figures = plan.summary()
    assert (figures["complete"], figures["with_step"], figures["none"]) == (1, 1, 0)
    assert figures["status"] == "OPTIMAL" and figures["gap"] == 0
    assert check_pathways(ds, plan.table, start=START, weeks=16) == []


def test_a_place_is_free_again_when_a_step_ends() -> None:
    """With one home-visit place, the second person's visits start the week the first
    person's end: places are counted week by week, not over the whole horizon."""
    ds = _ladder_town(people=2, home_places=1)
    plan = plan_pathways(ds, weeks=16, time_limit=30)
    starts = sorted(s[0][1] for s in (_steps(plan.table, "P1"), _steps(plan.table, "P2")))
    assert starts == ["2027-01-04", "2027-02-01"]
    assert check_pathways(ds, plan.table, start=START, weeks=16) == []


def test_one_step_plans_a_single_step_on_the_same_places() -> None:
    """The comparison plan gives each person one step only, so no ladder is climbed."""
    ds = _ladder_town()
    plan = plan_pathways(ds, weeks=16, one_step=True, time_limit=30)
    assert len(_steps(plan.table, "P1")) == 1
    assert plan.summary()["one_step"] is True
    assert check_pathways(ds, plan.table, start=START, weeks=16, one_step=True) == []


def test_the_checker_catches_a_broken_gap_and_too_many_in_a_week() -> None:
    """The independent check is not blind: a club moved after its gap and a second
    person in a one-place week are both reported."""
    ds = _ladder_town()
    plan = plan_pathways(ds, weeks=16, time_limit=30)
    moved = plan.table.copy()
    moved.loc[moved["kind"] == "association", "start_date"] = "2027-04-05"
    assert any("not -14 to 0" in w for w in check_pathways(ds, moved, start=START, weeks=16))
    twice = pd.concat([plan.table, plan.table.assign(patient_id="P9")], ignore_index=True)
    small = _ladder_town(home_places=1)
    small.patients.loc[len(small.patients)] = small.patients.iloc[0].to_dict() | {
        "patient_id": "P9"
    }
    assert any("1 places" in w for w in check_pathways(small, twice, start=START, weeks=16))


def test_pathways_are_written_as_a_table_and_figures(tmp_path: Path) -> None:
    """PATHWAYS.csv has one row per step and a row without a step for the rest;
    pathways.json has the counts and the status."""
    ds = _ladder_town()
    plan = plan_pathways(ds, weeks=16, time_limit=30)
    written = plan.write(tmp_path)
    assert [p.name for p in written] == ["PATHWAYS.csv", "pathways.json"]
    table = pd.read_csv(tmp_path / "PATHWAYS.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == list(PATHWAY_COLUMNS)
    assert list(table["step"]) == ["1", "2", "3"]
    assert list(table["gap_days"]) == ["", "7", "-14"]
    figures = json.loads((tmp_path / "pathways.json").read_text(encoding="utf-8"))
    assert figures["complete"] == 1 and figures["status"] == "OPTIMAL"


def _random_check(seed: int, patients: int, offers: int) -> None:
    ds = make_demo(patients=patients, offers=offers, seed=seed)
    first = pd.Timestamp(ds.patients["discharge_date"].min()).date()
    for one_step in (False, True):
        plan = plan_pathways(ds, weeks=12, one_step=one_step, time_limit=60)
        figures = plan.summary()
        assert figures["status"] in ("OPTIMAL", "FEASIBLE")
        assert figures["bound"] >= figures["objective"] - 1e-6
        assert check_pathways(ds, plan.table, start=first, weeks=12, one_step=one_step) == []
        placed = set(plan.table.loc[plan.table["step"].notna(), "patient_id"])
        unplaced = set(plan.table.loc[plan.table["step"].isna(), "patient_id"])
        assert not placed & unplaced
        assert figures["with_step"] + figures["none"] == figures["patients"]


@pytest.mark.parametrize("seed", [11, 12])
def test_every_step_obeys_every_rule_on_random_instances(seed: int) -> None:
    """On random demo instances every step of every pathway keeps the rules of a match,
    its gap and the places of each week, and the status is proven or has a bound."""
    _random_check(seed, 150, 60)


@pytest.mark.slow
@pytest.mark.parametrize("seed", list(range(20, 30)))
def test_every_step_obeys_every_rule_on_more_random_instances(seed: int) -> None:
    """As above, over ten more seeds and larger instances."""
    rng = np.random.default_rng(seed)
    _random_check(seed, int(rng.integers(200, 500)), int(rng.integers(60, 160)))
