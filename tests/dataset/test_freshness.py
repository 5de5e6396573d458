"""Stale offers (matcher.dataset.freshness): offers not verified for stale_months are
warned about by validate and left out by --fresh-only on plan and recommend."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from builders import build, offer, patient, session
from typer.testing import CliRunner

from matcher import load_dataset
from matcher.cli import app
from matcher.dataset.freshness import months_before, stale_offers, without_stale
from matcher.match.weights import Weights

RUNNER = CliRunner()
TODAY = dt.date(2027, 1, 15)


def test_months_before_is_the_same_day_or_the_months_last() -> None:
    """A month before 31 March is the last day of February; a year before is the same day."""
    assert months_before(dt.date(2027, 3, 31), 1) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2028, 3, 31), 1) == dt.date(2028, 2, 29)
    assert months_before(dt.date(2027, 1, 15), 12) == dt.date(2026, 1, 15)
    assert months_before(dt.date(2027, 1, 15), 1) == dt.date(2026, 12, 15)


def test_an_offer_is_stale_only_when_verified_before_the_limit() -> None:
    """Freshness: verified more than stale_months ago is stale; on the limit, later, or
    never verified (empty) is not."""
    offers = pd.DataFrame(
        {
            "offer_id": ["old", "limit", "new", "never"],
            "verified_date": pd.to_datetime(["2026-01-14", "2026-01-15", "2026-12-01", None]),
        }
    )
    assert stale_offers(offers, 12, TODAY).tolist() == [True, False, False, False]
    assert stale_offers(offers.drop(columns="verified_date"), 12, TODAY).tolist() == [False] * 4


def test_the_default_limit_is_a_year() -> None:
    """Freshness: weights.toml's [freshness] stale_months is 12 by default."""
    assert Weights.load().stale_months == 12


def two_offers(tmp_path: Path, today: dt.date) -> Path:
    """O1 verified long ago, O2 verified today, one session each and one patient."""
    old, new = "2000-01-03", today.isoformat()
    build(
        [offer(verified_date=old), offer(offer_id="O2", name="Ny gåklub", verified_date=new)],
        [session(), session(session_id="S2", offer_id="O2", weekday="tue")],
        [patient()],
        tmp_path,
    )
    return tmp_path


def test_validate_warns_about_a_stale_offer_naming_file_row_and_column(tmp_path: Path) -> None:
    """Freshness: validate names offers.csv, the stale offer's row and verified_date,
    and still exits 0; the fresh offer is not named."""
    folder = two_offers(tmp_path / "data", dt.date.today())
    result = RUNNER.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "offers.csv:2:verified_date" in text
    assert "'O1'" in text and "'O2'" not in text


def test_a_dataset_without_verified_dates_warns_of_nothing(tmp_path: Path) -> None:
    """Freshness: old datasets (no verified_date) load with no freshness warning."""
    build([offer()], [session()], [patient()], tmp_path)
    found = load_dataset(tmp_path, stale_months=1)
    assert [w for w in found.warnings if w.column == "verified_date"] == []


def test_without_stale_drops_the_offer_and_its_sessions(tmp_path: Path) -> None:
    """--fresh-only: the stale offer and its session are gone, the fresh ones stay."""
    ds = load_dataset(two_offers(tmp_path, TODAY))
    kept = without_stale(ds, 12, TODAY)
    assert kept.offers["offer_id"].tolist() == ["O2"]
    assert kept.sessions["session_id"].tolist() == ["S2"]
    assert without_stale(kept, 12, TODAY) is kept
    assert np.array_equal(ds.offers["offer_id"], ["O1", "O2"])  # the dataset is unchanged


def test_plan_and_recommend_leave_stale_offers_out_with_fresh_only(tmp_path: Path) -> None:
    """--fresh-only: plan places the patient at the fresh offer although the stale one is
    at least as good, and recommend lists only the fresh offer; without it both count."""
    folder = two_offers(tmp_path / "data", dt.date.today())

    def planned(name: str, *extra: str) -> list[str]:
        out = tmp_path / name
        done = RUNNER.invoke(app, ["plan", str(folder), "--out", str(out), *extra])
        assert done.exit_code == 0, done.output
        return pd.read_csv(out)["offer_id"].tolist()

    assert planned("ALL.csv") == ["O1"]  # Monday: no day of waiting
    assert planned("FRESH.csv", "--fresh-only") == ["O2"]

    def listed(*extra: str) -> set[str]:
        args = ["recommend", str(folder), "--patient", "P1", "--json", *extra]
        result = RUNNER.invoke(app, args)
        assert result.exit_code == 0, result.output
        options = json.loads(result.stdout)["options"]
        return {o["offer_id"] for o in options}

    assert listed() == {"O1", "O2"}
    assert listed("--fresh-only") == {"O2"}
