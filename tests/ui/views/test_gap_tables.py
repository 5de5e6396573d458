"""The municipality's tables for people, without a browser: names for ids, shares as per
cent, hidden counts said as hidden with their legend, and what a district's tooltip says."""

from __future__ import annotations

import pandas as pd

from matcher.dataset.load import Dataset
from matcher.ui.views.gap_tables import (
    coverage_table,
    district_tip,
    equity_table,
    hidden_words,
    sites_table,
)


def _coverage() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district_id": ["D01", "D02", "D03"],
            "name": ["Centrum", "Bolbro", "Fraugde"],
            "patients": pd.array([55, 30, 10], dtype="Int64"),
            "served_share": pd.array([0.0, 0.567, None], dtype="Float64"),
            "reason": pd.array(["travel", None, None], dtype="string"),
            "e2sfca": pd.array([1048.12, 1419.24, 935.06], dtype="Float64"),
        }
    )


def test_coverage_keeps_zero_apart_from_hidden_and_explains_its_columns() -> None:
    """0 % is a share; a hidden share is missing and reads 'skjult (under 5)'; the legend
    explains hidden cells, the missing reason and the accessibility figure."""
    frame, columns, legend = coverage_table(_coverage(), "da")
    assert "district_id" not in frame.columns
    assert frame["served_share"].iloc[0] == 0.0 and pd.isna(frame["served_share"].iloc[2])
    assert frame["reason"].tolist()[0] == "rejsetid"
    share = next(c for c in columns if c.name == "served_share")
    assert share.kind == "share" and share.missing == hidden_words("da") == "skjult (under 5)"
    assert [line.split(":")[0] for line in legend] == [
        "skjult (under 5)",
        "–",
        "Pladser pr. 1.000 borgere",
    ]


def test_a_district_tip_says_its_share_or_that_it_is_hidden() -> None:
    """Pointing at a district reads its share and patients, or only that it is hidden."""
    assert district_tip("Centrum", 0.0, 55, "da") == "Centrum: 0\xa0% har et tilbud (55 borgere)"
    assert district_tip("Fraugde", pd.NA, 10, "da") == "Fraugde: skjult (under 5)"
    assert district_tip("Bolbro", 0.567, 30, "en") == "Bolbro: 57% have an option (30 people)"


def test_equity_groups_read_as_words() -> None:
    """Genders, age bands and flags read as words; district names stay as they are."""
    equity = pd.DataFrame(
        {
            "dimension": ["gender", "age band", "district", "district", "vulnerability"],
            "group": ["woman", "65-79", "Centrum", "outside", "lives_alone"],
            "patients": pd.array([200, 131, 55, None, 138], dtype="Int64"),
            "placed": pd.array([150, 96, 37, None, 94], dtype="Int64"),
            "share_placed": pd.array([0.75, 0.733, 0.673, None, 0.681], dtype="Float64"),
        }
    )
    frame, _, legend = equity_table(equity, "da")
    assert frame["group"].tolist() == [
        "kvinder",
        "65-79 år",
        "Centrum",
        "uden for distrikterne",
        "bor alene",
    ]
    assert frame["dimension"].tolist()[:2] == ["køn", "alder"]
    assert legend[0].startswith("skjult (under 5)")
    english, _, _ = equity_table(equity, "en")
    assert english["group"].tolist()[:2] == ["women", "65-79 years"]


def test_sites_are_named_and_placed_in_their_district(demo: Dataset) -> None:
    """A site reads its name and the district it lies in; no candidate id or coordinates."""
    row = demo.offers.iloc[0]
    table = pd.DataFrame(
        {
            "candidate_id": [f"venue:{row['offer_id']}"],
            "name": [f"{row['address']} ({row['name']})"],
            "source": ["venue"],
            "lat": [row["lat"]],
            "lon": [row["lon"]],
            "serves": pd.array([None], dtype="Int64"),
            "only_here": pd.array([None], dtype="Int64"),
        }
    )
    frame, columns, legend = sites_table(table, demo.districts, "da")
    assert list(frame.columns) == ["site", "district", "source", "serves", "only_here"]
    assert frame["district"].iloc[0] in set(demo.districts["name"])
    assert frame["source"].iloc[0] == "eksisterende sted"
    assert legend[0].startswith("skjult (under 5)")
    assert {c.missing for c in columns if c.name in ("serves", "only_here")} == {"skjult (under 5)"}


def test_a_district_centre_is_named_in_the_page_language(demo: Dataset) -> None:
    """A district's centre reads 'midt i <district>', never the English 'district centre'."""
    district = demo.districts.iloc[0]
    point = district.geometry.representative_point()
    import geopandas as gpd

    where = gpd.GeoSeries([point], crs=demo.districts.crs).to_crs("EPSG:4326").iloc[0]
    table = pd.DataFrame(
        {
            "candidate_id": [f"district:{district['district_id']}"],
            "name": [f"{district['name']} (district centre)"],
            "source": ["district"],
            "lat": [where.y],
            "lon": [where.x],
            "serves": pd.array([12], dtype="Int64"),
            "only_here": pd.array([6], dtype="Int64"),
        }
    )
    frame, _, legend = sites_table(table, demo.districts, "da")
    assert frame["site"].tolist() == [f"midt i {district['name']}"]
    assert frame["district"].tolist() == [district["name"]]
    assert not legend[0].startswith("skjult")  # nothing hidden, no hidden legend
    english, _, _ = sites_table(table, demo.districts, "en")
    assert english["site"].tolist() == [f"the middle of {district['name']}"]
