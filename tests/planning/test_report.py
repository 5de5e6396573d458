"""Reports of a schedule (matcher.planning.report): breaches, trade-off, opened, plots."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from builders import build, offer, patient, session
from matplotlib.figure import Figure

from matcher.planning.candidates import CandidateTeams
from matcher.planning.horizon import Horizon, HorizonModel
from matcher.planning.report import (
    TRADEOFF_COLUMNS,
    breaches_frame,
    capacity_plot,
    opened_frame,
    tradeoff_frame,
    tradeoff_plot,
)
from matcher.planning.whatif import BudgetPlan, status_note, tradeoff

START = "2027-01-04"  # a Monday
GUARANTEE = 3
HOURS = np.array([10.0, 12.0])


def _frame(hm: HorizonModel, arc_of: np.ndarray) -> pd.DataFrame:
    """The schedule's columns that breaches_frame reads, for the plan ``arc_of``."""
    placed = arc_of >= 0
    a = np.maximum(arc_of, 0)
    session = hm.arcs.session[a]
    start = (hm.start_day[a]).astype("datetime64[D]").astype("datetime64[ns]")
    return pd.DataFrame(
        {
            "status": np.where(placed, "placed", "unplaced"),
            "wait_days": pd.Series(hm.wait[a], dtype="Int64").where(placed),
            "reason": np.where(placed, "", "no place"),
            "start_date": pd.Series(start).where(placed),
            "offer_id": np.where(placed, hm.model.offer_ids[hm.model.s_offer[session]], ""),
        }
    )


def _breaches(capacity: int) -> pd.DataFrame:
    """P1 and P2 start the day they leave; P3 leaves on a Tuesday and waits six days
    for the Monday walk, longer than the three-day guarantee."""
    ds = build(
        sessions=[session(capacity=capacity)],
        patients=[
            patient(patient_id="P1", discharge_date="2027-01-04"),
            patient(patient_id="P2", discharge_date="2027-01-04"),
            patient(patient_id="P3", discharge_date="2027-01-05"),
        ],
    )
    hm = HorizonModel.build(ds, Horizon(np.datetime64(START), 4, guarantee_days=GUARANTEE))
    arc_of = hm.solve(hm.capacity).arc
    return breaches_frame(hm, _frame(hm, arc_of), hm.capacity).set_index("patient_id")


def test_a_late_start_is_named_with_the_earliest_wait_on_offer() -> None:
    """With places for all, only the patient who waits six days is a breach: placed,
    with the start date, because nothing starts within the guarantee."""
    table = _breaches(capacity=5)
    assert table.index.tolist() == ["P3"]
    row = table.loc["P3"]
    assert (row["status"], row["wait_days"], row["earliest_wait"]) == ("placed", 6, 6)
    assert row["start_date"] == "2027-01-11"
    assert row["guarantee_days"] == GUARANTEE
    assert f"within {GUARANTEE} days" in row["reason"] and "6" in row["reason"]


def test_an_unplaced_patient_is_told_apart_from_one_with_nothing_in_time() -> None:
    """With one place, the one left of the two who could start in time lost it to others;
    the one who could not start in time is told so."""
    table = _breaches(capacity=1)
    assert len(table) == 2 and "P3" in table.index
    assert (table["status"] == "unplaced").all()
    assert (table["start_date"] == "").all()
    other = table.drop(index="P3").iloc[0]
    assert other["earliest_wait"] == 0
    assert "needed for others" in other["reason"]
    assert "needed for others" not in table.loc["P3", "reason"]
    assert table.loc["P3", "reason"].startswith("no suitable session starts")


def _plans() -> tuple[list[BudgetPlan], CandidateTeams, Horizon, pd.DataFrame]:
    """Budgets 0, 10 and 22 over one existing place and two candidate teams, with the
    weekly places and demand of the largest budget's plan."""
    horizon = Horizon(np.datetime64(START), 4)
    team = offer(offer_id="E1", kind="exit_team", supervised="true", name="Hold")
    ds = build(
        [team],
        [
            session(session_id="S1", offer_id="E1", capacity=1, weeks=8),
            session(session_id="S2", offer_id="E1", capacity=2, weeks=8),
            session(session_id="S3", offer_id="E1", capacity=3, weeks=8),
        ],
        [patient(patient_id=f"P{i}") for i in range(6)],
    )
    hm = HorizonModel.build(ds, horizon, s_candidate=np.array([-1, 0, 1]))
    table = pd.DataFrame(
        {
            "candidate_id": ["C1", "C2"],
            "name": ["Nyt hold", "Andet hold"],
            "cohorts": [1, 1],
            "first_cohort": [START, START],
            "weeks_running": [4, 4],
            "staff_hours_week": [2.5, 3.0],
            "hours": HOURS,
        }
    )
    teams = CandidateTeams(table, gpd.GeoDataFrame(), pd.DataFrame())
    plans = tradeoff(hm, HOURS, [0, 10, 22], time_limit=2)
    weekly = hm.weekly(plans[-1].arc_of, hm.capacity)
    weekly.insert(1, "name", "Hold")
    return plans, teams, horizon, weekly


def test_the_tradeoff_table_has_one_row_per_budget_with_the_opened_teams() -> None:
    """tradeoff.csv keeps its columns, one row per budget, opened teams by id, and
    the plain-words note of each status."""
    plans, teams, _, _ = _plans()
    table = tradeoff_frame(plans, teams)
    assert tuple(table.columns) == TRADEOFF_COLUMNS
    assert table["budget"].tolist() == [0, 10, 22]
    assert table["opened_ids"].tolist() == ["", "C1", "C1;C2"]
    assert table["opened"].tolist() == [0, 1, 2]
    assert table["placed"].tolist() == [1, 3, 6]
    assert table["status_note"].tolist() == [status_note(s) for s in table["status"]]
    without = tradeoff_frame(plans[:1], None)
    assert without["opened_ids"].tolist() == [""]


def test_opened_lists_each_budgets_teams_with_their_hours() -> None:
    """opened.csv has a row per budget and opened team; none without candidates."""
    plans, teams, _, _ = _plans()
    table = opened_frame(plans, teams)
    assert list(table.columns) == [
        "budget",
        "candidate_id",
        "name",
        "cohorts",
        "first_cohort",
        "hours",
    ]
    assert list(zip(table["budget"], table["candidate_id"], strict=True)) == [
        (10, "C1"),
        (22, "C1"),
        (22, "C2"),
    ]
    assert table.loc[table["candidate_id"] == "C2", "hours"].tolist() == [12.0]
    empty = opened_frame(plans, None)
    assert empty.empty and list(empty.columns) == list(table.columns)


def _title(figure: Figure) -> str:
    return figure.get_suptitle()


def test_the_plots_speak_english_by_default_and_danish_when_asked() -> None:
    """Both plots draw in English unless lang="da" is given; the Danish titles differ and
    both name the horizon's first and last day."""
    plans, teams, horizon, weekly = _plans()
    table = tradeoff_frame(plans, teams)
    for draw, data in ((tradeoff_plot, table), (capacity_plot, weekly)):
        default, english, danish = (
            draw(data, horizon),
            draw(data, horizon, lang="en"),
            draw(data, horizon, lang="da"),
        )
        assert _title(default) == _title(english)
        assert _title(danish) != _title(english)
        for figure in (english, danish):
            assert "2027-01-04" in _title(figure) and "2027-01-31" in _title(figure)
    assert len(tradeoff_plot(table, horizon).axes) == 4
    assert " til " in _title(tradeoff_plot(table, horizon, lang="da"))


def test_the_capacity_plot_without_exit_teams_says_so_in_the_language_asked() -> None:
    """With no exit team in the horizon the plot is one message, worded per language."""
    _, _, horizon, weekly = _plans()
    weekly = weekly.assign(kind="association")
    words = []
    for lang in ("en", "da"):
        figure = capacity_plot(weekly, horizon, lang=lang)
        (ax,) = figure.axes
        words.append(ax.texts[0].get_text())
    assert words[0] != words[1] and all(words)


def test_the_capacity_plot_names_teams_and_tells_two_of_one_name_apart() -> None:
    """The heat map's rows are the exit teams' names; two teams with one name also
    show their ids, so the planner can tell them apart."""
    _, _, horizon, weekly = _plans()
    (ax, *_) = capacity_plot(weekly, horizon).axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Hold"]
    twin = weekly.assign(offer_id="E2")
    both = pd.concat([weekly, twin], ignore_index=True)
    (ax, *_) = capacity_plot(both, horizon).axes
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["Hold (E1)", "Hold (E2)"]
