"""The demo's places: offers of every kind, sessions and cohorts, fees, gendered groups
and the districts around Odense (``town`` is in tests/dataset/conftest.py)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from matcher import Dataset
from matcher.dataset.demo_places import CENTRE_LONLAT
from matcher.domain import KINDS


def test_all_four_kinds_are_offered_and_associations_are_most(town: Dataset) -> None:
    """Exit teams, network groups, association activities and home visits all exist, and
    association activities are the many."""
    counts = town.offers["kind"].value_counts()
    assert set(counts.index) == set(KINDS)
    assert counts["association"] > counts.drop("association").sum()


def test_exit_teams_start_new_cohorts_every_few_weeks(town: Dataset) -> None:
    """Every exit team has several cohorts with different first dates, 2-8 weeks apart."""
    teams = town.offers.loc[town.offers["kind"] == "exit_team", "offer_id"]
    sessions = town.sessions[town.sessions["offer_id"].isin(teams)]
    for _, cohorts in sessions.groupby("offer_id"):
        dates = np.sort(cohorts["first_date"].unique())
        assert len(dates) >= 2
        gaps = np.diff(dates).astype("timedelta64[D]").astype(int)
        assert ((gaps >= 14) & (gaps <= 56)).all()
        assert cohorts["weeks"].min() >= 6  # a course of several weeks


def test_evening_sessions_exist(town: Dataset) -> None:
    """Some sessions start at 17:00 or later, for people who work."""
    evening = town.sessions["start_min"] >= 17 * 60
    assert 0.1 < evening.mean() < 0.5


def test_men_only_and_women_only_groups_exist(town: Dataset) -> None:
    """Gender-specific groups exist, and most offers are for anyone."""
    genders = town.offers["gender"].value_counts()
    assert genders["men"] >= 3 and genders["women"] >= 3
    assert genders["any"] > 0.8 * len(town.offers)


def test_fees_range_from_free_to_a_few_hundred_kroner(town: Dataset) -> None:
    """Monthly fees go from 0 to a few hundred DKK, and exit teams and home visits are free."""
    fees = town.offers["fee_dkk_month"]
    assert fees.min() == 0
    assert 200 <= fees.max() <= 600
    assert 0.1 < (fees == 0).mean() < 0.6
    municipal = town.offers["kind"].isin(["exit_team", "home_visit"])
    assert (fees[municipal] == 0).all()


def test_districts_cover_about_300_km2_around_odense(town: Dataset) -> None:
    """10-20 district polygons in EPSG:25832 cover about 300 km² centred on Odense, and
    every patient and offer lies inside them."""
    districts = town.districts
    assert districts is not None
    assert districts.crs == "EPSG:25832"
    assert 10 <= len(districts) <= 20
    assert districts["district_id"].is_unique
    area = districts.union_all()
    assert 250 <= area.area / 1e6 <= 350
    assert districts.area.sum() == pytest.approx(area.area, rel=1e-6)  # no overlaps
    centre = gpd.GeoSeries(gpd.points_from_xy([CENTRE_LONLAT[0]], [CENTRE_LONLAT[1]]), crs=4326)
    assert area.centroid.distance(centre.to_crs(25832).iloc[0]) < 2_000
    assert town.patients.within(area.buffer(1)).all()
    assert town.offers.within(area.buffer(1)).all()


def test_every_session_belongs_to_an_offer_and_has_places(town: Dataset) -> None:
    """Sessions point at existing offers; every offer has at least one session."""
    assert set(town.sessions["offer_id"]) == set(town.offers["offer_id"])
    assert (town.sessions["capacity"] >= 1).all()
    assert (town.sessions["start_min"] < town.sessions["end_min"]).all()
