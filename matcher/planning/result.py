"""The result of a batch plan: assignments, solver figures and a summary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..domain import KINDS
from ..match.transport import mode_names
from ..optimize.problem import relative_gap

__all__ = [
    "PLAN_COLUMNS",
    "Baseline",
    "Placements",
    "Plan",
    "csv_frame",
    "plan_rows",
    "plan_status",
    "travel_mode_names",
]

#: Columns of PLAN.csv, in order (the contract).
PLAN_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "status",
    "offer_id",
    "session_id",
    "kind",
    "start_date",
    "wait_days",
    "travel_min",
    "travel_mode",
    "fee_dkk_month",
    "cost",
    "reason",
)


def travel_mode_names(mode: np.ndarray) -> np.ndarray:
    """PLAN.csv's ``travel_mode`` for mode indices into ``MODES`` (-1: the staff's drive;
    ``online`` for an online offer)."""
    return mode_names(mode)


def plan_status(placed: np.ndarray, escalate: np.ndarray) -> np.ndarray:
    """PLAN.csv's ``status``: placed, else escalated (to a person) or unplaced."""
    return np.where(placed, "placed", np.where(escalate, "escalated", "unplaced"))


@dataclass(frozen=True)
class Placements:
    """Where the placed patients go, one entry per placed patient, in patient order.

    ``start`` is the date of the first attendance (``datetime64``), ``travel_min``
    the one-way minutes and ``cost`` the points of the pair (NaN when unknown, as for
    a booked place); ``travel_mode`` is already in words (``travel_mode_names``).
    """

    offer_id: np.ndarray
    session_id: np.ndarray
    kind: np.ndarray
    start: np.ndarray
    wait_days: np.ndarray
    travel_min: np.ndarray
    travel_mode: np.ndarray
    fee_dkk_month: np.ndarray
    cost: np.ndarray


def plan_rows(
    patient_ids: np.ndarray,
    status: np.ndarray,
    reason: np.ndarray,
    placed: np.ndarray,
    where: Placements,
) -> pd.DataFrame:
    """PLAN.csv's rows, one per patient: ``placed`` marks the patients ``where``
    describes; everyone else has empty cells but ``status`` and ``reason``. Travel is
    shown to 0.1 minute and cost to 0.01 point."""
    n = len(patient_ids)

    def fill(values: Any, empty: Any, dtype: Any = object) -> np.ndarray:
        out = np.full(n, empty, dtype=dtype)
        out[placed] = values
        return out

    frame = pd.DataFrame(
        {
            "patient_id": patient_ids,
            "status": status,
            "offer_id": fill(where.offer_id, ""),
            "session_id": fill(where.session_id, ""),
            "kind": fill(where.kind, ""),
            "start_date": fill(
                np.asarray(where.start).astype("datetime64[ns]"),
                np.datetime64("NaT"),
                "datetime64[ns]",
            ),
            "wait_days": pd.array(fill(where.wait_days, None), dtype="Int64"),
            "travel_min": fill(np.round(where.travel_min.astype(float), 1), np.nan, float),
            "travel_mode": fill(where.travel_mode, ""),
            "fee_dkk_month": fill(where.fee_dkk_month, np.nan, float),
            "cost": fill(np.round(where.cost, 2), np.nan, float),
            "reason": reason,
        }
    )
    return frame[list(PLAN_COLUMNS)]


def csv_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """PLAN rows as they are written: dates as ``YYYY-MM-DD``, none as empty."""
    frame = rows.copy()
    frame["start_date"] = pd.to_datetime(frame["start_date"]).dt.strftime("%Y-%m-%d").fillna("")
    return frame


@dataclass(frozen=True)
class Baseline:
    """What the manual rule (nearest suitable place, in order of discharge) gives."""

    placed: int
    priority_placed: int
    total_travel_min: float
    objective: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "placed": self.placed,
            "priority_placed": self.priority_placed,
            "total_travel_min": round(self.total_travel_min, 1),
            "objective": round(self.objective, 2),
        }


@dataclass(frozen=True)
class Plan:
    """A batch plan.

    ``assignments`` is PLAN.csv as a DataFrame, one row per patient.
    ``objective`` and ``bound`` are in cost points, where each unplaced
    patient counts as ``priority * reward_points`` (and each team-mate placed in
    their cohort's shared session as ``together_bonus`` points less); ``gap`` is
    relative. ``transport`` has one row per placed patient of the plan (not of a
    booked place) with ``matcher.match.transport.TRIP_COLUMNS``: the travel mode,
    what the way there and back costs the patient a month, and ``ride_task``
    where a ride must be booked for a patient with transport help.
    """

    assignments: pd.DataFrame
    status: str
    objective: float
    bound: float
    seconds: float
    solver: str
    priority_placed: int
    priority_total: int
    reward_points: float
    baseline: Baseline | None = None
    notes: tuple[str, ...] = field(default=())
    rounds: int = 1
    pairs: int = 0
    transport: pd.DataFrame | None = None

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)

    @property
    def gap_points(self) -> float | None:
        """How far the objective may be above the optimum, in cost points (None: no bound)."""
        if self.bound == float("-inf"):
            return None
        return max(0.0, self.objective - self.bound)

    @property
    def placed(self) -> int:
        return int((self.assignments["status"] == "placed").sum())

    def table(self) -> pd.DataFrame:
        """PLAN.csv's rows as a DataFrame (``assignments``)."""
        return self.assignments

    def by_kind(self) -> dict[str, int]:
        counts = self.assignments.loc[self.assignments["status"] == "placed", "kind"].value_counts()
        return {kind: int(counts.get(kind, 0)) for kind in KINDS}

    def summary(self) -> dict[str, Any]:
        """PLAN.json: the contract's keys first, then details."""
        status_counts = self.assignments["status"].value_counts()
        placed = self.assignments[self.assignments["status"] == "placed"]
        gap = self.gap
        out: dict[str, Any] = {
            "status": self.status,
            "objective": round(self.objective, 2),
            "bound": None if self.bound == float("-inf") else round(self.bound, 2),
            "gap": None if gap == float("inf") else round(gap, 6),
            "seconds": round(self.seconds, 3),
            "patients": len(self.assignments),
            "placed": self.placed,
            "priority_placed": self.priority_placed,
            "by_kind": self.by_kind(),
            "gap_points": None if self.gap_points is None else round(self.gap_points, 2),
            "solver": self.solver,
            "priority_total": self.priority_total,
            "unplaced": int(status_counts.get("unplaced", 0)),
            "escalated": int(status_counts.get("escalated", 0)),
            "mean_wait_days": round(float(placed["wait_days"].mean()), 1) if len(placed) else None,
            "mean_travel_min": round(float(placed["travel_min"].mean()), 1)
            if len(placed)
            else None,
            "reward_points_per_priority": self.reward_points,
            "pricing_rounds": self.rounds,
            "pairs_considered": self.pairs,
        }
        if self.transport is not None:
            out["ride_tasks"] = int(self.transport["ride_task"].sum())
        if self.baseline is not None:
            out["baseline_greedy"] = self.baseline.as_dict()
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def write(self, path: str | Path) -> tuple[Path, Path]:
        """Write PLAN.csv at ``path`` and PLAN.json beside it: both are written
        in full to temporary files first and only then put in place, so a
        failure leaves neither a half file nor a plan without its summary. Text
        that a spreadsheet would run as a formula gets a ``'`` in front
        (``matcher.csvsafe``); numbers stay numbers."""
        from ..dataset.export import atomic_path, csv_bytes

        csv_path = Path(path)
        json_path = csv_path.with_suffix(".json")
        data = csv_bytes(csv_frame(self.assignments), csv_path)
        summary = json.dumps(self.summary(), indent=2, ensure_ascii=False) + "\n"
        with atomic_path(json_path) as json_tmp, atomic_path(csv_path) as csv_tmp:
            json_tmp.write_text(summary, encoding="utf-8")
            csv_tmp.write_bytes(data)
        return csv_path, json_path
