"""The demo's people: patients in the proportions the reports describe, and staff.

``demo_patients`` draws patients around the district centres with their
diagnoses, travel, languages, weekly availability and needs;
``age_bands`` gives them an age band from a stream of its own;
``demo_staff`` the home-visit staff and their shifts. All people are invented.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..domain import WEEKDAYS, Window
from .demo_places import (
    DEMO_START,
    DIAG,
    DIAG_WEIGHTS,
    LANGUAGES,
    OTHER_LANGUAGE_WEIGHTS,
    TAGS,
    Area,
    clock,
    lonlat,
    scatter,
    tuples,
)

__all__ = ["age_bands", "demo_patients", "demo_staff"]

_EVENINGS = (*(Window(d, 16 * 60, 21 * 60) for d in range(5)), Window(5, 9 * 60, 17 * 60))
_NO_EARLY = tuple(Window(d, 10 * 60, 17 * 60) for d in range(7))
_WEEKDAY_DAYTIME = tuple(Window(d, 8 * 60, 16 * 60) for d in range(5))
_ONE_DAY = tuple((Window(d, 9 * 60, 18 * 60),) for d in range(5))


def _pick_lists(
    rng: np.random.Generator, n: int, options: tuple[str, ...], weights: np.ndarray, extra_p: float
) -> list[tuple[str, ...]]:
    """One option per person, two (distinct, sorted) with probability ``extra_p``."""
    first = rng.choice(len(options), size=n, p=weights / weights.sum())
    second = rng.choice(len(options), size=n, p=weights / weights.sum())
    add = rng.random(n) < extra_p
    return [
        tuple(sorted({options[a], options[b]})) if c else (options[a],)
        for a, b, c in zip(first, second, add, strict=True)
    ]


def _availability(
    rng: np.random.Generator, n: int, working: np.ndarray
) -> list[tuple[Window, ...]]:
    """Weekly windows: evenings for people at work, and the common daytime patterns."""
    patterns: tuple[tuple[Window, ...], ...] = (
        (),
        _NO_EARLY,
        _WEEKDAY_DAYTIME,
        *_ONE_DAY,
        _EVENINGS,
    )
    draw = rng.random(n)
    day = rng.integers(0, 5, size=n)
    choice = np.select([draw < 0.45, draw < 0.75, draw < 0.90], [0, 1, 2], default=3 + day)
    choice = np.where(working, len(patterns) - 1, choice)
    return [patterns[c] for c in choice]


def _rows_as_tuples(mask: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Each boolean row of ``mask`` as the tuple of ``names`` it selects."""
    codes = mask.astype(np.int64) @ (np.int64(1) << np.arange(len(names), dtype=np.int64))
    unique, inverse = np.unique(codes, return_inverse=True)
    patterns = [tuple(n for i, n in enumerate(names) if int(code) >> i & 1) for code in unique]
    return tuples([patterns[i] for i in inverse.reshape(-1)])


def demo_patients(
    rng: np.random.Generator, area: Area, n: int, offers: pd.DataFrame
) -> pd.DataFrame:
    """``n`` patients living around the district centres, discharged over eight weeks."""
    xy = scatter(rng, area, n, 1500.0)
    lon, lat = lonlat(xy)
    gender = rng.choice(["man", "woman", "other"], size=n, p=[0.54, 0.455, 0.005])
    working = rng.random(n) < 0.28
    home_bound = rng.random(n) < 0.04
    car = (rng.random(n) < np.where(working, 0.65, 0.4)) & ~home_bound
    bike = rng.random(n) < np.where(working, 0.5, 0.3)
    bus = rng.random(n) < 0.6
    flex = (rng.random(n) < 0.12) & ~working
    modes = _rows_as_tuples(
        np.column_stack([np.ones(n, dtype=bool), bike, bus, car, flex]),
        ("walk", "bike", "bus", "car", "flextrafik"),
    )
    other_lang = rng.random(n) < 0.12
    speaks = rng.choice(LANGUAGES[1:], size=n, p=OTHER_LANGUAGE_WEIGHTS)
    with_danish = rng.random(n) < 0.55
    languages = [
        (tuple(sorted({"da", str(s)})) if d else (str(s),)) if o else ("da",)
        for o, s, d in zip(other_lang, speaks, with_danish, strict=True)
    ]
    anxious = rng.random(n) < 0.18
    tolerance = np.where(
        anxious,
        "small",
        rng.choice(["individual", "small", "medium", "large"], size=n, p=[0.03, 0.12, 0.4, 0.45]),
    )
    tight = rng.random(n) < 0.25
    budget = np.where(
        tight, rng.choice([0, 25, 50], size=n), rng.choice([100, 150, 200, 300, 500], size=n)
    )
    rank = np.argsort(np.argsort(rng.random((n, len(TAGS))), axis=1), axis=1)
    interests = _rows_as_tuples(rank < rng.integers(0, 4, size=(n, 1)), TAGS)
    discharge = DEMO_START + rng.integers(0, 56, size=n).astype("timedelta64[D]")
    team_ids = offers.loc[
        offers["kind"].isin(["exit_team", "network_group"]), "offer_id"
    ].to_numpy()
    prior = np.where(rng.random(n) < 0.2, rng.choice(team_ids, size=n), "")
    low_income = tight | (rng.random(n) < 0.1)
    frame = pd.DataFrame(
        {
            "patient_id": [f"P{i + 1:05d}" for i in range(n)],
            "lat": lat,
            "lon": lon,
            "discharge_date": pd.to_datetime(discharge),
            "diagnoses": tuples(_pick_lists(rng, n, DIAG, DIAG_WEIGHTS, 0.25)),
            "gender": gender,
            "gender_pref": np.where(rng.random(n) < 0.03, "same", "any"),
            "modes": modes,
            "max_travel_min": rng.choice([15, 20, 30, 45], size=n, p=[0.2, 0.35, 0.3, 0.15]),
            "available": tuples(_availability(rng, n, working)),  # type: ignore[arg-type]
            "group_tolerance": tolerance,
            "budget_dkk_month": budget.astype(float),
            "languages": tuples(languages),
            "intensity_max": rng.choice(["low", "moderate", "high"], size=n, p=[0.35, 0.45, 0.2]),
            "needs_supervision": rng.random(n) < 0.18,
            "home_bound": home_bound,
            "interests": interests,
            "lives_alone": rng.random(n) < 0.35,
            "short_education": rng.random(n) < 0.3,
            "low_income": low_income,
            "multimorbidity": rng.random(n) < 0.25,
            "mental_health": anxious | (rng.random(n) < 0.06),
            "escalate": rng.random(n) < 0.01,
            "prior_offer_id": prior,
        }
    )
    return frame


def demo_staff(rng: np.random.Generator, offers: pd.DataFrame) -> pd.DataFrame:
    """Two or three staff for each home-visit service, on shift most weekdays."""
    rows = []
    roles = ("physiotherapist", "nurse", "occupational therapist", "volunteer")
    for offer_id in offers.loc[offers["kind"] == "home_visit", "offer_id"]:
        for k in range(int(rng.integers(2, 4))):
            staff_id = f"{offer_id}-T{k + 1}"
            role = roles[int(rng.integers(0, len(roles)))]
            for day in range(5):
                if rng.random() < 0.8:
                    rows.append((staff_id, offer_id, WEEKDAYS[day], 8 * 60, 15 * 60 + 30, role))
    frame = pd.DataFrame(
        rows,
        columns=["staff_id", "offer_id", "weekday", "shift_start_min", "shift_end_min", "role"],
    )
    frame["shift_start"] = clock(frame["shift_start_min"].to_numpy())
    frame["shift_end"] = clock(frame["shift_end_min"].to_numpy())
    return frame


def age_bands(rng: np.random.Generator, patients: pd.DataFrame) -> np.ndarray:
    """Age bands: people at work are of working age; most others are retired."""
    working = np.array([windows == _EVENINGS for windows in patients["available"]], dtype=bool)
    young = rng.random(len(patients))
    older = rng.choice(["40-64", "65-79", "80+"], size=len(patients), p=[0.2, 0.55, 0.25])
    return np.where(working, np.where(young < 0.25, "18-39", "40-64"), older)
