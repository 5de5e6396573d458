"""Equity table: placed share by group, small counts hidden and not recoverable by subtraction."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from gaps_support import pinned

from matcher import Dataset, plan
from matcher.dataset.load import districts_for
from matcher.domain import VULNERABILITY_FLAGS
from matcher.geo import locate
from matcher.municipality.equity import MIN_COUNT, complementary, equity_table


def partition(row: pd.Series) -> str:
    """The cells that split the same patients: a dimension, or one vulnerability flag."""
    if row["dimension"] == "vulnerability":
        return f"vulnerability {str(row['group']).removeprefix('not ')}"
    return str(row["dimension"])


def exact_counts(
    assignments: pd.DataFrame, patients: pd.DataFrame, district: pd.Series | None
) -> pd.DataFrame:
    """Exact patients and placed per (dimension, group), worked out apart from the code;
    everyone counts, escalated patients as not placed."""
    status = assignments.set_index("patient_id")["status"]
    people = patients.set_index("patient_id")
    placed = status.reindex(people.index).eq("placed").astype(int)
    columns: dict[str, pd.Series] = {
        "gender": people["gender"],
        "language": people["languages"].map(lambda v: "da" if "da" in v else "not da"),
    }
    if "age_band" in people.columns:
        columns["age band"] = people["age_band"].replace("", "unknown")
    if district is not None:
        columns["district"] = district.reindex(people.index).fillna("outside")
    flags = people[list(VULNERABILITY_FLAGS)].astype(bool).sum(axis=1)
    columns["vulnerability flags"] = flags.clip(upper=3).map({0: "0", 1: "1", 2: "2", 3: "3+"})
    frames = []
    for name, groups in columns.items():
        frame = pd.DataFrame({"group": groups.astype(str), "placed": placed})
        counts = frame.groupby("group")["placed"].agg(["size", "sum"]).reset_index()
        frames.append(counts.assign(dimension=name))
    for flag in VULNERABILITY_FLAGS:
        groups = people[flag].astype(bool).map({True: flag, False: f"not {flag}"})
        frame = pd.DataFrame({"group": groups, "placed": placed})
        counts = frame.groupby("group")["placed"].agg(["size", "sum"]).reset_index()
        frames.append(counts.assign(dimension="vulnerability"))
    out = pd.concat(frames, ignore_index=True).rename(columns={"size": "n", "sum": "p"})
    return out.set_index(["dimension", "group"])


def check_table(table: pd.DataFrame, exact: pd.DataFrame, total_n: int, total_p: int) -> None:
    """Assert every privacy rule of the equity table against the exact counts."""
    for key, cells in table.groupby(table.apply(partition, axis=1), sort=False):
        truth = exact.loc[list(zip(cells["dimension"], cells["group"], strict=True))]
        n, p = truth["n"].to_numpy(), truth["p"].to_numpy()
        shown_n, shown_p = cells["patients"].to_numpy(), cells["placed"].to_numpy()
        hide_n = pd.isna(shown_n)
        hide_p = pd.isna(shown_p)
        # what is shown is true, at least 5, and a share only beside both its counts
        assert (shown_n[~hide_n] == n[~hide_n]).all()
        assert (shown_p[~hide_p] == p[~hide_p]).all()
        assert (n[~hide_n] >= MIN_COUNT).all() and (p[~hide_p] >= MIN_COUNT).all(), key
        assert (n[~hide_p] - p[~hide_p] >= MIN_COUNT).all(), key
        assert (cells["share_placed"].isna().to_numpy() == (hide_n | hide_p)).all(), key
        # hidden cells: none alone, none adding up to fewer than 5
        for hidden, values in ((hide_n, n), (hide_p, p), (hide_p, n - p)):
            if hidden.any():
                assert hidden.sum() >= 2 and values[hidden].sum() >= MIN_COUNT, key
        # nothing hidden follows from what is shown and the totals
        assert pinned(list(shown_n), list(shown_p), total_n, total_p) == [], key


def test_complementary_hides_until_two_cells_and_five_people() -> None:
    """One hidden cell, or hidden cells adding up to under 5, take the next-smallest with them."""
    assert complementary(np.array([214, 4, 173]), np.array([False, True, False])).tolist() == [
        False,
        True,
        True,
    ]
    two_small = complementary(np.array([2, 2, 30, 10]), np.array([True, True, False, False]))
    assert two_small.tolist() == [True, True, False, True]
    enough = np.array([True, True, True, False])
    assert complementary(np.array([2, 2, 1, 30]), enough).tolist() == enough.tolist()
    nothing = np.zeros(3, dtype=bool)
    assert complementary(np.array([1, 2, 30]), nothing).tolist() == nothing.tolist()
    assert complementary(np.array([3]), np.array([True])).tolist() == [True]


def people(n: int, placed: int, prefix: str, **columns: Any) -> list[dict[str, Any]]:
    """``n`` patients of one kind, the first ``placed`` of them placed."""
    base: dict[str, Any] = {"gender": "woman", "languages": ("da",), "age_band": "65-79"}
    base.update({flag: False for flag in VULNERABILITY_FLAGS})
    base.update(columns)
    return [
        {**base, "patient_id": f"{prefix}{i}", "status": "placed" if i < placed else "unplaced"}
        for i in range(n)
    ]


def tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    """25 patients: 3 'other', 10 men, 12 women; 4 speak no Danish; 2 live alone."""
    rows = (
        people(3, 1, "O", gender="other")
        + people(10, 6, "M", gender="man")
        + people(8, 6, "W", gender="woman")
        + people(4, 1, "A", gender="woman", languages=("ar",), age_band="80+")
    )
    frame = pd.DataFrame(rows)
    frame.loc[frame["patient_id"].isin(["M0", "A0"]), "lives_alone"] = True
    return frame[["patient_id", "status"]], frame.drop(columns="status")


def test_tiny_case_hides_the_complement() -> None:
    """The 3 'other' and the 4 who speak no Danish cannot be found by subtracting from 25."""
    assignments, patients = tiny()
    table = equity_table(assignments, patients).set_index(["dimension", "group"])
    assert table.loc[("gender", "other"), "patients"] is pd.NA
    assert table.loc[("gender", "man"), "patients"] is pd.NA  # the next-smallest, 10
    assert table.loc[("gender", "woman"), "patients"] == 12
    assert table.loc[("language", "not da"), "patients"] is pd.NA
    assert table.loc[("language", "da"), "patients"] is pd.NA
    assert table.loc[("vulnerability", "not lives_alone"), "patients"] is pd.NA
    check_table(table.reset_index(), exact_counts(assignments, patients, None), 25, 14)


def test_tiny_case_counts_escalated_patients_as_not_placed() -> None:
    """Escalated patients are counted, as not placed, and the rules hold on everyone."""
    assignments, patients = tiny()
    extra = pd.DataFrame(people(3, 0, "X", gender="man"))
    assignments = pd.concat([assignments, extra[["patient_id"]].assign(status="escalated")])
    patients = pd.concat([patients, extra.drop(columns="status")], ignore_index=True)
    table = equity_table(assignments, patients)
    cells = table.set_index(["dimension", "group"])
    # 10 men and the 3 escalated; 'other' (3) and the next-smallest, women (12), are hidden
    assert cells.loc[("gender", "man"), "patients"] == 13
    assert cells.loc[("gender", "man"), "placed"] == 6
    assert cells.loc[("gender", "man"), "share_placed"] == round(6 / 13, 3)
    assert cells.loc[("gender", "woman"), "patients"] is pd.NA
    check_table(table, exact_counts(assignments, patients, None), 28, 14)


def test_districts_nobody_lives_in_are_listed_and_hidden() -> None:
    """Every district named is a row, an empty one with its count of 0 hidden (and another)."""
    assignments, patients = tiny()
    district = pd.Series(
        ["Nord"] * 10 + ["Syd"] * 15, index=patients["patient_id"].to_numpy(), dtype=object
    )
    table = equity_table(assignments, patients, district, districts=["Nord", "Syd", "Vest"])
    rows = table[table["dimension"] == "district"].set_index("group")
    assert rows.index.tolist() == ["Nord", "Syd", "Vest"]
    assert rows["patients"].isna().tolist() == [True, False, True]
    assert table.groupby("dimension").size()["district"] == 3


@pytest.fixture(scope="module")
def demo_equity(demo: Dataset) -> tuple[pd.DataFrame, pd.DataFrame, int, int]:
    """The demo plan's equity table with districts, its exact counts and its totals."""
    result = plan(demo)
    shapes = districts_for(demo).reset_index(drop=True)
    names = shapes["name"].to_numpy(dtype=object)
    district = pd.Series(
        [names[p] if p >= 0 else "outside" for p in locate(demo.patients.geometry, shapes)],
        index=demo.patients["patient_id"].to_numpy(),
    )
    table = equity_table(result.assignments, demo.patients, district)
    exact = exact_counts(result.assignments, demo.patients, district)
    status = result.assignments["status"]
    return table, exact, len(demo.patients), int((status == "placed").sum())


def test_demo_plan_hides_nothing_that_subtraction_recovers(
    demo_equity: tuple[pd.DataFrame, pd.DataFrame, int, int],
) -> None:
    """On the demo plan no hidden count or share follows from the shown ones and the totals."""
    table, exact, total_n, total_p = demo_equity
    assert set(table["dimension"]) >= {"gender", "language", "district", "vulnerability"}
    check_table(table, exact, total_n, total_p)


def test_demo_plan_gender_other_and_language_are_protected(
    demo_equity: tuple[pd.DataFrame, pd.DataFrame, int, int],
) -> None:
    """The audit's cases: 'other' and the 'not da' placed count no longer fall out of a total."""
    table, _, _, _ = demo_equity
    cells = table.set_index(["dimension", "group"])
    gender = table[table["dimension"] == "gender"]
    assert cells.loc[("gender", "other"), "patients"] is pd.NA
    assert gender["patients"].isna().sum() >= 2
    assert gender["placed"].isna().sum() >= 2
    language = table[table["dimension"] == "language"]
    assert cells.loc[("language", "not da"), "placed"] is pd.NA
    assert language["placed"].isna().sum() >= 2
