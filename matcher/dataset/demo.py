"""A seeded, believable demo municipality around Odense.

``make_demo`` builds a complete dataset in memory: 16 districts (Voronoi
cells around real neighbourhood centres, clipped to a 17 x 17 km square of
about 290 km²), offers of all four kinds with the variety of the field, their
sessions, home-visit staff, candidate exit teams for what-if planning, and
patients in the proportions the reports describe. All names and people are
invented. The same seed always gives the same files, and 50,000 patients with
5,000 offers take a few seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..domain import WEEKDAYS, Window
from .export import save_dataset
from .load import CRS, Dataset, points

__all__ = ["DEMO_START", "make_demo", "write_demo"]

T = TypeVar("T")

#: The Monday the demo's calendar starts on (discharges, cohorts).
DEMO_START = np.datetime64("2027-01-04")
CENTRE_LONLAT = (10.3883, 55.3959)
HALF_SIDE_M = 8_500.0

# (name, lon, lat, relative population)
DISTRICTS = (
    ("Centrum", 10.3883, 55.3959, 10),
    ("Bolbro", 10.3480, 55.3930, 7),
    ("Vollsmose", 10.4300, 55.4070, 8),
    ("Dalum", 10.3480, 55.3640, 6),
    ("Hjallese", 10.4000, 55.3530, 6),
    ("Tarup", 10.3200, 55.4080, 5),
    ("Næsby", 10.3700, 55.4250, 5),
    ("Seden", 10.4450, 55.4300, 3),
    ("Agedrup", 10.4800, 55.4150, 2),
    ("Fraugde", 10.4750, 55.3630, 2),
    ("Højby", 10.4450, 55.3330, 2),
    ("Holluf Pile", 10.4300, 55.3450, 4),
    ("Bellinge", 10.3200, 55.3350, 2),
    ("Sanderum", 10.3100, 55.3630, 3),
    ("Korup", 10.3200, 55.4330, 3),
    ("Bullerup", 10.4300, 55.4420, 2),
)

# Association activities: (name, tags, intensity, group size range, fee range DKK/month)
ACTIVITIES = (
    ("Gåklub", ("walking", "social"), "low", (4, 20), (0, 50)),
    ("Stavgang", ("walking",), "moderate", (6, 15), (0, 100)),
    ("Seniorgymnastik", ("strength", "social"), "low", (10, 25), (50, 150)),
    ("Hjerteforeningens motionshold", ("strength", "walking"), "moderate", (8, 16), (50, 120)),
    ("Motionskor", ("choir", "social"), "low", (15, 40), (0, 150)),
    ("Varmtvandssvømning", ("swimming",), "low", (8, 16), (100, 250)),
    ("Svømning for voksne", ("swimming",), "moderate", (10, 20), (100, 300)),
    ("Linedance", ("dance", "social"), "moderate", (10, 30), (50, 200)),
    ("Folkedans", ("dance", "social"), "moderate", (10, 30), (50, 150)),
    ("Stolegymnastik", ("strength",), "low", (4, 10), (0, 100)),
    ("Yoga", ("yoga",), "low", (4, 12), (150, 350)),
    ("Fitnesscenter", ("strength", "cycling"), "high", (1, 30), (150, 400)),
    ("Cykelklub", ("cycling", "social"), "moderate", (6, 20), (50, 200)),
    ("Fællesspisning og gåtur", ("cooking", "walking", "social"), "low", (8, 20), (0, 100)),
    ("Nyttehaver", ("gardening", "social"), "low", (3, 10), (0, 150)),
    ("Badminton for seniorer", ("strength", "social"), "high", (6, 16), (100, 250)),
)
GENDERED = (
    ("Mænd i bevægelse", ("strength", "social"), "moderate", "men"),
    ("Kvindesvømning", ("swimming",), "low", "women"),
    ("Kvindegymnastik", ("strength", "social"), "low", "women"),
    ("Mandekor", ("choir", "social"), "low", "men"),
)
ASSOCIATION_PROVIDERS = (
    "DGI Fyn",
    "Ældre Sagen",
    "Lokal idrætsforening",
    "Dansk Firmaidræt",
    "Hjerteforeningen",
    "Aftenskolen",
    "Boligsocialt projekt",
)
STREETS = (
    "Skolevej",
    "Kirkevej",
    "Stationsvej",
    "Parkvej",
    "Søndergade",
    "Idrætsvej",
    "Rugårdsvej",
    "Munkebjergvej",
    "Hjallesevej",
)
LANGUAGES = ("da", "en", "ar", "tr", "so", "ur", "pl", "fa")
OTHER_LANGUAGE_WEIGHTS = np.array([0.20, 0.22, 0.16, 0.12, 0.10, 0.10, 0.10])
TAGS = (
    "walking",
    "strength",
    "dance",
    "choir",
    "swimming",
    "social",
    "cooking",
    "gardening",
    "yoga",
    "cycling",
)
DIAG = ("heart", "copd", "diabetes", "cancer", "musculoskeletal", "mental")
DIAG_WEIGHTS = np.array([0.42, 0.18, 0.14, 0.14, 0.08, 0.04])


@dataclass(frozen=True)
class _Area:
    centres_xy: np.ndarray
    population: np.ndarray
    districts: gpd.GeoDataFrame
    bounds: tuple[float, float, float, float]


def _area() -> _Area:
    lonlat = np.array([(d[1], d[2]) for d in DISTRICTS])
    xy = gpd.GeoSeries(gpd.points_from_xy(lonlat[:, 0], lonlat[:, 1]), crs="EPSG:4326").to_crs(CRS)
    centres = np.column_stack([xy.x, xy.y])
    cx, cy = (
        gpd.GeoSeries(gpd.points_from_xy([CENTRE_LONLAT[0]], [CENTRE_LONLAT[1]]), crs="EPSG:4326")
        .to_crs(CRS)
        .iloc[0]
        .coords[0]
    )
    box = shapely.box(cx - HALF_SIDE_M, cy - HALF_SIDE_M, cx + HALF_SIDE_M, cy + HALF_SIDE_M)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(centres), extend_to=box)
    polygons = []
    for centre in centres:
        cell = next(c for c in cells.geoms if c.contains(shapely.Point(centre)))
        polygons.append(cell.intersection(box))
    districts = gpd.GeoDataFrame(
        {
            "district_id": [f"D{i + 1:02d}" for i in range(len(DISTRICTS))],
            "name": [d[0] for d in DISTRICTS],
        },
        geometry=polygons,
        crs=CRS,
    )
    population = np.array([d[3] for d in DISTRICTS], dtype=float)
    return _Area(centres, population / population.sum(), districts, box.bounds)


def _scatter(rng: np.random.Generator, area: _Area, n: int, spread_m: float) -> np.ndarray:
    """n points near district centres, weighted by population, inside the area."""
    which = rng.choice(len(area.centres_xy), size=n, p=area.population)
    xy = area.centres_xy[which] + rng.normal(0.0, spread_m, size=(n, 2))
    west, south, east, north = area.bounds
    xy[:, 0] = np.clip(xy[:, 0], west + 50, east - 50)
    xy[:, 1] = np.clip(xy[:, 1], south + 50, north - 50)
    return xy


def _lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    geo = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS).to_crs("EPSG:4326")
    return np.round(geo.x.to_numpy(), 6), np.round(geo.y.to_numpy(), 6)


def _tuples(values: list[tuple[str, ...]]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _clock(minutes: np.ndarray) -> list[str]:
    return [f"{m // 60:02d}:{m % 60:02d}" for m in np.asarray(minutes).tolist()]


def _pick(rng: np.random.Generator, options: Sequence[T]) -> T:
    """One of ``options``, uniformly: the very draw ``rng.choice(options)`` makes
    (``integers(0, len(options))``), without turning the list into an array first."""
    return options[int(rng.integers(0, len(options), dtype=np.int64))]


def _offers(rng: np.random.Generator, area: _Area, n: int) -> pd.DataFrame:
    n_exit = max(1, round(n * 0.08))
    n_network = max(1, round(n * 0.14))
    n_home = max(1, round(n * 0.05))
    n_assoc = max(1, n - n_exit - n_network - n_home)
    kinds = ["exit_team"] * n_exit + ["network_group"] * n_network + ["association"] * n_assoc
    kinds += ["home_visit"] * n_home
    n = len(kinds)
    xy = _scatter(rng, area, n, 1200.0)
    lon, lat = _lonlat(xy)
    district_names = [d[0] for d in DISTRICTS]
    offsets = xy[:, None, :] - area.centres_xy[None, :, :]
    nearest = np.argmin(np.hypot(offsets[..., 0], offsets[..., 1]), axis=1)
    rows = []
    for i, kind in enumerate(kinds):
        place = district_names[nearest[i]]
        lang: tuple[str, ...] = ("da",)
        gender = "any"
        tags: tuple[str, ...] = ("social",)
        diagnoses: tuple[str, ...] = ("all",)
        if kind == "exit_team":
            if rng.random() >= 0.5:  # half are for anyone, half for one or two diagnoses
                two = rng.choice(DIAG[:4], size=2, p=DIAG_WEIGHTS[:4] / DIAG_WEIGHTS[:4].sum())
                diagnoses = tuple(sorted(set(two)))
            name = f"Udslusningshold {place}"
            provider = "Odense Kommune, Sundhedscenter"
            group, intensity, supervised = int(rng.integers(6, 13)), "moderate", True
            fee, tags = 0.0, ("strength", "walking", "social")
            if rng.random() < 0.2:
                lang = ("da", str(_pick(rng, ["ar", "tr", "so"])))
        elif kind == "network_group":
            theme = _pick(rng, ["Hjertecafé", "Netværksgruppe", "Lungecafé", "Kræftnetværk"])
            diagnoses = {
                "Hjertecafé": ("heart",),
                "Lungecafé": ("copd",),
                "Kræftnetværk": ("cancer",),
            }.get(str(theme), ("all",))
            name = f"{theme} {place}"
            provider = str(
                _pick(rng, ["Hjerteforeningen", "Frivilligcenter Odense", "Odense Kommune"])
            )
            group, intensity = int(rng.integers(4, 13)), "low"
            supervised = bool(rng.random() < 0.3)
            fee, tags = float(_pick(rng, [0, 0, 25, 50])), ("social", "walking")
            if rng.random() < 0.15:
                lang = (str(_pick(rng, ["ar", "tr", "so", "ur", "fa"])), "da")
        elif kind == "home_visit":
            name = f"Hjemmetræning {place}"
            provider = "Odense Kommune, Hjemmetræning"
            group, intensity, supervised, fee = 1, "low", True, 0.0
            tags = ("strength", "walking")
            lang = ("da", "en")
        else:
            if rng.random() < 0.12:
                base, tags, intensity, gender = GENDERED[int(rng.integers(len(GENDERED)))]
                group, fee = int(rng.integers(6, 16)), float(rng.integers(0, 20) * 10)
            else:
                base, tags, intensity, (g_lo, g_hi), (f_lo, f_hi) = ACTIVITIES[
                    int(rng.integers(len(ACTIVITIES)))
                ]
                group = int(rng.integers(g_lo, g_hi + 1))
                fee = float(rng.integers(f_lo // 10, f_hi // 10 + 1) * 10)
            name = f"{base} {place}"
            provider = _pick(rng, ASSOCIATION_PROVIDERS)
            supervised = bool(rng.random() < 0.15)
            if rng.random() < 0.12:
                lang = (str(rng.choice(LANGUAGES[1:], p=OTHER_LANGUAGE_WEIGHTS)),) + (
                    ("da",) if rng.random() < 0.6 else ()
                )
        street = _pick(rng, STREETS)
        postcode = 5000 + 10 * int(rng.integers(0, 27))
        rows.append(
            {
                "offer_id": f"O{i + 1:05d}",
                "name": name,
                "kind": kind,
                "provider": provider,
                "lat": lat[i],
                "lon": lon[i],
                "diagnoses": diagnoses,
                "languages": lang,
                "gender": gender,
                "group_size": group,
                "intensity": intensity,
                "supervised": supervised,
                "fee_dkk_month": fee,
                "tags": tuple(tags),
                "address": f"{street} {int(rng.integers(1, 120))}, {postcode} Odense",
                "phone": f"6{int(rng.integers(1000000, 9999999)):07d}",
                "description": "",
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("diagnoses", "languages", "tags"):
        frame[column] = _tuples(list(frame[column]))
    return frame


def _sessions(rng: np.random.Generator, offers: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for offer_id, kind in zip(offers["offer_id"], offers["kind"], strict=True):
        if kind == "exit_team":
            day = int(rng.integers(0, 5))
            start = int(_pick(rng, [9 * 60, 10 * 60, 13 * 60, 17 * 60]))
            every = int(rng.integers(3, 7))
            first = DEMO_START + np.timedelta64(int(rng.integers(0, every * 7)), "D")
            for cohort in range(3):  # three coming cohorts
                date = first + np.timedelta64(cohort * every * 7, "D")
                date = date + np.timedelta64((day - (date.astype(int) + 3) % 7) % 7, "D")
                rows.append((offer_id, day, start, start + 90, int(rng.integers(6, 13)), date, 8))
        elif kind == "home_visit":  # visit slots: one row per weekday and time
            for day in range(5):
                for start in (9 * 60, 10 * 60 + 30, 12 * 60 + 30, 14 * 60):
                    rows.append(
                        (offer_id, day, start, start + 60, int(rng.integers(1, 3)), DEMO_START, 6)
                    )
        else:
            count = 1 if rng.random() < 0.6 else 2
            for day in rng.choice(7 if kind == "association" else 5, size=count, replace=False):
                evening = rng.random() < (0.4 if kind == "association" else 0.25)
                start = int(
                    _pick(rng, [17, 18, 19]) * 60
                    if evening
                    else _pick(rng, [9, 10, 11, 13, 14]) * 60
                )
                start += int(_pick(rng, [0, 30]))
                length = int(_pick(rng, [60, 90, 120]))
                cap = int(rng.integers(1, 7) if kind == "association" else rng.integers(2, 6))
                rows.append(
                    (
                        offer_id,
                        int(day),
                        start,
                        start + length,
                        cap,
                        DEMO_START - np.timedelta64(int(rng.integers(0, 60)), "D"),
                        0,
                    )
                )
    frame = pd.DataFrame(
        rows, columns=["offer_id", "day", "start_min", "end_min", "capacity", "first_date", "weeks"]
    )
    frame.insert(0, "session_id", [f"S{i + 1:05d}" for i in range(len(frame))])
    frame.insert(2, "weekday", [WEEKDAYS[d] for d in frame["day"]])
    frame.insert(3, "start", _clock(frame["start_min"].to_numpy()))
    frame.insert(4, "end", _clock(frame["end_min"].to_numpy()))
    frame["first_date"] = pd.to_datetime(frame["first_date"])
    return frame


def _pick_lists(
    rng: np.random.Generator, n: int, options: tuple[str, ...], weights: np.ndarray, extra_p: float
) -> list[tuple[str, ...]]:
    first = rng.choice(len(options), size=n, p=weights / weights.sum())
    second = rng.choice(len(options), size=n, p=weights / weights.sum())
    add = rng.random(n) < extra_p
    return [
        tuple(sorted({options[a], options[b]})) if c else (options[a],)
        for a, b, c in zip(first, second, add, strict=True)
    ]


_EVENINGS = (*(Window(d, 16 * 60, 21 * 60) for d in range(5)), Window(5, 9 * 60, 17 * 60))
_NO_EARLY = tuple(Window(d, 10 * 60, 17 * 60) for d in range(7))
_WEEKDAY_DAYTIME = tuple(Window(d, 8 * 60, 16 * 60) for d in range(5))
_ONE_DAY = tuple((Window(d, 9 * 60, 18 * 60),) for d in range(5))


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
    return _tuples([patterns[i] for i in inverse.reshape(-1)])


def _patients(rng: np.random.Generator, area: _Area, n: int, offers: pd.DataFrame) -> pd.DataFrame:
    xy = _scatter(rng, area, n, 1500.0)
    lon, lat = _lonlat(xy)
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
            "diagnoses": _tuples(_pick_lists(rng, n, DIAG, DIAG_WEIGHTS, 0.25)),
            "gender": gender,
            "gender_pref": np.where(rng.random(n) < 0.03, "same", "any"),
            "modes": modes,
            "max_travel_min": rng.choice([15, 20, 30, 45], size=n, p=[0.2, 0.35, 0.3, 0.15]),
            "available": _tuples(_availability(rng, n, working)),  # type: ignore[arg-type]
            "group_tolerance": tolerance,
            "budget_dkk_month": budget.astype(float),
            "languages": _tuples(languages),
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


def _staff(rng: np.random.Generator, offers: pd.DataFrame) -> pd.DataFrame:
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
    frame["shift_start"] = _clock(frame["shift_start_min"].to_numpy())
    frame["shift_end"] = _clock(frame["shift_end_min"].to_numpy())
    return frame


def _candidates(rng: np.random.Generator, area: _Area, count: int) -> pd.DataFrame:
    which = rng.choice(len(DISTRICTS), size=count, replace=count > len(DISTRICTS))
    xy = area.centres_xy[which] + rng.normal(0, 300, size=(count, 2))
    lon, lat = _lonlat(xy)
    day = rng.integers(0, 5, size=count)
    start = np.where(
        rng.random(count) < 0.35, 17 * 60, rng.choice([9 * 60, 10 * 60, 13 * 60], size=count)
    )
    first = (
        DEMO_START
        + np.timedelta64(14, "D")
        + ((day - (DEMO_START + 14).astype(int) - 3) % 7).astype("timedelta64[D]")
    )
    frame = pd.DataFrame(
        {
            "candidate_id": [f"C{i + 1:03d}" for i in range(count)],
            "name": [f"Nyt udslusningshold {DISTRICTS[w][0]}" for w in which],
            "lat": lat,
            "lon": lon,
            "weekday": [WEEKDAYS[d] for d in day],
            "start": _clock(start),
            "end": _clock(start + 90),
            "start_min": start,
            "end_min": start + 90,
            "day": day,
            "size": rng.integers(8, 13, size=count),
            "cohort_every_weeks": rng.choice([4, 6, 8], size=count),
            "first_date": pd.to_datetime(first),
            "staff_hours_week": rng.choice([4.0, 6.0, 8.0], size=count),
            "diagnoses": _tuples([("all",)] * count),
            "languages": _tuples([("da",)] * count),
            "gender": "any",
            "intensity": "moderate",
            "supervised": True,
        }
    )
    return frame


def _age_bands(rng: np.random.Generator, patients: pd.DataFrame) -> np.ndarray:
    """Age bands: people at work are of working age; most others are retired."""
    working = np.array([windows == _EVENINGS for windows in patients["available"]], dtype=bool)
    young = rng.random(len(patients))
    older = rng.choice(["40-64", "65-79", "80+"], size=len(patients), p=[0.2, 0.55, 0.25])
    return np.where(working, np.where(young < 0.25, "18-39", "40-64"), older)


def make_demo(patients: int = 400, offers: int = 120, seed: int = 0) -> Dataset:
    """The demo municipality as a ``Dataset`` (nothing is written)."""
    if patients < 0 or offers < 4:
        raise ValueError(
            "the demo needs at least 4 offers (one of each kind) and 0 or more patients"
        )
    rng = np.random.default_rng(seed)
    area = _area()
    offer_table = _offers(rng, area, offers)
    session_table = _sessions(rng, offer_table)
    patient_table = _patients(rng, area, patients, offer_table)
    # drawn from their own stream, so adding them left every other figure unchanged
    patient_table.insert(
        patient_table.columns.get_loc("gender_pref") + 1,
        "age_band",
        _age_bands(np.random.default_rng([seed, 1]), patient_table),
    )
    staff = _staff(rng, offer_table)
    candidates = _candidates(rng, area, max(4, min(40, offers // 10)))
    return Dataset(
        offers=points(offer_table),
        sessions=session_table,
        patients=points(patient_table),
        districts=area.districts,
        staff=staff,
        candidates=points(candidates),
        source=None,
    )


def write_demo(out: str | Path, patients: int = 400, offers: int = 120, seed: int = 0) -> Path:
    """Generate the demo municipality and write it to ``out`` as UTF-8 CSV."""
    return save_dataset(make_demo(patients, offers, seed), out)


def default_data_dir() -> Path:
    """The embedded demo dataset: ``data/activities`` of a source checkout, or
    the copy installed with the package."""
    here = Path(__file__).resolve().parents[2] / "data" / "activities"
    if (here / "offers.csv").exists():
        return here
    from importlib import resources

    return Path(str(resources.files("matcher").joinpath("demo_data")))
