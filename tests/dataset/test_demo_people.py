"""The demo's people: patients' travel, hours, group tolerance, budgets and flags, and
the staff of the home-visit services (``town`` is in tests/dataset/conftest.py)."""

from __future__ import annotations

from matcher import Dataset
from matcher.domain import Window


def _weekday_windows_start_after(windows: tuple[Window, ...], minute: int) -> bool:
    weekday = [w for w in windows if w.day < 5]
    return bool(weekday) and all(w.start >= minute for w in weekday)


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


def test_home_visit_services_have_staff_time(town: Dataset) -> None:
    """Every home-visit service has staff shifts, and only home-visit services have them."""
    assert town.staff is not None
    home = set(town.offers.loc[town.offers["kind"] == "home_visit", "offer_id"])
    assert set(town.staff["offer_id"]) == home
    assert (town.staff["shift_start_min"] < town.staff["shift_end_min"]).all()
