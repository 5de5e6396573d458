"""The seeded demo municipality: believable proportions, deterministic, and it scales."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from matcher import Dataset, load_dataset
from matcher.dataset.demo import CENTRE_LONLAT, make_demo
from matcher.dataset.export import save_dataset
from matcher.domain import KINDS, Window


@pytest.fixture(scope="module")
def town() -> Dataset:
    """A demo municipality of 2,000 patients and 300 offers (seed 0)."""
    return make_demo(2000, 300, seed=0)


def _weekday_windows_start_after(windows: tuple[Window, ...], minute: int) -> bool:
    weekday = [w for w in windows if w.day < 5]
    return bool(weekday) and all(w.start >= minute for w in weekday)


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


def test_several_languages_on_both_sides(town: Dataset) -> None:
    """Offers and patients speak several languages besides Danish; most patients speak Danish."""
    offer_languages = {code for codes in town.offers["languages"] for code in codes}
    patient_languages = {code for codes in town.patients["languages"] for code in codes}
    assert len(offer_languages - {"da"}) >= 4
    assert len(patient_languages - {"da"}) >= 4
    speaks_danish = town.patients["languages"].map(lambda codes: "da" in codes)
    assert 0.8 < speaks_danish.mean() < 1.0


def test_many_patients_have_no_car(town: Dataset) -> None:
    """A large share of patients cannot travel by car; everyone can at least walk."""
    has_car = town.patients["modes"].map(lambda modes: "car" in modes)
    assert (1 - has_car.mean()) >= 0.4
    assert town.patients["modes"].map(lambda modes: "walk" in modes).all()


def test_people_at_work_are_free_only_after_16(town: Dataset) -> None:
    """A share of patients, those of working age in a job, are free on weekdays only after 16:00."""
    evening_only = town.patients["available"].map(lambda w: _weekday_windows_start_after(w, 960))
    assert 0.15 < evening_only.mean() < 0.4


def test_small_group_tolerance_and_individual_needs_are_present(town: Dataset) -> None:
    """Some patients tolerate only small groups (anxiety), a few only individual offers."""
    tolerance = town.patients["group_tolerance"].value_counts(normalize=True)
    assert tolerance["small"] >= 0.15
    assert 0 < tolerance["individual"] < 0.1


def test_tight_budgets_home_bound_and_escalation_in_plausible_shares(town: Dataset) -> None:
    """About a quarter have a tight budget, a few per cent are home-bound, about 1 % escalate."""
    patients = town.patients
    assert 0.15 < (patients["budget_dkk_month"] <= 50).mean() < 0.4
    assert 0.01 < patients["home_bound"].mean() < 0.1
    assert patients["escalate"].sum() > 0 and patients["escalate"].mean() < 0.03


def test_vulnerability_flags_vary(town: Dataset) -> None:
    """Each vulnerability flag is set for some patients and not for most."""
    for flag in ("lives_alone", "short_education", "low_income", "multimorbidity", "mental_health"):
        assert 0.05 < town.patients[flag].mean() < 0.6, flag


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


def test_home_visit_services_have_staff_time(town: Dataset) -> None:
    """Every home-visit service has staff shifts, and only home-visit services have them."""
    assert town.staff is not None
    home = set(town.offers.loc[town.offers["kind"] == "home_visit", "offer_id"])
    assert set(town.staff["offer_id"]) == home
    assert (town.staff["shift_start_min"] < town.staff["shift_end_min"]).all()


def test_every_session_belongs_to_an_offer_and_has_places(town: Dataset) -> None:
    """Sessions point at existing offers; every offer has at least one session."""
    assert set(town.sessions["offer_id"]) == set(town.offers["offer_id"])
    assert (town.sessions["capacity"] >= 1).all()
    assert (town.sessions["start_min"] < town.sessions["end_min"]).all()


def test_same_seed_same_municipality_other_seed_another() -> None:
    """make_demo is deterministic for a seed and differs for another seed."""
    first, again, other = make_demo(60, 20, seed=3), make_demo(60, 20, seed=3), make_demo(60, 20)
    for name in ("offers", "sessions", "patients", "staff", "candidates"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))
    assert not first.patients[["lat", "lon"]].equals(other.patients[["lat", "lon"]])


def test_demo_passes_its_own_checks(tmp_path: Path) -> None:
    """A saved demo loads without problems or warnings and keeps its counts."""
    demo = make_demo(300, 40, seed=5)
    save_dataset(demo, tmp_path)
    loaded = load_dataset(tmp_path)
    assert loaded.warnings == ()
    assert loaded.summary() == demo.summary()


def test_embedded_demo_is_what_make_demo_data_writes(demo: Dataset, tmp_path: Path) -> None:
    """data/activities is make_demo(400 patients, 150 offers, seed 0), as `make demo-data`
    writes it."""
    save_dataset(make_demo(400, 150, seed=0), tmp_path)
    fresh = load_dataset(tmp_path)
    for name in ("offers", "sessions", "patients", "staff", "candidates"):
        pd.testing.assert_frame_equal(getattr(fresh, name), getattr(demo, name), obj=name)


@pytest.mark.parametrize(("patients", "offers"), [(-1, 10), (10, 3)])
def test_impossible_sizes_are_refused(patients: int, offers: int) -> None:
    """A demo needs at least one offer of each kind and no negative number of patients."""
    with pytest.raises(ValueError, match="at least 4 offers"):
        make_demo(patients, offers)


def test_fewest_offers_still_give_every_kind() -> None:
    """With 4 offers the demo still has one of each kind, and zero patients is allowed."""
    small = make_demo(0, 4, seed=0)
    assert sorted(small.offers["kind"]) == sorted(KINDS)
    assert len(small.patients) == 0


@pytest.mark.slow
def test_demo_scales_to_50000_patients_and_5000_offers() -> None:
    """The generator makes 50,000 patients and 5,000 offers with consistent tables
    (timing: benchmarks/bench_demo.py)."""
    big = make_demo(50_000, 5_000, seed=0)
    assert len(big.patients) == 50_000
    assert len(big.offers) == 5_000
    assert big.patients["patient_id"].is_unique and big.offers["offer_id"].is_unique
    assert set(big.sessions["offer_id"]) == set(big.offers["offer_id"])
    assert len(big.sessions) > 5_000
    assert set(big.offers["kind"]) == set(KINDS)
