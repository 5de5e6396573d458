"""The demo's places: its districts around Odense, the offers and their sessions.

``demo_area`` lays 16 districts (Voronoi cells around real neighbourhood
centres, clipped to a 17 x 17 km square); ``demo_offers`` draws offers of all
four kinds with the variety of the field, ``demo_sessions`` their weekly
sessions and cohorts, and ``demo_candidates`` candidate exit teams for what-if
planning. The people who use them are drawn in ``demo_people``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..dates import on_or_after
from ..domain import WEEKDAYS
from .load import CRS

__all__ = [
    "CENTRE_LONLAT",
    "DEMO_START",
    "DIAG",
    "DIAG_WEIGHTS",
    "DISTRICTS",
    "LANGUAGES",
    "OTHER_LANGUAGE_WEIGHTS",
    "TAGS",
    "Area",
    "clock",
    "demo_area",
    "demo_candidates",
    "demo_offers",
    "demo_sessions",
    "lonlat",
    "pick",
    "scatter",
    "tuples",
]

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
class Area:
    """The demo area: district centres, population shares, district shapes, bounding box."""

    centres_xy: np.ndarray
    population: np.ndarray
    districts: gpd.GeoDataFrame
    bounds: tuple[float, float, float, float]


def demo_area() -> Area:
    """The 16 districts of the demo, in EPSG:25832, with their share of the population."""
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
    return Area(centres, population / population.sum(), districts, box.bounds)


def scatter(rng: np.random.Generator, area: Area, n: int, spread_m: float) -> np.ndarray:
    """n points near district centres, weighted by population, inside the area."""
    which = rng.choice(len(area.centres_xy), size=n, p=area.population)
    xy = area.centres_xy[which] + rng.normal(0.0, spread_m, size=(n, 2))
    west, south, east, north = area.bounds
    xy[:, 0] = np.clip(xy[:, 0], west + 50, east - 50)
    xy[:, 1] = np.clip(xy[:, 1], south + 50, north - 50)
    return xy


def lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (6 decimals) of points in EPSG:25832."""
    geo = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS).to_crs("EPSG:4326")
    return np.round(geo.x.to_numpy(), 6), np.round(geo.y.to_numpy(), 6)


def tuples(values: list[tuple[str, ...]]) -> np.ndarray:
    """An object array holding one tuple per row (numpy would make a 2-D array)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def clock(minutes: np.ndarray) -> list[str]:
    """Minutes after midnight as ``HH:MM``."""
    return [f"{m // 60:02d}:{m % 60:02d}" for m in np.asarray(minutes).tolist()]


def pick(rng: np.random.Generator, options: Sequence[T]) -> T:
    """One of ``options``, uniformly: the very draw ``rng.choice(options)`` makes
    (``integers(0, len(options))``), without turning the list into an array first."""
    return options[int(rng.integers(0, len(options), dtype=np.int64))]


def demo_offers(rng: np.random.Generator, area: Area, n: int) -> pd.DataFrame:
    """About ``n`` offers: 8 % exit teams, 14 % network groups, 5 % home visits, the rest
    association activities, each placed near a district centre."""
    n_exit = max(1, round(n * 0.08))
    n_network = max(1, round(n * 0.14))
    n_home = max(1, round(n * 0.05))
    n_assoc = max(1, n - n_exit - n_network - n_home)
    kinds = ["exit_team"] * n_exit + ["network_group"] * n_network + ["association"] * n_assoc
    kinds += ["home_visit"] * n_home
    n = len(kinds)
    xy = scatter(rng, area, n, 1200.0)
    lon, lat = lonlat(xy)
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
                lang = ("da", str(pick(rng, ["ar", "tr", "so"])))
        elif kind == "network_group":
            theme = pick(rng, ["Hjertecafé", "Netværksgruppe", "Lungecafé", "Kræftnetværk"])
            diagnoses = {
                "Hjertecafé": ("heart",),
                "Lungecafé": ("copd",),
                "Kræftnetværk": ("cancer",),
            }.get(str(theme), ("all",))
            name = f"{theme} {place}"
            provider = str(
                pick(rng, ["Hjerteforeningen", "Frivilligcenter Odense", "Odense Kommune"])
            )
            group, intensity = int(rng.integers(4, 13)), "low"
            supervised = bool(rng.random() < 0.3)
            fee, tags = float(pick(rng, [0, 0, 25, 50])), ("social", "walking")
            if rng.random() < 0.15:
                lang = (str(pick(rng, ["ar", "tr", "so", "ur", "fa"])), "da")
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
            provider = pick(rng, ASSOCIATION_PROVIDERS)
            supervised = bool(rng.random() < 0.15)
            if rng.random() < 0.12:
                lang = (str(rng.choice(LANGUAGES[1:], p=OTHER_LANGUAGE_WEIGHTS)),) + (
                    ("da",) if rng.random() < 0.6 else ()
                )
        street = pick(rng, STREETS)
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
        frame[column] = tuples(list(frame[column]))
    return frame


def demo_sessions(rng: np.random.Generator, offers: pd.DataFrame) -> pd.DataFrame:
    """The sessions of every offer: three cohorts of an exit team, visit slots of a
    home-visit service, one or two weekly meetings of the others."""
    rows = []
    for offer_id, kind in zip(offers["offer_id"], offers["kind"], strict=True):
        if kind == "exit_team":
            day = int(rng.integers(0, 5))
            start = int(pick(rng, [9 * 60, 10 * 60, 13 * 60, 17 * 60]))
            every = int(rng.integers(3, 7))
            first = DEMO_START + np.timedelta64(int(rng.integers(0, every * 7)), "D")
            for cohort in range(3):  # three coming cohorts
                date = first + np.timedelta64(cohort * every * 7, "D")
                days = int(on_or_after(date.astype(np.int64), day)) - int(date.astype(np.int64))
                date = date + np.timedelta64(days, "D")
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
                    pick(rng, [17, 18, 19]) * 60 if evening else pick(rng, [9, 10, 11, 13, 14]) * 60
                )
                start += int(pick(rng, [0, 30]))
                length = int(pick(rng, [60, 90, 120]))
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
    frame.insert(3, "start", clock(frame["start_min"].to_numpy()))
    frame.insert(4, "end", clock(frame["end_min"].to_numpy()))
    frame["first_date"] = pd.to_datetime(frame["first_date"])
    return frame


def demo_candidates(rng: np.random.Generator, area: Area, count: int) -> pd.DataFrame:
    """``count`` candidate exit teams near district centres, for what-if planning."""
    which = rng.choice(len(DISTRICTS), size=count, replace=count > len(DISTRICTS))
    xy = area.centres_xy[which] + rng.normal(0, 300, size=(count, 2))
    lon, lat = lonlat(xy)
    day = rng.integers(0, 5, size=count)
    start = np.where(
        rng.random(count) < 0.35, 17 * 60, rng.choice([9 * 60, 10 * 60, 13 * 60], size=count)
    )
    first = on_or_after((DEMO_START + 14).astype(np.int64), day).astype("datetime64[D]")
    frame = pd.DataFrame(
        {
            "candidate_id": [f"C{i + 1:03d}" for i in range(count)],
            "name": [f"Nyt udslusningshold {DISTRICTS[w][0]}" for w in which],
            "lat": lat,
            "lon": lon,
            "weekday": [WEEKDAYS[d] for d in day],
            "start": clock(start),
            "end": clock(start + 90),
            "start_min": start,
            "end_min": start + 90,
            "day": day,
            "size": rng.integers(8, 13, size=count),
            "cohort_every_weeks": rng.choice([4, 6, 8], size=count),
            "first_date": pd.to_datetime(first),
            "staff_hours_week": rng.choice([4.0, 6.0, 8.0], size=count),
            "diagnoses": tuples([("all",)] * count),
            "languages": tuples([("da",)] * count),
            "gender": "any",
            "intensity": "moderate",
            "supervised": True,
        }
    )
    return frame
