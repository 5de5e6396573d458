"""A sweep: one plan per scenario of the weights, one Dask job each (``brobygger sweep``).

Each job plans the same dataset as ``brobygger plan`` does (``jobs.plan_for``,
without bookings) with its scenario's weights (``scenarios.prepare``), writes
OUT/<scenario>/PLAN.csv, PLAN.json and the weights.toml it ran with (so
``brobygger plan DATA --weights OUT/<scenario>/weights.toml`` gives the same
plan), and returns its figures for OUT/sweep.csv, one row per scenario:
``scenario, patients, placed, unplaced, vulnerable, vulnerable_placed,
mean_travel_min, cost, status, seconds``.

``vulnerable`` counts the most vulnerable patients (two or more vulnerability
flags, ``MOST_VULNERABLE``) and ``vulnerable_placed`` those of them placed
(escalated ones count as not placed, as in the equity table). Both are counts
of a group of people, so they are hidden (left empty) as the equity table hides
its groups: below 5, or when the rest (the others, the ones not placed) would
give a count below 5 back by subtraction (``municipality.equity``). The plan's
own counts stand as plan-many's summary shows them. ``cost`` is the plan's
total cost of the placed patients, in the points of the scenario's own weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .jobs import Figures, JobOptions, JobResult, Outcome, plan_for, run_work
from .scenarios import ScenarioWeights
from .summary import summary_frame

if TYPE_CHECKING:
    from distributed import Client

    from ..dataset.load import Dataset
    from ..planning.result import Plan

__all__ = [
    "MOST_VULNERABLE",
    "SWEEP",
    "SWEEP_FIGURES",
    "run_sweep",
    "sweep_figures",
    "sweep_frame",
    "sweep_job",
]

#: The table of a sweep, in OUT.
SWEEP = "sweep.csv"
#: The figures of each scenario, in the order of sweep.csv's columns.
SWEEP_FIGURES = (
    "patients",
    "placed",
    "unplaced",
    "vulnerable",
    "vulnerable_placed",
    "mean_travel_min",
    "cost",
)
#: The most vulnerable patients have at least this many vulnerability flags set.
MOST_VULNERABLE = 2


def _vulnerable(plan: Plan, dataset: Dataset) -> tuple[int | None, int | None]:
    """The most vulnerable patients and those of them placed, each None when hidden."""
    from ..domain import VULNERABILITY_FLAGS
    from ..municipality.equity import complementary, hidden_outcomes
    from ..municipality.suppression import MIN_COUNT

    patients = dataset.patients
    flags = patients[list(VULNERABILITY_FLAGS)].astype(bool).sum(axis=1).to_numpy()
    most = pd.Series(flags >= MOST_VULNERABLE, index=patients["patient_id"].to_numpy())
    status = plan.assignments.set_index("patient_id")["status"]
    placed = (status.reindex(most.index) == "placed").to_numpy()
    groups = np.array([most.sum(), (~most).sum()], dtype=np.int64)
    done = np.array([(placed & most).sum(), (placed & ~most).sum()], dtype=np.int64)
    hide_group = complementary(groups, groups < MIN_COUNT)
    hide_placed = hidden_outcomes(groups, done, hide_group)
    shown = None if hide_group[0] else int(groups[0])
    return shown, None if hide_placed[0] else int(done[0])


def sweep_figures(plan: Plan, dataset: Dataset) -> Figures:
    """A scenario's row of sweep.csv (``SWEEP_FIGURES``), group counts hidden."""
    summary = plan.summary()
    rows = plan.assignments
    cost = float(rows.loc[rows["status"] == "placed", "cost"].sum())
    vulnerable, vulnerable_placed = _vulnerable(plan, dataset)
    return (
        ("patients", int(summary["patients"])),
        ("placed", int(summary["placed"])),
        ("unplaced", int(summary["unplaced"])),
        ("vulnerable", vulnerable),
        ("vulnerable_placed", vulnerable_placed),
        ("mean_travel_min", summary["mean_travel_min"]),
        ("cost", round(cost, 2)),
    )


def _scenario(dataset: Dataset, target: Path, options: JobOptions) -> Outcome:
    from ..dataset.export import write_text

    result = plan_for(dataset, options)
    csv_path, json_path = result.write(target / "PLAN.csv")
    weights = target / "weights.toml"
    write_text(weights, options.weights_text or "")
    files = (str(csv_path), str(json_path), str(weights))
    return Outcome(sweep_figures(result, dataset), str(result.status), files)


def sweep_job(data: str, out: str, options: JobOptions, scenario: str) -> JobResult:
    """Plan the dataset in ``data`` with ``options`` (its ``weights_text`` the
    scenario's) and write PLAN.csv, PLAN.json and weights.toml into
    ``out``/``scenario``/; never raises (``jobs.run_work``)."""
    return run_work(_scenario, data, out, options, name=scenario)


def run_sweep(
    client: Client,
    data: Path,
    out: Path,
    options: JobOptions,
    scenarios: Sequence[ScenarioWeights],
    *,
    done: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """One ``sweep_job`` per scenario on ``client``'s workers, in the scenarios' order."""
    from .cluster import run_calls

    calls = [
        (s.name, (str(data), str(out), replace(options, weights_text=s.weights), s.name))
        for s in scenarios
    ]
    return run_calls(client, sweep_job, calls, done=done)


def sweep_frame(results: Sequence[JobResult]) -> pd.DataFrame:
    """sweep.csv: one row per scenario, in the order run."""
    return summary_frame(results, SWEEP_FIGURES, first="scenario")
