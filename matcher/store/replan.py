"""The batch plan around what is already booked.

A patient with an active booking keeps it: the plan shows them as placed in
their booked session (reason "already booked"), their place is not offered
to anyone else, and only the others are planned. Without a database (or an
empty one) this is exactly ``matcher.plan``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..domain import VULNERABILITY_FLAGS
from ..errors import InputError, Problem
from ..planning.result import PLAN_COLUMNS, Plan
from .bookings import active_bookings, apply_bookings
from .db import database_exists, open_store, resolve_db_url, sqlite_file

__all__ = ["BOOKED_REASON", "plan_around_bookings"]

BOOKED_REASON = "already booked"


def _booked_rows(dataset: Dataset, booked: pd.DataFrame) -> pd.DataFrame:
    """PLAN.csv rows for patients who hold a booking."""
    patients = dataset.patients.set_index("patient_id")
    offers = dataset.offers.set_index("offer_id")
    discharge = pd.to_datetime(patients.loc[booked["patient_id"], "discharge_date"]).to_numpy()
    start = pd.to_datetime(booked["start_date"]).to_numpy()
    kind = offers["kind"].reindex(booked["offer_id"]).fillna("").to_numpy()
    fee = offers["fee_dkk_month"].reindex(booked["offer_id"]).to_numpy(dtype=float)
    wait = ((start - discharge) / np.timedelta64(1, "D")).astype("int64")
    frame = pd.DataFrame(
        {
            "patient_id": booked["patient_id"].to_numpy(),
            "status": "placed",
            "offer_id": booked["offer_id"].to_numpy(),
            "session_id": booked["session_id"].to_numpy(),
            "kind": kind,
            "start_date": start,
            "wait_days": pd.array(wait, dtype="Int64"),
            "travel_min": np.nan,
            "travel_mode": "",
            "fee_dkk_month": fee,
            "cost": np.nan,
            "reason": [f"{BOOKED_REASON} (booking {b})" for b in booked["booking_id"]],
        }
    )
    return frame[list(PLAN_COLUMNS)]


def plan_around_bookings(dataset: Dataset, url: str | None = None, **options: Any) -> Plan:
    """``matcher.plan`` for everyone without an active booking in the
    database at ``url`` (``None``: ``$BROBYGGER_DB`` or the default file),
    with booked places taken off capacity and booked patients listed as placed.

    ``options`` go to ``matcher.plan``.
    """
    from ..planning.plan import plan

    resolved = resolve_db_url(url)
    path = sqlite_file(resolved)
    if url is not None and path is not None and not path.parent.is_dir():
        # a typing error in --db would silently plan over everyone's bookings
        raise InputError([Problem(str(path.parent), None, None, "folder does not exist")])
    if not database_exists(resolved):
        return plan(dataset, **options)
    with open_store(resolved) as store:
        booked = active_bookings(store)
    ids = dataset.patients["patient_id"]
    booked = booked[booked["patient_id"].isin(ids)].drop_duplicates("patient_id")
    reduced = apply_bookings(dataset, resolved)
    if booked.empty:
        return plan(reduced, **options)
    holding = ids.isin(booked["patient_id"]).to_numpy()
    others = reduced.replace(patients=reduced.patients[~holding].reset_index(drop=True))
    result = plan(others, **options)
    rows = _booked_rows(dataset, booked)
    order = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    assignments = pd.concat([result.assignments, rows], ignore_index=True)
    assignments = assignments.iloc[
        np.argsort(order[assignments["patient_id"]].to_numpy(), kind="stable")
    ]
    flags = dataset.patients.loc[holding, list(VULNERABILITY_FLAGS)].to_numpy(dtype=bool)
    priority = int((1 + flags.sum(axis=1)).sum())
    return dataclasses.replace(
        result,
        assignments=assignments.reset_index(drop=True),
        priority_placed=result.priority_placed + priority,
        priority_total=result.priority_total + priority,
        notes=(*result.notes, f"{len(rows)} patients already booked keep their place"),
    )
