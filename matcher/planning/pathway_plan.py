"""``plan_pathways``: each person's ladder of steps over the coming weeks, as a table.

``PATHWAYS.csv`` has one row per step (``step`` 1, 2, ...) and one row with an
empty ``step`` for a person who has none; ``pathways.json`` the figures: how
many reached a lasting step (a complete ladder), how many have a step, how
many none, waiting to the first step and between steps, and how far the solve
got (``status``, ``objective``, ``bound``, ``gap``). A step whose first meeting
needs company (``matcher.planning.company``) names its companion
(``companion_id``, a staff.csv pseudonym) and the minutes it takes them
(``companion_min``). PLAN.csv, ``plan`` and
``schedule`` are unchanged: a pathway is a plan of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..domain import KINDS
from ..errors import InputError
from ..match.weights import Weights
from ..words.problems import problem
from .company import assign_companions
from .horizon import Horizon, cut_horizon
from .ladders import LASTING, Ladders
from .pathway_solve import PathwaySolution, solve_pathways
from .pathways import PathwayOptions, build_options
from .result import travel_mode_names

__all__ = ["PATHWAY_COLUMNS", "PathwayPlan", "plan_pathways"]

#: The columns of PATHWAYS.csv.
PATHWAY_COLUMNS = (
    "patient_id",
    "step",
    "kind",
    "offer_id",
    "offer_name",
    "session_id",
    "start_date",
    "last_date",
    "gap_days",
    "wait_days",
    "travel_min",
    "travel_mode",
    "status",
    "companion_id",
    "companion_min",
)


@dataclass(frozen=True)
class PathwayPlan:
    """The steps of every person of the horizon (``table``, PATHWAYS.csv's rows) and
    the figures of the plan (``summary()``)."""

    table: pd.DataFrame
    horizon: Horizon
    solution: PathwaySolution
    one_step: bool
    options: int
    needs_company: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Counts of people by how far their ladder goes, waits, and the solve's status."""
        steps = self.table[self.table["step"].notna()]
        people = self.table["patient_id"].nunique()
        per_person = steps.groupby("patient_id")["step"].max()
        complete = steps[steps["kind"].isin(LASTING)]["patient_id"].nunique()
        first = steps[steps["step"] == 1]
        gaps = steps["gap_days"].dropna()
        return {
            "one_step": self.one_step,
            "start": str(self.horizon.start),
            "weeks": self.horizon.weeks,
            "patients": int(people),
            "complete": int(complete),
            "with_step": len(per_person),
            "none": int(people - len(per_person)),
            "steps": {str(n): int((per_person == n).sum()) for n in range(1, len(KINDS) + 1)},
            "by_kind": {k: int((steps["kind"] == k).sum()) for k in KINDS},
            "late": int((first["status"] == "late").sum()),
            "needs_company": self.needs_company,
            "accompanied": int((steps["companion_id"].fillna("") != "").sum()),
            "mean_wait_days": _mean(first["wait_days"]),
            "mean_gap_days": _mean(gaps),
            "status": self.solution.status,
            "objective": round(self.solution.objective, 1),
            "bound": round(self.solution.bound, 1),
            "gap": round(self.solution.gap, 6),
            "seconds": round(self.solution.seconds, 2),
            "options": self.options,
            "notes": list(self.notes),
        }

    def write(self, directory: str | Path) -> list[Path]:
        """Write PATHWAYS.csv and pathways.json into ``directory``, each whole or not at all."""
        from ..dataset.export import write_csv, write_text

        root = Path(directory)
        root.mkdir(parents=True, exist_ok=True)
        frame = self.table.copy()
        for column in ("step", "gap_days", "wait_days"):
            frame[column] = frame[column].astype("Int64")
        write_csv(frame, root / "PATHWAYS.csv")
        text = json.dumps(self.summary(), indent=2, ensure_ascii=False) + "\n"
        write_text(root / "pathways.json", text)
        return [root / "PATHWAYS.csv", root / "pathways.json"]


def _mean(values: pd.Series) -> float | None:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return round(float(values.mean()), 2) if len(values) else None


def plan_pathways(
    dataset: Dataset,
    *,
    weeks: int = 12,
    start: str | np.datetime64 | pd.Timestamp | None = None,
    guarantee_days: int = 28,
    cohort_join_weeks: int = 2,
    weights: Weights | None = None,
    ladders: Ladders | None = None,
    one_step: bool = False,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
) -> PathwayPlan:
    """Plan the pathways of the people discharged in the ``weeks`` weeks from ``start``
    (default: the earliest discharge date); see ``matcher.planning.pathways``.
    ``one_step`` plans one step each, today's way, for comparison."""
    if not 1 <= int(weeks) <= 104:
        raise InputError(
            [problem("--weeks", None, None, "must be 1 to 104, not {weeks}", weeks=weeks)]
        )
    w = weights or Weights.load()
    horizon, inside = cut_horizon(dataset.patients, weeks, start, guarantee_days, cohort_join_weeks)
    people = dataset.replace(patients=dataset.patients[inside].reset_index(drop=True))
    options = build_options(people, horizon, w, ladders or Ladders.load(), one_step=one_step)
    solution = solve_pathways(options, time_limit=time_limit, workers=workers, seed=seed)
    table = _table(options, solution, people)
    steps = table["step"].notna().to_numpy()
    company = assign_companions(people, table[steps], w)
    table["companion_id"] = pd.Series([""] * len(table), dtype=object)
    table["companion_min"] = np.nan
    table.loc[steps, "companion_id"] = company.staff_id
    table.loc[steps, "companion_min"] = [m if m else np.nan for m in company.minutes]
    return PathwayPlan(
        table=table,
        horizon=horizon,
        solution=solution,
        one_step=one_step,
        options=len(options),
        needs_company=company.needed,
    )


def _table(options: PathwayOptions, solution: PathwaySolution, people: Dataset) -> pd.DataFrame:
    """PATHWAYS.csv's rows: each person's steps in order, or one row without a step."""
    model = options.model
    chosen, before = solution.chosen, solution.before
    names = people.offers.set_index("offer_id")["name"]
    rows: list[dict[str, Any]] = []
    nxt = {int(before[j]): int(chosen[j]) for j in range(len(chosen)) if before[j] >= 0}
    firsts = [int(chosen[j]) for j in range(len(chosen)) if before[j] < 0]
    placed: set[int] = set()
    day = np.datetime64(0, "D")
    for i in sorted(firsts, key=lambda i: int(options.patient[i])):
        p = int(options.patient[i])
        placed.add(p)
        discharge = int(model.p_discharge[p])
        step, prev = 1, -1
        while True:
            s = int(options.session[i])
            offer = str(model.offer_ids[model.s_offer[s]])
            end = int(options.end[i])
            rows.append(
                {
                    "patient_id": str(model.patient_ids[p]),
                    "step": step,
                    "kind": KINDS[int(options.kind[i])],
                    "offer_id": offer,
                    "offer_name": str(names.get(offer, "")),
                    "session_id": str(model.session_ids[s]),
                    "start_date": str(day + int(options.start[i])),
                    "last_date": str(day + end) if end >= 0 else "",
                    "gap_days": int(options.start[i]) - int(options.end[prev])
                    if prev >= 0
                    else None,
                    "wait_days": int(options.start[i]) - discharge if step == 1 else None,
                    "travel_min": round(float(options.travel[i]), 1),
                    "travel_mode": str(travel_mode_names(np.array([options.mode[i]]))[0]),
                    "status": "follows" if step > 1 else ("late" if options.late[i] else "placed"),
                }
            )
            if i not in nxt:
                break
            prev, i, step = i, nxt[i], step + 1
    for p in range(model.n_patients):
        if p not in placed:
            rows.append(
                {
                    "patient_id": str(model.patient_ids[p]),
                    "status": "escalated" if model.p_escalate[p] else "unplaced",
                }
            )
    frame = pd.DataFrame(rows, columns=list(PATHWAY_COLUMNS))
    return frame.sort_values(["patient_id", "step"], na_position="last").reset_index(drop=True)
