"""The planner's tables for people, without a browser: names for ids, words for codes and
verdicts, and no -1 or empty marker where a row has no value."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.dataset.load import Dataset
from matcher.ui.views.plan_tables import (
    DASH,
    breaches_table,
    plan_table,
    tradeoff_table,
    waiting_table,
)


@pytest.fixture(scope="module")
def planned(demo: Dataset) -> pd.DataFrame:
    from matcher.planning.plan import plan

    return plan(demo).assignments


def test_the_plan_names_offers_and_says_sessions_as_day_and_time(
    demo: Dataset, planned: pd.DataFrame
) -> None:
    """Each placed row shows its offer's name and its session's weekday and clock, no cost."""
    frame, columns = plan_table(planned, demo, "da")
    names = demo.offers.set_index("offer_id")["name"]
    placed = planned["status"] == "placed"
    assert list(frame.loc[placed, "offer_name"]) == [
        names[o] for o in planned.loc[placed, "offer_id"]
    ]
    first = planned.loc[placed].iloc[0]
    session = demo.sessions.set_index("session_id").loc[first["session_id"]]
    assert (
        frame.loc[placed, "session_when"]
        .iloc[0]
        .endswith(f"{session['start'].replace(':', '.')}-{session['end'].replace(':', '.')}")
    )
    assert "cost" not in frame.columns and "offer_id" not in frame.columns
    assert frame.loc[~placed, "offer_name"].isna().all()
    assert {c.missing for c in columns if c.name == "offer_name"} == {DASH}
    assert set(frame["status"]) <= {"placeret", "uden plads", "skal tages op"}


def test_the_plan_in_english_keeps_the_names_and_words_the_codes(
    demo: Dataset, planned: pd.DataFrame
) -> None:
    """In English the statuses and travel modes are English words; names stay as they are."""
    danish, _ = plan_table(planned, demo, "da")
    english, columns = plan_table(planned, demo, "en")
    assert set(english["status"]) <= {"placed", "unplaced", "escalated"}
    assert list(english["offer_name"].dropna()) == list(danish["offer_name"].dropna())
    assert columns[1].header == "Status" and columns[6].header == "Wait (days)"


def test_a_breach_without_an_earliest_start_reads_as_a_dash(
    demo: Dataset, planned: pd.DataFrame
) -> None:
    """The file's -1 (no option fits) is a missing value the table shows as '–'."""
    from matcher.match.explain import reason_in

    reason = next(r for r in planned["reason"] if isinstance(r, str) and r.startswith("nothing"))
    breaches = pd.DataFrame(
        {
            "patient_id": ["P00001", "P00002"],
            "discharge_date": ["2027-01-04", "2027-01-05"],
            "status": ["unplaced", "placed"],
            "wait_days": [None, 40.0],
            "earliest_wait": [-1, 31],
            "guarantee_days": [28, 28],
            "offer_id": ["", "O00001"],
            "start_date": ["", "2027-02-14"],
            "reason": [reason, ""],
        }
    )
    frame, columns = breaches_table(breaches, demo, "da")
    assert frame["earliest_wait"].isna().tolist() == [True, False]
    assert (
        frame["offer_name"].tolist()[1] == demo.offers.set_index("offer_id").loc["O00001", "name"]
    )
    assert "guarantee_days" not in frame.columns
    assert next(c for c in columns if c.name == "earliest_wait").missing == DASH
    assert frame["reason"].iloc[0] == reason_in(reason, "da") != reason


def test_the_tradeoff_says_verdicts_in_words_with_only_their_legend(demo: Dataset) -> None:
    """OPTIMAL and KEPT read 'bedste plan fundet' and 'beholdt', each explained once; the
    teams opened are named, and no seconds or English note is shown."""
    candidates = demo.candidates
    assert candidates is not None
    first, second = candidates["candidate_id"].iloc[:2]
    tradeoff = pd.DataFrame(
        {
            "budget": [0.0, 40.0],
            "opened": [0, 2],
            "placed": [100, 100],
            "mean_wait": [3.24, 3.24],
            "opened_ids": ["", f"{first};{second}"],
            "status": ["OPTIMAL", "KEPT"],
            "status_note": ["proven best for this budget", "kept"],
            "seconds": [0.1, 0.2],
        }
    )
    frame, columns, legend = tradeoff_table(tradeoff, demo, "da")
    assert list(frame["status"]) == ["bedste plan fundet", "beholdt"]
    assert [line.split(":")[0] for line in legend[:2]] == ["bedste plan fundet", "beholdt"]
    assert not any(line.startswith("god plan") for line in legend)
    names = candidates.set_index("candidate_id")["name"]
    assert frame["opened_ids"].iloc[1] == f"{names[first]}, {names[second]}"
    assert {c.name for c in columns}.isdisjoint({"status_note", "seconds"})


def test_the_waiting_list_is_in_words(demo: Dataset) -> None:
    """Diagnoses, travel modes, group size and languages read as Danish words."""
    frame, _ = waiting_table(demo.patients, "da")
    assert "dansk" in frame["languages"].iloc[0]
    assert not any(m.startswith(("walk", "bus,")) for m in frame["modes"])
    english, _ = waiting_table(demo.patients, "en")
    assert "Danish" in english["languages"].iloc[0]
