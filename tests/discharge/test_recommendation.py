"""A Recommendation as a result (matcher.discharge.recommendation): its patient, table
and summary, and the CSV and JSON files it writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from builders import build, offer, patient, session

from matcher import InputError, Recommender, recommend
from matcher.discharge.options import OPTION_COLUMNS, as_dict
from matcher.discharge.recommendation import Recommendation


def test_a_recommendation_carries_its_patient_options_and_summary(
    town_recommender: Recommender,
) -> None:
    """Result: a Recommendation names its patient, its table has OPTION_COLUMNS in rank
    order, len() counts the options and summary() is the JSON of ``recommend --json``."""
    found = town_recommender.recommend("P1", top=3, lang="en")
    assert isinstance(found, Recommendation)
    assert found.patient_id == "P1"
    assert list(found.table().columns) == list(OPTION_COLUMNS)
    assert len(found) == len(found.table()) > 0
    assert found.nothing_fits is None
    summary = found.summary()
    assert summary == as_dict(found)
    assert [o["session_id"] for o in summary["options"]] == list(found.table()["session_id"])
    assert isinstance(summary["options"][0]["fits"], list)
    assert summary["options"][0]["first_date"] == found.table()["first_date"].iloc[0].strftime(
        "%Y-%m-%d"
    )
    json.dumps(summary)  # plain data throughout


def test_nothing_fits_travels_in_the_recommendation(town_recommender: Recommender) -> None:
    """Result: with nothing that fits, the summary says why, as NothingFits.as_dict()."""
    found = town_recommender.recommend(patient(escalate="true"), lang="en")
    assert found.nothing_fits is not None
    assert found.summary()["nothing_fits"] == found.nothing_fits.as_dict()
    assert found.summary()["options"] == []


def test_a_recommendation_writes_csv_and_json_by_suffix(town: Any, tmp_path: Path) -> None:
    """Result: write() gives JSON (the summary) or CSV (the table with the patient's id,
    reasons joined by '; '), by the file's suffix; other suffixes are bad input."""
    found = Recommender(town).recommend("P1", top=3, lang="en")
    as_json = found.write(tmp_path / "options.json")
    assert json.loads(as_json.read_text(encoding="utf-8")) == found.summary()
    as_csv = found.write(tmp_path / "options.csv")
    read = pd.read_csv(as_csv, dtype=str, keep_default_na=False)
    assert list(read.columns) == ["patient_id", *OPTION_COLUMNS]
    assert set(read["patient_id"]) == {"P1"}
    assert list(read["session_id"]) == list(found.table()["session_id"])
    assert read["fits"].iloc[0] == "; ".join(found.table()["fits"].iloc[0])
    assert read["first_date"].iloc[0] == found.summary()["options"][0]["first_date"]
    with pytest.raises(InputError, match=r"\.csv or \.json"):
        found.write(tmp_path / "options.txt")
    assert not (tmp_path / "options.txt").exists()


def test_a_recommendation_csv_runs_no_formula(tmp_path: Path) -> None:
    """Spreadsheet safety: an offer named like a formula is written with a quote in front."""
    ds = build([offer(name="=HYPERLINK(1)")], [session()], [patient()], tmp_path)
    found = recommend(ds, "P1")
    assert found.table()["name"].iloc[0] == "=HYPERLINK(1)"
    read = pd.read_csv(found.write(tmp_path / "out.csv"), dtype=str)
    assert read["name"].iloc[0] == "'=HYPERLINK(1)"
