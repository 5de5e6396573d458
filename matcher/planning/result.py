"""The result of a batch plan: assignments, solver figures and a summary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..domain import KINDS

__all__ = ["PLAN_COLUMNS", "Baseline", "Plan"]

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
    patient counts as ``priority * reward_points``; ``gap`` is relative.
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

    @property
    def gap(self) -> float:
        if self.objective == 0 or self.bound == float("-inf"):
            return 0.0 if self.objective == self.bound else float("inf")
        return max(0.0, (self.objective - self.bound) / abs(self.objective))

    @property
    def gap_points(self) -> float | None:
        """How far the objective may be above the optimum, in cost points (None: no bound)."""
        if self.bound == float("-inf"):
            return None
        return max(0.0, self.objective - self.bound)

    @property
    def placed(self) -> int:
        return int((self.assignments["status"] == "placed").sum())

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
        from ..csvsafe import neutralise_frame
        from ..dataset.export import atomic_path

        csv_path = Path(path)
        json_path = csv_path.with_suffix(".json")
        frame = self.assignments.copy()
        frame["start_date"] = pd.to_datetime(frame["start_date"]).dt.strftime("%Y-%m-%d").fillna("")
        frame = neutralise_frame(frame)
        summary = json.dumps(self.summary(), indent=2, ensure_ascii=False) + "\n"
        with atomic_path(json_path) as json_tmp, atomic_path(csv_path) as csv_tmp:
            json_tmp.write_text(summary, encoding="utf-8")
            csv_tmp.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        return csv_path, json_path
