"""What getting there costs a person each month, and who could ride together.

The fares are the documented defaults of ``[transport]`` in ``weights.toml``
(``Weights.transport``, a ``TransportCosts``): a bus trip pays by zones, a car
trip per km of road, a flextrafik trip per km with a smallest fare, and walking
and cycling are free. ``monthly_dkk`` turns the straight-line distance of a
trip into what a month of weekly sessions costs by one mode; ``chosen_dkk``
does it for the mode each pair travels by. A patient with ``transport_help``
pays nothing, and ``ride_task`` marks that someone must book that ride.

``ride_together`` reads a plan or the bookings and suggests who could share the
way to a session: neighbours of whom one drives, or who both go by flextrafik.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..domain import MODES
from ..geo import ModeSpeed
from .model import MatchModel
from .weights import TransportCosts

__all__ = [
    "ONLINE",
    "PAID_MODES",
    "RIDE_COLUMNS",
    "TRIP_COLUMNS",
    "chosen_dkk",
    "mode_names",
    "monthly_dkk",
    "ride_task",
    "ride_together",
    "trips",
]

#: The modes whose trips cost the patient money; walking and cycling are free.
PAID_MODES: tuple[str, ...] = ("bus", "car", "flextrafik")
_PAID_INDEX = np.array([MODES.index(m) for m in PAID_MODES])
#: Columns of ``ride_together``'s suggestions.
RIDE_COLUMNS: tuple[str, ...] = ("session_id", "patient_id", "partner_id", "how", "distance_km")
#: Columns of ``trips``: how each placed patient gets there and what it costs them.
TRIP_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "session_id",
    "travel_mode",
    "transport_dkk_month",
    "ride_task",
)


def monthly_dkk(
    costs: TransportCosts, speeds: Mapping[str, ModeSpeed], mode: str, distance_m: np.ndarray
) -> np.ndarray:
    """DKK a month of going to a weekly session by ``mode`` over ``distance_m`` (straight
    line, metres, any shape): a trip's fare times ``costs.trips_per_month``."""
    km = np.asarray(distance_m, dtype=np.float64) / 1000.0
    if mode == "bus":
        zones = np.floor(km / costs.bus_zone_km)
        fare = costs.bus_fare_2_zones + costs.bus_fare_extra_zone * zones
    elif mode == "car":
        fare = costs.car_dkk_per_km * km * speeds["car"].detour
    elif mode == "flextrafik":
        road = km * speeds["flextrafik"].detour
        fare = np.maximum(costs.flextrafik_min_dkk, costs.flextrafik_dkk_per_km * road)
    else:
        return np.zeros(km.shape)
    return np.asarray(fare * costs.trips_per_month, dtype=np.float64)


def chosen_dkk(
    costs: TransportCosts,
    speeds: Mapping[str, ModeSpeed],
    mode: np.ndarray,
    distance_m: np.ndarray,
    helped: np.ndarray,
) -> np.ndarray:
    """DKK a month for each trip by its ``mode`` (index into ``MODES``; negative: the
    staff's drive or no way there, free), 0 where ``helped`` (transport help); the
    arrays broadcast to one shape."""
    mode = np.asarray(mode)
    out = np.zeros(np.broadcast_shapes(mode.shape, np.shape(distance_m), np.shape(helped)))
    if not costs.charges:
        return out
    for k in _PAID_INDEX:
        at = np.broadcast_to(mode == k, out.shape)
        if at.any():
            dkk = np.broadcast_to(monthly_dkk(costs, speeds, MODES[k], distance_m), out.shape)
            np.copyto(out, dkk, where=at)
    return np.where(helped, 0.0, out)


def ride_task(mode: np.ndarray, helped: np.ndarray) -> np.ndarray:
    """True where a patient with transport help goes by a paid mode (bus, car or
    flextrafik): someone must book that ride (the flextrafik trip, the tickets or the
    mileage) for them."""
    return np.asarray(helped, bool) & np.isin(np.asarray(mode), _PAID_INDEX)


#: The mode index of an online offer: no trip at all (-1 is the staff's drive to a home).
ONLINE = -3


def mode_names(mode: np.ndarray) -> np.ndarray:
    """PLAN.csv's ``travel_mode`` for mode indices into ``MODES``: ``staff`` for the
    staff's drive (-1), ``online`` for an online offer (``ONLINE``), else empty."""
    names = np.array([*MODES, "staff", "online", ""], dtype=object)
    mode = np.asarray(mode, np.int64)
    at = np.where(mode == -1, len(MODES), np.where(mode == ONLINE, len(MODES) + 1, mode))
    return names[np.where((at < 0) | (at > len(MODES) + 1), len(MODES) + 2, at)]


def trips(m: MatchModel, p: np.ndarray, s: np.ndarray, mode: np.ndarray) -> pd.DataFrame:
    """One row per pair of patients ``p`` and sessions ``s`` travelling by ``mode``
    (index into ``MODES``, -1 the staff's drive), with ``TRIP_COLUMNS``: the month's
    transport in whole DKK (what the cost term counts) and whether a ride must be
    booked for a patient with transport help."""
    p, s, mode = (np.asarray(a, np.int64) for a in (p, s, mode))
    o = m.s_offer[s]
    a, b = m.p_xy[p], m.o_xy[o]
    distance = np.hypot(a[:, 0] - b[:, 0], a[:, 1] - b[:, 1])
    helped = m.p_transport_help[p]
    dkk = chosen_dkk(m.weights.transport, m.weights.travel, mode, distance, helped)
    return pd.DataFrame(
        {
            "patient_id": m.patient_ids[p].astype(str),
            "session_id": m.session_ids[s].astype(str),
            "travel_mode": mode_names(mode).astype(str),
            "transport_dkk_month": np.round(dkk, 0),
            "ride_task": ride_task(mode, helped),
        },
        columns=list(TRIP_COLUMNS),
    )


def ride_together(
    dataset: Dataset, frame: pd.DataFrame, *, within_km: float | None = None
) -> pd.DataFrame:
    """Who could share the way to a session: pairs of people booked into the same
    session whose homes are at most ``within_km`` apart (default: ``ride_together_km``
    of weights.toml) and of whom one has a car (``how`` = ``car``, ``patient_id`` the
    one with the car), or who both go by flextrafik (``how`` = ``flextrafik``).

    ``frame`` is a plan (``PLAN.csv`` rows: only ``placed`` rows count; a row's
    ``travel_mode`` says how that person goes) or the active bookings (``patient_id``,
    ``session_id``; then the modes of ``patients.csv`` say it). Returns one row per
    pair with ``RIDE_COLUMNS``, by session and distance; only pseudonyms, no homes.
    """
    if within_km is None:
        from .weights import Weights

        within_km = Weights.load().transport.ride_together_km
    rows = frame
    if "status" in rows.columns:
        rows = rows[rows["status"] == "placed"]
    patients = dataset.patients.set_index("patient_id")
    rows = rows[rows["patient_id"].isin(patients.index) & (rows["session_id"] != "")]
    found: list[tuple[str, str, str, str, float]] = []
    for session_id, group in rows.groupby("session_id", sort=True):
        ids = group["patient_id"].astype(str).to_numpy()
        if len(ids) < 2:
            continue
        people = patients.loc[ids]
        xy = people[["x", "y"]].to_numpy(dtype=float)
        has_car = np.array(["car" in m for m in people["modes"]], dtype=bool)
        if "travel_mode" in group.columns:
            flex = group["travel_mode"].astype(str).to_numpy() == "flextrafik"
        else:
            flex = np.array([tuple(m) == ("flextrafik",) for m in people["modes"]], dtype=bool)
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                km = float(np.hypot(*(xy[i] - xy[j]))) / 1000.0
                if km > within_km:
                    continue
                if has_car[i] or has_car[j]:
                    driver, partner = (i, j) if has_car[i] else (j, i)
                    found.append((str(session_id), ids[driver], ids[partner], "car", km))
                elif flex[i] and flex[j]:
                    found.append((str(session_id), ids[i], ids[j], "flextrafik", km))
    out = pd.DataFrame(found, columns=list(RIDE_COLUMNS))
    out["distance_km"] = out["distance_km"].astype(float).round(2)
    return out.sort_values(["session_id", "distance_km"], kind="stable").reset_index(drop=True)
